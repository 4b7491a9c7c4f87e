using Parquet;
using Parquet.Schema;
using ParquetSharp;
using ParquetSharp.Schema;

namespace KpiPipeline.Parquet;

/// <summary>
/// A flat Parquet file layout: its columns in order, each described once with the value it takes from a
/// <typeparamref name="TRow"/>. Writes rows through ParquetSharp (Apache Parquet C++: SNAPPY, dictionary encoding, chunk
/// statistics where the column has them, row groups of <see cref="RowGroupSize"/> rows, footer key/value metadata sorted by key) and reads files of
/// the same layout back through Parquet.Net. Writing is the hot path (every period of every run); docs/parquet.md gives
/// the benchmark behind the split.
/// </summary>
public sealed class ParquetTable<TRow>
{
    /// <summary>The default number of rows in a row group.</summary>
    public const int DefaultRowGroupSize = 100_000;

    private static readonly ParquetOptions ReadOptions = new() { UseDateOnlyTypeForDates = true };

    public ParquetTable(params IReadOnlyList<ParquetColumn<TRow>> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        if (columns.Count == 0)
        {
            throw new ArgumentException("A Parquet table needs at least one column.", nameof(columns));
        }

        if (columns.GroupBy(c => c.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } duplicate)
        {
            throw new ArgumentException($"Column '{duplicate.Key}' appears more than once.", nameof(columns));
        }

        Columns = [.. columns];
        Schema = new ParquetSchema(Columns.Select(c => (Field)c.Field));
    }

    /// <summary>Rows taken into every column's buffer at a time.</summary>
    private const int FillBlock = 1024;

    public IReadOnlyList<ParquetColumn<TRow>> Columns { get; }

    public ParquetSchema Schema { get; }

    /// <summary>Rows in each row group but the last (at least 1).</summary>
    public int RowGroupSize { get; init; } = DefaultRowGroupSize;

    /// <summary>
    /// Writes <paramref name="rows"/> as one Parquet file to <paramref name="output"/> (any writable stream, seekable or not; it
    /// is left open), with <paramref name="keyValueMetadata"/> in the footer. The same rows and metadata always give the
    /// same bytes.
    /// </summary>
    public Task WriteAsync(
        Stream output, IEnumerable<TRow> rows, IReadOnlyDictionary<string, string> keyValueMetadata, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(keyValueMetadata);
        ArgumentOutOfRangeException.ThrowIfLessThan(RowGroupSize, 1);
        cancellationToken.ThrowIfCancellationRequested();
        var all = rows as TRow[] ?? [.. rows];
        var metadata = keyValueMetadata.OrderBy(p => p.Key, StringComparer.Ordinal).ToDictionary(StringComparer.Ordinal);
        var nodes = Columns.Select(c => c.CreateNode()).ToArray();
        try
        {
            using var schema = new GroupNode("schema", Repetition.Required, nodes, logicalType: null);
            using var builder = new WriterPropertiesBuilder()
                .Compression(Compression.Snappy)
                .MaxRowGroupLength(RowGroupSize)
                .DisableDictionary();
            foreach (var column in Columns.Where(c => c.DictionaryEncoded))
            {
                // Dictionaries for the string columns only, as before: for numbers and dates they cost more time than they save bytes.
                builder.EnableDictionary(column.Name);
            }

            foreach (var column in Columns.Where(c => !c.HasStatistics))
            {
                builder.DisableStatistics(column.Name);
            }

            using var properties = builder.Build();
            using var text = new Utf8Values();
            using var forward = new PositionTrackingStream(output);
            using var writer = new ParquetFileWriter(forward, schema, properties, metadata, leaveOpen: true);
            for (var start = 0; start < all.Length; start += RowGroupSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var group = new ArraySegment<TRow>(all, start, Math.Min(RowGroupSize, all.Length - start));
                var chunks = new ColumnChunk<TRow>[Columns.Count];
                try
                {
                    for (var c = 0; c < chunks.Length; c++)
                    {
                        chunks[c] = Columns[c].StartChunk(group.Count, text);
                    }

                    // A block of rows at a time for every column: each row object is read from memory once, not once per column.
                    for (var from = 0; from < group.Count; from += FillBlock)
                    {
                        var to = Math.Min(group.Count, from + FillBlock);
                        foreach (var chunk in chunks)
                        {
                            chunk.Fill(group, from, to);
                        }
                    }

                    using var rowGroup = writer.AppendRowGroup();
                    foreach (var chunk in chunks)
                    {
                        using var columnWriter = rowGroup.NextColumn();
                        chunk.Write(columnWriter);
                    }

                    rowGroup.Close();
                }
                finally
                {
                    foreach (var chunk in chunks)
                    {
                        chunk?.Dispose();
                    }
                }
            }

            writer.Close();
        }
        finally
        {
            foreach (var node in nodes)
            {
                node.Dispose();
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Reads a file of this layout (a readable, seekable stream) and makes one <typeparamref name="TResult"/> per row from
    /// its column values. A column that is missing, or whose type or nullability differs, makes this throw
    /// <see cref="InvalidDataException"/> naming it.
    /// </summary>
    public async Task<ParquetTableContents<TResult>> ReadAsync<TResult>(
        Stream input, Func<ParquetRowValues<TRow>, TResult> makeRow, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(makeRow);
        await using var reader = await ParquetReader.CreateAsync(input, ReadOptions, leaveStreamOpen: true, cancellationToken);
        var fileFields = Columns.Select(c => FileField(reader.Schema, c)).ToArray();
        var results = new List<TResult>();
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            using var rowGroup = reader.OpenRowGroupReader(g);
            var rowCount = checked((int)rowGroup.RowCount);
            var values = new Dictionary<ParquetColumn<TRow>, Array>(ReferenceEqualityComparer.Instance);
            for (var c = 0; c < Columns.Count; c++)
            {
                values[Columns[c]] = await Columns[c].ReadAsync(rowGroup, fileFields[c], rowCount, cancellationToken);
            }

            var row = new ParquetRowValues<TRow>(values);
            for (var i = 0; i < rowCount; i++)
            {
                row.Index = i;
                results.Add(makeRow(row));
            }
        }

        return new ParquetTableContents<TResult>(results, reader.RowGroupCount, new Dictionary<string, string>(reader.CustomMetadata, StringComparer.Ordinal));
    }

    private static DataField FileField(ParquetSchema schema, ParquetColumn<TRow> column)
    {
        var field = schema.DataFields.FirstOrDefault(f => f.Name == column.Name)
            ?? throw new InvalidDataException($"The file has no column '{column.Name}'.");
        if (field.ClrType != column.Field.ClrType || field.IsNullable != column.Field.IsNullable)
        {
            throw new InvalidDataException(
                $"Column '{column.Name}' is {Describe(field)} in the file, not {Describe(column.Field)}.");
        }

        return field;
    }

    private static string Describe(DataField field) => $"{(field.IsNullable ? "optional" : "required")} {field.ClrType.Name}";
}

/// <summary>The values of one row being read, looked up by the table's columns.</summary>
public sealed class ParquetRowValues<TRow>
{
    private readonly Dictionary<ParquetColumn<TRow>, Array> _columns;

    internal ParquetRowValues(Dictionary<ParquetColumn<TRow>, Array> columns) => _columns = columns;

    internal int Index { get; set; }

    /// <summary>The value of <paramref name="column"/> in this row.</summary>
    public TValue Get<TValue>(ParquetColumn<TRow, TValue> column) => ((TValue[])_columns[column])[Index];
}

/// <summary>A file read back: its rows, its row group count and its footer key/value metadata.</summary>
public sealed record ParquetTableContents<TResult>(
    IReadOnlyList<TResult> Rows, int RowGroupCount, IReadOnlyDictionary<string, string> KeyValueMetadata);
