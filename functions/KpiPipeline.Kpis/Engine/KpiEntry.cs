using KpiPipeline.Kpis.Catalogue;

namespace KpiPipeline.Kpis.Engine;

/// <summary>
/// A KPI as its family declares it: the catalogue entry (what is published about it) and the formula that turns the
/// run's counters into its figures for one period, unit and breakdown cell.
/// </summary>
/// <param name="Definition">The catalogue entry (kpi_catalogue.parquet, docs/kpis.md, RAG, disclosure).</param>
/// <param name="Formula">The row's figures from the run's counters.</param>
internal sealed record KpiEntry(KpiDefinition Definition, Func<KpiRun, At, Figures> Formula)
{
    /// <summary>
    /// How disclosure control recomputes a ratio's public value from the rounded figures (outputs.md section 4); null for a
    /// percent, recomputed as a percent of the rounded numerator and denominator.
    /// </summary>
    public Func<RoundedFigures, decimal?>? PublicValue { get; init; }

    /// <summary>A percent from the rounded figures; blank when either was suppressed.</summary>
    public static decimal? PercentOf(RoundedFigures rounded) =>
        rounded is { Numerator: { } n, Denominator: { } d } ? Rounding.Percent(n, d) : null;
}

/// <summary>A row's counts after disclosure control rounded them (null where suppressed or blank), and its divisor.</summary>
internal readonly record struct RoundedFigures(long? Numerator, long? Denominator, decimal? Divisor);
