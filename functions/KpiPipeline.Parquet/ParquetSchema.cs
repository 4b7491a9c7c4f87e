namespace KpiPipeline.Parquet;

/// <summary>The column types the writer supports (flat schema, one physical + logical type each).</summary>
public enum ParquetType
{
    /// <summary>INT32.</summary>
    Int32,

    /// <summary>INT64.</summary>
    Int64,

    /// <summary>DOUBLE.</summary>
    Double,

    /// <summary>BOOLEAN.</summary>
    Boolean,

    /// <summary>BYTE_ARRAY holding UTF-8 (STRING logical type, UTF8 converted type).</summary>
    String,

    /// <summary>INT32 days since 1970-01-01 (DATE logical type).</summary>
    Date,
}

/// <summary>The page compression codec of every column chunk in a file.</summary>
public enum ParquetCompression
{
    Uncompressed,
    Snappy,
    Gzip,
}

/// <summary>One column of a flat schema. <paramref name="Nullable"/> makes it OPTIONAL, otherwise REQUIRED.</summary>
public sealed record ParquetColumn(string Name, ParquetType Type, bool Nullable);

/// <summary>How a <see cref="ParquetFileWriter"/> lays out and compresses a file.</summary>
public sealed class ParquetWriterOptions
{
    /// <summary>The default number of rows in a row group.</summary>
    public const int DefaultRowGroupSize = 100_000;

    public ParquetCompression Compression { get; init; } = ParquetCompression.Snappy;

    /// <summary>Rows buffered before a row group is written (at least 1).</summary>
    public int RowGroupSize { get; init; } = DefaultRowGroupSize;

    /// <summary>Key/value pairs stored in the file footer.</summary>
    public IReadOnlyDictionary<string, string> KeyValueMetadata { get; init; } = new Dictionary<string, string>();

    /// <summary>Dictionary-encode string columns when it makes them smaller.</summary>
    public bool UseDictionary { get; init; } = true;

    /// <summary>The footer's created_by text.</summary>
    public string CreatedBy { get; init; } = "KpiPipeline";
}

/// <summary>
/// A whole Parquet file read back: the schema, the values column by column (one entry per row: int, long, double,
/// bool, string, DateOnly or null), the row group count and the footer's key/value metadata.
/// </summary>
public sealed record ParquetFileContents(
    IReadOnlyList<ParquetColumn> Columns,
    IReadOnlyList<object?[]> ColumnValues,
    int RowGroupCount,
    IReadOnlyDictionary<string, string> KeyValueMetadata,
    long RowCount);
