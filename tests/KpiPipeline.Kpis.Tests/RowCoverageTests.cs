using KpiPipeline.Kpis.Catalogue;

namespace KpiPipeline.Kpis.Tests;

public class RowCoverageTests
{
    [Fact]
    public void Every_unit_gets_every_KPI_for_every_period_even_without_data()
    {
        var run = Rows.ComputeEpisodes("2025-12-31", new EpisodeBuilder().Referred("2025-05-01").Started("2025-05-02"));

        Assert.Equal(["2025-26-Q1", "2025-26-Q2", "2025-26-Q3"], run.Periods.Select(p => p.Label));
        // 3 providers + 2 areas + 2 nations + ALL = 8 units; 5 without providers.
        var perPeriod = KpiCatalogue.All.Sum(k => (k.AreaLevelAndAbove ? 5 : 8) * (k.HasSubstanceGroups ? 4 : 1));
        Assert.Equal(perPeriod * 3, run.All().Count);
        Assert.Equal(run.All().Count, run.All().Select(r => (r.Period, r.UnitCode, r.KpiId, r.DimensionValue)).Distinct().Count());
        Assert.Equal((0L, null, 0.0), run.Figures(KpiIds.Vol01, "P3"));
        Assert.Equal((0L, 0L, null), run.Figures(KpiIds.Acc01, "P3"));
    }

    [Fact]
    public void Levels_and_area_codes_follow_the_reference_data()
    {
        var run = Rows.ComputeEpisodes("2025-06-30", new EpisodeBuilder());

        var provider = run.Find(KpiIds.Vol01, "P3");
        Assert.Equal(("provider", "A2"), (provider.Level, provider.AreaCode));
        Assert.Equal(("area", "A2"), (run.Find(KpiIds.Vol01, "A2").Level, run.Find(KpiIds.Vol01, "A2").AreaCode));
        Assert.Equal(("nation", (string?)null), (run.Find(KpiIds.Vol01, "SCOTLAND").Level, run.Find(KpiIds.Vol01, "SCOTLAND").AreaCode));
        Assert.Equal("all", run.Find(KpiIds.Vol01, "ALL").Level);
        Assert.All(run.All(), r => Assert.Equal(1, r.SchemaVersion));
    }

    [Fact]
    public void Without_any_episode_only_the_as_of_quarter_is_published()
    {
        var run = Rows.Compute(Returns.ReturnSet.Empty, "2025-08-01");

        Assert.Equal(["2025-26-Q2"], run.Periods.Select(p => p.Label));
        Assert.Equal(0.0, run.Find(KpiIds.Vol01, "ALL", "2025-26-Q2").Value);
    }

    [Fact]
    public void Deleted_episodes_do_not_extend_the_period_range()
    {
        var returns = new ReturnsBuilder()
            .Episodes("P1", "2025-04", new EpisodeBuilder().Referred("2020-01-01").Deleted().Build(), new EpisodeBuilder().Build())
            .Build();

        var run = Rows.Compute(returns, "2025-06-30");

        Assert.Equal("2025-26-Q1", Assert.Single(run.Periods).Label);
    }
}
