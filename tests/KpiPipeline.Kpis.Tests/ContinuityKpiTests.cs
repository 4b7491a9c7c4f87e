using KpiPipeline.Core.Dataset;
using KpiPipeline.Kpis.Catalogue;

namespace KpiPipeline.Kpis.Tests;

/// <summary>CJ01 (kpis.md 10.3 and 10.7, <c>Families/ContinuityKpis.cs</c>), on fixtures worked out by hand.</summary>
public class ContinuityKpiTests
{
    private static readonly EpisodeBuilder Released = new EpisodeBuilder().ReferredFrom(ReferralSource.PRISON_RELEASE).Referred("2025-04-01");

    [Fact]
    public void A_start_21_days_after_a_prison_release_referral_is_engaged_and_22_days_is_not()
    {
        var run = Rows.ComputeEpisodes("2025-09-30",
            Released.ForClient("a").Started("2025-04-22"),                                        // day 21
            Released.ForClient("b").Started("2025-04-23"),                                        // day 22
            Released.ForClient("c").Started("2025-04-01"),                                        // day 0
            Released.ForClient("d").NotStarted(),                                                 // never started
            Released.ForClient("e").NotStarted().Exited("2025-04-05", ExitReason.DECLINED),       // declined
            Released.ForClient("f").ReferredFrom(ReferralSource.CRIMINAL_JUSTICE).Started("2025-04-02"));

        Assert.Equal((2L, 5L, 40.0), run.Figures(KpiIds.Cj01));
        Assert.Equal((2L, 5L, 40.0), run.Figures(KpiIds.Cj01, "ALL"));
        var row = run.Find(KpiIds.Cj01);
        Assert.Equal(("final", 50.0, "red", "target"), (row.Status, row.Target, row.Rag, row.RagBasis));
        Assert.DoesNotContain(run.All(), r => r.KpiId == KpiIds.Cj01 && r.Dimension != "all");
    }

    [Fact]
    public void Referrals_count_in_the_quarter_of_their_referral_date_even_when_treatment_starts_in_the_next()
    {
        var run = Rows.ComputeEpisodes("2025-12-31",
            Released.ForClient("a").Referred("2025-06-20").Started("2025-07-05"),
            Released.ForClient("b").Referred("2025-07-01").Started("2025-07-01"));

        Assert.Equal((1L, 1L, 100.0), run.Figures(KpiIds.Cj01, period: "2025-26-Q1"));
        Assert.Equal((1L, 1L, 100.0), run.Figures(KpiIds.Cj01, period: "2025-26-Q2"));
    }

    [Fact]
    public void A_start_recorded_in_a_later_months_return_counts_for_the_referrals_quarter()
    {
        var referral = Released.WithId("R1").ForClient("a").Referred("2025-06-20");
        var returns = new ReturnsBuilder()
            .Episodes("P1", "2025-06", referral.NotStarted().Build())
            .Episodes("P1", "2025-07", referral.Started("2025-07-05").Build())
            .Build();

        var run = Rows.Compute(returns, "2025-09-30");

        Assert.Equal((1L, 1L, 100.0), run.Figures(KpiIds.Cj01, period: "2025-26-Q1"));
    }

    [Fact]
    public void CJ01_counts_episodes_not_people()
    {
        var run = Rows.ComputeEpisodes("2025-09-30",
            Released.ForClient("a").Started("2025-04-02"),
            Released.ForClient("a").Referred("2025-05-01").NotStarted());

        Assert.Equal((1L, 2L, 50.0), run.Figures(KpiIds.Cj01));
    }

    [Theory]
    // Q1 is final from 2025-07-21 (P.end + 21). Before that, a referral without a start counts once it is 21 days old.
    [InlineData("2025-07-10", "provisional", 2L, 3L)]
    [InlineData("2025-07-16", "provisional", 2L, 4L)]
    [InlineData("2025-07-20", "provisional", 2L, 4L)]
    [InlineData("2025-07-21", "final", 2L, 5L)]
    public void While_provisional_the_denominator_keeps_referrals_that_started_or_are_21_days_old(
        string asOf, string status, long engaged, long referrals)
    {
        var run = Rows.ComputeEpisodes(asOf,
            Released.ForClient("a").Referred("2025-06-15").NotStarted(),                          // 21 days old on 07-06
            Released.ForClient("b").Referred("2025-06-25").NotStarted(),                          // 21 days old on 07-16
            Released.ForClient("c").Referred("2025-06-28").Started("2025-06-29"),                 // started: always in
            Released.ForClient("d").Referred("2025-05-01").Started("2025-05-10"),
            Released.ForClient("e").Referred("2025-06-30").NotStarted());                         // 21 days old on 07-21

        var row = run.Find(KpiIds.Cj01);
        Assert.Equal((status, engaged, referrals), (row.Status, row.Numerator!.Value, row.Denominator!.Value));
    }
}
