namespace KpiPipeline.Core.Validation;

/// <summary>
/// Decides whether a text taken from an upload may appear in a report. Reports never carry a person's initials or date
/// of birth (dataset.md 1 and 2.2), and a file's header cannot be trusted to say where they are: a file sent without
/// its header row has its first data row read as the header, and a mislabelled header puts a date of birth under
/// another column's name. So any value that could be a date of birth or initials is withheld, whatever column it is in.
/// </summary>
public static class IdentifierGuard
{
    /// <summary>
    /// The first three letters of the months in English, and of those that differ in German and French (a month named in
    /// another language between a day and a year is caught by <see cref="TwoGroupsReadAsDate"/> all the same).
    /// </summary>
    private static readonly string[] MonthNames =
    [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
        "mai", "mär", "mrz", "mae", "okt", "dez", "fév", "fev", "avr", "jui", "aoû", "aou", "déc",
    ];

    /// <summary>
    /// True when <paramref name="value"/> could be initials or a date of birth: one or two letters and no digits (one
    /// initial or both, with any dots or spaces), or anything that reads as a date — a run of 6 to 8 digits that reads as
    /// a day, month and year in some order, or a year and a month, anywhere in a run of six or more digits
    /// (<c>19800517</c>, <c>170580</c>, <c>5171980</c>, <c>E19800517</c>, <c>JS1705801</c>, an NHS number that happens to
    /// hold one), or a run of four or five next to a letter that reads as a day, month and two-digit year (<c>JS17580</c>,
    /// <c>E1580</c>; a bare four- or five-digit number, a dose or a count, is shown), in any script's digits; three or more
    /// groups of digits (<c>1980-05-17</c>, <c>17/5/80</c>), two groups with a month name (<c>17 May 1980</c>, <c>17.Mai.80</c>)
    /// or that read as a year and a month, or a day and a year with a word between them (<see cref="TwoGroupsReadAsDate"/>),
    /// or one group of two digits or a year with a month name (<c>May 1980</c>, <c>May 80</c>). A run of digits no part of which any order makes a date
    /// (the numbers of episode ids such as <c>E0000001</c> or <c>12345678</c>) is shown: withholding every such run hid the
    /// episode a W02, W03 or E02 is about from the provider who has to find it.
    /// </summary>
    public static bool CouldBeIdentifier(ReadOnlySpan<char> value)
    {
        var letters = 0;
        var digits = 0;
        var groups = 0;
        var run = 0;
        var monthName = false;
        // The first two groups of digits, the character after the first, and whether letters stand between them.
        var first = default(Range);
        var second = default(Range);
        var separatorAfterFirst = '\0';
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

                if (groups == 1)
                {
                    first = (i - run)..i;
                    separatorAfterFirst = c;
                }
                else if (groups == 2)
                {
                    second = (i - run)..i;
                }

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
            || (groups == 2 && (monthName || TwoGroupsReadAsDate(value[first], value[second], separatorAfterFirst, HasLetter(value[first.End..second.Start]))))
            || (groups == 1 && monthName && (value[first].Length == 2 || IsYear4(value[first])));
    }

    /// <summary>
    /// Whether two groups of digits read as part of a date: a four-digit year and a month (<c>1980-05</c>, <c>05/1980</c>,
    /// <c>1980.05</c>), a month and a two-digit year (<c>5/80</c>, <c>5-80</c>), or a day and a year with a word between
    /// them, whatever language the month is named in (<c>17 juin 80</c>, <c>17.Mrz.1980</c>).
    /// </summary>
    private static bool TwoGroupsReadAsDate(ReadOnlySpan<char> a, ReadOnlySpan<char> b, char separator, bool lettersBetween)
    {
        if (lettersBetween)
        {
            return (IsDay(a) && IsYear(b)) || (IsYear(a) && IsDay(b));
        }

        return separator switch
        {
            '-' or '/' or ' ' when (a.Length == 4 && b.Length <= 2) || (a.Length <= 2 && b.Length == 4) => true,
            '.' => (IsYear4(a) && IsMonth(b)) || (IsMonth(a) && IsYear4(b)),
            '/' => a.Length <= 2 && b.Length == 2,
            '-' => IsMonth(a) && b.Length == 2,
            _ => false,
        };
    }

    private static bool HasLetter(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (char.IsLetter(c))
            {
                return true;
            }
        }

        return false;
    }

    private static int Number(ReadOnlySpan<char> digits)
    {
        var number = 0;
        foreach (var c in digits)
        {
            number = (number * 10) + (int)char.GetNumericValue(c);
        }

        return number;
    }

    private static bool IsDay(ReadOnlySpan<char> digits) => digits.Length <= 2 && Number(digits) is >= 1 and <= 31;

    private static bool IsMonth(ReadOnlySpan<char> digits) => digits.Length <= 2 && Number(digits) is >= 1 and <= 12;

    /// <summary>Four digits that read as a year 1900–2099.</summary>
    private static bool IsYear4(ReadOnlySpan<char> digits) => digits.Length == 4 && Number(digits) is >= 1900 and <= 2099;

    /// <summary>A two-digit year, or a four-digit one 1900–2099.</summary>
    private static bool IsYear(ReadOnlySpan<char> digits) => digits.Length == 2 || IsYear4(digits);

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
        if (n == 6 && ((IsYear4(digits[..4]) && IsMonth(digits[4..])) || (IsMonth(digits[..2]) && IsYear4(digits[2..]))))
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
                if ((IsYear(digits[rest..]) && DayAndMonth(digits[rest..], digits[..first], digits[first..rest]))
                    || (IsYear(digits[..yearLength]) && DayAndMonth(digits[..yearLength], digits[yearLength..(yearLength + first)], digits[(yearLength + first)..])))
                {
                    return true;
                }
            }
        }

        return false;

        // A day that month has in that year (a two-digit year as 20yy, whose leap years are the most: 29 February 00 is a date).
        static bool DayAndMonth(ReadOnlySpan<char> year, ReadOnlySpan<char> a, ReadOnlySpan<char> b) =>
            (IsMonth(b) && Day(a, b, year)) || (IsMonth(a) && Day(b, a, year));

        static bool Day(ReadOnlySpan<char> d, ReadOnlySpan<char> month, ReadOnlySpan<char> year) =>
            Number(d) >= 1 && Number(d) <= DateTime.DaysInMonth(year.Length == 2 ? 2000 + Number(year) : Number(year), Number(month));
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
