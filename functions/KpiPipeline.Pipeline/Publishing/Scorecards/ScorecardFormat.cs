using System.Collections.Concurrent;
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
        var (texts, suffix) = ValueFormat(kpi);
        return texts.Of(value) + suffix;
    }

    /// <summary>Appends <see cref="Value"/> of <paramref name="value"/> to <paramref name="text"/>.</summary>
    public static StringBuilder AppendValue(StringBuilder text, KpiDefinition kpi, double value)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(kpi);
        var (texts, suffix) = ValueFormat(kpi);
        return text.Append(texts.Of(value)).Append(suffix);
    }

    private static (FormattedDoubles Texts, string Suffix) ValueFormat(KpiDefinition kpi) => kpi.Unit switch
    {
        KpiUnit.Percent => (OneDecimal, "%"),
        KpiUnit.Count => (CountValue, string.Empty),
        KpiUnit.Days => (UpToOneDecimal, " days"),
        KpiUnit.Score => (SignedOneDecimal, string.Empty),
        _ => (RatioFormat(kpi), string.Empty),
    };

    /// <summary>A ratio as many decimals as it is published with (CAP01 one, NSP04 two).</summary>
    private static FormattedDoubles RatioFormat(KpiDefinition kpi) => Decimals(kpi) == 1 ? OneDecimal : TwoDecimals;

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
        var (texts, suffix) = kpi.Unit switch
        {
            KpiUnit.Percent => (OneDecimal, " points"),
            KpiUnit.Count => (CountValue, string.Empty),
            KpiUnit.Days => (UpToOneDecimal, " days"),
            KpiUnit.Score => (OneDecimal, string.Empty),
            _ => (RatioFormat(kpi), string.Empty),
        };
        return text.Append(texts.Of(Math.Abs(difference))).Append(suffix);
    }

    /// <summary>A count (numerator, denominator, n) as shown.</summary>
    public static string Count(long count) => WholeCount.Of(count);

    /// <summary>Appends <see cref="Count"/> to <paramref name="text"/>.</summary>
    public static StringBuilder AppendCount(StringBuilder text, long count)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Append(WholeCount.Of(count));
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

    private static readonly FormattedDoubles OneDecimal = new("0.0");
    private static readonly FormattedDoubles TwoDecimals = new("0.00");
    private static readonly FormattedDoubles UpToOneDecimal = new("0.#");
    private static readonly FormattedDoubles SignedOneDecimal = new("+0.0;-0.0;0.0");
    private static readonly FormattedDoubles CountValue = new("#,##0");

    /// <summary>
    /// <c>#,##0</c> for a whole number: the standard format writes the same text (invariant culture: groups of three with a
    /// comma, a leading minus) without parsing a custom format.
    /// </summary>
    private static readonly FormattedWholeNumbers WholeCount = new("N0");

    /// <summary>
    /// The text of each number in one format, kept once made: the pages of a fifth of national size write 1.7 million
    /// values, counts and changes but only some 15 thousand distinct ones, and every call otherwise parsed the format and
    /// generated the digits again (a third of the scorecards' time). Emptied after <see cref="MaxEntries"/> additions, so
    /// that a worker running for months does not keep every number it ever wrote. Thread-safe: pages are written in parallel.
    /// </summary>
    private abstract class FormattedNumbers(string format)
    {
        private const int MaxEntries = 1 << 16;
        private readonly ConcurrentDictionary<long, string> texts = new();
        private int added;

        /// <summary>The text of <paramref name="value"/>, kept under <paramref name="key"/>, which only it has.</summary>
        protected string TextOf<T>(long key, T value)
            where T : IFormattable
        {
            if (texts.TryGetValue(key, out var text))
            {
                return text;
            }

            if (Interlocked.Increment(ref added) > MaxEntries)
            {
                texts.Clear();
                Interlocked.Exchange(ref added, 1);
            }

            text = value.ToString(format, CultureInfo.InvariantCulture);
            texts.TryAdd(key, text);
            return text;
        }
    }

    /// <summary>Doubles, keyed by their bits: −0.0, written <c>-0.0</c>, is equal to 0.0 but is not 0.0 here.</summary>
    private sealed class FormattedDoubles(string format) : FormattedNumbers(format)
    {
        public string Of(double value) => TextOf(BitConverter.DoubleToInt64Bits(value), value);
    }

    private sealed class FormattedWholeNumbers(string format) : FormattedNumbers(format)
    {
        public string Of(long value) => TextOf(value, value);
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
