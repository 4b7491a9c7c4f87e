using KpiPipeline.Kpis.Catalogue;
using KpiPipeline.Kpis.Engine;

namespace KpiPipeline.Kpis.Families;

/// <summary>
/// Numbers in treatment (kpis.md section 2): VOL01 and VOL02, distinct clients per unit and breakdown value. VOL01 is
/// also the denominator of the exit percentages (<see cref="ExitKpis"/>), always of the same breakdown value.
/// </summary>
internal sealed class VolumeKpis(CounterSpace space)
{
    private enum Counter
    {
        /// <summary>VOL01: distinct clients with an episode in treatment in P.</summary>
        InTreatment,

        /// <summary>VOL02: distinct clients with an episode starting in P.</summary>
        NewPresentations,
    }

    private readonly Counters<Counter> counters = space.Create(Counter.InTreatment, Counter.NewPresentations);

    public static IReadOnlyList<KpiEntry> Kpis { get; } =
    [
        new(
            new KpiDefinition(
                Id: KpiIds.Vol01,
                Title: "People in treatment",
                Category: KpiCategory.Hard,
                Unit: KpiUnit.Count,
                HasBreakdowns: true,
                Definition: "The number of different people with an episode in treatment at any time in the quarter."),
            Formula: static (run, at) => Figures.Count(run.Volume.InTreatment(at))),
        new(
            new KpiDefinition(
                Id: KpiIds.Vol02,
                Title: "New presentations",
                Category: KpiCategory.Hard,
                Unit: KpiUnit.Count,
                HasBreakdowns: true,
                Definition: "The number of different people with an episode that started treatment in the quarter."),
            Formula: static (run, at) => Figures.Count(run.Volume.counters[at, Counter.NewPresentations])),
    ];

    /// <summary>VOL01 of a unit and breakdown value: the denominator of EXT01, EXT02, EXT04 and EXT05.</summary>
    public long InTreatment(At at) => counters[at, Counter.InTreatment];

    /// <summary>An episode that starts in the quarter: VOL02.</summary>
    public void CountStart(in EpisodeInQuarter x) =>
        counters.AddDistinct(x.Scope, x.Period, Counter.NewPresentations, x.Chain, in x.Episode.Cells);

    /// <summary>An episode in treatment in the quarter: VOL01.</summary>
    public void CountInTreatment(in EpisodeInQuarter x) =>
        counters.AddDistinct(x.Scope, x.Period, Counter.InTreatment, x.Chain, in x.Episode.Cells);
}
