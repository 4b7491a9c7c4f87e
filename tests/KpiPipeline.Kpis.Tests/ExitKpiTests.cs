using KpiPipeline.Core.Dataset;
using KpiPipeline.Kpis.Catalogue;

namespace KpiPipeline.Kpis.Tests;

public class ExitKpiTests
{
    private static readonly EpisodeBuilder Base = new EpisodeBuilder().Referred("2025-04-01").Started("2025-04-02");

    private static EpisodeBuilder[] RepresentationAt182And183() =>
    [
        Base.ForClient("a").Exited("2025-05-01", ExitReason.COMPLETED_DRUG_FREE),
        Base.ForClient("a").Referred("2025-10-30").NotStarted(),
        Base.ForClient("b").Exited("2025-05-01", ExitReason.COMPLETED_OCCASIONAL_USE),
        Base.ForClient("b").Referred("2025-10-31").NotStarted(),
    ];

    [Fact]
    public void Re_presentation_counts_182_days_after_exit_but_not_183()
    {
        var run = Rows.ComputeEpisodes("2026-01-01", RepresentationAt182And183());

        Assert.Equal((2L, 2L, 100.0), run.Figures(KpiIds.Ext01));
        Assert.Equal((1L, 2L, 50.0), run.Figures(KpiIds.Ext02));
        Assert.Equal((1L, 2L, 50.0), run.Figures(KpiIds.Ext03));
        Assert.Equal("final", run.Find(KpiIds.Ext02).Status);
    }

    [Theory]
    [InlineData("2025-12-28", "provisional")]
    [InlineData("2025-12-29", "final")]
    public void Re_presentation_KPIs_are_final_from_period_end_plus_182_days(string asOf, string status)
    {
        var run = Rows.ComputeEpisodes(asOf, RepresentationAt182And183());

        Assert.Equal(status, run.Find(KpiIds.Ext02).Status);
        Assert.Equal(status, run.Find(KpiIds.Ext03, "ALL").Status);
        Assert.Equal("final", run.Find(KpiIds.Ext01).Status);
    }

    [Fact]
    public void Re_presentation_is_found_at_another_provider_in_another_area()
    {
        var run = Rows.ComputeEpisodes("2026-01-01",
            Base.ForClient("a").Exited("2025-05-01", ExitReason.COMPLETED_DRUG_FREE),
            Base.ForClient("a").AtProvider("P3").Referred("2025-06-01").NotStarted());

        Assert.Equal((0L, 1L, 0.0), run.Figures(KpiIds.Ext02));
        Assert.Equal((1L, 1L, 100.0), run.Figures(KpiIds.Ext03));
    }

    [Fact]
    public void A_client_with_two_successful_exits_counts_in_EXT02_when_any_one_has_no_re_presentation()
    {
        var run = Rows.ComputeEpisodes("2026-01-01",
            Base.ForClient("a").Exited("2025-04-10", ExitReason.COMPLETED_DRUG_FREE),
            Base.ForClient("a").Referred("2025-05-01").Started("2025-05-01").Exited("2025-06-01", ExitReason.COMPLETED_DRUG_FREE));

        Assert.Equal((1L, 1L, 100.0), run.Figures(KpiIds.Ext01));
        Assert.Equal((1L, 1L, 100.0), run.Figures(KpiIds.Ext02));
        Assert.Equal((0L, 1L, 0.0), run.Figures(KpiIds.Ext03));
    }

    [Fact]
    public void Unplanned_exits_and_deaths_count_distinct_clients_with_the_reason()
    {
        var run = Rows.ComputeEpisodes("2026-01-01",
            Base.ForClient("a").Exited("2025-05-01", ExitReason.DROPPED_OUT),
            Base.ForClient("b").Exited("2025-05-01", ExitReason.WITHDRAWN_BY_PROVIDER),
            Base.ForClient("c").Exited("2025-05-01", ExitReason.DIED),
            Base.ForClient("d"));

        Assert.Equal((1L, 4L, 25.0), run.Figures(KpiIds.Ext04));
        Assert.Equal((1L, 4L, 25.0), run.Figures(KpiIds.Ext05));
        Assert.Equal((1L, null, 1.0), run.Figures(KpiIds.Ext06));
    }

    [Fact]
    public void Exits_of_episodes_that_never_started_count_as_exits()
    {
        var run = Rows.ComputeEpisodes("2026-01-01",
            Base.ForClient("a").NotStarted().Exited("2025-05-01", ExitReason.DROPPED_OUT));

        Assert.Equal((1L, 0L, null), run.Figures(KpiIds.Ext04));
    }

    [Fact]
    public void Successful_exits_are_broken_down_by_substance_group_over_the_group_VOL01()
    {
        var run = Rows.ComputeEpisodes("2026-01-01",
            Base.ForClient("a").WithSubstance(Substance.ALCOHOL).Exited("2025-05-01", ExitReason.COMPLETED_DRUG_FREE),
            Base.ForClient("a"),
            Base.ForClient("b").WithSubstance(Substance.ALCOHOL));

        Assert.Equal((1L, 2L, 50.0), run.Figures(KpiIds.Ext01, dimensionValue: "ALCOHOL"));
        Assert.Equal((0L, 1L, 0.0), run.Figures(KpiIds.Ext01, dimensionValue: "OPIATE"));
    }
}
