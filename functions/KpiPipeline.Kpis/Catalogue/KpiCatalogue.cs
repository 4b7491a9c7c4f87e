using System.Globalization;
using System.Text;
using KpiPipeline.Kpis.Engine;

namespace KpiPipeline.Kpis.Catalogue;

/// <summary>
/// The KPI catalogue of kpis.md. Each KPI's entry is written in its family's file (<c>Families/</c>) beside its counters
/// and formula; this class gathers them for RAG, disclosure control, kpi_catalogue.parquet and docs/kpis.md.
/// </summary>
public static class KpiCatalogue
{
    /// <summary>Every KPI, family by family (<c>Families/</c>) in the order of kpis.md's sections.</summary>
    public static IReadOnlyList<KpiDefinition> All { get; } = [.. KpiRun.Entries.Select(e => e.Definition)];

    private static readonly Dictionary<string, KpiDefinition> ById = All.ToDictionary(k => k.Id, StringComparer.Ordinal);

    /// <summary>The KPI with this id, or null.</summary>
    public static KpiDefinition? Find(string kpiId) => ById.GetValueOrDefault(kpiId);

    /// <summary>The KPI with this id; throws for an unknown id.</summary>
    public static KpiDefinition Get(string kpiId) =>
        Find(kpiId) ?? throw new ArgumentException($"Unknown KPI id '{kpiId}'.", nameof(kpiId));

    /// <summary>The rows of kpi_catalogue.parquet (outputs.md section 2).</summary>
    public static IReadOnlyList<KpiCatalogueRow> Rows { get; } = All.Select(k => new KpiCatalogueRow(
        k.Id,
        k.Title,
        k.Category.Code(),
        k.Unit.Code(),
        k.Polarity.Code(),
        (double?)k.DefaultTarget,
        (double?)k.AmberMargin,
        k.DefaultRagBasis.Code(),
        k.Definition)).ToList();

    /// <summary>The content of docs/kpis.md, generated from this catalogue and <see cref="SpecReadings"/>.</summary>
    public static string RenderMarkdown()
    {
        var md = new StringBuilder();
        md.Append("# KPI catalogue\n\n");
        md.Append("<!-- Generated from the KPI families (functions/KpiPipeline.Kpis/Families) and Catalogue/SpecReadings. Do not edit by hand:\n");
        md.Append("     run `KPI_DOCS_WRITE=1 dotnet test tests/KpiPipeline.Kpis.Tests --filter KpiDocsTests` to regenerate. -->\n\n");
        md.Append("The exact definitions are in the specification (`kpis.md`); this page is the catalogue as the code holds it.\n");
        var breakdowns = Breakdowns.Cells.Skip(1).GroupBy(c => c.Dimension, c => c.Value)
            .Select(d => $"{d.Key} ({string.Join(", ", d)})");
        md.Append(CultureInfo.InvariantCulture, $"‡ = also published by {string.Join(", ", breakdowns)}. ");
        md.Append("Area+ = area level and above (no provider rows). ");
        md.Append("Provisional = days after the quarter end before the figure is final.\n\n");
        md.Append("| kpi_id | title | category | unit | polarity | default target | amber margin | rag basis | ‡ | area+ | provisional | definition |\n");
        md.Append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        foreach (var k in All)
        {
            md.Append(CultureInfo.InvariantCulture,
                $"| `{k.Id}` | {k.Title} | {k.Category.Code()} | {k.Unit.Code()} | {k.Polarity.Code()} | {Show(k.DefaultTarget)} | {Show(k.AmberMargin)} | {k.DefaultRagBasis.Code()} | {(k.HasBreakdowns ? "‡" : "")} | {(k.AreaLevelAndAbove ? "yes" : "")} | {(k.ProvisionalWindowDays is { } d ? d.ToString(CultureInfo.InvariantCulture) : "")} | {k.Definition} |\n");
        }

        md.Append("\n## Readings of the spec\n\n");
        md.Append("Where the specification is silent or can be read more than one way, the code does this:\n\n");
        foreach (var (topic, reading) in SpecReadings.All)
        {
            md.Append(CultureInfo.InvariantCulture, $"- **{topic}.** {reading}\n");
        }

        return md.ToString();
    }

    private static string Show(decimal? value) =>
        value is { } v ? v.ToString("0.##", CultureInfo.InvariantCulture) : "";
}
