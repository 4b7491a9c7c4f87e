using Parquet;
using Parquet.Schema;

namespace KpiPipeline.Parquet;

/// <summary>
/// A flat Parquet file layout: its columns in order, each described once with the value it takes from a
/// <typeparamref name="TRow"/>. Writes rows through Parquet.Net (SNAPPY, dictionary-encoded strings, row groups of
/// <see cref="RowGroupSize"/> rows, footer key/value metadata sorted by key) and reads files of the same layout back.
/// </summary>
public sealed class ParquetTable<TRow>
{
    /// <summary>The default number of rows in a row group.</summary>
    public const int DefaultRowGroupSize = 100_000;

    private static readonly ParquetOptions ReadOptions = new() { UseDateOnlyTypeForDates = true };

    private readonly ParquetOptions _writeOptions;

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
        _writeOptions = new ParquetOptions { CompressionMethod = CompressionMethod.Snappy };
        foreach (var column in Columns.Where(c => c.DictionaryEncoded))
        {
            // Parquet.Net keeps the dictionary only where at most 80% of a chunk's values are distinct.
            _writeOptions.ColumnEncodingHints[column.Field.Path.ToString()] = EncodingHint.Dictionary;
        }
    }

    public IReadOnlyList<ParquetColumn<TRow>> Columns { get; }

    public ParquetSchema Schema { get; }

    /// <summary>Rows in each row group but the last (at least 1).</summary>
    public int RowGroupSize { get; init; } = DefaultRowGroupSize;

    /// <summary>
    /// Writes <paramref name="rows"/> as one Parquet file to <paramref name="output"/> (any writable stream; it is left open),
    /// with <paramref name="keyValueMetadata"/> in the footer. The same rows and metadata always give the same bytes.
    /// </summary>
    public async Task WriteAsync(
        Stream output, IEnumerable<TRow> rows, IReadOnlyDictionary<string, string> keyValueMetadata, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(keyValueMetadata);
        ArgumentOutOfRangeException.ThrowIfLessThan(RowGroupSize, 1);
        var all = rows as TRow[] ?? [.. rows];
        await using var writer = await ParquetWriter.CreateAsync(Schema, output, _writeOptions, append: false, cancellationToken);
        writer.CustomMetadata = keyValueMetadata.OrderBy(p => p.Key, StringComparer.Ordinal).ToDictionary(StringComparer.Ordinal);
        for (var start = 0; start < all.Length; start += RowGroupSize)
        {
            var group = new ArraySegment<TRow>(all, start, Math.Min(RowGroupSize, all.Length - start));
            using var rowGroup = writer.CreateRowGroup();
            foreach (var column in Columns)
            {
                await column.WriteAsync(rowGroup, group, cancellationToken);
            }

            rowGroup.CompleteValidate();
        }
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
