using KpiPipeline.Kpis;
using KpiPipeline.Parquet;

namespace KpiPipeline.Pipeline.Publishing;

/// <summary>
/// The <c>kpi_results</c> file (outputs.md section 2): each column once, in file order, with the value it takes from a
/// <see cref="KpiResult"/>.
/// </summary>
public static class KpiResultsParquet
{
    private static readonly ParquetColumns<KpiResult> Column = new();

    public static readonly ParquetColumn<KpiResult, string> Period = Column.Text("period", r => r.Period, minMax: true);
    public static readonly ParquetColumn<KpiResult, DateOnly> PeriodStart = Column.Date("period_start", r => r.PeriodStart);
    public static readonly ParquetColumn<KpiResult, DateOnly> PeriodEnd = Column.Date("period_end", r => r.PeriodEnd);
    public static readonly ParquetColumn<KpiResult, DateOnly> AsOf = Column.Date("as_of", r => r.AsOf);
    public static readonly ParquetColumn<KpiResult, string> Level = Column.Text("level", r => r.Level);
    public static readonly ParquetColumn<KpiResult, string> UnitCode = Column.Text("unit_code", r => r.UnitCode);
    public static readonly ParquetColumn<KpiResult, string?> AreaCode = Column.OptionalText("area_code", r => r.AreaCode);
    public static readonly ParquetColumn<KpiResult, string> KpiId = Column.Text("kpi_id", r => r.KpiId);
    public static readonly ParquetColumn<KpiResult, string> Dimension = Column.Text("dimension", r => r.Dimension);
    public static readonly ParquetColumn<KpiResult, string> DimensionValue = Column.Text("dimension_value", r => r.DimensionValue);
    public static readonly ParquetColumn<KpiResult, long?> Numerator = Column.OptionalInt64("numerator", r => r.Numerator);
    public static readonly ParquetColumn<KpiResult, long?> Denominator = Column.OptionalInt64("denominator", r => r.Denominator);
    public static readonly ParquetColumn<KpiResult, double?> Value = Column.OptionalDouble("value", r => r.Value);
    public static readonly ParquetColumn<KpiResult, double?> Target = Column.OptionalDouble("target", r => r.Target);
    public static readonly ParquetColumn<KpiResult, string> Rag = Column.Text("rag", r => r.Rag);
    public static readonly ParquetColumn<KpiResult, string> RagBasis = Column.Text("rag_basis", r => r.RagBasis);
    public static readonly ParquetColumn<KpiResult, string> Status = Column.Text("status", r => r.Status, minMax: true);
    public static readonly ParquetColumn<KpiResult, bool> Suppressed = Column.Boolean("suppressed", r => r.Suppressed);
    public static readonly ParquetColumn<KpiResult, int> SchemaVersion = Column.Int32("schema_version", r => r.SchemaVersion);

    public static readonly ParquetTable<KpiResult> Table = new(
        Period, PeriodStart, PeriodEnd, AsOf, Level, UnitCode, AreaCode, KpiId, Dimension, DimensionValue,
        Numerator, Denominator, Value, Target, Rag, RagBasis, Status, Suppressed, SchemaVersion);

    public static Task WriteAsync(Stream output, IEnumerable<KpiResult> rows, PublicationMetadata metadata, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        return Table.WriteAsync(output, rows, metadata.ToKeyValues(), cancellationToken);
    }

    /// <summary>Reads a <c>kpi_results</c> file back into rows.</summary>
    public static async Task<IReadOnlyList<KpiResult>> ReadAsync(Stream input, CancellationToken cancellationToken)
    {
        var contents = await Table.ReadAsync(input, row => new KpiResult(
            row.Get(Period), row.Get(PeriodStart), row.Get(PeriodEnd), row.Get(AsOf), row.Get(Level), row.Get(UnitCode),
            row.Get(AreaCode), row.Get(KpiId), row.Get(Dimension), row.Get(DimensionValue), row.Get(Numerator),
            row.Get(Denominator), row.Get(Value), row.Get(Target), row.Get(Rag), row.Get(RagBasis), row.Get(Status),
            row.Get(Suppressed), row.Get(SchemaVersion)), cancellationToken);
        return contents.Rows;
    }
}
