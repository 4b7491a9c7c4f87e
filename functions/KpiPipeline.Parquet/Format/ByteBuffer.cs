using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace KpiPipeline.Parquet.Format;

/// <summary>A growable byte buffer reused across pages and row groups, so steady-state writing allocates nothing.</summary>
internal sealed class ByteBuffer
{
    private byte[] _buffer;

    public ByteBuffer(int initialCapacity = 256) => _buffer = new byte[Math.Max(16, initialCapacity)];

    public int Length { get; private set; }

    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, Length);

    public byte[] RawBuffer => _buffer;

    public void Clear() => Length = 0;

    /// <summary>A writable span of at least <paramref name="size"/> bytes at the end; call <see cref="Advance"/> after.</summary>
    public Span<byte> GetSpan(int size)
    {
        EnsureCapacity(size);
        return _buffer.AsSpan(Length);
    }

    public void Advance(int count) => Length += count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteByte(byte value)
    {
        if (Length == _buffer.Length)
        {
            EnsureCapacity(1);
        }

        _buffer[Length++] = value;
    }

    public void Write(ReadOnlySpan<byte> bytes)
    {
        EnsureCapacity(bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(Length));
        Length += bytes.Length;
    }

    public void WriteInt32LittleEndian(int value)
    {
        EnsureCapacity(4);
        BinaryPrimitives.WriteInt32LittleEndian(_buffer.AsSpan(Length), value);
        Length += 4;
    }

    public void WriteUnsignedVarint(ulong value)
    {
        EnsureCapacity(10);
        while (value >= 0x80)
        {
            _buffer[Length++] = (byte)(value | 0x80);
            value >>= 7;
        }

        _buffer[Length++] = (byte)value;
    }

    /// <summary>Overwrites four bytes at <paramref name="position"/> (for length prefixes known only afterwards).</summary>
    public void PatchInt32LittleEndian(int position, int value) =>
        BinaryPrimitives.WriteInt32LittleEndian(_buffer.AsSpan(position, 4), value);

    private void EnsureCapacity(int extra)
    {
        long needed = (long)Length + extra;
        if (needed <= _buffer.Length)
        {
            return;
        }

        if (needed > Array.MaxLength)
        {
            throw new InvalidOperationException("A Parquet page or column chunk buffer would exceed 2 GiB; use smaller row groups.");
        }

        var size = (int)Math.Min(Array.MaxLength, Math.Max(needed, (long)_buffer.Length * 2));
        Array.Resize(ref _buffer, size);
    }
}
