using KpiPipeline.Core.Dataset;
using KpiPipeline.Core.Reference;
using KpiPipeline.Kpis.Catalogue;

namespace KpiPipeline.Kpis.Tests;

/// <summary>Independent audit of row coverage and status (kpis.md section 0, outputs.md section 2).</summary>
public class AuditCoverageAndStatusTests
{
    private static readonly EpisodeBuilder Base = new EpisodeBuilder().Referred("2025-04-01").Started("2025-04-08");
    private static readonly string[] ProvisionalKpis = [KpiIds.Ret01, KpiIds.Ret02, KpiIds.Ext02, KpiIds.Ext03];

    [Fact]
    public void Only_RET01_RET02_EXT02_and_EXT03_are_ever_provisional_even_in_the_as_of_quarter()
    {
        var run = Rows.ComputeEpisodes("2025-08-01",
            Base.ForClient("a").Exited("2025-05-01", ExitReason.COMPLETED_DRUG_FREE), Base.ForClient("b"));

        Assert.Equal(["2025-26-Q1", "2025-26-Q2"], run.Periods.Select(p => p.Label));
        Assert.All(run.All(), r => Assert.Equal(ProvisionalKpis.Contains(r.KpiId) ? "provisional" : "final", r.Status));
    }

    [Fact]
    public void Retention_becomes_final_84_days_after_period_end_while_re_presentation_waits_182()
    {
        var run = Rows.ComputeEpisodes("2025-10-15", Base.ForClient("a"));

        var q1 = run.All().Where(r => r.Period == "2025-26-Q1").ToList();
        Assert.All(q1.Where(r => r.KpiId is KpiIds.Ret01 or KpiIds.Ret02), r => Assert.Equal("final", r.Status));
        Assert.All(q1.Where(r => r.KpiId is KpiIds.Ext02 or KpiIds.Ext03), r => Assert.Equal("provisional", r.Status));
        Assert.All(run.All().Where(r => r.Period == "2025-26-Q3" && ProvisionalKpis.Contains(r.KpiId)),
            r => Assert.Equal("provisional", r.Status));
    }

    /// <summary>PX in B1 (ENGLAND); PY in B9, which is not in areas.csv; B2 (WALES) has no provider; no area in SCOTLAND.</summary>
    private static readonly ReferenceData Sparse = new(
        [new ProviderInfo("PX", "Provider X", "B1"), new ProviderInfo("PY", "Provider Y", "B9")],
        [new AreaInfo("B1", "Area B1", Nation.ENGLAND, null, null), new AreaInfo("B2", "Area B2", Nation.WALES, 40, 20)],
        []);

    [Fact]
    public void Every_registered_provider_area_and_nation_with_an_area_gets_every_row_even_without_data()
    {
        var returns = new ReturnsBuilder()
            .Episodes("PX", "2025-04", Base.AtProvider("PX").ForClient("a").Build())
            .Episodes("PY", "2025-04", Base.AtProvider("PY").ForClient("b").Build())
            .Build();

        var run = Rows.Compute(returns, "2025-06-30", Sparse);

        var units = run.All().Select(r => (r.Level, r.UnitCode)).Distinct().Order().ToList();
        Assert.Equal(
            [("all", "ALL"), ("area", "B1"), ("area", "B2"), ("nation", "ENGLAND"), ("nation", "WALES"), ("provider", "PX"), ("provider", "PY")],
            units);
        foreach (var kpi in KpiCatalogue.All)
        {
            var rows = run.All().Where(r => r.KpiId == kpi.Id).ToList();
            var unitCount = kpi.AreaLevelAndAbove ? 5 : 7;
            Assert.Equal(unitCount * (kpi.HasSubstanceGroups ? 4 : 1), rows.Count);
            if (kpi.HasSubstanceGroups)
            {
                Assert.All(rows.GroupBy(r => r.UnitCode), g => Assert.Equal(
                    ["ALCOHOL", "ALL", "NON_OPIATE", "OPIATE"], g.Select(r => r.DimensionValue).Order(StringComparer.Ordinal)));
            }
        }

        Assert.Equal((0L, null, 0.0), run.Figures(KpiIds.Vol01, "WALES"));
        Assert.Equal((0L, 0L, null), run.Figures(KpiIds.Acc01, "B2", dimensionValue: "ALCOHOL"));
        Assert.Equal((null, 0L, null), run.Figures(KpiIds.Acc02, "B2"));
        Assert.Equal((null, 0L, null), run.Figures(KpiIds.Soft05, "WALES"));
        Assert.Equal((0L, 40L, 100.0), run.Figures(KpiIds.Pop01, "WALES"));
        Assert.Equal((0L, 0L, null), run.Figures(KpiIds.Pop01, "B1"));
        Assert.Equal((0L, 0L, null), run.Figures(KpiIds.Nsp04, "ENGLAND"));
        // PY's area is unknown: PY has its rows and counts in ALL, not in any area or nation (docs/kpis.md reading).
        Assert.Equal((1L, null, 1.0), run.Figures(KpiIds.Vol01, "PY"));
        Assert.Equal((1L, null, 1.0), run.Figures(KpiIds.Vol01, "ENGLAND"));
        Assert.Equal((2L, null, 2.0), run.Figures(KpiIds.Vol01, "ALL"));
        Assert.Equal("B9", run.Find(KpiIds.Vol01, "PY").AreaCode);
    }
}
