using System.Text;
using KpiPipeline.Core.Dataset;
using KpiPipeline.Core.Reference;
using KpiPipeline.Testing;

namespace KpiPipeline.Core.Tests;

/// <summary>Reference data (dataset.md section 5): providers, areas and targets, rules REF01–REF13, read from streams or a folder.</summary>
public class ReferenceDataTests
{
    private const string Areas =
        "area_code,area_name,nation,estimated_opiate_users,estimated_pwid\n"
        + "E1,England Area,ENGLAND,1500,400\nS1,Scottish Area,SCOTLAND,,\nW1,Welsh Area,WALES,10,\nN1,NI Area,NORTHERN_IRELAND,,0\n";

    private const string Providers = "provider_code,provider_name,area_code\nP1,Provider One,E1\nP2,Provider Two,S1\n";

    /// <summary>Codes in lower case, a quoted name with a comma, a target for every area and one for A2.</summary>
    private const string MixedCaseAreas = "area_code,area_name,nation,estimated_opiate_users,estimated_pwid\nA1,Area One,england,1200,\nA2,\"Area, Two\",WALES,,300\n";
    private const string MixedCaseProviders = "provider_code,provider_name,area_code\nprov1,Provider One,A1\nPROV2,Provider Two,a2\n";
    private const string AreaTargets = "area_code,kpi_id,target,amber_margin\n*,ACC01_waited_3_weeks_or_less,90,\nA2,ACC01_waited_3_weeks_or_less,85.5,2\n";

    [Fact]
    public async Task Reads_providers_in_areas_of_every_nation_with_optional_estimates()
    {
        var result = await Read(Providers, Areas, null);

        Assert.True(result.Succeeded, Describe(result));
        Assert.Equal([Nation.ENGLAND, Nation.SCOTLAND, Nation.WALES, Nation.NORTHERN_IRELAND], result.Data!.Areas.Select(a => a.Nation));
        Assert.Equal(new AreaInfo("S1", "Scottish Area", Nation.SCOTLAND, null, null), result.Data.Areas[1]);
        Assert.Equal(new AreaInfo("N1", "NI Area", Nation.NORTHERN_IRELAND, null, 0), result.Data.Areas[3]);
        Assert.Equal("E1", result.Data.FindProvider("P1")!.AreaCode);
        Assert.Empty(result.Data.Targets);
    }

    [Fact]
    public async Task Reads_clean_reference_files_into_reference_data()
    {
        var result = await ReferenceDataReader.ReadAsync(Stream(MixedCaseProviders), Stream(MixedCaseAreas), Stream(AreaTargets), new HashSet<string> { "ACC01_waited_3_weeks_or_less" }, CancellationToken.None);

        Assert.True(result.Succeeded, string.Join("; ", result.Reports.SelectMany(r => r.Issues).Select(i => i.Message)));
        var data = result.Data!;
        Assert.Equal(new ProviderInfo("PROV1", "Provider One", "A1"), data.FindProvider("Prov1"));
        Assert.Equal(new AreaInfo("A2", "Area, Two", Nation.WALES, null, 300), data.Areas[1]);
        Assert.Equal(new TargetOverride("A2", "ACC01_waited_3_weeks_or_less", 85.5m, 2m), data.Targets[1]);
        Assert.Null(data.Targets[0].AmberMargin);
        Assert.Equal(3, result.Reports.Count);
    }

    [Fact]
    public async Task Reads_a_reference_folder()
    {
        var folder = RepoPaths.NewTempFolder("reference");
        await File.WriteAllTextAsync(Path.Combine(folder, "providers.csv"), MixedCaseProviders);
        await File.WriteAllTextAsync(Path.Combine(folder, "areas.csv"), MixedCaseAreas);

        var result = await ReferenceDataReader.ReadFolderAsync(folder, null, CancellationToken.None);

        Assert.Equal(2, result.Data!.Providers.Count);
    }

    [Fact]
    public async Task The_estimate_columns_may_be_left_out()
    {
        var result = await Read(Providers, "area_code,area_name,nation\nE1,A,ENGLAND\nS1,B,SCOTLAND\n", null);

        Assert.True(result.Succeeded, Describe(result));
        Assert.All(result.Data!.Areas, a => Assert.Null(a.EstimatedOpiateUsers));
    }

    [Theory]
    [InlineData("UK")]
    [InlineData("ENG")]
    [InlineData("")]
    [InlineData("NORTHERN IRELAND")]
    public async Task Rejects_a_nation_outside_the_code_list(string nation)
    {
        var result = await Read(Providers, Areas + $"X1,Other,{nation},,\n", null);

        Assert.False(result.Succeeded);
        Assert.Equal(["REF06"], RulesOf(result, "areas.csv"));
    }

    [Fact]
    public async Task Nation_codes_are_case_insensitive()
    {
        var result = await Read(Providers, Areas.Replace("SCOTLAND", "scotland", StringComparison.Ordinal), null);

        Assert.True(result.Succeeded, Describe(result));
        Assert.Equal(Nation.SCOTLAND, result.Data!.Areas[1].Nation);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("1.5")]
    [InlineData("lots")]
    public async Task Rejects_an_estimate_that_is_not_a_whole_number_of_0_or_more(string value)
    {
        var result = await Read(Providers, Areas + $"X1,Other,WALES,{value},\n", null);

        Assert.False(result.Succeeded);
        Assert.Equal(["REF07"], RulesOf(result, "areas.csv"));
    }

    [Fact]
    public async Task Every_provider_belongs_to_an_area_of_areas_csv()
    {
        var unknown = await Read(Providers + "P3,Three,Z9\n", Areas, null);
        var blank = await Read(Providers + "P3,Three,\n", Areas, null);

        Assert.False(unknown.Succeeded);
        Assert.Equal(["REF03"], RulesOf(unknown, "providers.csv"));
        Assert.False(blank.Succeeded);
        Assert.Equal(["REF03"], RulesOf(blank, "providers.csv"));
    }

    [Fact]
    public async Task A_provider_listed_twice_cannot_belong_to_two_areas()
    {
        var result = await Read(Providers + "p1,Provider One Again,S1\n", Areas, null);

        Assert.False(result.Succeeded);
        Assert.Equal(["REF01"], RulesOf(result, "providers.csv"));
    }

    [Fact]
    public async Task Rejects_a_provider_in_an_unknown_area_and_duplicate_providers()
    {
        var result = await ReferenceDataReader.ReadAsync(Stream(MixedCaseProviders + "PROV1,Again,A1\nPROV3,Three,A9\n"), Stream(MixedCaseAreas), null, null, CancellationToken.None);

        Assert.Null(result.Data);
        var report = result.Reports.Single(r => r.FileName == "reference/providers.csv");
        Assert.Equal(["REF01", "REF03"], Fixture.Rules(report));
        Assert.Equal(3, report.Issues.Single(i => i.RuleId == "REF01").Row);
    }

    [Fact]
    public async Task Provider_codes_are_case_insensitive_and_stored_upper_case()
    {
        var result = await Read("provider_code,provider_name,area_code\np1,Provider One,e1\n", Areas, null);

        Assert.True(result.Succeeded, Describe(result));
        Assert.Equal(new ProviderInfo("P1", "Provider One", "E1"), result.Data!.FindProvider("P1"));
    }

    [Fact]
    public async Task Targets_apply_to_an_area_or_to_every_area_with_a_star()
    {
        var targets = "area_code,kpi_id,target,amber_margin\n*,K1,90,\nE1,K1,85.5,2.5\ns1,K1,70,0\n";

        var result = await Read(Providers, Areas, targets, new HashSet<string> { "K1" });

        Assert.True(result.Succeeded, Describe(result));
        Assert.Equal(
            [new TargetOverride("*", "K1", 90m, null), new TargetOverride("E1", "K1", 85.5m, 2.5m), new TargetOverride("S1", "K1", 70m, 0m)],
            result.Data!.Targets);
    }

    [Fact]
    public async Task Targets_file_is_optional()
    {
        var result = await ReferenceDataReader.ReadAsync(Stream(MixedCaseProviders), Stream(MixedCaseAreas), null, null, CancellationToken.None);

        Assert.True(result.Succeeded);
        Assert.Empty(result.Data!.Targets);
    }

    [Theory]
    [InlineData("Z9,K1,90,", "REF08")]
    [InlineData("**,K1,90,", "REF08")]
    [InlineData("E1,NOPE,90,", "REF09")]
    [InlineData("E1,K1,ninety,", "REF10")]
    [InlineData("E1,K1,90,-1", "REF11")]
    [InlineData("*,K1,80,", "REF12")]
    public async Task Rejects_bad_target_rows(string row, string rule)
    {
        var result = await Read(Providers, Areas, "area_code,kpi_id,target,amber_margin\n*,K1,90,\n" + row + "\n", new HashSet<string> { "K1" });

        Assert.False(result.Succeeded);
        Assert.Equal([rule], RulesOf(result, "targets.csv"));
    }

    [Fact]
    public async Task Rejects_bad_nations_estimates_and_targets()
    {
        var result = await ReferenceDataReader.ReadAsync(
            Stream(MixedCaseProviders),
            Stream(MixedCaseAreas + "A3,Three,MARS,-5,\n"),
            Stream(AreaTargets + "A9,X,high,-1\n*,ACC01_waited_3_weeks_or_less,1,\n"),
            new HashSet<string> { "ACC01_waited_3_weeks_or_less" },
            CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.Equal(["REF06", "REF07"], Fixture.Rules(result.Reports.Single(r => r.FileName == "reference/areas.csv")));
        Assert.Equal(["REF08", "REF09", "REF10", "REF11", "REF12"], Fixture.Rules(result.Reports.Single(r => r.FileName == "reference/targets.csv")));
    }

    [Fact]
    public async Task Providers_and_areas_are_required_and_targets_optional()
    {
        var noProviders = await Read(null, Areas, null);
        var noAreas = await Read(Providers, null, null);

        Assert.False(noProviders.Succeeded);
        Assert.False(noAreas.Succeeded);
    }

    [Fact]
    public async Task Does_not_check_rows_of_a_reference_file_missing_a_required_column()
    {
        var targets = Stream("kpi_id,target,amber_margin\nACC01_waited_3_weeks_or_less,90,5\nACC01_waited_3_weeks_or_less,80,5\n");

        var result = await ReferenceDataReader.ReadAsync(Stream(Providers), Stream(Areas), targets, null, CancellationToken.None);

        Assert.Equal(["F04"], Fixture.Rules(result.Reports.Single(r => r.FileName == "reference/targets.csv")));
    }

    [Fact]
    public async Task Reports_missing_files_and_columns()
    {
        var result = await ReferenceDataReader.ReadAsync(null, Stream("area_code,nation\nA1,ENGLAND\n"), null, null, CancellationToken.None);

        Assert.Equal(["F04"], Fixture.Rules(result.Reports.Single(r => r.FileName == "reference/areas.csv")));
        Assert.Equal(["REF13"], Fixture.Rules(result.Reports.Single(r => r.FileName == "reference/providers.csv")));
    }

    [Fact]
    public async Task Reference_headers_follow_the_same_matching_rules_as_returns()
    {
        var result = await Read(" AREA_CODE , Provider_Name ,provider_code\nE1,Provider One,P1\n", Areas, null);

        Assert.True(result.Succeeded, Describe(result));
        Assert.Equal("Provider One", result.Data!.FindProvider("P1")!.ProviderName);
    }

    private static async Task<ReferenceDataResult> Read(string? providers, string? areas, string? targets, IReadOnlySet<string>? kpis = null) =>
        await ReferenceDataReader.ReadAsync(Stream(providers), Stream(areas), Stream(targets), kpis, CancellationToken.None);

    private static MemoryStream? Stream(string? text) => text is null ? null : new MemoryStream(Encoding.UTF8.GetBytes(text));

    private static string[] RulesOf(ReferenceDataResult result, string file) =>
        result.Reports.Single(r => r.FileName == "reference/" + file).CountsByRule.Select(c => c.RuleId).ToArray();

    private static string Describe(ReferenceDataResult result) =>
        string.Join("; ", result.Reports.SelectMany(r => r.Issues).Select(i => $"{i.RuleId} {i.Column}={i.Value}: {i.Message}"));
}
