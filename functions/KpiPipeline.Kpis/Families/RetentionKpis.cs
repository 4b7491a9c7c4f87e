using KpiPipeline.Core.Dataset;
using KpiPipeline.Kpis.Catalogue;
using KpiPipeline.Kpis.Engine;

namespace KpiPipeline.Kpis.Families;

/// <summary>
/// Retention (kpis.md section 3): RET01 and RET02 over the cohort of episodes starting in the quarter (provisional until
/// 84 days after its end), RET03 and RET04 over the people in opioid substitution treatment.
/// </summary>
internal sealed class RetentionKpis(CounterSpace space, int asOf)
{
    /// <summary>RET01/RET02: 12 weeks, in days; also the provisional window.</summary>
    public const int TwelveWeeks = 84;

    /// <summary>RET03: 4 years, in days.</summary>
    public const int FourYears = 1461;

    /// <summary>RET04: 6 years, in days.</summary>
    public const int SixYears = 2191;

    private enum Counter
    {
        /// <summary>RET01/RET02 denominator: starts in P less transfers and deaths within 12 weeks (provisional: only those with an exit or 12 weeks old).</summary>
        Cohort,

        /// <summary>Cohort episodes still open 12 weeks after start, or that exited SUCCESSFUL before then.</summary>
        Retained,

        /// <summary>Cohort episodes that exited UNPLANNED within 12 weeks.</summary>
        EarlyUnplanned,

        /// <summary>RET03/RET04 denominator: distinct clients with an OST episode in treatment.</summary>
        OstClients,

        /// <summary>Those with such an episode started at least <see cref="FourYears"/> before P.end.</summary>
        OstFourYears,

        /// <summary>Those with such an episode started at least <see cref="SixYears"/> before P.end.</summary>
        OstSixYears,
    }

    private readonly Counters<Counter> counters = space.Create(Counter.Cohort, Counter.Retained);

    public static IReadOnlyList<KpiEntry> Kpis { get; } =
    [
        new(
            new KpiDefinition(
                Id: KpiIds.Ret01,
                Title: "Retained 12 weeks",
                Category: KpiCategory.Hard,
                Unit: KpiUnit.Percent,
                Polarity: KpiPolarity.HigherIsBetter,
                DefaultTarget: 80m,
                HasBreakdowns: true,
                ProvisionalWindowDays: TwelveWeeks,
                Definition: "Of the episodes that started in the quarter (leaving out transfers and deaths within 12 weeks), the percentage still in treatment 12 weeks after starting or that completed successfully before then."),
            Formula: static (run, at) => Figures.Percent(run.Retention.counters[at, Counter.Retained], run.Retention.counters[at, Counter.Cohort])),
        new(
            new KpiDefinition(
                Id: KpiIds.Ret02,
                Title: "Early unplanned exit",
                Category: KpiCategory.Hard,
                Unit: KpiUnit.Percent,
                Polarity: KpiPolarity.LowerIsBetter,
                DefaultTarget: 15m,
                ProvisionalWindowDays: TwelveWeeks,
                Definition: "Of the episodes that started in the quarter (leaving out transfers and deaths within 12 weeks), the percentage that ended in an unplanned way within 12 weeks of starting."),
            Formula: static (run, at) => Figures.Percent(run.Retention.counters[at, Counter.EarlyUnplanned], run.Retention.counters[at, Counter.Cohort])),
        new(
            new KpiDefinition(
                Id: KpiIds.Ret03,
                Title: "In OST over 4 years",
                Category: KpiCategory.Hard,
                Unit: KpiUnit.Percent,
                Definition: "Of the people in opioid substitution treatment in the quarter, the percentage whose OST episode started at least 4 years before the quarter end."),
            Formula: static (run, at) => Figures.Percent(run.Retention.counters[at, Counter.OstFourYears], run.Retention.counters[at, Counter.OstClients])),
        new(
            new KpiDefinition(
                Id: KpiIds.Ret04,
                Title: "In OST over 6 years",
                Category: KpiCategory.Hard,
                Unit: KpiUnit.Percent,
                Definition: "Of the people in opioid substitution treatment in the quarter, the percentage whose OST episode started at least 6 years before the quarter end."),
            Formula: static (run, at) => Figures.Percent(run.Retention.counters[at, Counter.OstSixYears], run.Retention.counters[at, Counter.OstClients])),
    ];

    /// <summary>An episode that starts in the quarter: the RET01/RET02 cohort.</summary>
    public void CountStart(in EpisodeInQuarter x)
    {
        ref readonly var e = ref x.Episode;
        var exited = e.Exit != EpisodeFact.Blank;
        var exitWithin12Weeks = exited && e.Exit - e.Start < TwelveWeeks;
        if (exitWithin12Weeks && e.OutcomeClass is OutcomeClass.TRANSFER or OutcomeClass.DIED)
        {
            return;
        }

        var final = asOf >= x.PeriodEnd + TwelveWeeks;
        if (!final && !exited && e.Start + TwelveWeeks > asOf)
        {
            return;
        }

        counters.Add(x.Period, Counter.Cohort, x.Chain, in e.Cells);
        var stillOpen = e.EffectiveEnd == EpisodeFact.Blank || e.EffectiveEnd - e.Start >= TwelveWeeks;
        if (stillOpen || (exitWithin12Weeks && e.OutcomeClass == OutcomeClass.SUCCESSFUL))
        {
            counters.Add(x.Period, Counter.Retained, x.Chain, in e.Cells);
        }

        if (exitWithin12Weeks && e.OutcomeClass == OutcomeClass.UNPLANNED)
        {
            counters.Add(x.Period, Counter.EarlyUnplanned, x.Chain);
        }
    }

    /// <summary>An episode in treatment in the quarter: RET03/RET04 (OST medications are every medication except NONE).</summary>
    public void CountInTreatment(in EpisodeInQuarter x)
    {
        ref readonly var e = ref x.Episode;
        if (e.Medication is not { } medication || !CodeRules.IsOst(medication))
        {
            return;
        }

        counters.AddDistinct(x.Scope, x.Period, Counter.OstClients, x.Chain, in e.Cells);
        if (e.Start <= x.PeriodEnd - FourYears)
        {
            counters.AddDistinct(x.Scope, x.Period, Counter.OstFourYears, x.Chain, in e.Cells);
        }

        if (e.Start <= x.PeriodEnd - SixYears)
        {
            counters.AddDistinct(x.Scope, x.Period, Counter.OstSixYears, x.Chain, in e.Cells);
        }
    }
}
