using KpiPipeline.Kpis.Catalogue;
using KpiPipeline.Kpis.Engine;

namespace KpiPipeline.Kpis.Families;

/// <summary>
/// Heroin-assisted treatment (kpis.md 10.4): the episodes with setting HAT_CLINIC, small long-term services judged on
/// engagement at one year (HAT01), early leaving (HAT02) and numbers (HAT03), not on short-term exits. HAT01's cohort
/// is the episodes whose first anniversary of treatment start falls in the quarter and on or before the as-of date; it is
/// provisional until the quarter has ended.
/// </summary>
internal sealed class HatKpis(CounterSpace space, int asOf)
{
    /// <summary>HAT01: one year of treatment, in days.</summary>
    public const int OneYear = 365;

    /// <summary>HAT02: leaving fewer than this many days after start is early.</summary>
    public const int SixMonths = 182;

    private enum Counter
    {
        /// <summary>HAT01 denominator: HAT episodes with start + 365 in P and on or before the as-of date.</summary>
        YearCohort,

        /// <summary>HAT01 numerator: those still open 365 days after start (no effective end, or effective end − start ≥ 365).</summary>
        EngagedAtOneYear,

        /// <summary>HAT02 denominator: HAT episodes with an exit_date in P and a treatment_start_date.</summary>
        ExitsAfterStart,

        /// <summary>HAT02 numerator: those with exit − start below <see cref="SixMonths"/>.</summary>
        LeftWithinSixMonths,

        /// <summary>HAT03: distinct clients with a HAT episode in treatment in P.</summary>
        Clients,
    }

    private readonly Counters<Counter> counters = space.Create<Counter>();

    public static IReadOnlyList<KpiEntry> Kpis { get; } =
    [
        new(
            new KpiDefinition(
                Id: KpiIds.Hat01,
                Title: "HAT: engaged at 12 months",
                Category: KpiCategory.Hard,
                Unit: KpiUnit.Percent,
                Polarity: KpiPolarity.HigherIsBetter,
                DefaultTarget: 60m,
                ProvisionalWindowDays: 0,
                Definition: "Of the heroin-assisted treatment episodes that reached one year since their start in the quarter, the percentage still in treatment then."),
            Formula: static (run, at) => Figures.Percent(run.Hat.counters[at, Counter.EngagedAtOneYear], run.Hat.counters[at, Counter.YearCohort])),
        new(
            new KpiDefinition(
                Id: KpiIds.Hat02,
                Title: "HAT: left within 6 months",
                Category: KpiCategory.Hard,
                Unit: KpiUnit.Percent,
                Polarity: KpiPolarity.LowerIsBetter,
                Definition: "Of the heroin-assisted treatment episodes that ended in the quarter after starting treatment, the percentage that ended less than 6 months after they started."),
            Formula: static (run, at) => Figures.Percent(run.Hat.counters[at, Counter.LeftWithinSixMonths], run.Hat.counters[at, Counter.ExitsAfterStart])),
        new(
            new KpiDefinition(
                Id: KpiIds.Hat03,
                Title: "HAT: people in treatment",
                Category: KpiCategory.Hard,
                Unit: KpiUnit.Count,
                Definition: "The number of different people in heroin-assisted treatment at any time in the quarter."),
            Formula: static (run, at) => Figures.Count(run.Hat.counters[at, Counter.Clients])),
    ];

    /// <summary>The day HAT01 counts a HAT episode on (its first anniversary of start), or <see cref="int.MinValue"/> for any other episode.</summary>
    public static int AnniversaryOf(in EpisodeFact e) => e.Hat && e.Started ? e.Start + OneYear : int.MinValue;

    /// <summary>Every episode in every quarter: HAT01 in the quarter of its first anniversary.</summary>
    public void Count(in EpisodeInQuarter x)
    {
        ref readonly var e = ref x.Episode;
        var anniversary = AnniversaryOf(in e);
        if (anniversary < x.PeriodStart || anniversary > x.PeriodEnd || anniversary > asOf)
        {
            return;
        }

        counters.Add(x.Period, Counter.YearCohort, x.Chain);
        if (e.EffectiveEnd - e.Start >= OneYear) // a blank effective end is later than every day: still open
        {
            counters.Add(x.Period, Counter.EngagedAtOneYear, x.Chain);
        }
    }

    /// <summary>An episode whose exit_date is in the quarter: HAT02.</summary>
    public void CountExit(in EpisodeInQuarter x)
    {
        ref readonly var e = ref x.Episode;
        if (!e.Hat || !e.Started)
        {
            return;
        }

        counters.Add(x.Period, Counter.ExitsAfterStart, x.Chain);
        if (e.Exit - e.Start < SixMonths)
        {
            counters.Add(x.Period, Counter.LeftWithinSixMonths, x.Chain);
        }
    }

    /// <summary>An episode in treatment in the quarter: HAT03.</summary>
    public void CountInTreatment(in EpisodeInQuarter x)
    {
        if (x.Episode.Hat)
        {
            counters.AddDistinct(x.Scope, x.Period, Counter.Clients, x.Chain, in x.Episode.Cells);
        }
    }
}
