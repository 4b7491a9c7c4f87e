using KpiPipeline.Core.Dataset;
using KpiPipeline.Kpis.Catalogue;
using static KpiPipeline.Kpis.Tests.EpisodeBuilder;

namespace KpiPipeline.Kpis.Tests;

public class AccessKpiTests
{
    private static readonly EpisodeBuilder Base = new();

    [Fact]
    public void Wait_of_21_days_is_within_three_weeks_and_22_is_not()
    {
        var run = Rows.ComputeEpisodes("2025-09-30",
            Base.ForClient("a").Referred("2025-04-01").Started("2025-04-22"),
            Base.ForClient("b").Referred("2025-04-01").Started("2025-04-23"));

        Assert.Equal((1L, 2L, 50.0), run.Figures(KpiIds.Acc01));
    }

    [Fact]
    public void Median_wait_of_an_even_count_is_the_mean_of_the_middle_two_and_not_rounded()
    {
        var run = Rows.ComputeEpisodes("2025-09-30",
            Base.ForClient("a").Referred("2025-04-01").Started("2025-04-22"),
            Base.ForClient("b").Referred("2025-04-01").Started("2025-04-23"));

        Assert.Equal((null, 2L, 21.5), run.Figures(KpiIds.Acc02));
    }

    [Fact]
    public void Median_wait_of_an_odd_count_is_the_middle_value_and_same_day_starts_are_counted()
    {
        var run = Rows.ComputeEpisodes("2025-09-30",
            Base.ForClient("a").Referred("2025-04-01").Started("2025-04-01"),
            Base.ForClient("b").Referred("2025-04-01").Started("2025-04-06"),
            Base.ForClient("c").Referred("2025-04-01").Started("2025-05-01"));

        Assert.Equal((null, 3L, 5.0), run.Figures(KpiIds.Acc02));
        Assert.Equal((1L, 3L, 33.3), run.Figures(KpiIds.Acc03));
        Assert.Equal((null, 0L, null), run.Figures(KpiIds.Acc02, unit: "P2"));
    }

    [Fact]
    public void Waiting_over_three_weeks_counts_unstarted_open_episodes_referred_21_days_before_period_end()
    {
        var run = Rows.ComputeEpisodes("2025-09-30",
            Base.ForClient("a").Referred("2025-06-09").NotStarted(),
            Base.ForClient("b").Referred("2025-06-10").NotStarted(),
            Base.ForClient("c").Referred("2025-05-01").Started("2025-07-02"),
            Base.ForClient("d").Referred("2025-05-01").NotStarted().Exited("2025-06-30", ExitReason.DECLINED),
            Base.ForClient("e").Referred("2025-05-01").Started("2025-06-30"));

        Assert.Equal((2L, null, 2.0), run.Figures(KpiIds.Acc04));
    }

    [Fact]
    public void Substance_group_rows_count_starts_by_the_episode_group()
    {
        var run = Rows.ComputeEpisodes("2025-09-30",
            Base.ForClient("a").Referred("2025-04-01").Started("2025-04-02"),
            Base.ForClient("b").Referred("2025-04-01").Started("2025-06-01").WithSubstance(Substance.ALCOHOL));

        Assert.Equal((1L, 1L, 100.0), run.Figures(KpiIds.Acc01, dimensionValue: "OPIATE"));
        Assert.Equal((0L, 1L, 0.0), run.Figures(KpiIds.Acc01, dimensionValue: "ALCOHOL"));
        Assert.Equal((0L, 0L, null), run.Figures(KpiIds.Acc01, dimensionValue: "NON_OPIATE"));
        Assert.Equal("substance_group", run.Find(KpiIds.Acc01, dimensionValue: "ALCOHOL").Dimension);
        Assert.Equal(D("2025-04-01"), run.Find(KpiIds.Acc01).PeriodStart);
    }
}
