using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using ParquetSharp;

namespace KpiPipeline.Parquet;

/// <summary>
/// The UTF-8 bytes of the distinct strings of one file being written, in native memory that stays put until the file is
/// done, so that every value of a string column is handed to the writer as a pointer to bytes encoded once. Published rows
/// share their strings (a unit's code, a KPI's id, a rating), so a string is found by its instance first and by its text
/// only the first time an instance is seen.
/// </summary>
internal sealed unsafe class Utf8Values : IDisposable
{
    private const int BlockBytes = 64 << 10;

    private readonly Dictionary<string, ByteArray> byInstance = new(SameInstance.Comparer);
    private readonly Dictionary<string, ByteArray> byText = new(StringComparer.Ordinal);
    private readonly List<IntPtr> blocks = [];
    private byte* free;
    private int freeBytes;

    public ByteArray Of(string value)
    {
        if (byInstance.TryGetValue(value, out var bytes))
        {
            return bytes;
        }

        if (!byText.TryGetValue(value, out bytes))
        {
            bytes = Encode(value);
            byText.Add(value, bytes);
        }

        byInstance.Add(value, bytes);
        return bytes;
    }

    public void Dispose()
    {
        foreach (var block in blocks)
        {
            NativeMemory.Free((void*)block);
        }

        blocks.Clear();
        freeBytes = 0;
    }

    private ByteArray Encode(string value)
    {
        var length = System.Text.Encoding.UTF8.GetByteCount(value);
        if (length > freeBytes)
        {
            var size = Math.Max(BlockBytes, length);
            free = (byte*)NativeMemory.Alloc((nuint)size);
            blocks.Add((IntPtr)free);
            freeBytes = size;
        }

        var at = free;
        System.Text.Encoding.UTF8.GetBytes(value, new Span<byte>(at, length));
        free += length;
        freeBytes -= length;
        return new ByteArray((IntPtr)at, length);
    }

    private sealed class SameInstance : IEqualityComparer<string>
    {
        public static readonly SameInstance Comparer = new();

        public bool Equals(string? x, string? y) => ReferenceEquals(x, y);

        public int GetHashCode(string obj) => RuntimeHelpers.GetHashCode(obj);
    }
}

/// <summary>
/// A text column chunk's last value and its bytes, handed out again while rows repeat the same string: published rows come
/// in runs of one period, level, KPI, dimension and status, so most values are the row before's. Held in a field of the
/// chunk (a mutable struct: never copy it).
/// </summary>
internal struct RepeatedText
{
    private string? value;
    private ByteArray bytes;

    public ByteArray Of(string text, Utf8Values values)
    {
        if (!ReferenceEquals(text, value))
        {
            value = text;
            bytes = values.Of(text);
        }

        return bytes;
    }
}
