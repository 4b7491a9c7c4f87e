using System.Text.Json;
using KpiPipeline.LocalRun.FunctionsHost;

namespace KpiPipeline.Functions.Tests;

/// <summary>
/// The runtime settings the published worker starts with (its <c>runtimeconfig.json</c>, which the .NET host reads before
/// any of the app's code runs): the ones ComputeKpis' memory and speed targets at national size depend on
/// (docs/benchmarks.md).
/// </summary>
public sealed class WorkerRuntimeSettingsTests
{
    private static readonly JsonElement ConfigProperties = ReadConfigProperties();

    [Fact]
    public void Holds_the_youngest_generation_at_16_MiB_whatever_cache_the_processor_reports() =>
        Assert.Equal(16L << 20, ConfigProperties.GetProperty("System.GC.Gen0MaxBudget").GetInt64());

    [Fact]
    public void Tiers_hot_methods_up_without_waiting_for_a_quiet_period() =>
        Assert.Equal(0, ConfigProperties.GetProperty("System.Runtime.TieredCompilation.CallCountingDelayMs").GetInt32());

    [Fact]
    public void Collects_on_every_core_and_keeps_the_background_collector()
    {
        Assert.True(ConfigProperties.GetProperty("System.GC.Server").GetBoolean());
        Assert.False(ConfigProperties.TryGetProperty("System.GC.Concurrent", out var concurrent) && !concurrent.GetBoolean());
    }

    private static JsonElement ReadConfigProperties()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(FunctionAppFolder.Locate(), "KpiPipeline.Functions.runtimeconfig.json")));
        return json.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties").Clone();
    }
}
