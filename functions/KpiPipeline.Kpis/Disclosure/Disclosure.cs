using KpiPipeline.Kpis.Catalogue;
using KpiPipeline.Kpis.Engine;

namespace KpiPipeline.Kpis.Disclosure;

/// <summary>
/// Disclosure control for the public dataset (outputs.md section 4): provider rows dropped; every count of 1–7 blanked
/// and the row suppressed; 0 kept; other counts rounded to the nearest 5 (halves up); percents, NSP04 and POP01
/// recomputed from the rounded figures; means and medians blank when based on 1–7 values, else kept with n rounded.
/// </summary>
public static class Disclosure
{
    public const int SmallestShown = 8;

    public static IReadOnlyList<KpiResult> Apply(IReadOnlyList<KpiResult> restrictedRows)
    {
        ArgumentNullException.ThrowIfNull(restrictedRows);
        var publicRows = new List<KpiResult>(restrictedRows.Count);
        foreach (var row in restrictedRows)
        {
            if (row.Level != KpiVocabulary.LevelProvider)
            {
                publicRows.Add(Protect(row));
            }
        }

        return publicRows;
    }

    /// <summary>One row after disclosure control (the level is not checked here).</summary>
    public static KpiResult Protect(KpiResult row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var kpi = KpiCatalogue.Get(row.KpiId);
        var suppressed = false;
        var numerator = RoundCount(row.Numerator, ref suppressed);
        var denominator = RoundCount(row.Denominator, ref suppressed);
        var value = kpi.Unit switch
        {
            KpiUnit.Count => numerator,
            KpiUnit.Days or KpiUnit.Score => denominator is null or 0 ? null : row.Value,
            _ => Recompute(kpi.Id, numerator, denominator),
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

        return (long)Math.Floor((c + 2.5m) / 5m) * 5;
    }

    private static double? Recompute(string kpiId, long? numerator, long? denominator)
    {
        if (numerator is not { } n || denominator is not { } d)
        {
            return null;
        }

        var figures = kpiId switch
        {
            KpiIds.Nsp04 => RowBuilder.NeedlesPerPwid(n, d),
            KpiIds.Pop01 => RowBuilder.UnmetNeed(n, d),
            _ => RowBuilder.Percent(n, d),
        };
        return (double?)figures.Value;
    }
}
