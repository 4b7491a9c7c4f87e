using System.Numerics;

namespace KpiPipeline.Parquet.Format;

/// <summary>
/// The RLE / bit-packing hybrid encoding of Parquet (definition levels and dictionary indices): runs of at least
/// eight equal values become RLE runs, everything else is bit-packed in groups of eight, least significant bit first.
/// </summary>
internal static class RleBitPackedHybrid
{
    private const int MinRleRun = 8;
    private const int MaxGroupsPerBitPackedRun = 63;

    /// <summary>The bit width needed for values 0..<paramref name="maxValue"/> (at least 1).</summary>
    public static int BitWidth(int maxValue) => maxValue <= 0 ? 1 : BitOperations.Log2((uint)maxValue) + 1;

    public static void Encode<T>(ReadOnlySpan<T> values, int bitWidth, ByteBuffer output)
        where T : unmanaged, IBinaryInteger<T>
    {
        var byteWidth = (bitWidth + 7) / 8;
        var i = 0;
        while (i < values.Length)
        {
            var run = RunLength(values, i, int.MaxValue);
            if (run >= MinRleRun)
            {
                output.WriteUnsignedVarint((ulong)run << 1);
                var value = uint.CreateTruncating(values[i]);
                for (var b = 0; b < byteWidth; b++)
                {
                    output.WriteByte((byte)(value >> (8 * b)));
                }

                i += run;
                continue;
            }

            var groups = 0;
            var start = i;
            do
            {
                i += 8;
                groups++;
            }
            while (i < values.Length && groups < MaxGroupsPerBitPackedRun && RunLength(values, i, MinRleRun) < MinRleRun);

            WriteBitPacked(values, start, groups, bitWidth, output);
        }
    }

    /// <summary>Decodes <paramref name="output"/>.Length values; returns the number of bytes read.</summary>
    public static int Decode(ReadOnlySpan<byte> data, int bitWidth, Span<int> output)
    {
        var byteWidth = (bitWidth + 7) / 8;
        var position = 0;
        var produced = 0;
        var mask = bitWidth == 32 ? uint.MaxValue : (1u << bitWidth) - 1;
        while (produced < output.Length)
        {
            var header = ReadVarint(data, ref position);
            if ((header & 1) == 0)
            {
                var run = (int)(header >> 1);
                uint value = 0;
                for (var b = 0; b < byteWidth; b++)
                {
                    value |= (uint)data[position++] << (8 * b);
                }

                var take = Math.Min(run, output.Length - produced);
                output.Slice(produced, take).Fill((int)value);
                produced += take;
            }
            else
            {
                var count = (int)(header >> 1) * 8;
                ulong buffer = 0;
                var bits = 0;
                for (var k = 0; k < count; k++)
                {
                    while (bits < bitWidth)
                    {
                        buffer |= (ulong)data[position++] << bits;
                        bits += 8;
                    }

                    if (produced < output.Length)
                    {
                        output[produced++] = (int)(buffer & mask);
                    }

                    buffer >>= bitWidth;
                    bits -= bitWidth;
                }
            }
        }

        return position;
    }

    private static int RunLength<T>(ReadOnlySpan<T> values, int start, int limit)
        where T : unmanaged, IBinaryInteger<T>
    {
        var first = values[start];
        var end = start + 1;
        var stop = (int)Math.Min(values.Length, (long)start + limit);
        while (end < stop && values[end] == first)
        {
            end++;
        }

        return end - start;
    }

    private static void WriteBitPacked<T>(ReadOnlySpan<T> values, int start, int groups, int bitWidth, ByteBuffer output)
        where T : unmanaged, IBinaryInteger<T>
    {
        output.WriteUnsignedVarint(((ulong)groups << 1) | 1);
        var count = groups * 8;
        var span = output.GetSpan(groups * bitWidth);
        var written = 0;
        ulong buffer = 0;
        var bits = 0;
        for (var k = 0; k < count; k++)
        {
            var index = start + k;
            var value = index < values.Length ? ulong.CreateTruncating(values[index]) : 0UL;
            buffer |= value << bits;
            bits += bitWidth;
            while (bits >= 8)
            {
                span[written++] = (byte)buffer;
                buffer >>= 8;
                bits -= 8;
            }
        }

        output.Advance(written);
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> data, ref int position)
    {
        ulong result = 0;
        var shift = 0;
        while (true)
        {
            var b = data[position++];
            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return result;
            }

            shift += 7;
        }
    }
}
