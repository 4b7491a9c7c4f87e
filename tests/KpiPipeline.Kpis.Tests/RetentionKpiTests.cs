using KpiPipeline.Core.Dataset;
using KpiPipeline.Kpis.Catalogue;

namespace KpiPipeline.Kpis.Tests;

public class RetentionKpiTests
{
    private static readonly EpisodeBuilder Base = new EpisodeBuilder().Referred("2025-04-01").Started("2025-04-08");

    [Fact]
    public void An_exit_83_days_after_start_is_not_retained_and_84_days_is()
    {
        var run = Rows.ComputeEpisodes("2026-03-31",
            Base.ForClient("a").Exited("2025-06-30", ExitReason.DROPPED_OUT),
            Base.ForClient("b").Exited("2025-07-01", ExitReason.DROPPED_OUT));

        Assert.Equal((1L, 2L, 50.0), run.Figures(KpiIds.Ret01));
        Assert.Equal((1L, 2L, 50.0), run.Figures(KpiIds.Ret02));
        Assert.Equal("final", run.Find(KpiIds.Ret01).Status);
    }

    [Fact]
    public void Transfers_and_deaths_within_84_days_leave_the_cohort_and_successful_early_exits_are_retained()
    {
        var run = Rows.ComputeEpisodes("2026-03-31",
            Base.ForClient("a").Exited("2025-06-30", ExitReason.TRANSFERRED),
            Base.ForClient("b").Exited("2025-05-01", ExitReason.DIED),
            Base.ForClient("c").Exited("2025-07-01", ExitReason.TRANSFERRED_CUSTODY),
            Base.ForClient("d").Exited("2025-05-20", ExitReason.COMPLETED_DRUG_FREE),
            Base.ForClient("e").Exited("2025-05-20", ExitReason.DECLINED));

        Assert.Equal((2L, 3L, 66.7), run.Figures(KpiIds.Ret01));
        Assert.Equal((1L, 3L, 33.3), run.Figures(KpiIds.Ret02));
    }

    [Fact]
    public void Before_period_end_plus_84_the_cohort_keeps_only_exited_episodes_and_those_84_days_old()
    {
        var run = Rows.ComputeEpisodes("2025-07-15",
            Base.ForClient("a"),
            Base.ForClient("b").Referred("2025-06-01").Started("2025-06-01"),
            Base.ForClient("c").Referred("2025-06-01").Started("2025-06-01").Exited("2025-06-20", ExitReason.DROPPED_OUT));

        Assert.Equal((1L, 2L, 50.0), run.Figures(KpiIds.Ret01));
        Assert.Equal("provisional", run.Find(KpiIds.Ret01).Status);
        Assert.Equal("provisional", run.Find(KpiIds.Ret02, "ALL").Status);
        Assert.Equal("final", run.Find(KpiIds.Acc01, period: "2025-26-Q2").Status);
    }

    [Theory]
    [InlineData("2025-09-21", "provisional")]
    [InlineData("2025-09-22", "final")]
    public void Retention_is_final_from_period_end_plus_84_days(string asOf, string status)
    {
        var run = Rows.ComputeEpisodes(asOf, Base);

        Assert.Equal(status, run.Find(KpiIds.Ret01, dimensionValue: "OPIATE").Status);
    }

    [Fact]
    public void An_episode_that_went_missing_ends_at_the_end_of_its_last_month()
    {
        var episode = Base.ForClient("a").WithId("GONE");
        var returns = new ReturnsBuilder()
            .Episodes("P1", "2025-04", episode.Build())
            .Episodes("P1", "2025-05")
            .Build();

        var run = Rows.Compute(returns, "2026-03-31");

        Assert.Equal((0L, 1L, 0.0), run.Figures(KpiIds.Ret01));
        Assert.Equal((0L, 1L, 0.0), run.Figures(KpiIds.Ret02));
    }

    [Fact]
    public void Ost_over_4_and_6_years_count_starts_1461_and_2191_days_before_period_end()
    {
        var ost = new EpisodeBuilder().OnMedication(Medication.METHADONE, 80m);
        var run = Rows.ComputeEpisodes("2025-06-30",
            ost.ForClient("a").Referred("2021-06-30").Started("2021-06-30"),
            ost.ForClient("b").Referred("2021-07-01").Started("2021-07-01"),
            ost.ForClient("c").Referred("2019-07-01").Started("2019-07-01"),
            ost.ForClient("d").Referred("2019-07-02").Started("2019-07-02"),
            new EpisodeBuilder().ForClient("e").Referred("2010-01-01").Started("2010-01-01"));

        Assert.Equal((3L, 4L, 75.0), run.Figures(KpiIds.Ret03));
        Assert.Equal((1L, 4L, 25.0), run.Figures(KpiIds.Ret04));
        Assert.Equal("2009-10-Q4", run.Periods[0].Label);
    }
}
