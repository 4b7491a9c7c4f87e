using System.Text;

namespace KpiPipeline.Parquet.Format;

/// <summary>Writes Thrift compact protocol structs (the encoding of Parquet page headers and the footer).</summary>
internal sealed class ThriftCompactWriter(ByteBuffer output)
{
    public const byte TypeBooleanTrue = 1;
    public const byte TypeBooleanFalse = 2;
    public const byte TypeI16 = 4;
    public const byte TypeI32 = 5;
    public const byte TypeI64 = 6;
    public const byte TypeBinary = 8;
    public const byte TypeList = 9;
    public const byte TypeStruct = 12;

    private readonly Stack<short> _enclosingFieldIds = new();
    private short _lastFieldId;

    public void BeginStruct()
    {
        _enclosingFieldIds.Push(_lastFieldId);
        _lastFieldId = 0;
    }

    public void EndStruct()
    {
        output.WriteByte(0);
        _lastFieldId = _enclosingFieldIds.Pop();
    }

    public void FieldStruct(short id)
    {
        FieldHeader(id, TypeStruct);
        BeginStruct();
    }

    /// <summary>An empty struct as a field (for example a union member such as LogicalType.STRING).</summary>
    public void FieldEmptyStruct(short id)
    {
        FieldStruct(id);
        EndStruct();
    }

    public void FieldI16(short id, short value)
    {
        FieldHeader(id, TypeI16);
        output.WriteUnsignedVarint(ZigZag(value));
    }

    public void FieldI32(short id, int value)
    {
        FieldHeader(id, TypeI32);
        output.WriteUnsignedVarint(ZigZag(value));
    }

    public void FieldI64(short id, long value)
    {
        FieldHeader(id, TypeI64);
        output.WriteUnsignedVarint(ZigZag(value));
    }

    public void FieldBool(short id, bool value) => FieldHeader(id, value ? TypeBooleanTrue : TypeBooleanFalse);

    public void FieldBinary(short id, ReadOnlySpan<byte> value)
    {
        FieldHeader(id, TypeBinary);
        Binary(value);
    }

    public void FieldString(short id, string value)
    {
        FieldHeader(id, TypeBinary);
        String(value);
    }

    /// <summary>A list field header; follow with <paramref name="count"/> elements of <paramref name="elementType"/>.</summary>
    public void FieldList(short id, byte elementType, int count)
    {
        FieldHeader(id, TypeList);
        if (count < 15)
        {
            output.WriteByte((byte)((count << 4) | elementType));
        }
        else
        {
            output.WriteByte((byte)(0xF0 | elementType));
            output.WriteUnsignedVarint((uint)count);
        }
    }

    public void I32(int value) => output.WriteUnsignedVarint(ZigZag(value));

    public void Binary(ReadOnlySpan<byte> value)
    {
        output.WriteUnsignedVarint((uint)value.Length);
        output.Write(value);
    }

    public void String(string value)
    {
        var byteCount = Encoding.UTF8.GetByteCount(value);
        output.WriteUnsignedVarint((uint)byteCount);
        var span = output.GetSpan(byteCount);
        output.Advance(Encoding.UTF8.GetBytes(value, span));
    }

    private void FieldHeader(short id, byte type)
    {
        var delta = id - _lastFieldId;
        if (delta is > 0 and <= 15)
        {
            output.WriteByte((byte)((delta << 4) | type));
        }
        else
        {
            output.WriteByte(type);
            output.WriteUnsignedVarint(ZigZag(id));
        }

        _lastFieldId = id;
    }

    private static ulong ZigZag(long value) => (ulong)((value << 1) ^ (value >> 63));
}
