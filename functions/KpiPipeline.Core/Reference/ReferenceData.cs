using KpiPipeline.Core.Dataset;

namespace KpiPipeline.Core.Reference;

/// <summary>A registered provider (reference/providers.csv).</summary>
public sealed record ProviderInfo(string ProviderCode, string ProviderName, string AreaCode);

/// <summary>A commissioning area (reference/areas.csv).</summary>
public sealed record AreaInfo(string AreaCode, string AreaName, Nation Nation, long? EstimatedOpiateUsers, long? EstimatedPwid);

/// <summary>A target override (reference/targets.csv). <see cref="AreaCode"/> is an area code or <c>*</c>.</summary>
public sealed record TargetOverride(string AreaCode, string KpiId, decimal Target, decimal? AmberMargin);

/// <summary>The commissioners' reference data (dataset.md section 5).</summary>
public sealed record ReferenceData(
    IReadOnlyList<ProviderInfo> Providers,
    IReadOnlyList<AreaInfo> Areas,
    IReadOnlyList<TargetOverride> Targets)
{
    private readonly Dictionary<string, ProviderInfo> providersByCode =
        Providers.ToDictionary(p => p.ProviderCode, StringComparer.OrdinalIgnoreCase);

    public ProviderInfo? FindProvider(string providerCode) =>
        providersByCode.GetValueOrDefault(providerCode);
}
