using Parquet;
using Parquet.Schema;

namespace KpiPipeline.Parquet;

/// <summary>
/// One column of a flat Parquet table of <typeparamref name="TRow"/> rows: its Parquet field (name, type, nullability)
/// and how its values are written and read. Made by <see cref="ParquetColumns{TRow}"/>.
/// </summary>
public abstract class ParquetColumn<TRow>
{
    private protected ParquetColumn(DataField field) => Field = field;

    /// <summary>The Parquet field: name, CLR type and whether the column is OPTIONAL (nullable) or REQUIRED.</summary>
    public DataField Field { get; }

    public string Name => Field.Name;

    /// <summary>Whether chunks of this column are dictionary-encoded where that pays (string columns).</summary>
    internal virtual bool DictionaryEncoded => false;

    /// <summary>Writes this column's values of <paramref name="rows"/> as the column's chunk in the current row group.</summary>
    internal abstract Task WriteAsync(ParquetRowGroupWriter writer, ArraySegment<TRow> rows, CancellationToken cancellationToken);

    /// <summary>Reads this column's chunk of one row group, as an array of the column's value type.</summary>
    internal abstract Task<Array> ReadAsync(ParquetRowGroupReader reader, DataField fileField, int rowCount, CancellationToken cancellationToken);
}

/// <summary>A column whose value in each row is <c>value(row)</c>, a <typeparamref name="TValue"/>.</summary>
public abstract class ParquetColumn<TRow, TValue> : ParquetColumn<TRow>
{
    private readonly Func<TRow, TValue> _value;

    private protected ParquetColumn(DataField field, Func<TRow, TValue> value)
        : base(field) => _value = value;

    /// <summary>The value this column takes from <paramref name="row"/>.</summary>
    public TValue ValueOf(TRow row) => _value(row);

    internal override Task WriteAsync(ParquetRowGroupWriter writer, ArraySegment<TRow> rows, CancellationToken cancellationToken)
    {
        var values = new TValue[rows.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = _value(rows[i]);
        }

        return WriteValuesAsync(writer, values, cancellationToken);
    }

    internal override async Task<Array> ReadAsync(ParquetRowGroupReader reader, DataField fileField, int rowCount, CancellationToken cancellationToken)
    {
        var values = new TValue[rowCount];
        await ReadValuesAsync(reader, fileField, values, cancellationToken);
        return values;
    }

    private protected abstract Task WriteValuesAsync(ParquetRowGroupWriter writer, TValue[] values, CancellationToken cancellationToken);

    private protected abstract ValueTask ReadValuesAsync(ParquetRowGroupReader reader, DataField fileField, TValue[] values, CancellationToken cancellationToken);
}

/// <summary>A REQUIRED column of a value type (INT32, INT64, DOUBLE, BOOLEAN, DATE).</summary>
internal sealed class RequiredValueColumn<TRow, T>(string name, Func<TRow, T> value) : ParquetColumn<TRow, T>(new DataField<T>(name, false), value)
    where T : struct
{
    private protected override Task WriteValuesAsync(ParquetRowGroupWriter writer, T[] values, CancellationToken cancellationToken) =>
        writer.WriteAsync<T>(Field, values.AsMemory(), null, null, cancellationToken);

    private protected override ValueTask ReadValuesAsync(ParquetRowGroupReader reader, DataField fileField, T[] values, CancellationToken cancellationToken) =>
        reader.ReadAsync<T>(fileField, values.AsMemory(), null, cancellationToken);
}

/// <summary>An OPTIONAL column of a value type: a null value is a null in the file.</summary>
internal sealed class OptionalValueColumn<TRow, T>(string name, Func<TRow, T?> value) : ParquetColumn<TRow, T?>(new DataField<T?>(name, true), value)
    where T : struct
{
    private protected override Task WriteValuesAsync(ParquetRowGroupWriter writer, T?[] values, CancellationToken cancellationToken) =>
        writer.WriteAsync<T>(Field, values.AsMemory(), null, null, cancellationToken);

    private protected override ValueTask ReadValuesAsync(ParquetRowGroupReader reader, DataField fileField, T?[] values, CancellationToken cancellationToken) =>
        reader.ReadAsync<T>(fileField, values.AsMemory(), null, cancellationToken);
}

/// <summary>A REQUIRED UTF-8 string column (BYTE_ARRAY, STRING logical type): a null value is refused, naming the column.</summary>
internal sealed class RequiredTextColumn<TRow>(string name, Func<TRow, string> value) : ParquetColumn<TRow, string>(new DataField<string>(name, false), value)
{
    internal override bool DictionaryEncoded => true;

    private protected override Task WriteValuesAsync(ParquetRowGroupWriter writer, string[] values, CancellationToken cancellationToken)
    {
        // Parquet.Net takes strings as ReadOnlyMemory<char>; a REQUIRED column goes through its non-nullable path.
        var text = new ReadOnlyMemory<char>[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            text[i] = values[i]?.AsMemory()
                ?? throw new ArgumentException($"Column '{Name}' is required, but row {i} of the row group gives it no value.", nameof(values));
        }

        return writer.WriteAsync<ReadOnlyMemory<char>>(Field, text.AsMemory(), null, null, cancellationToken);
    }

    private protected override ValueTask ReadValuesAsync(ParquetRowGroupReader reader, DataField fileField, string[] values, CancellationToken cancellationToken) =>
        reader.ReadAsync(fileField, values.AsMemory()!, null, cancellationToken);
}

/// <summary>An OPTIONAL UTF-8 string column: a null value is a null in the file.</summary>
internal sealed class OptionalTextColumn<TRow>(string name, Func<TRow, string?> value) : ParquetColumn<TRow, string?>(new DataField<string>(name, true), value)
{
    internal override bool DictionaryEncoded => true;

    private protected override Task WriteValuesAsync(ParquetRowGroupWriter writer, string?[] values, CancellationToken cancellationToken)
    {
        var text = new ReadOnlyMemory<char>?[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            text[i] = values[i]?.AsMemory();
        }

        return writer.WriteAsync<ReadOnlyMemory<char>>(Field, text.AsMemory(), null, null, cancellationToken);
    }

    private protected override ValueTask ReadValuesAsync(ParquetRowGroupReader reader, DataField fileField, string?[] values, CancellationToken cancellationToken) =>
        reader.ReadAsync(fileField, values.AsMemory(), null, cancellationToken);
}
