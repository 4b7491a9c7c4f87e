using KpiPipeline.Kpis.Catalogue;
using KpiPipeline.Parquet;

namespace KpiPipeline.Pipeline.Publishing;

/// <summary>
/// <c>kpi_catalogue.parquet</c> (outputs.md section 2): one row per KPI, each column once with the value it takes from a
/// <see cref="KpiCatalogueRow"/>.
/// </summary>
public static class KpiCatalogueParquet
{
    private static readonly ParquetColumns<KpiCatalogueRow> Column = new();

    public static readonly ParquetColumn<KpiCatalogueRow, string> KpiId = Column.Text("kpi_id", r => r.KpiId);
    public static readonly ParquetColumn<KpiCatalogueRow, string> Title = Column.Text("title", r => r.Title);
    public static readonly ParquetColumn<KpiCatalogueRow, string> Category = Column.Text("category", r => r.Category);
    public static readonly ParquetColumn<KpiCatalogueRow, string> Unit = Column.Text("unit", r => r.Unit);
    public static readonly ParquetColumn<KpiCatalogueRow, string> Polarity = Column.Text("polarity", r => r.Polarity);
    public static readonly ParquetColumn<KpiCatalogueRow, double?> DefaultTarget = Column.OptionalDouble("default_target", r => r.DefaultTarget);
    public static readonly ParquetColumn<KpiCatalogueRow, double?> AmberMargin = Column.OptionalDouble("amber_margin", r => r.AmberMargin);
    public static readonly ParquetColumn<KpiCatalogueRow, string> RagBasis = Column.Text("rag_basis", r => r.RagBasis);
    public static readonly ParquetColumn<KpiCatalogueRow, string> Definition = Column.Text("definition", r => r.Definition);

    public static readonly ParquetTable<KpiCatalogueRow> Table = new(
        KpiId, Title, Category, Unit, Polarity, DefaultTarget, AmberMargin, RagBasis, Definition);

    public static Task WriteAsync(Stream output, IEnumerable<KpiCatalogueRow> rows, PublicationMetadata metadata, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        return Table.WriteAsync(output, rows, metadata.ToKeyValues(), cancellationToken);
    }
}
