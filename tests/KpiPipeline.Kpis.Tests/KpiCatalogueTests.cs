using KpiPipeline.Kpis.Catalogue;
using KpiPipeline.Testing;

namespace KpiPipeline.Kpis.Tests;

public class KpiCatalogueTests
{
    [Fact]
    public void The_catalogue_holds_the_46_KPIs_of_the_spec_version_1_1_once_each()
    {
        Assert.Equal(46, KpiCatalogue.All.Count);
        Assert.Equal(46, KpiCatalogue.All.Select(k => k.Id).Distinct().Count());
        Assert.Equal(
            ["ACC01_waited_3_weeks_or_less", "EXT01_successful_completions", "EXT02_successful_no_representation", "RET01_retained_12_weeks", "SOFT03_opiate_abstinent", "VOL01_in_treatment", "VOL02_new_presentations"],
            KpiCatalogue.All.Where(k => k.HasBreakdowns).Select(k => k.Id).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Catalogue_rows_carry_the_parquet_vocabulary()
    {
        var acc01 = KpiCatalogue.Rows.Single(r => r.KpiId == KpiIds.Acc01);
        Assert.Equal(("hard", "percent", "higher_is_better", 90.0, 5.0, "target"),
            (acc01.Category, acc01.Unit, acc01.Polarity, acc01.DefaultTarget, acc01.AmberMargin, acc01.RagBasis));
        var ext03 = KpiCatalogue.Rows.Single(r => r.KpiId == KpiIds.Ext03);
        Assert.Equal(("lower_is_better", "national_benchmark"), (ext03.Polarity, ext03.RagBasis));
        var ret03 = KpiCatalogue.Rows.Single(r => r.KpiId == KpiIds.Ret03);
        Assert.Equal(("none", (double?)null, "none"), (ret03.Polarity, ret03.AmberMargin, ret03.RagBasis));
        Assert.All(KpiCatalogue.Rows, r => Assert.EndsWith(".", r.Definition, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(KpiIds.Ext07, "hard", "percent", "lower_is_better", null, "none")]
    [InlineData(KpiIds.Ext08, "hard", "percent", "higher_is_better", null, "none")]
    [InlineData(KpiIds.Cj01, "hard", "percent", "higher_is_better", 50.0, "target")]
    [InlineData(KpiIds.Hat01, "hard", "percent", "higher_is_better", 60.0, "target")]
    [InlineData(KpiIds.Hat02, "hard", "percent", "lower_is_better", null, "none")]
    [InlineData(KpiIds.Hat03, "hard", "count", "none", null, "none")]
    [InlineData(KpiIds.Cap01, "workforce", "ratio", "lower_is_better", 50.0, "target")]
    [InlineData(KpiIds.Cap02, "workforce", "percent", "lower_is_better", null, "none")]
    [InlineData(KpiIds.Cap03, "workforce", "percent", "lower_is_better", null, "none")]
    public void Version_1_1_KPIs_carry_the_category_unit_polarity_and_target_of_section_10(
        string kpiId, string category, string unit, string polarity, double? target, string basis)
    {
        var row = KpiCatalogue.Rows.Single(r => r.KpiId == kpiId);
        var kpi = KpiCatalogue.Get(kpiId);

        Assert.Equal((category, unit, polarity, target, basis), (row.Category, row.Unit, row.Polarity, row.DefaultTarget, row.RagBasis));
        Assert.Equal(polarity == "none" ? null : 5.0, row.AmberMargin);
        Assert.Equal((false, false, false), (kpi.HasBreakdowns, kpi.AreaLevelAndAbove, kpi.NationalBenchmark));
    }
}

public class KpiDocsTests
{
    [Fact]
    public void Docs_kpis_md_matches_the_catalogue()
    {
        var path = Path.Combine(RepoPaths.Root, "docs", "kpis.md");
        var expected = KpiCatalogue.RenderMarkdown();
        if (Environment.GetEnvironmentVariable("KPI_DOCS_WRITE") == "1")
        {
            File.WriteAllText(path, expected);
        }

        var actual = File.Exists(path) ? File.ReadAllText(path) : "";
        Assert.True(actual == expected,
            "docs/kpis.md is out of sync with KpiCatalogue. Regenerate it with: " +
            "KPI_DOCS_WRITE=1 dotnet test tests/KpiPipeline.Kpis.Tests --filter KpiDocsTests");
    }
}
