using System.Text;
using KpiPipeline.Core.Dataset;
using KpiPipeline.Core.Reference;
using KpiPipeline.Testing;

namespace KpiPipeline.Core.Tests;

public class ReferenceDataReaderTests
{
    private const string Areas = "area_code,area_name,nation,estimated_opiate_users,estimated_pwid\nA1,Area One,england,1200,\nA2,\"Area, Two\",WALES,,300\n";
    private const string Providers = "provider_code,provider_name,area_code\nprov1,Provider One,A1\nPROV2,Provider Two,a2\n";
    private const string Targets = "area_code,kpi_id,target,amber_margin\n*,ACC01_waited_3_weeks_or_less,90,\nA2,ACC01_waited_3_weeks_or_less,85.5,2\n";

    private static MemoryStream S(string text) => new MemoryStream(Encoding.UTF8.GetBytes(text));

    [Fact]
    public async Task Reads_clean_reference_files_into_reference_data()
    {
        var result = await ReferenceDataReader.ReadAsync(S(Providers), S(Areas), S(Targets), new HashSet<string> { "ACC01_waited_3_weeks_or_less" }, CancellationToken.None);

        Assert.True(result.Succeeded, string.Join("; ", result.Reports.SelectMany(r => r.Issues).Select(i => i.Message)));
        var data = result.Data!;
        Assert.Equal(new ProviderInfo("PROV1", "Provider One", "A1"), data.FindProvider("Prov1"));
        Assert.Equal(new AreaInfo("A2", "Area, Two", Nation.WALES, null, 300), data.Areas[1]);
        Assert.Equal(new TargetOverride("A2", "ACC01_waited_3_weeks_or_less", 85.5m, 2m), data.Targets[1]);
        Assert.Null(data.Targets[0].AmberMargin);
        Assert.Equal(3, result.Reports.Count);
    }

    [Fact]
    public async Task Targets_file_is_optional()
    {
        var result = await ReferenceDataReader.ReadAsync(S(Providers), S(Areas), null, null, CancellationToken.None);

        Assert.True(result.Succeeded);
        Assert.Empty(result.Data!.Targets);
    }

    [Fact]
    public async Task Rejects_a_provider_in_an_unknown_area_and_duplicate_providers()
    {
        var result = await ReferenceDataReader.ReadAsync(S(Providers + "PROV1,Again,A1\nPROV3,Three,A9\n"), S(Areas), null, null, CancellationToken.None);

        Assert.Null(result.Data);
        var report = result.Reports.Single(r => r.FileName == "reference/providers.csv");
        Assert.Equal(["REF01", "REF03"], TestData.RulesOf(report));
        Assert.Equal(3, report.Issues.Single(i => i.RuleId == "REF01").Row);
    }

    [Fact]
    public async Task Rejects_bad_nations_estimates_and_targets()
    {
        var result = await ReferenceDataReader.ReadAsync(
            S(Providers),
            S(Areas + "A3,Three,MARS,-5,\n"),
            S(Targets + "A9,X,high,-1\n*,ACC01_waited_3_weeks_or_less,1,\n"),
            new HashSet<string> { "ACC01_waited_3_weeks_or_less" },
            CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.Equal(["REF06", "REF07"], TestData.RulesOf(result.Reports.Single(r => r.FileName == "reference/areas.csv")));
        Assert.Equal(["REF08", "REF09", "REF10", "REF11", "REF12"], TestData.RulesOf(result.Reports.Single(r => r.FileName == "reference/targets.csv")));
    }

    [Fact]
    public async Task Reports_missing_files_and_columns()
    {
        var result = await ReferenceDataReader.ReadAsync(null, S("area_code,nation\nA1,ENGLAND\n"), null, null, CancellationToken.None);

        Assert.Equal(["F04"], TestData.RulesOf(result.Reports.Single(r => r.FileName == "reference/areas.csv")));
        Assert.Equal(["REF13"], TestData.RulesOf(result.Reports.Single(r => r.FileName == "reference/providers.csv")));
    }

    [Fact]
    public async Task Reads_a_reference_folder()
    {
        var folder = RepoPaths.NewTempFolder("reference");
        await File.WriteAllTextAsync(Path.Combine(folder, "providers.csv"), Providers);
        await File.WriteAllTextAsync(Path.Combine(folder, "areas.csv"), Areas);

        var result = await ReferenceDataReader.ReadFolderAsync(folder, null, CancellationToken.None);

        Assert.Equal(2, result.Data!.Providers.Count);
    }

    [Fact]
    public void Every_rule_id_is_documented()
    {
        var doc = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "validation.md"));

        Assert.All(Core.Validation.Rules.All, rule => Assert.Contains("| " + rule.Id + " |", doc, StringComparison.Ordinal));
    }
}
