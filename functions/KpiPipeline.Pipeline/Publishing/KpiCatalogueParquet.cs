using KpiPipeline.Kpis.Catalogue;
using KpiPipeline.Parquet;

namespace KpiPipeline.Pipeline.Publishing;

/// <summary>Writes <c>kpi_catalogue.parquet</c>: one row per KPI (outputs.md section 2).</summary>
public static class KpiCatalogueParquet
{
    public static readonly IReadOnlyList<ParquetColumn> Columns =
    [
        new("kpi_id", ParquetType.String, false),
        new("title", ParquetType.String, false),
        new("category", ParquetType.String, false),
        new("unit", ParquetType.String, false),
        new("polarity", ParquetType.String, false),
        new("default_target", ParquetType.Double, true),
        new("amber_margin", ParquetType.Double, true),
        new("rag_basis", ParquetType.String, false),
        new("definition", ParquetType.String, false),
    ];

    public static void Write(Stream output, IEnumerable<KpiCatalogueRow> rows, PublicationMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(metadata);
        using var writer = new ParquetFileWriter(output, Columns, metadata.ToWriterOptions());
        foreach (var row in rows)
        {
            writer.Write(0, row.KpiId);
            writer.Write(1, row.Title);
            writer.Write(2, row.Category);
            writer.Write(3, row.Unit);
            writer.Write(4, row.Polarity);
            writer.Write(5, row.DefaultTarget);
            writer.Write(6, row.AmberMargin);
            writer.Write(7, row.RagBasis);
            writer.Write(8, row.Definition);
            writer.EndRow();
        }

        writer.Close();
    }
}
