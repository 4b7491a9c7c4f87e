using KpiPipeline.Core.Dataset;
using KpiPipeline.Kpis.Catalogue;

namespace KpiPipeline.Kpis.Tests;

/// <summary>HAT01–HAT03 (kpis.md 10.4 and 10.7, <c>Families/HatKpis.cs</c>), on fixtures worked out by hand.</summary>
public class HatKpiTests
{
    /// <summary>A heroin-assisted treatment episode started 2024-04-10: its first anniversary, 2025-04-10, is in 2025-26 Q1.</summary>
    private static readonly EpisodeBuilder Hat = new EpisodeBuilder()
        .Referred("2024-04-01").Started("2024-04-10").InSetting(TreatmentSetting.HAT_CLINIC).OnMedication(Medication.DIAMORPHINE, 400m);

    [Fact]
    public void An_episode_ending_on_day_364_is_not_engaged_at_12_months_and_one_ending_on_day_365_is()
    {
        var run = Rows.ComputeEpisodes("2025-09-30",
            Hat.ForClient("a").Exited("2025-04-09", ExitReason.DROPPED_OUT),      // day 364
            Hat.ForClient("b").Exited("2025-04-10", ExitReason.DROPPED_OUT),      // day 365
            Hat.ForClient("c"),                                                   // still open
            Hat.ForClient("d").InSetting(TreatmentSetting.SPECIALIST));           // not HAT

        Assert.Equal((2L, 3L, 66.7), run.Figures(KpiIds.Hat01, period: "2025-26-Q1"));
        Assert.Equal((0L, 0L, null), run.Figures(KpiIds.Hat01, period: "2024-25-Q4"));
        Assert.Equal((0L, 0L, null), run.Figures(KpiIds.Hat01, period: "2025-26-Q2"));
        var row = run.Find(KpiIds.Hat01, period: "2025-26-Q1");
        Assert.Equal(("final", 60.0, "green", "target"), (row.Status, row.Target, row.Rag, row.RagBasis));
        Assert.DoesNotContain(run.All(), r => r.KpiId is KpiIds.Hat01 or KpiIds.Hat02 or KpiIds.Hat03 && r.Dimension != "all");
    }

    [Fact]
    public void An_episode_that_ended_on_its_first_day_is_still_in_the_cohort_of_its_anniversary()
    {
        var run = Rows.ComputeEpisodes("2025-09-30", Hat.Exited("2024-04-10", ExitReason.DROPPED_OUT));

        Assert.Equal((0L, 1L, 0.0), run.Figures(KpiIds.Hat01, period: "2025-26-Q1"));
    }

    [Fact]
    public void An_episode_that_went_missing_ends_at_the_end_of_its_last_month()
    {
        // Last seen in the March 2025 file; the April file leaves it out: effective end 2025-03-31, day 355.
        var returns = new ReturnsBuilder()
            .Episodes("P1", "2025-03", Hat.WithId("GONE").Build(), Hat.WithId("KEPT").ForClient("b").Build())
            .Episodes("P1", "2025-04", Hat.WithId("KEPT").ForClient("b").Build())
            .Build();

        var run = Rows.Compute(returns, "2025-09-30");

        Assert.Equal((1L, 2L, 50.0), run.Figures(KpiIds.Hat01, period: "2025-26-Q1"));
    }

    [Theory]
    // A second episode reaches its anniversary on 2025-06-20. Before the quarter ends only anniversaries by the as-of date count.
    [InlineData("2025-06-19", "provisional", 1L)]
    [InlineData("2025-06-20", "provisional", 2L)]
    [InlineData("2025-06-30", "final", 2L)]
    public void Engagement_at_12_months_is_provisional_until_the_quarter_ends_and_counts_anniversaries_up_to_the_as_of_date(
        string asOf, string status, long cohort)
    {
        var run = Rows.ComputeEpisodes(asOf,
            Hat.ForClient("a"),
            Hat.ForClient("b").Referred("2024-06-01").Started("2024-06-20"));

        var row = run.Find(KpiIds.Hat01);
        Assert.Equal((status, cohort, cohort), (row.Status, row.Denominator!.Value, row.Numerator!.Value));
    }

    [Fact]
    public void Leaving_181_days_after_start_is_within_6_months_and_182_days_is_not()
    {
        var started = Hat.Referred("2025-01-01").Started("2025-01-01");
        var run = Rows.ComputeEpisodes("2025-09-30",
            started.ForClient("a").Exited("2025-07-01", ExitReason.DROPPED_OUT),     // day 181
            started.ForClient("b").Exited("2025-07-02", ExitReason.TRANSFERRED),     // day 182
            started.ForClient("c").Exited("2025-07-02", ExitReason.DROPPED_OUT).InSetting(TreatmentSetting.RESIDENTIAL));

        Assert.Equal((1L, 2L, 50.0), run.Figures(KpiIds.Hat02, period: "2025-26-Q2"));
        Assert.Equal((0L, 0L, null), run.Figures(KpiIds.Hat02, period: "2025-26-Q1"));
        Assert.Equal(("none", "none"), (run.Find(KpiIds.Hat02, period: "2025-26-Q2").Rag, run.Find(KpiIds.Hat02, period: "2025-26-Q2").RagBasis));
    }

    [Fact]
    public void People_in_HAT_are_counted_once_per_unit_while_in_treatment()
    {
        var run = Rows.ComputeEpisodes("2025-09-30",
            Hat.ForClient("a"),
            Hat.ForClient("a").AtProvider("P2"),
            Hat.ForClient("b").AtProvider("P3").Exited("2025-03-31", ExitReason.DROPPED_OUT),
            Hat.ForClient("c").InSetting(TreatmentSetting.SHARED_CARE));

        Assert.Equal((1L, null, 1.0), run.Figures(KpiIds.Hat03, "P1", "2025-26-Q1"));
        Assert.Equal((1L, null, 1.0), run.Figures(KpiIds.Hat03, "A1", "2025-26-Q1"));
        Assert.Equal((0L, null, 0.0), run.Figures(KpiIds.Hat03, "P3", "2025-26-Q1"));
        Assert.Equal((1L, null, 1.0), run.Figures(KpiIds.Hat03, "P3", "2024-25-Q4"));
        Assert.Equal((2L, null, 2.0), run.Figures(KpiIds.Hat03, "ALL", "2024-25-Q4"));
        Assert.Equal(("none", "none"), (run.Find(KpiIds.Hat03, "ALL").Rag, run.Find(KpiIds.Hat03, "ALL").RagBasis));
    }
}
