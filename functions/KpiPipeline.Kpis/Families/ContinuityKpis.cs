using KpiPipeline.Kpis.Catalogue;
using KpiPipeline.Kpis.Engine;

namespace KpiPipeline.Kpis.Families;

/// <summary>
/// Continuity of care from prison (kpis.md 10.3): CJ01, the referrals on release from prison that started treatment
/// within three weeks. It counts episodes, by the quarter of their referral_date; a start recorded in a later month's
/// return counts for the referral's quarter. Provisional until 21 days after the quarter end, and while provisional the
/// denominator keeps only referrals that have started or are at least 21 days old on the as-of date.
/// </summary>
internal sealed class ContinuityKpis(CounterSpace space, int asOf)
{
    /// <summary>CJ01: engaged means a start at most this many days after referral; also the provisional window.</summary>
    public const int ThreeWeeks = 21;

    private enum Counter
    {
        /// <summary>CJ01 denominator: PRISON_RELEASE referrals in P (provisional: started, or referred at least 21 days before as-of).</summary>
        PrisonReleaseReferrals,

        /// <summary>CJ01 numerator: those with treatment_start_date − referral_date at most <see cref="ThreeWeeks"/>.</summary>
        EngagedWithinThreeWeeks,
    }

    private readonly Counters<Counter> counters = space.Create<Counter>();

    public static IReadOnlyList<KpiEntry> Kpis { get; } =
    [
        new(
            new KpiDefinition(
                Id: KpiIds.Cj01,
                Title: "Prison leavers engaged within 3 weeks",
                Category: KpiCategory.Hard,
                Unit: KpiUnit.Percent,
                Polarity: KpiPolarity.HigherIsBetter,
                DefaultTarget: 50m,
                ProvisionalWindowDays: ThreeWeeks,
                Definition: "Of the referrals on release from prison in the quarter, the percentage that started treatment within 21 days of referral."),
            Formula: static (run, at) => Figures.Percent(
                run.Continuity.counters[at, Counter.EngagedWithinThreeWeeks], run.Continuity.counters[at, Counter.PrisonReleaseReferrals])),
    ];

    /// <summary>Every episode in every quarter: CJ01 in the quarter of its referral.</summary>
    public void Count(in EpisodeInQuarter x)
    {
        ref readonly var e = ref x.Episode;
        if (!e.PrisonRelease || e.Referral < x.PeriodStart || e.Referral > x.PeriodEnd)
        {
            return;
        }

        var final = asOf >= x.PeriodEnd + ThreeWeeks;
        if (!final && !e.Started && e.Referral + ThreeWeeks > asOf)
        {
            return;
        }

        counters.Add(x.Period, Counter.PrisonReleaseReferrals, x.Chain);
        if (e.Started && e.Start - e.Referral <= ThreeWeeks)
        {
            counters.Add(x.Period, Counter.EngagedWithinThreeWeeks, x.Chain);
        }
    }
}
