using System.Globalization;
using System.Text;
using KpiPipeline.Kpis;
using KpiPipeline.Kpis.Catalogue;

namespace KpiPipeline.Pipeline.Publishing.Scorecards;

/// <summary>How the scorecards write values, changes, targets and codes (invariant culture, the units of the catalogue).</summary>
public static class ScorecardFormat
{
    /// <summary>A published value as shown: <c>72.4%</c>, <c>1,234</c>, <c>12.5 days</c>, <c>+2.3</c>, <c>0.65</c>.</summary>
    public static string Value(KpiDefinition kpi, double value)
    {
        ArgumentNullException.ThrowIfNull(kpi);
        var (format, suffix) = ValueFormat(kpi);
        return value.ToString(format, CultureInfo.InvariantCulture) + suffix;
    }

    /// <summary>Appends <see cref="Value"/> of <paramref name="value"/> to <paramref name="text"/> (no string made on the way).</summary>
    public static StringBuilder AppendValue(StringBuilder text, KpiDefinition kpi, double value)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(kpi);
        var (format, suffix) = ValueFormat(kpi);
        return AppendFormatted(text, value, format).Append(suffix);
    }

    private static (string Format, string Suffix) ValueFormat(KpiDefinition kpi) => kpi.Unit switch
    {
        KpiUnit.Percent => ("0.0", "%"),
        KpiUnit.Count => (CountFormat, string.Empty),
        KpiUnit.Days => ("0.#", " days"),
        KpiUnit.Score => ("+0.0;-0.0;0.0", string.Empty),
        _ => (RatioFormat(kpi), string.Empty),
    };

    /// <summary>A ratio as many decimals as it is published with (CAP01 one, NSP04 two).</summary>
    private static string RatioFormat(KpiDefinition kpi) => Decimals(kpi) == 1 ? "0.0" : "0.00";

    /// <summary>The decimals a KPI's published value has (kpis.md section 0).</summary>
    public static int Decimals(KpiDefinition kpi)
    {
        ArgumentNullException.ThrowIfNull(kpi);
        return kpi.Unit switch
        {
            KpiUnit.Count => 0,
            KpiUnit.Ratio => kpi.RatioDecimals ?? 2,
            _ => 1,
        };
    }

    /// <summary>The size of a change between two published values, without sign: <c>2.1 points</c>, <c>12</c>, <c>1.5 days</c>.</summary>
    public static string ChangeSize(KpiDefinition kpi, double difference) => AppendChangeSize(new StringBuilder(), kpi, difference).ToString();

    /// <summary>Appends <see cref="ChangeSize"/> to <paramref name="text"/>.</summary>
    public static StringBuilder AppendChangeSize(StringBuilder text, KpiDefinition kpi, double difference)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(kpi);
        var (format, suffix) = kpi.Unit switch
        {
            KpiUnit.Percent => ("0.0", " points"),
            KpiUnit.Count => (CountFormat, string.Empty),
            KpiUnit.Days => ("0.#", " days"),
            KpiUnit.Score => ("0.0", string.Empty),
            _ => (RatioFormat(kpi), string.Empty),
        };
        return AppendFormatted(text, Math.Abs(difference), format).Append(suffix);
    }

    /// <summary>A count (numerator, denominator, n) as shown.</summary>
    public static string Count(long count) => count.ToString(WholeCountFormat, CultureInfo.InvariantCulture);

    /// <summary>Appends <see cref="Count"/> to <paramref name="text"/>.</summary>
    public static StringBuilder AppendCount(StringBuilder text, long count)
    {
        ArgumentNullException.ThrowIfNull(text);
        return AppendFormatted(text, count, WholeCountFormat);
    }

    /// <summary><c>2025-26-Q1</c> → <c>2025-26 Q1</c>.</summary>
    public static string Quarter(string period) => AppendQuarter(new StringBuilder(), period).ToString();

    /// <summary>Appends <see cref="Quarter"/> of <paramref name="period"/> to <paramref name="text"/>.</summary>
    public static StringBuilder AppendQuarter(StringBuilder text, string period)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(period);
        return period.Length > 3 && period[^3] == '-'
            ? text.Append(period.AsSpan(0, period.Length - 3)).Append(' ').Append(period.AsSpan(period.Length - 2))
            : text.Append(period);
    }

    private const string CountFormat = "#,##0";

    /// <summary>
    /// <see cref="CountFormat"/> for a whole number: the standard format writes the same text (invariant culture: groups of
    /// three with a comma, a leading minus) without parsing a custom format for each of the pages' hundreds of thousands of counts.
    /// </summary>
    private const string WholeCountFormat = "N0";

    /// <summary>A number formatted into the text directly; through a string only if it is too long for the stack buffer.</summary>
    private static StringBuilder AppendFormatted<T>(StringBuilder text, T value, string format)
        where T : ISpanFormattable
    {
        Span<char> digits = stackalloc char[64];
        return value.TryFormat(digits, out var written, format, CultureInfo.InvariantCulture)
            ? text.Append(digits[..written])
            : text.Append(value.ToString(format, CultureInfo.InvariantCulture));
    }

    public static string Date(DateOnly date) => date.ToString("d MMMM yyyy", CultureInfo.InvariantCulture);

    public static string Rating(string rag) => rag switch
    {
        KpiVocabulary.RagGreen => "Green",
        KpiVocabulary.RagAmber => "Amber",
        KpiVocabulary.RagRed => "Red",
        _ => "Not rated",
    };

    /// <summary>The shape beside a rating, so a rating never depends on colour alone.</summary>
    public static string Shape(string rag) => rag switch
    {
        KpiVocabulary.RagGreen => "●",
        KpiVocabulary.RagAmber => "▲",
        KpiVocabulary.RagRed => "■",
        _ => "○",
    };

    /// <summary><c>substance_group</c> → <c>substance group</c>, <c>age_band</c> → <c>age band</c>.</summary>
    public static string Dimension(string dimension) => dimension.Replace('_', ' ');

    /// <summary>
    /// A dimension value or nation as shown: <c>NON_OPIATE</c> → <c>Non-opiate</c>, <c>NOT_RECORDED</c> → <c>Not recorded</c>,
    /// <c>F</c> → <c>Female</c>, <c>60-PLUS</c> → <c>60 and over</c>, <c>NORTHERN_IRELAND</c> → <c>Northern Ireland</c>;
    /// anything else with its first letter capitalised and underscores as spaces.
    /// </summary>
    public static string DimensionValue(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (Shown.TryGetValue(value, out var shown))
        {
            return shown;
        }

        if (value.Length <= 1)
        {
            return value;
        }

        var words = value.Replace('_', ' ').ToLowerInvariant();
        return char.ToUpperInvariant(words[0]) + words[1..];
    }

    private static readonly Dictionary<string, string> Shown = new(StringComparer.Ordinal)
    {
        ["NON_OPIATE"] = "Non-opiate",
        ["M"] = "Male",
        ["F"] = "Female",
        ["X"] = "Other or not stated",
        ["60-PLUS"] = "60 and over",
        ["NORTHERN_IRELAND"] = "Northern Ireland",
    };

    public static string Polarity(KpiPolarity polarity) => polarity switch
    {
        KpiPolarity.HigherIsBetter => "higher is better",
        KpiPolarity.LowerIsBetter => "lower is better",
        _ => "no better direction",
    };
}
