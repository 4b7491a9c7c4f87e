using KpiPipeline.Kpis.Catalogue;
using KpiPipeline.Testing;

namespace KpiPipeline.Kpis.Tests;

public class KpiCatalogueTests
{
    [Fact]
    public void The_catalogue_holds_the_37_KPIs_of_the_spec_once_each()
    {
        Assert.Equal(37, KpiCatalogue.All.Count);
        Assert.Equal(37, KpiCatalogue.All.Select(k => k.Id).Distinct().Count());
        Assert.Equal(
            ["ACC01_waited_3_weeks_or_less", "EXT01_successful_completions", "EXT02_successful_no_representation", "RET01_retained_12_weeks", "SOFT03_opiate_abstinent", "VOL01_in_treatment", "VOL02_new_presentations"],
            KpiCatalogue.All.Where(k => k.HasSubstanceGroups).Select(k => k.Id).Order(StringComparer.Ordinal));
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
