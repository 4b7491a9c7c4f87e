namespace KpiPipeline.Core.Validation;

/// <summary>
/// Decides whether a text taken from an upload may appear in a report. Reports never carry a person's initials or date
/// of birth (dataset.md 1 and 2.2), and a file's header cannot be trusted to say where they are: a file sent without
/// its header row has its first data row read as the header, and a mislabelled header puts a date of birth under
/// another column's name. So any value that could be a date of birth or initials is withheld, whatever column it is in.
/// </summary>
public static class IdentifierGuard
{
    /// <summary>The first three letters of the months in English, and of those that differ in German and French.</summary>
    private static readonly string[] MonthNames =
    [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
        "mai", "mär", "okt", "dez", "fév", "avr", "aoû", "déc",
    ];

    /// <summary>
    /// True when <paramref name="value"/> could be initials or a date of birth: one or two letters and no digits (one
    /// initial or both, with any dots or spaces), or anything that reads as a date — a run of 6 to 8 digits that reads as
    /// a day, month and year in some order, or a year and a month, anywhere in a run of six or more digits
    /// (<c>19800517</c>, <c>170580</c>, <c>5171980</c>, <c>E19800517</c>, <c>JS1705801</c>, an NHS number that happens to
    /// hold one), or a run of four or five next to a letter that reads as a day, month and two-digit year (<c>JS17580</c>,
    /// <c>E1580</c>; a bare four- or five-digit number, a dose or a count, is shown), in any script's digits; three or more
    /// groups of digits (<c>1980-05-17</c>, <c>17/5/80</c>), two groups with a month name (<c>17 May 1980</c>, <c>17.Mai.80</c>)
    /// or a year and a month (<c>1980-05</c>, <c>5/80</c>), or one group of two digits or a year with a month name
    /// (<c>May 1980</c>, <c>May 80</c>). A run of digits no part of which any order makes a date
    /// (the numbers of episode ids such as <c>E0000001</c> or <c>12345678</c>) is shown: withholding every such run hid the
    /// episode a W02, W03 or E02 is about from the provider who has to find it.
    /// </summary>
    public static bool CouldBeIdentifier(ReadOnlySpan<char> value)
    {
        var letters = 0;
        var digits = 0;
        var groups = 0;
        var run = 0;
        var yearAndMonth = false;
        var yearAlone = false;
        var monthName = false;
        var previousGroup = 0;
        var separatorAfterPrevious = '\0';
        for (var i = 0; i <= value.Length; i++)
        {
            var c = i < value.Length ? value[i] : '\0';
            if (char.IsDigit(c))
            {
                digits++;
                run++;
                continue;
            }

            if (run > 0)
            {
                groups++;
                if ((run >= 6 && HoldsCompactDate(value.Slice(i - run, run)))
                    || (run is 4 or 5 && TouchesLetter(value, i - run, i) && CouldBeCompactDate(value.Slice(i - run, run))))
                {
                    return true;
                }

                if (groups == 2 && separatorAfterPrevious is '-' or '/' or ' '
                    && ((previousGroup == 4 && run <= 2) || (previousGroup <= 2 && run == 4)))
                {
                    yearAndMonth = true;
                }

                // A month and a two-digit year (5/80).
                if (groups == 2 && separatorAfterPrevious == '/' && previousGroup <= 2 && run == 2)
                {
                    yearAndMonth = true;
                }

                if (groups == 1 && (run == 2 || (run == 4 && IsYear(value.Slice(i - run, run)))))
                {
                    yearAlone = true;
                }

                previousGroup = run;
                separatorAfterPrevious = c;
                run = 0;
            }

            if (char.IsLetter(c))
            {
                if (letters == 0 || !char.IsLetter(value[i - 1]))
                {
                    monthName |= StartsWithMonthName(value[i..]);
                }

                letters++;
            }
        }

        return (digits == 0 && letters is 1 or 2)
            || groups >= 3
            || (groups == 2 && (monthName || yearAndMonth))
            || (groups == 1 && monthName && yearAlone);
    }

    /// <summary>Four digits that read as a year 1900–2099.</summary>
    private static bool IsYear(ReadOnlySpan<char> digits)
    {
        var year = 0;
        foreach (var c in digits)
        {
            year = (year * 10) + (int)char.GetNumericValue(c);
        }

        return year is >= 1900 and <= 2099;
    }

    /// <summary>Whether the characters just before or after <c>value[start..end]</c> include a letter (initials, an id's prefix).</summary>
    private static bool TouchesLetter(ReadOnlySpan<char> value, int start, int end) =>
        (start > 0 && char.IsLetter(value[start - 1])) || (end < value.Length && char.IsLetter(value[end]));

    /// <summary>Whether any 6 to 8 consecutive digits of <paramref name="run"/> read as a date (<see cref="CouldBeCompactDate"/>).</summary>
    private static bool HoldsCompactDate(ReadOnlySpan<char> run)
    {
        for (var length = 6; length <= Math.Min(8, run.Length); length++)
        {
            for (var start = 0; start + length <= run.Length; start++)
            {
                if (CouldBeCompactDate(run.Slice(start, length)))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>
    /// Whether 4 to 8 digits read as a date in any order a date of birth is written without separators: day, month and a
    /// year of two or four digits, in the order day-month-year, month-day-year, year-month-day or year-day-month, the day
    /// and month of one or two digits; or a four-digit year and a month, either way round. Months 1–12, a day the month has
    /// (31 June is no date of birth), four-digit years 1900–2099: generous, since a date shown in a report by mistake costs
    /// more than an id withheld by mistake.
    /// </summary>
    private static bool CouldBeCompactDate(ReadOnlySpan<char> digits)
    {
        var n = digits.Length;
        if (n == 6 && ((Year4(digits[..4]) && Month(digits[4..])) || (Month(digits[..2]) && Year4(digits[2..]))))
        {
            return true;
        }

        foreach (var yearLength in (ReadOnlySpan<int>)[2, 4])
        {
            var rest = n - yearLength;
            for (var first = 1; first <= 2; first++)
            {
                var second = rest - first;
                if (second is < 1 or > 2)
                {
                    continue;
                }

                // Year last, or year first; day and month either way round.
                if ((Year(digits[rest..]) && DayAndMonth(digits[rest..], digits[..first], digits[first..rest]))
                    || (Year(digits[..yearLength]) && DayAndMonth(digits[..yearLength], digits[yearLength..(yearLength + first)], digits[(yearLength + first)..])))
                {
                    return true;
                }
            }
        }

        return false;

        static int Number(ReadOnlySpan<char> d)
        {
            var v = 0;
            foreach (var c in d)
            {
                v = (v * 10) + (int)char.GetNumericValue(c);
            }

            return v;
        }

        // A day that month has in that year (a two-digit year as 20yy, whose leap years are the most: 29 February 00 is a date).
        static bool DayAndMonth(ReadOnlySpan<char> year, ReadOnlySpan<char> a, ReadOnlySpan<char> b) =>
            (Month(b) && Day(a, b, year)) || (Month(a) && Day(b, a, year));

        static bool Day(ReadOnlySpan<char> d, ReadOnlySpan<char> month, ReadOnlySpan<char> year) =>
            Number(d) >= 1 && Number(d) <= DateTime.DaysInMonth(year.Length == 2 ? 2000 + Number(year) : Number(year), Number(month));

        static bool Month(ReadOnlySpan<char> d) => Number(d) is >= 1 and <= 12;

        static bool Year4(ReadOnlySpan<char> d) => d.Length == 4 && Number(d) is >= 1900 and <= 2099;

        static bool Year(ReadOnlySpan<char> d) => d.Length == 2 || Year4(d);
    }

    /// <summary>
    /// True when a header field's text may be shown in a report as the name of an unknown column: it does not look like
    /// initials or a date, is made of letters, digits, <c>_</c>, <c>-</c> and spaces, and reads as a column name — it has
    /// an underscore (<c>nhs_number</c>) or is within two edits of a column the file defines (a typo such as
    /// <c>referal_date</c>). Anything else (a name, a code, a value of a data row) is withheld.
    /// </summary>
    public static bool CanShowAsColumnName(ReadOnlySpan<char> name, IEnumerable<string> allowedNames)
    {
        ArgumentNullException.ThrowIfNull(allowedNames);
        if (name.IsEmpty || CouldBeIdentifier(name))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('_' or '-' or ' '))
            {
                return false;
            }
        }

        if (name.Contains('_'))
        {
            return true;
        }

        var lower = name.ToString().ToLowerInvariant();
        return lower.Length >= 4 && allowedNames.Any(allowed => EditDistance(lower, allowed.ToLowerInvariant()) <= 2);
    }

    private static bool StartsWithMonthName(ReadOnlySpan<char> text)
    {
        if (text.Length < 3)
        {
            return false;
        }

        foreach (var month in MonthNames)
        {
            if (text[..3].Equals(month, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j], current[j - 1]) + 1);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
