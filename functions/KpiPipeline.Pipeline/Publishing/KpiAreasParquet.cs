using KpiPipeline.Core.Reference;
using KpiPipeline.Parquet;

namespace KpiPipeline.Pipeline.Publishing;

/// <summary>
/// <c>kpi_areas.parquet</c>, beside the catalogue: one row per area of areas.csv — its code as the area rows' unit_code,
/// its name and its nation as the nation rows' unit_code — so that an analyst of the public dataset can name the areas
/// and group them by nation without the reference data (a reader review found no other way than guessing from codes).
/// Names and nations of areas are public; providers, which the public dataset does not have, are not in it.
/// </summary>
public static class KpiAreasParquet
{
    private static readonly ParquetColumns<AreaInfo> Column = new();

    public static readonly ParquetColumn<AreaInfo, string> AreaCode = Column.Text("area_code", a => a.AreaCode);
    public static readonly ParquetColumn<AreaInfo, string> AreaName = Column.Text("area_name", a => a.AreaName);
    public static readonly ParquetColumn<AreaInfo, string> Nation = Column.Text("nation", a => a.Nation.ToString());

    public static readonly ParquetTable<AreaInfo> Table = new(AreaCode, AreaName, Nation);

    /// <summary>Writes the areas ordered by code.</summary>
    public static Task WriteAsync(Stream output, IEnumerable<AreaInfo> areas, PublicationMetadata metadata, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        return Table.WriteAsync(output, areas.OrderBy(a => a.AreaCode, StringComparer.Ordinal), metadata.ToKeyValues(), cancellationToken);
    }
}
