using KpiPipeline.Core.Reference;

namespace KpiPipeline.Pipeline.Publishing.Scorecards;

/// <summary>The names of areas and providers from the reference data, shown beside their codes on the scorecards.</summary>
public sealed class ScorecardNames(IReadOnlyDictionary<string, string> areas, IReadOnlyDictionary<string, string> providers)
{
    /// <summary>No names: pages show codes only.</summary>
    public static ScorecardNames None { get; } = new(new Dictionary<string, string>(), new Dictionary<string, string>());

    public static ScorecardNames From(ReferenceData reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        return new ScorecardNames(
            reference.Areas.GroupBy(a => a.AreaCode, StringComparer.OrdinalIgnoreCase)
                .ToDictionary(g => g.Key, g => g.First().AreaName, StringComparer.OrdinalIgnoreCase),
            reference.Providers.GroupBy(p => p.ProviderCode, StringComparer.OrdinalIgnoreCase)
                .ToDictionary(g => g.Key, g => g.First().ProviderName, StringComparer.OrdinalIgnoreCase));
    }

    public string? Area(string areaCode) => areas.GetValueOrDefault(areaCode);

    public string? Provider(string providerCode) => providers.GetValueOrDefault(providerCode);
}
