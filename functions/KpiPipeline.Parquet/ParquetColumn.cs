using System.Buffers;
using System.Runtime.CompilerServices;
using Parquet;
using Parquet.Schema;
using ParquetSharp;
using ParquetSharp.Schema;
using static KpiPipeline.Parquet.ChunkBuffers;

namespace KpiPipeline.Parquet;

/// <summary>
/// One column of a flat Parquet table of <typeparamref name="TRow"/> rows: its name, type and nullability, how its values are
/// written (through ParquetSharp's column writers) and how they are read back (through Parquet.Net). Made by
/// <see cref="ParquetColumns{TRow}"/>.
/// </summary>
public abstract class ParquetColumn<TRow>
{
    private protected ParquetColumn(DataField field) => Field = field;

    /// <summary>The column as Parquet.Net reads it: name, CLR type and whether it is OPTIONAL (nullable) or REQUIRED.</summary>
    public DataField Field { get; }

    public string Name => Field.Name;

    /// <summary>Whether the column's chunks are dictionary-encoded (the string columns: a period file repeats few values many times).</summary>
    internal virtual bool DictionaryEncoded => false;

    /// <summary>Whether the column's chunks carry statistics (every column but a REQUIRED text column declared without min/max).</summary>
    internal virtual bool HasStatistics => true;

    /// <summary>The column's node in the file schema ParquetSharp writes (physical and logical type, repetition).</summary>
    internal abstract Node CreateNode();

    /// <summary>
    /// A buffer for this column's values of a row group of <paramref name="count"/> rows, filled block by block and then
    /// written (pooled: dispose it once written). Strings are handed to the writer as bytes from <paramref name="text"/>.
    /// </summary>
    internal abstract ColumnChunk<TRow> StartChunk(int count, Utf8Values text);

    /// <summary>Reads this column's chunk of one row group, as an array of the column's value type.</summary>
    internal abstract Task<Array> ReadAsync(ParquetRowGroupReader reader, DataField fileField, int rowCount, CancellationToken cancellationToken);

    /// <summary>A node of the given physical type; <paramref name="clrType"/> (int, long, DateOnly, …) chooses the logical type.</summary>
    private protected Node PrimitiveNode(Repetition repetition, Type clrType)
    {
        var (physical, logical) = clrType switch
        {
            _ when clrType == typeof(string) => (PhysicalType.ByteArray, LogicalType.String()),
            _ when clrType == typeof(DateOnly) => (PhysicalType.Int32, LogicalType.Date()),
            _ when clrType == typeof(int) => (PhysicalType.Int32, LogicalType.Int(32, isSigned: true)),
            _ when clrType == typeof(long) => (PhysicalType.Int64, LogicalType.Int(64, isSigned: true)),
            _ when clrType == typeof(double) => (PhysicalType.Double, LogicalType.None()),
            _ when clrType == typeof(bool) => (PhysicalType.Boolean, LogicalType.None()),
            _ => throw new NotSupportedException($"Column '{Name}': no Parquet type for {clrType.Name}."),
        };
        using (logical)
        {
            return new PrimitiveNode(Name, repetition, logical, physical, -1);
        }
    }
}

/// <summary>A column whose value in each row is <c>value(row)</c>, a <typeparamref name="TValue"/>.</summary>
public abstract class ParquetColumn<TRow, TValue> : ParquetColumn<TRow>
{
    private readonly Func<TRow, TValue> _value;

    private protected ParquetColumn(DataField field, Func<TRow, TValue> value)
        : base(field) => _value = value;

    /// <summary>The value this column takes from <paramref name="row"/>.</summary>
    public TValue ValueOf(TRow row) => _value(row);

    internal override async Task<Array> ReadAsync(ParquetRowGroupReader reader, DataField fileField, int rowCount, CancellationToken cancellationToken)
    {
        var values = new TValue[rowCount];
        await ReadValuesAsync(reader, fileField, values, cancellationToken);
        return values;
    }

    private protected abstract ValueTask ReadValuesAsync(ParquetRowGroupReader reader, DataField fileField, TValue[] values, CancellationToken cancellationToken);

}

/// <summary>Pooled arrays for one chunk's values.</summary>
internal static class ChunkBuffers
{
    /// <summary>A pooled array of at least <paramref name="length"/>; give it back with <see cref="Return{T}"/>.</summary>
    public static T[] Rent<T>(int length) => ArrayPool<T>.Shared.Rent(length);

    public static void Return<T>(T[] array) =>
        ArrayPool<T>.Shared.Return(array, clearArray: RuntimeHelpers.IsReferenceOrContainsReferences<T>());
}

/// <summary>
/// Days since 1970-01-01, the Parquet DATE representation, and the physical writer of a value type: a DATE is an INT32,
/// every other value type (INT32, INT64, DOUBLE, BOOLEAN) is written as itself.
/// </summary>
internal static class PhysicalValues
{
    private static readonly int Epoch = new DateOnly(1970, 1, 1).DayNumber;

    public static void Write<T>(ColumnWriter writer, ReadOnlySpan<T> values, ReadOnlySpan<short> definitionLevels, int rowCount)
        where T : unmanaged
    {
        if (typeof(T) == typeof(DateOnly))
        {
            var days = ArrayPool<int>.Shared.Rent(values.Length);
            try
            {
                var dates = System.Runtime.InteropServices.MemoryMarshal.Cast<T, DateOnly>(values);
                for (var i = 0; i < dates.Length; i++)
                {
                    days[i] = dates[i].DayNumber - Epoch;
                }

                WriteAs(writer, days.AsSpan(0, values.Length), definitionLevels, rowCount);
            }
            finally
            {
                ArrayPool<int>.Shared.Return(days);
            }
        }
        else
        {
            WriteAs(writer, values, definitionLevels, rowCount);
        }
    }

    private static void WriteAs<T>(ColumnWriter writer, ReadOnlySpan<T> values, ReadOnlySpan<short> definitionLevels, int rowCount)
        where T : unmanaged
    {
        var typed = (ColumnWriter<T>)writer;
        if (definitionLevels.IsEmpty)
        {
            typed.WriteBatch(values);
        }
        else
        {
            typed.WriteBatch(rowCount, definitionLevels, default, values);
        }
    }
}

/// <summary>A REQUIRED column of a value type (INT32, INT64, DOUBLE, BOOLEAN, DATE).</summary>
internal sealed class RequiredValueColumn<TRow, T>(string name, Func<TRow, T> value) : ParquetColumn<TRow, T>(new DataField<T>(name, false), value)
    where T : unmanaged
{
    internal override Node CreateNode() => PrimitiveNode(Repetition.Required, typeof(T));

    internal override ColumnChunk<TRow> StartChunk(int count, Utf8Values text) => new Chunk(this, count);

    private protected override ValueTask ReadValuesAsync(ParquetRowGroupReader reader, DataField fileField, T[] values, CancellationToken cancellationToken) =>
        reader.ReadAsync<T>(fileField, values.AsMemory(), null, cancellationToken);

    private sealed class Chunk(RequiredValueColumn<TRow, T> column, int count) : ColumnChunk<TRow>
    {
        private readonly T[] values = Rent<T>(count);

        internal override void Fill(ArraySegment<TRow> rows, int from, int to)
        {
            for (var i = from; i < to; i++)
            {
                values[i] = column.ValueOf(rows[i]);
            }
        }

        internal override void Write(ColumnWriter writer) => PhysicalValues.Write<T>(writer, values.AsSpan(0, count), default, count);

        public override void Dispose() => Return(values);
    }
}

/// <summary>An OPTIONAL column of a value type: a null value is a null in the file.</summary>
internal sealed class OptionalValueColumn<TRow, T>(string name, Func<TRow, T?> value) : ParquetColumn<TRow, T?>(new DataField<T?>(name, true), value)
    where T : unmanaged
{
    internal override Node CreateNode() => PrimitiveNode(Repetition.Optional, typeof(T));

    internal override ColumnChunk<TRow> StartChunk(int count, Utf8Values text) => new Chunk(this, count);

    private protected override ValueTask ReadValuesAsync(ParquetRowGroupReader reader, DataField fileField, T?[] values, CancellationToken cancellationToken) =>
        reader.ReadAsync<T>(fileField, values.AsMemory(), null, cancellationToken);

    /// <summary>The values present, in row order, and each row's definition level (1 present, 0 null).</summary>
    private sealed class Chunk(OptionalValueColumn<TRow, T> column, int count) : ColumnChunk<TRow>
    {
        private readonly T[] present = Rent<T>(count);
        private readonly short[] levels = Rent<short>(count);
        private int presentCount;

        internal override void Fill(ArraySegment<TRow> rows, int from, int to)
        {
            for (var i = from; i < to; i++)
            {
                if (column.ValueOf(rows[i]) is { } v)
                {
                    levels[i] = 1;
                    present[presentCount++] = v;
                }
                else
                {
                    levels[i] = 0;
                }
            }
        }

        internal override void Write(ColumnWriter writer) =>
            PhysicalValues.Write<T>(writer, present.AsSpan(0, presentCount), levels.AsSpan(0, count), count);

        public override void Dispose()
        {
            Return(present);
            Return(levels);
        }
    }
}

/// <summary>A REQUIRED UTF-8 string column (BYTE_ARRAY, STRING logical type): a null value is refused, naming the column.</summary>
internal sealed class RequiredTextColumn<TRow>(string name, Func<TRow, string> value, bool minMax)
    : ParquetColumn<TRow, string>(new DataField<string>(name, false), value)
{
    internal override bool DictionaryEncoded => true;

    internal override bool HasStatistics => minMax;

    internal override Node CreateNode() => PrimitiveNode(Repetition.Required, typeof(string));

    internal override ColumnChunk<TRow> StartChunk(int count, Utf8Values text) => new Chunk(this, count, text);

    private protected override ValueTask ReadValuesAsync(ParquetRowGroupReader reader, DataField fileField, string[] values, CancellationToken cancellationToken) =>
        reader.ReadAsync(fileField, values.AsMemory()!, null, cancellationToken);

    private sealed class Chunk(RequiredTextColumn<TRow> column, int count, Utf8Values text) : ColumnChunk<TRow>
    {
        private readonly ByteArray[] bytes = Rent<ByteArray>(count);
        private RepeatedText repeated;

        internal override void Fill(ArraySegment<TRow> rows, int from, int to)
        {
            for (var i = from; i < to; i++)
            {
                bytes[i] = repeated.Of(column.ValueOf(rows[i])
                    ?? throw new ArgumentException($"Column '{column.Name}' is required, but row {i} of the row group gives it no value.", nameof(rows)), text);
            }
        }

        internal override void Write(ColumnWriter writer) => ((ColumnWriter<ByteArray>)writer).WriteBatch(bytes.AsSpan(0, count));

        public override void Dispose() => Return(bytes);
    }
}

/// <summary>An OPTIONAL UTF-8 string column: a null value is a null in the file.</summary>
internal sealed class OptionalTextColumn<TRow>(string name, Func<TRow, string?> value) : ParquetColumn<TRow, string?>(new DataField<string>(name, true), value)
{
    internal override bool DictionaryEncoded => true;

    internal override Node CreateNode() => PrimitiveNode(Repetition.Optional, typeof(string));

    internal override ColumnChunk<TRow> StartChunk(int count, Utf8Values text) => new Chunk(this, count, text);

    private protected override ValueTask ReadValuesAsync(ParquetRowGroupReader reader, DataField fileField, string?[] values, CancellationToken cancellationToken) =>
        reader.ReadAsync(fileField, values.AsMemory(), null, cancellationToken);

    /// <summary>The strings present, in row order, and each row's definition level (1 present, 0 null).</summary>
    private sealed class Chunk(OptionalTextColumn<TRow> column, int count, Utf8Values text) : ColumnChunk<TRow>
    {
        private readonly ByteArray[] bytes = Rent<ByteArray>(count);
        private readonly short[] levels = Rent<short>(count);
        private int presentCount;
        private RepeatedText repeated;

        internal override void Fill(ArraySegment<TRow> rows, int from, int to)
        {
            for (var i = from; i < to; i++)
            {
                if (column.ValueOf(rows[i]) is { } v)
                {
                    levels[i] = 1;
                    bytes[presentCount++] = repeated.Of(v, text);
                }
                else
                {
                    levels[i] = 0;
                }
            }
        }

        internal override void Write(ColumnWriter writer) =>
            ((ColumnWriter<ByteArray>)writer).WriteBatch(count, levels.AsSpan(0, count), default, bytes.AsSpan(0, presentCount));

        public override void Dispose()
        {
            Return(bytes);
            Return(levels);
        }
    }
}

/// <summary>
/// One column's values of one row group while the table fills them: rows are read in blocks, every column in turn, so a
/// block of rows is read from memory once for all columns rather than once per column.
/// </summary>
internal abstract class ColumnChunk<TRow> : IDisposable
{
    /// <summary>Takes this column's value of rows <paramref name="from"/> to <paramref name="to"/> (exclusive) of the row group.</summary>
    internal abstract void Fill(ArraySegment<TRow> rows, int from, int to);

    /// <summary>Writes the values as the column's chunk of the row group being written.</summary>
    internal abstract void Write(ColumnWriter writer);

    /// <summary>Gives the buffers back to the pool.</summary>
    public abstract void Dispose();
}
