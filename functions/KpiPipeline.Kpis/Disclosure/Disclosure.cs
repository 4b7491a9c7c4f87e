using KpiPipeline.Kpis.Catalogue;
using KpiPipeline.Kpis.Engine;
using KpiPipeline.Kpis.Rag;

namespace KpiPipeline.Kpis.Disclosure;

/// <summary>
/// Disclosure control for the public dataset (outputs.md section 4): provider rows dropped; every count of 1–7 blanked
/// and the row suppressed; 0 kept; other counts rounded to the nearest 5 (halves up); percents, NSP04, POP01 and CAP01
/// recomputed from the rounded figures (CAP01 from its rounded numerator and the available FTE, which is never rounded);
/// means and medians blank when based on 1–7 values, else kept with n rounded. A suppressed row is rated none; any other is
/// rated again on its published value (outputs.md section 3), against its target or the public ALL row's value: the rating
/// of the unrounded figures would contradict the published value and give away what the rounding hides (docs/kpis.md,
/// "Disclosure: ratings").
/// </summary>
public static class Disclosure
{
    public const int SmallestShown = 8;

    /// <param name="restrictedRows">The restricted rows of one period.</param>
    /// <param name="nationOfArea">
    /// Each area's nation (as the nation rows' unit code), so that the nations and ALL, and each nation and its areas, are
    /// checked as additive groups too (<see cref="ComplementarySuppression"/>); null: breakdowns only.
    /// </param>
    /// <param name="layouts">What the periods' layout allows, kept from period to period of a publication; null: worked out for this period alone.</param>
    public static IReadOnlyList<KpiResult> Apply(
        IReadOnlyList<KpiResult> restrictedRows, IReadOnlyDictionary<string, string>? nationOfArea = null, DisclosureLayouts? layouts = null)
    {
        ArgumentNullException.ThrowIfNull(restrictedRows);
        var publicRows = new List<KpiResult>(restrictedRows.Count);
        var sources = new List<KpiResult>(restrictedRows.Count);
        KpiEntry? entry = null;
        foreach (var row in restrictedRows)
        {
            if (row.Level != KpiVocabulary.LevelProvider)
            {
                // Rows come KPI by KPI: the entry is looked up again only when the KPI changes.
                entry = entry is not null && ReferenceEquals(entry.Definition.Id, row.KpiId) ? entry : EntryOf(row);
                publicRows.Add(Protect(row, entry, benchmark: null));
                sources.Add(row);
            }
        }

        ComplementarySuppression.Apply(publicRows, sources, nationOfArea, layouts);

        var benchmarks = new Dictionary<(string Period, string KpiId, string Dimension, string DimensionValue), decimal?>();
        foreach (var row in publicRows)
        {
            if (row.Level == KpiVocabulary.LevelAll && EntryOf(row).Definition.NationalBenchmark)
            {
                benchmarks[(row.Period, row.KpiId, row.Dimension, row.DimensionValue)] = ValueAsRated(row.Value);
            }
        }

        if (benchmarks.Count > 0)
        {
            // Rated against the ALL row's public value, once every public row is made (the ALL row comes after the others).
            for (var i = 0; i < publicRows.Count; i++)
            {
                var row = publicRows[i];
                if (row.RagBasis == KpiVocabulary.BasisNationalBenchmark && row.Level != KpiVocabulary.LevelAll && !row.Suppressed)
                {
                    var benchmark = benchmarks.GetValueOrDefault((row.Period, row.KpiId, row.Dimension, row.DimensionValue));
                    publicRows[i] = row with { Rag = RagRating.AgainstBenchmark(EntryOf(row).Definition.Polarity, ValueAsRated(row.Value), benchmark) };
                }
            }
        }

        return publicRows;
    }

    /// <summary>
    /// One row after disclosure control (the level is not checked here), rated on its published value: against its target,
    /// or on basis <c>national_benchmark</c> against <paramref name="benchmark"/>, the public value of the ALL row of its
    /// KPI, period and breakdown cell (none without it).
    /// </summary>
    public static KpiResult Protect(KpiResult row, decimal? benchmark = null)
    {
        ArgumentNullException.ThrowIfNull(row);
        return Protect(row, EntryOf(row), benchmark);
    }

    private static KpiEntry EntryOf(KpiResult row) =>
        KpiRun.Entry(row.KpiId) ?? throw new ArgumentException($"Unknown KPI id '{row.KpiId}'.", nameof(row));

    private static KpiResult Protect(KpiResult row, KpiEntry entry, decimal? benchmark)
    {
        var kpi = entry.Definition;
        var suppressed = false;
        var numerator = RoundCount(row.Numerator, ref suppressed);
        var denominator = RoundCount(row.Denominator, ref suppressed);
        if (kpi.Unit is KpiUnit.Days or KpiUnit.Score)
        {
            // A mean or median is published as it is (or blank): its rating, made on that very value, stands.
            var shown = denominator is null or 0 ? null : row.Value;
            return row with
            {
                Numerator = numerator,
                Denominator = denominator,
                Value = shown,
                Rag = suppressed || row.Suppressed || shown is null ? KpiVocabulary.RagNone : row.Rag,
                Suppressed = suppressed || row.Suppressed,
            };
        }

        var value = kpi.Unit == KpiUnit.Count
            ? numerator
            : (entry.PublicValue ?? KpiEntry.PercentOf)(new RoundedFigures(numerator, denominator, row.Divisor));
        return row with
        {
            Numerator = numerator,
            Denominator = denominator,
            Value = (double?)value,
            Rag = suppressed || row.Suppressed ? KpiVocabulary.RagNone : RatingOf(row, kpi, value, benchmark),
            Suppressed = suppressed || row.Suppressed,
        };
    }

    /// <summary>The rating of a published value on the row's basis (outputs.md section 3); the ALL row of a benchmark is none.</summary>
    private static string RatingOf(KpiResult row, KpiDefinition kpi, decimal? value, decimal? benchmark) => row.RagBasis switch
    {
        KpiVocabulary.BasisTarget => RagRating.AgainstTarget(kpi.Polarity, value, row.TargetInForce
            ?? throw new ArgumentException($"A {row.KpiId} row of {row.UnitCode} is rated on a target but carries no target in force.", nameof(row))),
        KpiVocabulary.BasisNationalBenchmark when row.Level != KpiVocabulary.LevelAll => RagRating.AgainstBenchmark(kpi.Polarity, value, benchmark),
        _ => KpiVocabulary.RagNone,
    };

    /// <summary>A published percent or ratio as the rating compares it (published with at most two decimals, so exactly).</summary>
    private static decimal? ValueAsRated(double? value) => value is { } v ? (decimal)v : null;

    /// <summary>A count of 1–7 → blank (and suppressed); 0 → 0; otherwise the nearest multiple of 5, halves up.</summary>
    public static long? RoundCount(long? count, ref bool suppressed)
    {
        if (count is not { } c)
        {
            return null;
        }

        if (c is > 0 and < SmallestShown)
        {
            suppressed = true;
            return null;
        }

        // Halves cannot occur (counts are whole), so for c ≥ 0 this is ⌊(c + 2) ÷ 5⌋ × 5 in integers.
        return c >= 0 ? (c + 2) / 5 * 5 : (long)Math.Floor((c + 2.5m) / 5m) * 5;
    }
}
