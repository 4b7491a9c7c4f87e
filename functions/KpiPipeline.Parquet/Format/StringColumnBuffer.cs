using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace KpiPipeline.Parquet.Format;

/// <summary>
/// A UTF-8 string column. While dictionary encoding is allowed it keeps a dictionary of distinct values (as PLAIN,
/// length-prefixed UTF-8) and one index per value. It falls back to PLAIN when the dictionary passes 1 MiB, when
/// more than half of the first 4,096 values are distinct, or when, at flush, the dictionary page plus the packed
/// indices would not be smaller than PLAIN. In PLAIN mode the values are kept as the PLAIN page bytes themselves.
/// </summary>
internal sealed class StringColumnBuffer : ColumnBuffer
{
    private const int DictionaryByteLimit = 1 << 20;
    private const int CardinalityCheckAt = 4096;

    private readonly bool _dictionaryAllowed;
    private readonly Dictionary<string, int> _dictionary = new(StringComparer.Ordinal);
    private readonly ByteBuffer _dictionaryPlain = new(4096);
    private readonly List<int> _entryOffsets = [0];
    private readonly ByteBuffer _plain;
    private int[] _indices;
    private int[] _valueOffsets;
    private long _plainSizeOfDictionaryValues;
    private bool _dictionaryActive;

    public StringColumnBuffer(ParquetColumn column, int initialCapacity, bool useDictionary)
        : base(column, initialCapacity)
    {
        _dictionaryAllowed = useDictionary;
        _dictionaryActive = useDictionary;
        _indices = useDictionary ? new int[initialCapacity] : [];
        _valueOffsets = new int[initialCapacity + 1];
        _plain = new ByteBuffer(useDictionary ? 256 : initialCapacity * 16);
    }

    public override bool UsesDictionary => _dictionaryActive && _dictionary.Count > 0;

    private int DictionaryBitWidth => RleBitPackedHybrid.BitWidth(_dictionary.Count - 1);

    public void Append(string value)
    {
        if (!_dictionaryActive)
        {
            AppendPlain(value);
            return;
        }

        ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_dictionary, value, out var exists);
        if (!exists)
        {
            slot = AddEntry(value);
        }

        if (ValueCount == _indices.Length)
        {
            Array.Resize(ref _indices, Grow(_indices.Length));
        }

        _indices[ValueCount] = slot;
        _plainSizeOfDictionaryValues += EntryLength(slot);
        MarkValue();

        if (_dictionaryPlain.Length > DictionaryByteLimit
            || (ValueCount == CardinalityCheckAt && _dictionary.Count > CardinalityCheckAt / 2))
        {
            FallBackToPlain();
        }
    }

    public override void PrepareForFlush()
    {
        if (!UsesDictionary)
        {
            return;
        }

        var dictionarySize = _dictionaryPlain.Length + (((long)ValueCount * DictionaryBitWidth) + 7) / 8;
        if (dictionarySize >= _plainSizeOfDictionaryValues)
        {
            FallBackToPlain();
        }
    }

    public override int ValuesFittingInPage(int valueStart, int pageBytes)
    {
        if (UsesDictionary)
        {
            return Math.Max(8, (int)Math.Min(int.MaxValue, (long)pageBytes * 8 / DictionaryBitWidth));
        }

        // Offsets are increasing: find the last value that still ends within the page budget.
        var offsets = _valueOffsets.AsSpan(valueStart + 1, ValueCount - valueStart);
        var limit = (long)_valueOffsets[valueStart] + pageBytes;
        var position = offsets.BinarySearch((int)Math.Min(int.MaxValue, limit));
        var fitting = position >= 0 ? position + 1 : ~position;
        return Math.Max(1, fitting);
    }

    public override void WriteValues(ByteBuffer page, int valueStart, int count)
    {
        if (UsesDictionary)
        {
            var bitWidth = DictionaryBitWidth;
            page.WriteByte((byte)bitWidth);
            RleBitPackedHybrid.Encode<int>(_indices.AsSpan(valueStart, count), bitWidth, page);
            return;
        }

        var start = _valueOffsets[valueStart];
        page.Write(_plain.Written[start.._valueOffsets[valueStart + count]]);
    }

    public override int WriteDictionary(ByteBuffer page)
    {
        page.Write(_dictionaryPlain.Written);
        return _dictionary.Count;
    }

    public override ColumnStatistics ComputeStatistics()
    {
        ReadOnlySpan<byte> min = default;
        ReadOnlySpan<byte> max = default;
        var any = false;
        var source = UsesDictionary ? _dictionaryPlain.Written : _plain.Written;
        ReadOnlySpan<int> offsets = UsesDictionary ? CollectionsMarshal.AsSpan(_entryOffsets) : _valueOffsets.AsSpan();
        var count = UsesDictionary ? _dictionary.Count : ValueCount;
        for (var i = 0; i < count; i++)
        {
            // Skip the 4-byte length prefix; UTF-8 compared as unsigned bytes is the STRING sort order.
            var value = source[(offsets[i] + 4)..offsets[i + 1]];
            if (!any)
            {
                min = value;
                max = value;
                any = true;
            }
            else if (value.SequenceCompareTo(min) < 0)
            {
                min = value;
            }
            else if (value.SequenceCompareTo(max) > 0)
            {
                max = value;
            }
        }

        return any
            ? new ColumnStatistics(min.ToArray(), max.ToArray(), NullCount, null)
            : new ColumnStatistics(null, null, NullCount, null);
    }

    public override void Reset()
    {
        base.Reset();
        _dictionary.Clear();
        _dictionaryPlain.Clear();
        _entryOffsets.Clear();
        _entryOffsets.Add(0);
        _plain.Clear();
        _plainSizeOfDictionaryValues = 0;
        _dictionaryActive = _dictionaryAllowed;
    }

    private int EntryLength(int entry) => _entryOffsets[entry + 1] - _entryOffsets[entry];

    private int AddEntry(string value)
    {
        WritePlainValue(_dictionaryPlain, value);
        _entryOffsets.Add(_dictionaryPlain.Length);
        return _entryOffsets.Count - 2;
    }

    private void AppendPlain(string value)
    {
        EnsureOffsetCapacity();
        WritePlainValue(_plain, value);
        _valueOffsets[ValueCount + 1] = _plain.Length;
        MarkValue();
    }

    private void FallBackToPlain()
    {
        _plain.Clear();
        _valueOffsets[0] = 0;
        var dictionary = _dictionaryPlain.Written;
        for (var i = 0; i < ValueCount; i++)
        {
            var entry = _indices[i];
            _plain.Write(dictionary[_entryOffsets[entry].._entryOffsets[entry + 1]]);
            if (i + 1 >= _valueOffsets.Length)
            {
                Array.Resize(ref _valueOffsets, Grow(_valueOffsets.Length));
            }

            _valueOffsets[i + 1] = _plain.Length;
        }

        _dictionaryActive = false;
        _dictionary.Clear();
        _dictionaryPlain.Clear();
        _entryOffsets.Clear();
        _entryOffsets.Add(0);
    }

    private void EnsureOffsetCapacity()
    {
        if (ValueCount + 1 >= _valueOffsets.Length)
        {
            Array.Resize(ref _valueOffsets, Grow(_valueOffsets.Length));
        }
    }

    private static void WritePlainValue(ByteBuffer buffer, string value)
    {
        var span = buffer.GetSpan(4 + Encoding.UTF8.GetMaxByteCount(value.Length));
        var length = Encoding.UTF8.GetBytes(value, span[4..]);
        BinaryPrimitives.WriteInt32LittleEndian(span, length);
        buffer.Advance(4 + length);
    }
}
