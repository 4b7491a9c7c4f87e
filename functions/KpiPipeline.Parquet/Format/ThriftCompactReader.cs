using System.Buffers.Binary;
using System.Text;

namespace KpiPipeline.Parquet.Format;

/// <summary>
/// A decoded Thrift struct: field id to value (long for integers, bool, byte[] for binary, double,
/// <see cref="List{T}"/> of values, or a nested <see cref="ThriftStruct"/>).
/// </summary>
internal sealed class ThriftStruct
{
    private readonly Dictionary<short, object> _fields = [];

    public void Set(short id, object value) => _fields[id] = value;

    public bool Has(short id) => _fields.ContainsKey(id);

    public long Int(short id) => (long)Required(id);

    public long? OptionalInt(short id) => _fields.TryGetValue(id, out var value) ? (long)value : null;

    public byte[]? OptionalBinary(short id) => _fields.TryGetValue(id, out var value) ? (byte[])value : null;

    public string String(short id) => Encoding.UTF8.GetString((byte[])Required(id));

    public string? OptionalString(short id) => OptionalBinary(id) is { } bytes ? Encoding.UTF8.GetString(bytes) : null;

    public ThriftStruct? OptionalStruct(short id) => _fields.TryGetValue(id, out var value) ? (ThriftStruct)value : null;

    public ThriftStruct Struct(short id) => (ThriftStruct)Required(id);

    public IReadOnlyList<object> List(short id) => _fields.TryGetValue(id, out var value) ? (List<object>)value : [];

    private object Required(short id) =>
        _fields.TryGetValue(id, out var value) ? value : throw new InvalidDataException($"Thrift field {id} is missing.");
}

/// <summary>Reads Thrift compact protocol structs from a byte span.</summary>
internal ref struct ThriftCompactReader(ReadOnlySpan<byte> data)
{
    private readonly ReadOnlySpan<byte> _data = data;

    public int Position { get; private set; }

    public ThriftStruct ReadStruct()
    {
        var result = new ThriftStruct();
        short lastId = 0;
        while (true)
        {
            var header = ReadByte();
            if (header == 0)
            {
                return result;
            }

            var type = (byte)(header & 0x0F);
            var delta = header >> 4;
            var id = delta == 0 ? (short)ReadZigZag() : (short)(lastId + delta);
            lastId = id;
            result.Set(id, ReadValue(type));
        }
    }

    private object ReadValue(byte type) => type switch
    {
        ThriftCompactWriter.TypeBooleanTrue => true,
        ThriftCompactWriter.TypeBooleanFalse => false,
        3 => (long)(sbyte)ReadByte(),
        ThriftCompactWriter.TypeI16 or ThriftCompactWriter.TypeI32 or ThriftCompactWriter.TypeI64 => ReadZigZag(),
        7 => ReadDouble(),
        ThriftCompactWriter.TypeBinary => ReadBinary(),
        ThriftCompactWriter.TypeList or 10 => ReadList(),
        ThriftCompactWriter.TypeStruct => ReadStruct(),
        _ => throw new InvalidDataException($"Unsupported Thrift compact type {type}."),
    };

    private List<object> ReadList()
    {
        var header = ReadByte();
        var count = header >> 4;
        var elementType = (byte)(header & 0x0F);
        if (count == 15)
        {
            count = (int)ReadVarint();
        }

        var list = new List<object>(count);
        for (var i = 0; i < count; i++)
        {
            // Booleans inside lists are one byte each: 1 for true, anything else false.
            list.Add(elementType is ThriftCompactWriter.TypeBooleanTrue or ThriftCompactWriter.TypeBooleanFalse
                ? ReadByte() == 1
                : ReadValue(elementType));
        }

        return list;
    }

    private byte[] ReadBinary()
    {
        var length = (int)ReadVarint();
        var bytes = _data.Slice(Position, length).ToArray();
        Position += length;
        return bytes;
    }

    private double ReadDouble()
    {
        var value = BinaryPrimitives.ReadDoubleLittleEndian(_data.Slice(Position, 8));
        Position += 8;
        return value;
    }

    private byte ReadByte() => _data[Position++];

    private ulong ReadVarint()
    {
        ulong result = 0;
        var shift = 0;
        while (true)
        {
            var b = ReadByte();
            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return result;
            }

            shift += 7;
        }
    }

    private long ReadZigZag()
    {
        var raw = ReadVarint();
        return (long)(raw >> 1) ^ -(long)(raw & 1);
    }
}
