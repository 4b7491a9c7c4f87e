using KpiPipeline.Kpis.Catalogue;
using KpiPipeline.Kpis.Periods;
using KpiPipeline.Kpis.Rag;

namespace KpiPipeline.Kpis.Engine;

/// <summary>
/// Turns the counters into kpi_results rows: one per period × KPI × breakdown cell × unit, with status and RAG, each KPI's
/// figures from its family's formula. Every period has the same layout of rows, so a row is found by its period and its
/// place in that layout and built when asked for.
/// </summary>
internal sealed class RowBuilder
{
    private readonly KpiRun run;
    private readonly UnitIndex units;
    private readonly DateOnly asOf;
    private readonly string[] labels;
    private readonly DateOnly[] starts;
    private readonly DateOnly[] ends;
    private readonly (int Kpi, int Cell, int Unit)[] layout;

    /// <summary>The rating basis and target of each (KPI, unit), worked out once: [kpi × units + unit].</summary>
    private readonly (RagBasis Basis, TargetInForce? Target)[] basis;

    public RowBuilder(KpiRun run, UnitIndex units, TargetsInForce targets, IReadOnlyList<FinancialQuarter> periods, DateOnly asOf)
    {
        this.run = run;
        this.units = units;
        this.asOf = asOf;
        labels = [.. periods.Select(p => p.Label)];
        starts = [.. periods.Select(p => p.Start)];
        ends = [.. periods.Select(p => p.End)];

        var layout = new List<(int, int, int)>();
        basis = new (RagBasis, TargetInForce?)[KpiRun.Entries.Count * units.Count];
        for (var k = 0; k < KpiRun.Entries.Count; k++)
        {
            var entry = KpiRun.Entries[k];
            var kpi = entry.Definition;
            var cells = kpi.HasBreakdowns ? Breakdowns.CellCount : 1;
            for (var cell = 0; cell < cells; cell++)
            {
                for (var u = kpi.AreaLevelAndAbove ? units.ProviderCount : 0; u < units.Count; u++)
                {
                    layout.Add((k, cell, u));
                }
            }

            for (var u = 0; u < units.Count; u++)
            {
                basis[(k * units.Count) + u] = BasisOf(kpi, u, targets);
            }
        }

        this.layout = [.. layout];
    }

    public int RowsPerPeriod => layout.Length;

    /// <summary>Row <paramref name="index"/> of period <paramref name="q"/>: KPIs in catalogue order, then breakdown cell, then unit.</summary>
    public KpiResult Row(int q, int index)
    {
        var (k, cell, _) = layout[index];
        return Build(q, index, Status(q, KpiRun.Entries[k].Definition), Benchmark(q, k, cell));
    }

    /// <summary>Every row of period <paramref name="q"/>, in layout order; each KPI's status and benchmark worked out once.</summary>
    public void Fill(int q, KpiResult[] rows)
    {
        var lastKpi = -1;
        var lastCell = -1;
        var status = KpiVocabulary.StatusFinal;
        decimal? benchmark = null;
        for (var i = 0; i < rows.Length; i++)
        {
            var (k, cell, _) = layout[i];
            if (k != lastKpi || cell != lastCell)
            {
                status = Status(q, KpiRun.Entries[k].Definition);
                benchmark = Benchmark(q, k, cell);
                (lastKpi, lastCell) = (k, cell);
            }

            rows[i] = Build(q, i, status, benchmark);
        }
    }

    private KpiResult Build(int q, int index, string status, decimal? benchmark)
    {
        var (k, cell, u) = layout[index];
        var entry = KpiRun.Entries[k];
        var kpi = entry.Definition;
        var figures = entry.Formula(run, new At(q, u, cell));
        var (ragBasis, target) = basis[(k * units.Count) + u];
        var rag = ragBasis switch
        {
            RagBasis.Target => RagRating.AgainstTarget(kpi.Polarity, figures.Value, target!.Value),
            RagBasis.NationalBenchmark when u != units.AllUnit => RagRating.AgainstBenchmark(kpi.Polarity, figures.Value, benchmark),
            _ => KpiVocabulary.RagNone,
        };
        var (dimension, dimensionValue) = Breakdowns.Cells[cell];
        return new KpiResult(
            labels[q],
            starts[q],
            ends[q],
            asOf,
            units.Levels[u],
            units.Codes[u],
            units.AreaCodes[u],
            kpi.Id,
            dimension,
            dimensionValue,
            figures.Numerator,
            figures.Denominator,
            (double?)figures.Value,
            (double?)target?.Target,
            rag,
            ragBasis.Code(),
            status,
            Suppressed: false,
            KpiVocabulary.SchemaVersion)
        {
            Divisor = figures.Divisor,
            TargetInForce = target,
        };
    }

    private string Status(int q, KpiDefinition kpi) =>
        kpi.ProvisionalWindowDays is { } window && asOf < ends[q].AddDays(window) ? KpiVocabulary.StatusProvisional : KpiVocabulary.StatusFinal;

    /// <summary>The national benchmark (the ALL row's value of the same KPI and cell) for KPIs rated on one; null otherwise.</summary>
    private decimal? Benchmark(int q, int k, int cell) =>
        KpiRun.Entries[k].Definition.NationalBenchmark ? KpiRun.Entries[k].Formula(run, new At(q, units.AllUnit, cell)).Value : null;

    /// <summary>
    /// The basis a unit's rows of a KPI are rated on (outputs.md section 3): a target in force, else the national benchmark
    /// for EXT01–EXT03 (the ALL row itself rated none), else none.
    /// </summary>
    private (RagBasis, TargetInForce?) BasisOf(KpiDefinition kpi, int unit, TargetsInForce targets)
    {
        var areaCode = units.Levels[unit] is KpiVocabulary.LevelProvider or KpiVocabulary.LevelArea ? units.AreaCodes[unit] : null;
        if (kpi.AcceptsTarget && targets.For(kpi, areaCode) is { } target)
        {
            return (RagBasis.Target, target);
        }

        return kpi.NationalBenchmark ? (RagBasis.NationalBenchmark, null) : (RagBasis.None, null);
    }
}
