namespace KpiPipeline.Deployment.Tests;

/// <summary>
/// The drift checker on the repository's own files (no drift), and on copies with one setting, route, container, table,
/// queue or subscription taken away or added, where it must report exactly that change and nothing else.
/// </summary>
public sealed class DeploymentDriftCheckerTests
{
    private static readonly DeploymentSources Repository = DeploymentSources.FromRepository();
    private static readonly IReadOnlyList<DriftProblem> Baseline = DeploymentDriftChecker.Check(Repository);

    [Fact]
    public void Repository_has_no_drift_between_code_bicep_and_local_settings()
    {
        Assert.True(Baseline.Count == 0, "Drift found:\n" + string.Join("\n", Baseline));
    }

    [Fact]
    public void Discovers_the_functions_settings_and_storage_from_the_files()
    {
        Assert.Contains("IngestReturn", Repository.Functions.Keys);
        Assert.Contains("ComputeKpis", Repository.Functions.Keys);
        Assert.Contains(Repository.CSharp.Keys, path => path.EndsWith("KpiPipelineOptions.cs", StringComparison.Ordinal));
        var bicep = string.Join("\n", Repository.Bicep.Values);
        Assert.Contains("ComputeKpisSchedule", DeploymentDriftChecker.BicepAppSettings(bicep));
        Assert.Contains("returns", DeploymentDriftChecker.BicepArray(bicep, DeploymentDriftChecker.BicepContainersVariable));
    }

    [Fact]
    public void Reports_a_timer_schedule_setting_missing_from_bicep()
    {
        var sources = EditBicep("    ComputeKpisSchedule: computeKpisSchedule\n", string.Empty);
        AssertReportsExactly(sources, new DriftProblem(DriftKind.SettingMissingInBicep, "ComputeKpisSchedule", string.Empty));
    }

    [Fact]
    public void Reports_a_secret_missing_from_local_settings()
    {
        var sources = Repository with
        {
            LocalSettingsSample = RemoveLine(Repository.LocalSettingsSample, "\"KpiPipeline__PseudonymisationSecret\""),
        };
        AssertReportsExactly(sources, new DriftProblem(DriftKind.SettingMissingInLocalSettings, "KpiPipeline__PseudonymisationSecret", string.Empty));
    }

    [Fact]
    public void Reports_a_secret_missing_from_bicep()
    {
        var sources = EditBicep("    KpiPipeline__RegistrantSecret: '@Microsoft.KeyVault(SecretUri=${registrantSecretUri})'\n", string.Empty);
        AssertReportsExactly(sources, new DriftProblem(DriftKind.SettingMissingInBicep, "KpiPipeline__RegistrantSecret", string.Empty));
    }

    [Fact]
    public void Reports_an_identity_based_storage_connection_missing_a_service_uri()
    {
        var sources = EditBicep("    KpiStorage__queueServiceUri: dataStorage.properties.primaryEndpoints.queue\n", string.Empty);
        AssertReportsExactly(sources, new DriftProblem(DriftKind.SettingMissingInBicep, "KpiStorage", string.Empty));
    }

    [Fact]
    public void Reports_a_new_option_without_a_default_in_both_places()
    {
        var sources = EditCSharp(
            "public int MaxIngestAttempts { get; set; } = 5;",
            "public int MaxIngestAttempts { get; set; } = 5;\n\n    public string? ArchiveSecret { get; set; }");
        AssertReportsExactly(
            sources,
            new DriftProblem(DriftKind.SettingMissingInBicep, "KpiPipeline__ArchiveSecret", string.Empty),
            new DriftProblem(DriftKind.SettingMissingInLocalSettings, "KpiPipeline__ArchiveSecret", string.Empty));
    }

    [Fact]
    public void Reports_a_configuration_key_the_code_reads_in_both_places()
    {
        var sources = EditCSharp(
            "var app = builder.Build();",
            "var region = builder.Configuration[\"Reporting:Region\"];\nvar app = builder.Build();");
        AssertReportsExactly(
            sources,
            new DriftProblem(DriftKind.SettingMissingInBicep, "Reporting__Region", string.Empty),
            new DriftProblem(DriftKind.SettingMissingInLocalSettings, "Reporting__Region", string.Empty));
    }

    [Fact]
    public void Reports_a_setting_that_names_no_option_property()
    {
        var sources = EditBicep("KpiPipeline__QuarantineRetentionDays:", "KpiPipeline__QuarantineRetentionDay:");
        AssertReportsExactly(sources, new DriftProblem(DriftKind.UnknownOptionSetting, "KpiPipeline__QuarantineRetentionDay", string.Empty));
    }

    [Fact]
    public void Reports_a_function_in_the_metadata_that_no_method_declares()
    {
        var sources = EditCSharp("[Function(FunctionNames.ComputeKpis)]", string.Empty);
        AssertReportsExactly(sources, new DriftProblem(DriftKind.FunctionWithoutMethod, "ComputeKpis", string.Empty));
    }

    [Fact]
    public void Reports_a_function_method_missing_from_the_generated_metadata()
    {
        var functions = Repository.Functions.Where(f => f.Key != "ComputeKpis").ToDictionary(f => f.Key, f => f.Value);
        var sources = Repository with { Functions = functions };
        AssertReportsExactly(sources, new DriftProblem(DriftKind.MethodWithoutFunction, "ComputeKpis", string.Empty));
    }

    [Fact]
    public void Reports_a_new_function_with_its_schedule_no_method_and_no_deployment_setting()
    {
        var functions = new Dictionary<string, string>(Repository.Functions)
        {
            ["RefreshTargets"] = """{ "bindings": [ { "name": "timer", "type": "timerTrigger", "direction": "in", "schedule": "%RefreshTargetsSchedule%" } ] }""",
        };
        var sources = Repository with { Functions = functions };
        AssertReportsExactly(
            sources,
            new DriftProblem(DriftKind.SettingMissingInBicep, "RefreshTargetsSchedule", string.Empty),
            new DriftProblem(DriftKind.SettingMissingInLocalSettings, "RefreshTargetsSchedule", string.Empty),
            new DriftProblem(DriftKind.FunctionWithoutMethod, "RefreshTargets", string.Empty));
    }

    [Theory]
    [InlineData("curated")]
    [InlineData("returns")]
    [InlineData("reports")]
    public void Reports_a_container_bicep_does_not_create(string container)
    {
        var sources = EditBicep($"  '{container}'\n", string.Empty);
        AssertReportsExactly(sources, new DriftProblem(DriftKind.ContainerMissingInBicep, container, string.Empty));
    }

    [Fact]
    public void Reports_a_new_option_container_bicep_does_not_create()
    {
        var sources = EditCSharp(
            "public string ReportsContainer { get; set; } = \"reports\";",
            "public string ReportsContainer { get; set; } = \"reports\";\n\n    public string ArchiveContainer { get; set; } = \"archive\";");
        AssertReportsExactly(sources, new DriftProblem(DriftKind.ContainerMissingInBicep, "archive", string.Empty));
    }

    [Fact]
    public void Reports_a_table_bicep_does_not_create()
    {
        var sources = EditBicep("  'acceptedreturns'\n", string.Empty);
        AssertReportsExactly(sources, new DriftProblem(DriftKind.TableMissingInBicep, "acceptedreturns", string.Empty));
    }

    [Fact]
    public void Reports_a_queue_bicep_does_not_create()
    {
        var sources = EditBicep("  'report-notifications'\n", string.Empty);
        AssertReportsExactly(sources, new DriftProblem(DriftKind.QueueMissingInBicep, "report-notifications", string.Empty));
    }

    [Fact]
    public void Reports_a_queue_trigger_whose_queue_and_poison_queue_bicep_does_not_create()
    {
        var functions = Repository.Functions.ToDictionary(
            f => f.Key, f => f.Value.Replace("\"queueName\": \"provider-state\"", "\"queueName\": \"state-refreshes\"", StringComparison.Ordinal));
        Assert.NotEqual(Repository.Functions["RefreshProviderState"], functions["RefreshProviderState"]);
        AssertReportsExactly(
            Repository with { Functions = functions },
            new DriftProblem(DriftKind.QueueMissingInBicep, "state-refreshes", string.Empty),
            new DriftProblem(DriftKind.QueueMissingInBicep, "state-refreshes-poison", string.Empty));
    }

    [Fact]
    public void Reports_an_event_grid_blob_trigger_without_a_subscription()
    {
        var bicep = Repository.Bicep.Where(f => !f.Key.EndsWith("eventgrid-subscription.bicep", StringComparison.Ordinal))
            .ToDictionary(f => f.Key, f => f.Value);
        AssertReportsExactly(Repository with { Bicep = bicep }, new DriftProblem(DriftKind.EventSubscriptionMissing, "IngestReturn", string.Empty));
    }

    /// <summary>The checker reports the baseline plus exactly these problems (compared by kind and name).</summary>
    private static void AssertReportsExactly(DeploymentSources sources, params DriftProblem[] expected)
    {
        var actual = DeploymentDriftChecker.Check(sources).Select(p => (p.Kind, p.Name)).Order().ToList();
        var wanted = Baseline.Select(p => (p.Kind, p.Name)).Concat(expected.Select(p => (p.Kind, p.Name))).Order().ToList();
        Assert.Equal(wanted, actual);
    }

    private static DeploymentSources EditBicep(string oldText, string newText) =>
        Repository with { Bicep = EditOne(Repository.Bicep, oldText, newText) };

    private static DeploymentSources EditCSharp(string oldText, string newText) =>
        Repository with { CSharp = EditOne(Repository.CSharp, oldText, newText) };

    /// <summary>Replaces <paramref name="oldText"/> in the one file that holds it (the test fails if none or several do).</summary>
    private static Dictionary<string, string> EditOne(IReadOnlyDictionary<string, string> files, string oldText, string newText)
    {
        var holders = files.Where(f => f.Value.Contains(oldText, StringComparison.Ordinal)).Select(f => f.Key).ToList();
        Assert.True(holders.Count == 1, $"Expected one file holding '{oldText.Trim()}', found {holders.Count}.");
        return files.ToDictionary(f => f.Key, f => f.Key == holders[0] ? f.Value.Replace(oldText, newText, StringComparison.Ordinal) : f.Value);
    }

    private static string RemoveLine(string text, string marker)
    {
        Assert.Contains(marker, text);
        return string.Join("\n", text.Split('\n').Where(line => !line.Contains(marker, StringComparison.Ordinal)));
    }
}
