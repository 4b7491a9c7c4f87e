using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace KpiPipeline.Parquet.Format;

/// <summary>A column of fixed-width little-endian numbers (INT32, DATE, INT64, DOUBLE), PLAIN encoded.</summary>
internal class NumberColumnBuffer<T>(ParquetColumn column, int initialCapacity) : ColumnBuffer(column, initialCapacity)
    where T : unmanaged, INumber<T>
{
    private T[] _values = new T[initialCapacity];

    protected ReadOnlySpan<T> Values => _values.AsSpan(0, ValueCount);

    public void Append(T value)
    {
        if (ValueCount == _values.Length)
        {
            Array.Resize(ref _values, Grow(_values.Length));
        }

        _values[ValueCount] = value;
        MarkValue();
    }

    public override int ValuesFittingInPage(int valueStart, int pageBytes) =>
        Math.Max(1, pageBytes / Unsafe.SizeOf<T>());

    public override void WriteValues(ByteBuffer page, int valueStart, int count) =>
        page.Write(MemoryMarshal.AsBytes(_values.AsSpan(valueStart, count)));

    public override ColumnStatistics ComputeStatistics()
    {
        var values = Values;
        if (values.IsEmpty)
        {
            return new ColumnStatistics(null, null, NullCount, null);
        }

        var min = values[0];
        var max = values[0];
        foreach (var value in values)
        {
            if (value < min)
            {
                min = value;
            }
            else if (value > max)
            {
                max = value;
            }
        }

        return new ColumnStatistics(Bytes(min), Bytes(max), NullCount, null);
    }

    protected static byte[] Bytes(T value) => MemoryMarshal.AsBytes(new ReadOnlySpan<T>(in value)).ToArray();
}

/// <summary>
/// DOUBLE: statistics ignore NaN (counted in nan_count), and a zero minimum is written as -0.0 and a zero maximum as
/// +0.0, as the format asks for the TYPE_ORDER column order.
/// </summary>
internal sealed class DoubleColumnBuffer(ParquetColumn column, int initialCapacity)
    : NumberColumnBuffer<double>(column, initialCapacity)
{
    public override ColumnStatistics ComputeStatistics()
    {
        var min = double.PositiveInfinity;
        var max = double.NegativeInfinity;
        long nanCount = 0;
        var any = false;
        foreach (var value in Values)
        {
            if (double.IsNaN(value))
            {
                nanCount++;
                continue;
            }

            any = true;
            min = Math.Min(min, value);
            max = Math.Max(max, value);
        }

        if (!any)
        {
            return new ColumnStatistics(null, null, NullCount, nanCount);
        }

        min = min == 0 ? -0.0 : min;
        max = max == 0 ? 0.0 : max;
        return new ColumnStatistics(Bytes(min), Bytes(max), NullCount, nanCount);
    }
}

/// <summary>BOOLEAN: PLAIN is one bit per value, least significant bit first; false sorts before true.</summary>
internal sealed class BooleanColumnBuffer(ParquetColumn column, int initialCapacity) : ColumnBuffer(column, initialCapacity)
{
    private bool[] _values = new bool[initialCapacity];

    public void Append(bool value)
    {
        if (ValueCount == _values.Length)
        {
            Array.Resize(ref _values, Grow(_values.Length));
        }

        _values[ValueCount] = value;
        MarkValue();
    }

    public override int ValuesFittingInPage(int valueStart, int pageBytes) => Math.Max(8, pageBytes * 8);

    public override void WriteValues(ByteBuffer page, int valueStart, int count)
    {
        var byteCount = (count + 7) / 8;
        var span = page.GetSpan(byteCount)[..byteCount];
        span.Clear();
        var values = _values.AsSpan(valueStart, count);
        for (var i = 0; i < values.Length; i++)
        {
            if (values[i])
            {
                span[i >> 3] |= (byte)(1 << (i & 7));
            }
        }

        page.Advance(byteCount);
    }

    public override ColumnStatistics ComputeStatistics()
    {
        var values = _values.AsSpan(0, ValueCount);
        if (values.IsEmpty)
        {
            return new ColumnStatistics(null, null, NullCount, null);
        }

        var anyTrue = values.Contains(true);
        var anyFalse = values.Contains(false);
        return new ColumnStatistics([anyFalse ? (byte)0 : (byte)1], [anyTrue ? (byte)1 : (byte)0], NullCount, null);
    }
}
