using KpiPipeline.Kpis.Catalogue;
using KpiPipeline.Kpis.Engine;

namespace KpiPipeline.Kpis.Families;

/// <summary>
/// Access and waiting times (kpis.md section 1): ACC01–ACC04. The wait of an episode is treatment_start_date −
/// referral_date, counted over the episodes that start in the quarter; ACC04 counts the episodes still waiting at its end.
/// </summary>
internal sealed class AccessKpis
{
    /// <summary>ACC01 and ACC04: a wait of three weeks, in days.</summary>
    public const int ThreeWeeks = 21;

    private enum Counter
    {
        /// <summary>Episodes starting in P (ACC01, ACC03 denominators).</summary>
        Starts,

        /// <summary>Starts with a wait of at most <see cref="ThreeWeeks"/>.</summary>
        WaitedThreeWeeks,

        /// <summary>Starts on the day of referral.</summary>
        SameDay,

        /// <summary>ACC04: episodes referred by P.end − 21, not started by P.end and open after it.</summary>
        WaitingOverThreeWeeks,
    }

    private readonly Counters<Counter> counters;

    /// <summary>ACC02: the waits of the starts per (period, unit), sorted once counting is done.</summary>
    private readonly List<int>?[] waits;
    private readonly int units;

    public AccessKpis(CounterSpace space)
    {
        counters = space.Create(Counter.Starts, Counter.WaitedThreeWeeks);
        units = space.Units;
        waits = new List<int>?[space.Periods * space.Units];
    }

    public static IReadOnlyList<KpiEntry> Kpis { get; } =
    [
        new(
            new KpiDefinition(
                Id: KpiIds.Acc01,
                Title: "Waited 3 weeks or less",
                Category: KpiCategory.Hard,
                Unit: KpiUnit.Percent,
                Polarity: KpiPolarity.HigherIsBetter,
                DefaultTarget: 90m,
                HasBreakdowns: true,
                Definition: "Of the episodes that started treatment in the quarter, the percentage whose wait from referral to treatment start was 21 days or less."),
            Formula: static (run, at) => Figures.Percent(run.Access.counters[at, Counter.WaitedThreeWeeks], run.Access.counters[at, Counter.Starts])),
        new(
            new KpiDefinition(
                Id: KpiIds.Acc02,
                Title: "Median wait (days)",
                Category: KpiCategory.Hard,
                Unit: KpiUnit.Days,
                Definition: "The median number of days from referral to treatment start over the episodes that started treatment in the quarter."),
            Formula: static (run, at) => Figures.Median(run.Access.waits[(at.Period * run.Access.units) + at.Unit])),
        new(
            new KpiDefinition(
                Id: KpiIds.Acc03,
                Title: "Started on the day of referral",
                Category: KpiCategory.Hard,
                Unit: KpiUnit.Percent,
                Definition: "Of the episodes that started treatment in the quarter, the percentage that started on the day they were referred."),
            Formula: static (run, at) => Figures.Percent(run.Access.counters[at, Counter.SameDay], run.Access.counters[at, Counter.Starts])),
        new(
            new KpiDefinition(
                Id: KpiIds.Acc04,
                Title: "Waiting over 3 weeks at period end",
                Category: KpiCategory.Hard,
                Unit: KpiUnit.Count,
                Polarity: KpiPolarity.LowerIsBetter,
                Definition: "The number of episodes referred at least 21 days before the quarter end that had not started treatment by then and were still open."),
            Formula: static (run, at) => Figures.Count(run.Access.counters[at, Counter.WaitingOverThreeWeeks])),
    ];

    /// <summary>An episode that starts in the quarter: ACC01–ACC03.</summary>
    public void CountStart(in EpisodeInQuarter x)
    {
        ref readonly var e = ref x.Episode;
        var wait = e.Start - e.Referral;
        counters.Add(x.Period, Counter.Starts, x.Chain, in e.Cells);
        if (wait <= ThreeWeeks)
        {
            counters.Add(x.Period, Counter.WaitedThreeWeeks, x.Chain, in e.Cells);
        }

        if (wait == 0)
        {
            counters.Add(x.Period, Counter.SameDay, x.Chain);
        }

        foreach (var unit in x.Chain)
        {
            (waits[(x.Period * units) + unit] ??= []).Add(wait);
        }
    }

    /// <summary>Every episode in every quarter: ACC04.</summary>
    public void CountWaiting(in EpisodeInQuarter x)
    {
        ref readonly var e = ref x.Episode;
        if (e.Referral <= x.PeriodEnd - ThreeWeeks && e.Start > x.PeriodEnd && e.EffectiveEnd > x.PeriodEnd)
        {
            counters.Add(x.Period, Counter.WaitingOverThreeWeeks, x.Chain);
        }
    }

    /// <summary>Sorts the waits for the medians, once every episode is counted.</summary>
    public void Complete()
    {
        foreach (var list in waits)
        {
            list?.Sort();
        }
    }
}
