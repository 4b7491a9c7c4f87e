using KpiPipeline.Core.Dataset;
using KpiPipeline.Kpis.Catalogue;
using static KpiPipeline.Kpis.Tests.EpisodeBuilder;

namespace KpiPipeline.Kpis.Tests;

/// <summary>ACC01–ACC04 (kpis.md section 1, <c>Families/AccessKpis.cs</c>), on fixtures worked out by hand.</summary>
public class AccessKpiTests
{
    private static readonly EpisodeBuilder Base = new EpisodeBuilder().Referred("2025-04-01").Started("2025-04-08");

    [Fact]
    public void Waits_of_21_days_count_as_3_weeks_22_do_not_and_groups_follow_the_episode_substance()
    {
        var run = Rows.ComputeEpisodes("2025-06-30",
            Base.ForClient("a").Started("2025-04-22"),
            Base.ForClient("b").Started("2025-04-23").WithSubstance(Substance.ALCOHOL),
            Base.ForClient("c").Started("2025-04-01").WithSubstance(Substance.COCAINE),
            Base.ForClient("d").Started("2025-04-23"));

        Assert.Equal((2L, 4L, 50.0), run.Figures(KpiIds.Acc01));
        Assert.Equal((1L, 2L, 50.0), run.Figures(KpiIds.Acc01, dimensionValue: "OPIATE"));
        Assert.Equal((0L, 1L, 0.0), run.Figures(KpiIds.Acc01, dimensionValue: "ALCOHOL"));
        Assert.Equal((1L, 1L, 100.0), run.Figures(KpiIds.Acc01, dimensionValue: "NON_OPIATE"));
        Assert.Equal("substance_group", run.Find(KpiIds.Acc01, dimensionValue: "ALCOHOL").Dimension);
        Assert.Equal(D("2025-04-01"), run.Find(KpiIds.Acc01).PeriodStart);
        Assert.Equal((1L, 4L, 25.0), run.Figures(KpiIds.Acc03));
        // Waits {0, 21, 22, 22}: even n → mean of the two middle values, not rounded.
        Assert.Equal((null, 4L, 21.5), run.Figures(KpiIds.Acc02));
        Assert.DoesNotContain(run.All(), r => r.KpiId == KpiIds.Acc03 && r.Dimension != "all");
    }

    [Fact]
    public void Median_wait_of_an_odd_number_of_starts_is_the_middle_value_and_blank_without_starts()
    {
        var run = Rows.ComputeEpisodes("2025-06-30",
            Base.ForClient("a").Started("2025-04-01"),
            Base.ForClient("b").Started("2025-04-06"),
            Base.ForClient("c").Started("2025-05-01"));

        Assert.Equal((null, 3L, 5.0), run.Figures(KpiIds.Acc02));
        Assert.Equal((1L, 3L, 33.3), run.Figures(KpiIds.Acc03));
        Assert.Equal((null, 0L, null), run.Figures(KpiIds.Acc02, "P3"));
    }

    [Fact]
    public void Waiting_over_3_weeks_counts_episodes_referred_by_period_end_minus_21_not_started_by_period_end_and_still_open()
    {
        var waiting = new EpisodeBuilder().Referred("2025-05-01").NotStarted();
        var run = Rows.ComputeEpisodes("2025-09-30",
            waiting.ForClient("a").Referred("2025-06-09"),                                  // Q1: counts (06-09 = P.end − 21)
            waiting.ForClient("b").Referred("2025-06-10"),                                  // Q1: too recent
            waiting.ForClient("c").Started("2025-07-01"),                                   // Q1: started only after P.end
            waiting.ForClient("d").Started("2025-06-30"),                                   // started on P.end
            waiting.ForClient("e").Exited("2025-06-30", ExitReason.DECLINED),               // effective end not > P.end
            waiting.ForClient("f").Exited("2025-07-01", ExitReason.DECLINED),               // effective end > P.end
            waiting.ForClient("g").Deleted(),
            waiting.ForClient("a"));                                                        // a second episode of a: episodes count

        Assert.Equal((4L, null, 4.0), run.Figures(KpiIds.Acc04, "P1", "2025-26-Q1"));
        // Q2 (P.end − 21 = 09-09): a ×2 and b still waiting; c started, f exited.
        Assert.Equal((3L, null, 3.0), run.Figures(KpiIds.Acc04, "P1", "2025-26-Q2"));
        Assert.Equal(3.0, run.Find(KpiIds.Acc04, "ALL", "2025-26-Q2").Value);
    }

    [Fact]
    public void An_unstarted_referral_that_went_missing_is_not_waiting_at_the_quarter_end()
    {
        // W appears only in P1's April file and P1 sends a May file: its effective end is 04-30.
        var returns = new ReturnsBuilder()
            .Episodes("P1", "2025-04", new EpisodeBuilder().ForClient("w").WithId("W").Referred("2025-04-01").NotStarted().Build())
            .Episodes("P1", "2025-05")
            .Build();

        var run = Rows.Compute(returns, "2025-09-30");

        Assert.Equal(0.0, run.Find(KpiIds.Acc04, "P1", "2025-26-Q1").Value);
    }
}
