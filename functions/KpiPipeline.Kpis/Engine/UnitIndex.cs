using KpiPipeline.Core.Reference;

namespace KpiPipeline.Kpis.Engine;

/// <summary>
/// Every unit that gets rows (kpis.md section 0: registered providers, areas of areas.csv, nations that have an area,
/// and ALL), numbered so that counters can be flat arrays. Providers come first, then areas, nations and ALL.
/// </summary>
internal sealed class UnitIndex
{
    public UnitIndex(ReferenceData reference, List<string> warnings)
    {
        var providers = reference.Providers.OrderBy(p => p.ProviderCode, StringComparer.Ordinal).ToList();
        var areas = reference.Areas.OrderBy(a => a.AreaCode, StringComparer.Ordinal).ToList();
        var nations = areas.Select(a => a.Nation).Distinct().Order().ToList();

        ProviderCount = providers.Count;
        Count = providers.Count + areas.Count + nations.Count + 1;
        Levels = new string[Count];
        Codes = new string[Count];
        AreaCodes = new string?[Count];
        OpiateEstimate = new long[Count];
        PwidEstimate = new long[Count];

        var areaUnit = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var nationUnit = new Dictionary<Core.Dataset.Nation, int>();
        var u = providers.Count;
        foreach (var area in areas)
        {
            areaUnit[area.AreaCode] = u;
            Set(u++, KpiVocabulary.LevelArea, area.AreaCode, area.AreaCode);
        }

        foreach (var nation in nations)
        {
            nationUnit[nation] = u;
            Set(u++, KpiVocabulary.LevelNation, nation.ToString(), null);
        }

        AllUnit = u;
        Set(AllUnit, KpiVocabulary.LevelAll, KpiVocabulary.UnitAll, null);

        foreach (var area in areas)
        {
            var units = new[] { areaUnit[area.AreaCode], nationUnit[area.Nation], AllUnit };
            foreach (var unit in units)
            {
                OpiateEstimate[unit] += area.EstimatedOpiateUsers ?? 0;
                PwidEstimate[unit] += area.EstimatedPwid ?? 0;
            }
        }

        Chains = new int[providers.Count][];
        OpiateEstimateChains = new int[providers.Count][];
        PwidEstimateChains = new int[providers.Count][];
        var areasByCode = areas.ToDictionary(a => a.AreaCode, StringComparer.OrdinalIgnoreCase);
        for (var p = 0; p < providers.Count; p++)
        {
            var provider = providers[p];
            providerByCode[provider.ProviderCode] = p;
            Set(p, KpiVocabulary.LevelProvider, provider.ProviderCode, provider.AreaCode);
            if (areasByCode.TryGetValue(provider.AreaCode, out var area))
            {
                var aboveProvider = new[] { areaUnit[area.AreaCode], nationUnit[area.Nation], AllUnit };
                Chains[p] = [p, .. aboveProvider];
                OpiateEstimateChains[p] = area.EstimatedOpiateUsers is not null ? aboveProvider : [];
                PwidEstimateChains[p] = area.EstimatedPwid is not null ? aboveProvider : [];
            }
            else
            {
                warnings.Add($"Provider {provider.ProviderCode} belongs to area {provider.AreaCode}, which is not in areas.csv: it counts only at provider level and in ALL.");
                Chains[p] = [p, AllUnit];
                OpiateEstimateChains[p] = [];
                PwidEstimateChains[p] = [];
            }
        }
    }

    private readonly Dictionary<string, int> providerByCode = new(StringComparer.OrdinalIgnoreCase);

    public int Count { get; }

    public int ProviderCount { get; }

    public int AllUnit { get; }

    public string[] Levels { get; }

    public string[] Codes { get; }

    /// <summary>area_code column: the provider's area at provider level, the area itself at area level, null above.</summary>
    public string?[] AreaCodes { get; }

    /// <summary>Sum of estimated_opiate_users over the unit's areas that have one (area level and above).</summary>
    public long[] OpiateEstimate { get; }

    /// <summary>Sum of estimated_pwid over the unit's areas that have one (area level and above).</summary>
    public long[] PwidEstimate { get; }

    /// <summary>For each provider: the units it counts in (itself, its area, its nation, ALL).</summary>
    public int[][] Chains { get; }

    /// <summary>For each provider: its area, nation and ALL when its area has estimated_opiate_users, else none (POP01).</summary>
    public int[][] OpiateEstimateChains { get; }

    /// <summary>For each provider: its area, nation and ALL when its area has estimated_pwid, else none (NSP04).</summary>
    public int[][] PwidEstimateChains { get; }

    /// <summary>The provider's index, or -1 for a provider not in providers.csv.</summary>
    public int ProviderIndex(string providerCode) => providerByCode.GetValueOrDefault(providerCode, -1);

    private void Set(int unit, string level, string code, string? areaCode)
    {
        Levels[unit] = level;
        Codes[unit] = code;
        AreaCodes[unit] = areaCode;
    }
}
