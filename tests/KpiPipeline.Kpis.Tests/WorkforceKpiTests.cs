using KpiPipeline.Core.Dataset;
using KpiPipeline.Core.Reference;
using KpiPipeline.Kpis.Catalogue;

namespace KpiPipeline.Kpis.Tests;

/// <summary>CAP01–CAP03 (kpis.md 10.5 and 10.7, <c>Families/WorkforceKpis.cs</c>), on fixtures worked out by hand.</summary>
public class WorkforceKpiTests
{
    private static readonly EpisodeBuilder Open = new EpisodeBuilder().Referred("2025-04-01").Started("2025-04-08");

    /// <summary>P1: four people open at 2025-06-30 (one of them twice), one ended on it. P2: two people open. P3: one.</summary>
    private static ReturnsBuilder Caseloads() => new ReturnsBuilder()
        .Episodes("P1", "2025-04",
            Open.ForClient("a").Build(),
            Open.ForClient("a").Build(),
            Open.ForClient("b").Build(),
            Open.ForClient("c").Exited("2025-07-01", ExitReason.DROPPED_OUT).Build(),
            Open.ForClient("d").Referred("2025-06-30").Started("2025-06-30").Build(),
            Open.ForClient("e").Exited("2025-06-30", ExitReason.DROPPED_OUT).Build())
        .Episodes("P2", "2025-04", Open.AtProvider("P2").ForClient("a").Build(), Open.AtProvider("P2").ForClient("f").Build())
        .Episodes("P3", "2025-04", Open.AtProvider("P3").ForClient("g").Build());

    [Fact]
    public void Caseload_per_FTE_divides_people_open_at_period_end_by_the_available_FTE_of_the_latest_month_of_the_quarter()
    {
        // P1's June return (latest in Q1) says 3.00 FTE of which 0.50 on long-term leave: 4 ÷ 2.5 = 1.6.
        var run = Rows.Compute(Caseloads()
            .Workforce("P1", "2025-04", headcount: 10, fte: 8m)
            .Workforce("P1", "2025-06", headcount: 4, fte: 3m, longTermLeaveFte: 0.5m, onLongTermLeave: 1, underTwoYears: 2)
            .Build(), "2025-09-30");

        Assert.Equal((4L, null, 1.6), run.Figures(KpiIds.Cap01, "P1"));
        Assert.Equal((2L, 4L, 50.0), run.Figures(KpiIds.Cap02, "P1"));
        Assert.Equal((1L, 4L, 25.0), run.Figures(KpiIds.Cap03, "P1"));
        // P2 sent none: it is left out of both sides at every level.
        Assert.Equal((0L, null, null), run.Figures(KpiIds.Cap01, "P2"));
        Assert.Equal((0L, 0L, null), run.Figures(KpiIds.Cap02, "P2"));
        Assert.Equal((4L, null, 1.6), run.Figures(KpiIds.Cap01, "A1"));
        Assert.Equal((4L, null, 1.6), run.Figures(KpiIds.Cap01, "ALL"));
        Assert.Equal((2L, 4L, 50.0), run.Figures(KpiIds.Cap02, "ALL"));
        var cap01 = run.Find(KpiIds.Cap01, "P1");
        Assert.Equal(("green", "target", 50.0, 2.5m), (cap01.Rag, cap01.RagBasis, cap01.Target, cap01.Divisor));
        Assert.DoesNotContain(run.All(), r => r.KpiId.StartsWith("CAP", StringComparison.Ordinal) && r.Dimension != "all");
    }

    [Fact]
    public void A_person_open_at_two_reporting_providers_of_an_area_counts_once_and_their_FTE_adds_up()
    {
        var run = Rows.Compute(Caseloads()
            .Workforce("P1", "2025-05", headcount: 3, fte: 2.25m, underTwoYears: 1)
            .Workforce("P2", "2025-04", headcount: 2, fte: 0.75m, longTermLeaveFte: 0.25m, onLongTermLeave: 1)
            .Workforce("P3", "2025-06", headcount: 1, fte: 1m)
            .Build(), "2025-09-30");

        // A1: a, b, c, d at P1 and a, f at P2 → 5 people over 2.25 + 0.5 FTE = 1.818… → 1.8.
        Assert.Equal((5L, null, 1.8), run.Figures(KpiIds.Cap01, "A1"));
        Assert.Equal((2L, null, 4.0), run.Figures(KpiIds.Cap01, "P2"));
        Assert.Equal((1L, 5L, 20.0), run.Figures(KpiIds.Cap02, "A1"));
        Assert.Equal((1L, 5L, 20.0), run.Figures(KpiIds.Cap03, "ENGLAND"));
        Assert.Equal((6L, null, 1.6), run.Figures(KpiIds.Cap01, "ALL"));      // 6 ÷ 3.75
    }

    [Fact]
    public void A_quarter_without_a_workforce_month_has_a_zero_caseload_and_blank_values()
    {
        var run = Rows.Compute(Caseloads().Workforce("P1", "2025-06", headcount: 4, fte: 3m).Build(), "2025-12-31");

        Assert.Equal((0L, null, null), run.Figures(KpiIds.Cap01, "P1", "2025-26-Q2"));
        Assert.Equal((0L, 0L, null), run.Figures(KpiIds.Cap02, "P1", "2025-26-Q2"));
        Assert.Equal((0L, 0L, null), run.Figures(KpiIds.Cap03, "ALL", "2025-26-Q3"));
        Assert.Equal("none", run.Find(KpiIds.Cap01, "P1", "2025-26-Q2").Rag);
        Assert.Equal((4L, null, 1.3), run.Figures(KpiIds.Cap01, "P1", "2025-26-Q1"));
    }

    [Fact]
    public void A_later_rejected_workforce_file_leaves_the_earlier_accepted_month_in_force_and_counts_as_a_rejected_upload()
    {
        var run = Rows.Compute(Caseloads()
            .Workforce("P1", "2025-04", headcount: 5, fte: 2m)
            .Upload("P1", "2025-04", ReturnFileKind.Workforce, "2025-05-10T09:00:00Z", accepted: true)
            .Upload("P1", "2025-06", ReturnFileKind.Workforce, "2025-07-10T09:00:00Z", accepted: false)
            .Build(), "2025-09-30");

        Assert.Equal((4L, null, 2.0), run.Figures(KpiIds.Cap01, "P1"));
        Assert.Equal((1L, null, 1.0), run.Figures(KpiIds.Dq02, "P1"));
    }

    [Fact]
    public void Available_FTE_of_0_leaves_the_real_caseload_with_a_blank_value_and_headcount_0_gives_0_over_0()
    {
        var run = Rows.Compute(Caseloads()
            .Workforce("P1", "2025-06", headcount: 2, fte: 1.5m, longTermLeaveFte: 1.5m, onLongTermLeave: 2)
            .Workforce("P3", "2025-06", headcount: 0, fte: 0m)
            .Build(), "2025-09-30");

        Assert.Equal((4L, null, null), run.Figures(KpiIds.Cap01, "P1"));
        Assert.Equal((2L, 2L, 100.0), run.Figures(KpiIds.Cap03, "P1"));
        Assert.Equal((1L, null, null), run.Figures(KpiIds.Cap01, "P3"));
        Assert.Equal((0L, 0L, null), run.Figures(KpiIds.Cap02, "P3"));
        Assert.Equal((0L, 0L, null), run.Figures(KpiIds.Cap03, "P3"));
        Assert.Equal("none", run.Find(KpiIds.Cap01, "P1").Rag);
    }

    [Theory]
    [InlineData(50, "green")]
    [InlineData(55, "amber")]
    [InlineData(56, "red")]
    public void Caseload_per_FTE_is_rated_lower_is_better_against_50_with_margin_5(int people, string rag)
    {
        var episodes = Enumerable.Range(0, people).Select(i => Open.ForClient("c" + i).Build()).ToArray();
        var run = Rows.Compute(new ReturnsBuilder().Episodes("P1", "2025-04", episodes).Workforce("P1", "2025-06", headcount: 1, fte: 1m).Build(),
            "2025-09-30");

        Assert.Equal(((double)people, rag), (run.Find(KpiIds.Cap01).Value!.Value, run.Find(KpiIds.Cap01).Rag));
    }

    [Fact]
    public void A_targets_csv_row_may_set_a_target_for_any_version_1_1_KPI_with_a_polarity()
    {
        var run = Rows.Compute(Caseloads().Workforce("P1", "2025-06", headcount: 4, fte: 3m, underTwoYears: 2).Build(), "2025-09-30",
            TestReference.Standard(
                new TargetOverride("A1", KpiIds.Cap01, 1m, 0.2m),
                new TargetOverride("*", KpiIds.Cap02, 40m, null),
                new TargetOverride("*", KpiIds.Ext07, 10m, null),
                new TargetOverride("*", KpiIds.Hat03, 5m, null)));

        var cap01 = run.Find(KpiIds.Cap01, "P1");
        Assert.Equal((1.3, 1.0, "red"), (cap01.Value, cap01.Target, cap01.Rag));     // 1.3 > 1 + 0.2
        Assert.Equal((50.0, 40.0, "red"), (run.Find(KpiIds.Cap02, "P1").Value, run.Find(KpiIds.Cap02, "P1").Target, run.Find(KpiIds.Cap02, "P1").Rag));
        Assert.Equal((10.0, "target"), (run.Find(KpiIds.Ext07, "ALL").Target, run.Find(KpiIds.Ext07, "ALL").RagBasis));
        Assert.Equal("none", run.Find(KpiIds.Hat03, "ALL").RagBasis);
        Assert.Contains(run.Warnings, w => w.Contains(KpiIds.Hat03, StringComparison.Ordinal));
    }
}
