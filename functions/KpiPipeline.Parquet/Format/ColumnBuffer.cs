namespace KpiPipeline.Parquet.Format;

/// <summary>Chunk statistics in their Parquet encoding: PLAIN bytes of min and max (absent when undefined).</summary>
internal sealed record ColumnStatistics(byte[]? Min, byte[]? Max, long NullCount, long? NanCount);

/// <summary>
/// The values of one column for the row group being built: definition levels (nullable columns only, one byte per
/// row) and the non-null values in a type-specific buffer. Buffers are kept between row groups to avoid allocation.
/// </summary>
internal abstract class ColumnBuffer
{
    private byte[] _definitionLevels;

    protected ColumnBuffer(ParquetColumn column, int initialCapacity)
    {
        Column = column;
        _definitionLevels = column.Nullable ? new byte[initialCapacity] : [];
    }

    public ParquetColumn Column { get; }

    /// <summary>Rows in the current row group, nulls included.</summary>
    public int RowCount { get; private set; }

    /// <summary>Non-null values in the current row group.</summary>
    public int ValueCount { get; protected set; }

    public int NullCount => RowCount - ValueCount;

    /// <summary>1 for a row holding a value, 0 for a null (nullable columns only).</summary>
    public ReadOnlySpan<byte> DefinitionLevels => _definitionLevels.AsSpan(0, Column.Nullable ? RowCount : 0);

    /// <summary>True when the chunk is written as a dictionary page plus RLE_DICTIONARY data pages.</summary>
    public virtual bool UsesDictionary => false;

    public void AppendNull()
    {
        EnsureDefinitionCapacity();
        _definitionLevels[RowCount++] = 0;
    }

    /// <summary>Settles the encoding of the buffered row group (called once before its pages are written).</summary>
    public virtual void PrepareForFlush()
    {
    }

    /// <summary>How many values from <paramref name="valueStart"/> fit in a page of about <paramref name="pageBytes"/>.</summary>
    public abstract int ValuesFittingInPage(int valueStart, int pageBytes);

    /// <summary>Appends the encoded values (PLAIN, or dictionary indices) of one data page.</summary>
    public abstract void WriteValues(ByteBuffer page, int valueStart, int count);

    /// <summary>Appends the PLAIN dictionary page body and returns the number of entries.</summary>
    public virtual int WriteDictionary(ByteBuffer page) =>
        throw new InvalidOperationException($"Column '{Column.Name}' is not dictionary-encoded.");

    public abstract ColumnStatistics ComputeStatistics();

    /// <summary>Empties the buffer for the next row group.</summary>
    public virtual void Reset()
    {
        RowCount = 0;
        ValueCount = 0;
    }

    /// <summary>Records that the current row holds a value; the subclass has stored the value itself.</summary>
    protected void MarkValue()
    {
        if (Column.Nullable)
        {
            EnsureDefinitionCapacity();
            _definitionLevels[RowCount] = 1;
        }

        RowCount++;
        ValueCount++;
    }

    protected static int Grow(int length) => Math.Max(16, length > Array.MaxLength / 2 ? Array.MaxLength : length * 2);

    private void EnsureDefinitionCapacity()
    {
        if (RowCount == _definitionLevels.Length)
        {
            Array.Resize(ref _definitionLevels, Grow(_definitionLevels.Length));
        }
    }
}
