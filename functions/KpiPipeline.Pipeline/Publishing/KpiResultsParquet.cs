using KpiPipeline.Kpis;
using KpiPipeline.Parquet;

namespace KpiPipeline.Pipeline.Publishing;

/// <summary>Writes <c>kpi_results</c> rows as one Parquet file with the columns of outputs.md section 2.</summary>
public static class KpiResultsParquet
{
    public static readonly IReadOnlyList<ParquetColumn> Columns =
    [
        new("period", ParquetType.String, false),
        new("period_start", ParquetType.Date, false),
        new("period_end", ParquetType.Date, false),
        new("as_of", ParquetType.Date, false),
        new("level", ParquetType.String, false),
        new("unit_code", ParquetType.String, false),
        new("area_code", ParquetType.String, true),
        new("kpi_id", ParquetType.String, false),
        new("dimension", ParquetType.String, false),
        new("dimension_value", ParquetType.String, false),
        new("numerator", ParquetType.Int64, true),
        new("denominator", ParquetType.Int64, true),
        new("value", ParquetType.Double, true),
        new("target", ParquetType.Double, true),
        new("rag", ParquetType.String, false),
        new("rag_basis", ParquetType.String, false),
        new("status", ParquetType.String, false),
        new("suppressed", ParquetType.Boolean, false),
        new("schema_version", ParquetType.Int32, false),
    ];

    public static void Write(Stream output, IEnumerable<KpiResult> rows, PublicationMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(metadata);
        using var writer = new ParquetFileWriter(output, Columns, metadata.ToWriterOptions());
        foreach (var row in rows)
        {
            writer.Write(0, row.Period);
            writer.Write(1, row.PeriodStart);
            writer.Write(2, row.PeriodEnd);
            writer.Write(3, row.AsOf);
            writer.Write(4, row.Level);
            writer.Write(5, row.UnitCode);
            writer.Write(6, row.AreaCode);
            writer.Write(7, row.KpiId);
            writer.Write(8, row.Dimension);
            writer.Write(9, row.DimensionValue);
            writer.Write(10, row.Numerator);
            writer.Write(11, row.Denominator);
            writer.Write(12, row.Value);
            writer.Write(13, row.Target);
            writer.Write(14, row.Rag);
            writer.Write(15, row.RagBasis);
            writer.Write(16, row.Status);
            writer.Write(17, row.Suppressed);
            writer.Write(18, row.SchemaVersion);
            writer.EndRow();
        }

        writer.Close();
    }

    /// <summary>Reads a <c>kpi_results</c> file written by <see cref="Write"/> back into rows.</summary>
    public static IReadOnlyList<KpiResult> Read(Stream input)
    {
        var contents = ParquetFileReader.Read(input);
        var byName = contents.Columns.Select((c, i) => (c.Name, i)).ToDictionary(x => x.Name, x => contents.ColumnValues[x.i]);
        T? At<T>(string column, long row) => (T?)byName[column][row];
        var rows = new List<KpiResult>((int)contents.RowCount);
        for (long i = 0; i < contents.RowCount; i++)
        {
            rows.Add(new KpiResult(
                At<string>("period", i)!, At<DateOnly>("period_start", i), At<DateOnly>("period_end", i), At<DateOnly>("as_of", i),
                At<string>("level", i)!, At<string>("unit_code", i)!, At<string>("area_code", i), At<string>("kpi_id", i)!,
                At<string>("dimension", i)!, At<string>("dimension_value", i)!, At<long?>("numerator", i), At<long?>("denominator", i),
                At<double?>("value", i), At<double?>("target", i), At<string>("rag", i)!, At<string>("rag_basis", i)!,
                At<string>("status", i)!, At<bool>("suppressed", i), At<int>("schema_version", i)));
        }

        return rows;
    }
}
