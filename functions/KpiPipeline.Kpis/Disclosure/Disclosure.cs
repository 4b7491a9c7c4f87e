using KpiPipeline.Kpis.Catalogue;
using KpiPipeline.Kpis.Engine;

namespace KpiPipeline.Kpis.Disclosure;

/// <summary>
/// Disclosure control for the public dataset (outputs.md section 4): provider rows dropped; every count of 1–7 blanked
/// and the row suppressed; 0 kept; other counts rounded to the nearest 5 (halves up); percents, NSP04, POP01 and CAP01
/// recomputed from the rounded figures (CAP01 from its rounded numerator and the available FTE, which is never rounded);
/// means and medians blank when based on 1–7 values, else kept with n rounded.
/// </summary>
public static class Disclosure
{
    public const int SmallestShown = 8;

    public static IReadOnlyList<KpiResult> Apply(IReadOnlyList<KpiResult> restrictedRows)
    {
        ArgumentNullException.ThrowIfNull(restrictedRows);
        var publicRows = new List<KpiResult>(restrictedRows.Count);
        KpiEntry? entry = null;
        foreach (var row in restrictedRows)
        {
            if (row.Level != KpiVocabulary.LevelProvider)
            {
                // Rows come KPI by KPI: the entry is looked up again only when the KPI changes.
                entry = entry is not null && ReferenceEquals(entry.Definition.Id, row.KpiId) ? entry : EntryOf(row);
                publicRows.Add(Protect(row, entry));
            }
        }

        return publicRows;
    }

    /// <summary>One row after disclosure control (the level is not checked here).</summary>
    public static KpiResult Protect(KpiResult row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return Protect(row, EntryOf(row));
    }

    private static KpiEntry EntryOf(KpiResult row) =>
        KpiRun.Entry(row.KpiId) ?? throw new ArgumentException($"Unknown KPI id '{row.KpiId}'.", nameof(row));

    private static KpiResult Protect(KpiResult row, KpiEntry entry)
    {
        var kpi = entry.Definition;
        var suppressed = false;
        var numerator = RoundCount(row.Numerator, ref suppressed);
        var denominator = RoundCount(row.Denominator, ref suppressed);
        var value = kpi.Unit switch
        {
            KpiUnit.Count => numerator,
            KpiUnit.Days or KpiUnit.Score => denominator is null or 0 ? null : row.Value,
            _ => (double?)(entry.PublicValue ?? KpiEntry.PercentOf)(new RoundedFigures(numerator, denominator, row.Divisor)),
        };

        return row with
        {
            Numerator = numerator,
            Denominator = denominator,
            Value = value,
            Rag = suppressed ? KpiVocabulary.RagNone : row.Rag,
            Suppressed = suppressed || row.Suppressed,
        };
    }

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
