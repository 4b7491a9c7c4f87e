using System.Globalization;

namespace KpiPipeline.Core.Validation;

/// <summary>Strict parsers for the dataset's value formats (dataset.md section 1). Values are never trimmed.</summary>
public static class FieldParsers
{
    /// <summary><c>YYYY-MM-DD</c> exactly, a real calendar date.</summary>
    public static bool TryParseDate(ReadOnlySpan<char> text, out DateOnly date)
    {
        date = default;
        if (!HasDateForm(text))
        {
            return false;
        }

        var year = Digits(text[..4]);
        var month = Digits(text.Slice(5, 2));
        var day = Digits(text.Slice(8, 2));
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return false;
        }

        date = new DateOnly(year, month, day);
        return true;
    }

    /// <summary>Four digits, a hyphen, two digits, a hyphen, two digits: the form of a date, whether or not the calendar has it.</summary>
    public static bool HasDateForm(ReadOnlySpan<char> text) =>
        text.Length == 10 && text[4] == '-' && text[7] == '-'
        && AllDigits(text[..4]) && AllDigits(text.Slice(5, 2)) && AllDigits(text.Slice(8, 2));

    /// <summary>
    /// A date as a spreadsheet shows it: day, month and year (or month, day, year) of 1–2, 1–2 and 2 or 4 digits, separated
    /// by <c>/</c>, <c>.</c> or <c>-</c> (<c>31/03/2025</c>, <c>3/31/25</c>, <c>31.03.2025</c>).
    /// </summary>
    public static bool HasSpreadsheetDateForm(ReadOnlySpan<char> text)
    {
        var first = text.IndexOfAny('/', '.', '-');
        if (first is not (1 or 2))
        {
            return false;
        }

        var rest = text[(first + 1)..];
        var second = rest.IndexOf(text[first]);
        if (second is not (1 or 2))
        {
            return false;
        }

        var year = rest[(second + 1)..];
        return year.Length is 2 or 4 && AllDigits(text[..first]) && AllDigits(rest[..second]) && AllDigits(year);
    }

    /// <summary><c>Y</c> or <c>N</c>, either case.</summary>
    public static bool TryParseYesNo(ReadOnlySpan<char> text, out bool value)
    {
        value = false;
        if (text.Length != 1)
        {
            return false;
        }

        switch (text[0])
        {
            case 'Y' or 'y':
                value = true;
                return true;
            case 'N' or 'n':
                return true;
            default:
                return false;
        }
    }

    /// <summary>Digits only (no sign, no spaces), between <paramref name="min"/> and <paramref name="max"/>.</summary>
    public static bool TryParseInt(ReadOnlySpan<char> text, int min, int max, out int value)
    {
        value = 0;
        if (text.IsEmpty)
        {
            return false;
        }

        // Leading zeros do not make a number larger: "0000000005" is 5. Nine digits or fewer cannot overflow, so they are
        // checked and added up in one pass.
        var significant = text.Length > 9 ? text.TrimStart('0') : text;
        if (significant.Length > 9)
        {
            return false;
        }

        var number = 0;
        foreach (var c in significant)
        {
            var digit = (uint)(c - '0');
            if (digit > 9)
            {
                return false;
            }

            number = (number * 10) + (int)digit;
        }

        value = number;
        return number >= min && number <= max;
    }

    /// <summary>A code of the list <typeparamref name="TEnum"/>, any case (never a number or a comma list).</summary>
    public static bool TryParseCode<TEnum>(ReadOnlySpan<char> text, out TEnum value)
        where TEnum : struct, Enum => CodeList<TEnum>.TryParse(text, out value);

    /// <summary>The codes of <typeparamref name="TEnum"/>, comma-separated, for messages.</summary>
    public static string CodesOf<TEnum>()
        where TEnum : struct, Enum => CodeList<TEnum>.Codes;

    /// <summary>Digits only, any size that fits a long (reference estimates).</summary>
    public static bool TryParseLong(ReadOnlySpan<char> text, out long value)
    {
        value = 0;
        return !text.IsEmpty && text.Length <= 18 && AllDigits(text)
            && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>Digits with an optional fraction (<c>12</c>, <c>12.5</c>); no sign, exponent or separators.</summary>
    public static bool TryParseUnsignedDecimal(ReadOnlySpan<char> text, out decimal value)
    {
        value = 0;
        var dot = text.IndexOf('.');
        var whole = dot < 0 ? text : text[..dot];
        var fraction = dot < 0 ? [] : text[(dot + 1)..];
        if (whole.IsEmpty || !AllDigits(whole) || (dot >= 0 && (fraction.IsEmpty || !AllDigits(fraction))))
        {
            return false;
        }

        // Leading zeros of the whole part and trailing zeros of the fraction change nothing; what is left must fit a decimal.
        var wholeDigits = whole.TrimStart('0').Length;
        var fractionDigits = fraction.TrimEnd('0').Length;
        if (wholeDigits > 15 || wholeDigits + fractionDigits > 28)
        {
            return false;
        }

        return decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>
    /// As <see cref="TryParseUnsignedDecimal(ReadOnlySpan{char}, out decimal)"/>, with at most <paramref name="maxDecimalPlaces"/>
    /// decimal places once trailing zeros are dropped (<c>12.50</c> and <c>12.500</c> have two and one; they are 12.5).
    /// </summary>
    public static bool TryParseUnsignedDecimal(ReadOnlySpan<char> text, int maxDecimalPlaces, out decimal value)
    {
        var dot = text.IndexOf('.');
        if (dot >= 0 && text[(dot + 1)..].TrimEnd('0').Length > maxDecimalPlaces)
        {
            value = 0;
            return false;
        }

        return TryParseUnsignedDecimal(text, out value);
    }

    /// <summary>An optional leading minus, then as <see cref="TryParseUnsignedDecimal(ReadOnlySpan{char}, out decimal)"/> (reference targets).</summary>
    public static bool TryParseDecimal(ReadOnlySpan<char> text, out decimal value)
    {
        if (!text.IsEmpty && text[0] == '-')
        {
            var ok = TryParseUnsignedDecimal(text[1..], out value);
            value = -value;
            return ok;
        }

        return TryParseUnsignedDecimal(text, out value);
    }

    /// <summary>1 to <paramref name="maxLength"/> characters of A-Z, a-z, 0-9, _ and -.</summary>
    public static bool IsIdentifier(ReadOnlySpan<char> text, int maxLength)
    {
        if (text.IsEmpty || text.Length > maxLength)
        {
            return false;
        }

        foreach (var c in text)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('_' or '-'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Number of Unicode scalar values (a surrogate pair counts once).</summary>
    public static int CharacterCount(ReadOnlySpan<char> text)
    {
        if (!text.ContainsAnyInRange('\uD800', '\uDFFF'))
        {
            // No surrogates (every registrant token in practice): one scalar value per char.
            return text.Length;
        }

        var count = 0;
        foreach (var _ in text.EnumerateRunes())
        {
            count++;
        }

        return count;
    }

    private static bool AllDigits(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    private static int Digits(ReadOnlySpan<char> text)
    {
        var value = 0;
        foreach (var c in text)
        {
            value = (value * 10) + (c - '0');
        }

        return value;
    }
}

/// <summary>
/// Case-insensitive lookup of one code list (an enum whose member names are the codes), span-based. Codes as the data
/// set writes them (upper case) are found by comparing with each name of the same length, which for lists of a few codes
/// is several times faster than hashing the text case-insensitively; any other spelling goes through the dictionary.
/// </summary>
internal static class CodeList<TEnum>
    where TEnum : struct, Enum
{
    private static readonly TEnum[] Values = Enum.GetValues<TEnum>();

    private static readonly string[] Names = [.. Values.Select(v => v.ToString())];

    private static readonly Dictionary<string, TEnum> ByName =
        Values.ToDictionary(v => v.ToString(), v => v, StringComparer.OrdinalIgnoreCase);

    private static readonly Dictionary<string, TEnum>.AlternateLookup<ReadOnlySpan<char>> Lookup =
        ByName.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>The codes, comma-separated, for messages.</summary>
    public static string Codes { get; } = string.Join(", ", Names);

    public static bool TryParse(ReadOnlySpan<char> text, out TEnum value)
    {
        var names = Names;
        for (var i = 0; i < names.Length; i++)
        {
            if (names[i].Length == text.Length && text.SequenceEqual(names[i]))
            {
                value = Values[i];
                return true;
            }
        }

        return Lookup.TryGetValue(text, out value);
    }
}
