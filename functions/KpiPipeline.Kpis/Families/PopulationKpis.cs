using KpiPipeline.Core.Dataset;
using KpiPipeline.Kpis.Catalogue;
using KpiPipeline.Kpis.Engine;

namespace KpiPipeline.Kpis.Families;

/// <summary>
/// Population (kpis.md section 8): POP01, unmet need for opiate treatment, over the areas that have an
/// estimated_opiate_users, area level and above: distinct OPIATE clients in treatment at any time in the year to P.end
/// against the sum of the estimates.
/// </summary>
internal sealed class PopulationKpis(CounterSpace space, UnitIndex units)
{
    /// <summary>POP01 looks back to P.end − 364: an episode counts until this many days after its effective end.</summary>
    public const int LookBackDays = 364;

    private enum Counter
    {
        /// <summary>POP01 numerator: distinct OPIATE clients in treatment in [P.end − 364, P.end] at providers of estimated areas.</summary>
        OpiateClientsInYear,
    }

    private readonly Counters<Counter> counters = space.Create<Counter>();
    private readonly UnitIndex units = units;

    public static IReadOnlyList<KpiEntry> Kpis { get; } =
    [
        new(
            new KpiDefinition(
                Id: KpiIds.Pop01,
                Title: "Unmet need (opiates)",
                Category: KpiCategory.Population,
                Unit: KpiUnit.Percent,
                Polarity: KpiPolarity.LowerIsBetter,
                AreaLevelAndAbove: true,
                Definition: "The percentage of the estimated opiate users of the areas with an estimate who were not in treatment at any time in the year to the quarter end."),
            Formula: static (run, at) => UnmetNeed(run.Population.counters[at, Counter.OpiateClientsInYear], run.Population.units.OpiateEstimate[at.Unit]))
        {
            PublicValue = static rounded => rounded is { Numerator: { } n, Denominator: { } d } ? UnmetNeed(n, d).Value : null,
        },
    ];

    /// <summary>POP01: 100 − 100 × clients ÷ the estimate, one decimal (can be negative); blank without an estimate.</summary>
    public static Figures UnmetNeed(long clients, long estimate) =>
        new(clients, estimate, estimate == 0 ? null : Rounding.HalfAwayFromZero(100m - 100m * clients / estimate, 1));

    /// <summary>Every episode in every quarter it can count in: POP01's year to P.end.</summary>
    public void Count(in EpisodeInQuarter x)
    {
        ref readonly var e = ref x.Episode;
        if (e.Group == SubstanceGroup.OPIATE && e.Start <= x.PeriodEnd && e.EffectiveEnd >= x.PeriodEnd - LookBackDays)
        {
            counters.AddDistinct(x.Scope, x.Period, Counter.OpiateClientsInYear, units.OpiateEstimateChains[e.Provider], in e.Cells);
        }
    }
}
