using KpiPipeline.Kpis.Catalogue;

namespace KpiPipeline.Pipeline.Publishing.Scorecards;

/// <summary>One section of a scorecard: the catalogue's KPIs of one theme, in catalogue order.</summary>
public sealed record ScorecardGroup(string Id, string Title, IReadOnlyList<KpiDefinition> Kpis);

/// <summary>
/// The groups of the catalogue as the scorecards show them (kpis.md sections 1–8 and 10): access and numbers in treatment,
/// retention, exits and balancing, medication and harm reduction, soft outcomes, NSP, population, workforce, data quality.
/// A KPI is placed by the prefix of its id, so a KPI added to the catalogue lands in its theme without a change here.
/// </summary>
public static class ScorecardGroups
{
    private static readonly (string Id, string Title, string[] Prefixes)[] Themes =
    [
        ("access", "Access, waiting times and numbers in treatment", ["ACC", "VOL", "CJ"]),
        ("retention", "Retention", ["RET"]),
        ("exits", "Exits and balancing measures", ["EXT"]),
        ("medication", "Medication and harm reduction", ["DOS", "HRM", "HAT"]),
        ("soft", "Soft outcomes", ["SOFT"]),
        ("nsp", "Needle and syringe programmes", ["NSP"]),
        ("population", "Population", ["POP"]),
        ("workforce", "Workforce and caseload", ["CAP"]),
        ("data-quality", "Data quality", ["DQ"]),
    ];

    /// <summary>Every group that has at least one KPI of the catalogue, in theme order; KPIs of no theme come last.</summary>
    public static IReadOnlyList<ScorecardGroup> All { get; } = Build(KpiCatalogue.All);

    public static IReadOnlyList<ScorecardGroup> Build(IReadOnlyList<KpiDefinition> catalogue)
    {
        ArgumentNullException.ThrowIfNull(catalogue);
        var groups = new List<ScorecardGroup>();
        var placed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (id, title, prefixes) in Themes)
        {
            var kpis = catalogue.Where(k => prefixes.Contains(Prefix(k.Id), StringComparer.Ordinal)).ToList();
            if (kpis.Count > 0)
            {
                groups.Add(new ScorecardGroup(id, title, kpis));
                placed.UnionWith(kpis.Select(k => k.Id));
            }
        }

        var rest = catalogue.Where(k => !placed.Contains(k.Id)).ToList();
        if (rest.Count > 0)
        {
            groups.Add(new ScorecardGroup("other", "Other measures", rest));
        }

        return groups;
    }

    /// <summary>The letters before the number: <c>SOFT</c> for <c>SOFT03_opiate_abstinent</c>.</summary>
    private static string Prefix(string kpiId) => new([.. kpiId.TakeWhile(char.IsAsciiLetter)]);
}
