using System.IO.Compression;
using KpiPipeline.Parquet.Format;

namespace KpiPipeline.Parquet;

/// <summary>
/// Writes a flat Apache Parquet file to any writable stream (no seeking): values are buffered per column for one
/// row group, then written column chunk by column chunk (data pages of about 1 MiB, v1 page headers), and the
/// footer goes out on <see cref="Close"/>. The stream is left open.
/// </summary>
public sealed class ParquetFileWriter : IDisposable
{
    /// <summary>Target size of the values in one data page, before compression.</summary>
    internal const int PageSizeBytes = 1 << 20;

    private static readonly byte[] Magic = "PAR1"u8.ToArray();
    private static readonly int UnixEpochDayNumber = new DateOnly(1970, 1, 1).DayNumber;

    private readonly Stream _output;
    private readonly ParquetColumn[] _columns;
    private readonly ColumnBuffer[] _buffers;
    private readonly ParquetWriterOptions _options;
    private readonly List<RowGroupInfo> _rowGroups = [];
    private readonly ByteBuffer _page = new(64 * 1024);
    private readonly ByteBuffer _header = new(256);
    private readonly MemoryStream _gzipOutput = new();
    private long _position;
    private int _rowsInGroup;
    private bool _closed;

    public ParquetFileWriter(Stream output, IReadOnlyList<ParquetColumn> columns, ParquetWriterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(columns);
        if (!output.CanWrite)
        {
            throw new ArgumentException("The output stream must be writable.", nameof(output));
        }

        if (columns.Count == 0)
        {
            throw new ArgumentException("A Parquet file needs at least one column.", nameof(columns));
        }

        var duplicate = columns.GroupBy(c => c.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"Column '{duplicate.Key}' appears more than once.", nameof(columns));
        }

        if (columns.FirstOrDefault(c => string.IsNullOrEmpty(c.Name)) is not null)
        {
            throw new ArgumentException("Every column needs a non-empty name.", nameof(columns));
        }

        _options = options ?? new ParquetWriterOptions();
        if (_options.RowGroupSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), _options.RowGroupSize, "RowGroupSize must be at least 1.");
        }

        _output = output;
        _columns = [.. columns];
        var capacity = Math.Min(_options.RowGroupSize, 4096);
        _buffers = [.. _columns.Select(c => CreateBuffer(c, capacity, _options.UseDictionary))];
        Write(Magic);
    }

    public IReadOnlyList<ParquetColumn> Columns => _columns;

    /// <summary>Rows written so far (ended with <see cref="EndRow"/>), across all row groups.</summary>
    public long RowCount => _rowGroups.Sum(g => g.RowCount) + _rowsInGroup;

    public void Write(int column, int? value)
    {
        if (Target(column, ParquetType.Int32, value.HasValue) is { } buffer)
        {
            ((NumberColumnBuffer<int>)buffer).Append(value!.Value);
        }
    }

    public void Write(int column, long? value)
    {
        if (Target(column, ParquetType.Int64, value.HasValue) is { } buffer)
        {
            ((NumberColumnBuffer<long>)buffer).Append(value!.Value);
        }
    }

    public void Write(int column, double? value)
    {
        if (Target(column, ParquetType.Double, value.HasValue) is { } buffer)
        {
            ((DoubleColumnBuffer)buffer).Append(value!.Value);
        }
    }

    public void Write(int column, bool? value)
    {
        if (Target(column, ParquetType.Boolean, value.HasValue) is { } buffer)
        {
            ((BooleanColumnBuffer)buffer).Append(value!.Value);
        }
    }

    /// <summary>Writes a string (stored as UTF-8; unpaired surrogates become U+FFFD).</summary>
    public void Write(int column, string? value)
    {
        if (Target(column, ParquetType.String, value is not null) is { } buffer)
        {
            ((StringColumnBuffer)buffer).Append(value!);
        }
    }

    public void Write(int column, DateOnly? value)
    {
        if (Target(column, ParquetType.Date, value.HasValue) is { } buffer)
        {
            ((NumberColumnBuffer<int>)buffer).Append(value!.Value.DayNumber - UnixEpochDayNumber);
        }
    }

    /// <summary>
    /// Ends the current row: columns not written in it become null (nullable columns) or make this throw
    /// (required columns; write the missing values and call again). Writes a row group when it is full.
    /// </summary>
    public void EndRow()
    {
        ThrowIfClosed();
        foreach (var buffer in _buffers)
        {
            if (buffer.RowCount == _rowsInGroup && !buffer.Column.Nullable)
            {
                throw new InvalidOperationException($"Required column '{buffer.Column.Name}' has no value in row {RowCount}.");
            }
        }

        foreach (var buffer in _buffers)
        {
            if (buffer.RowCount == _rowsInGroup)
            {
                buffer.AppendNull();
            }
        }

        _rowsInGroup++;
        if (_rowsInGroup >= _options.RowGroupSize)
        {
            FlushRowGroup();
        }
    }

    /// <summary>Writes the buffered rows as a row group now (nothing happens when none are buffered).</summary>
    public void FlushRowGroup()
    {
        ThrowIfClosed();
        if (RowInProgress)
        {
            throw new InvalidOperationException("A row is in progress: call EndRow before flushing a row group.");
        }

        if (_rowsInGroup == 0)
        {
            return;
        }

        var fileOffset = _position;
        var chunks = new ColumnChunkInfo[_buffers.Length];
        for (var i = 0; i < _buffers.Length; i++)
        {
            chunks[i] = WriteColumnChunk(_buffers[i]);
            _buffers[i].Reset();
        }

        _rowGroups.Add(new RowGroupInfo(chunks, _rowsInGroup, fileOffset));
        _rowsInGroup = 0;
    }

    /// <summary>Writes the last row group and the footer. Later calls do nothing.</summary>
    public void Close()
    {
        if (_closed)
        {
            return;
        }

        FlushRowGroup();
        _header.Clear();
        FileMetadataWriter.WriteFileMetaData(_header, _columns, _rowGroups, _options);
        var footerLength = _header.Length;
        _header.WriteInt32LittleEndian(footerLength);
        _header.Write(Magic);
        Write(_header.Written);
        _output.Flush();
        _closed = true;
    }

    /// <summary>
    /// Closes the file like <see cref="Close"/>, unless a row is half written (an exception interrupted it): then
    /// no footer is written, so the incomplete output is not mistaken for a valid file.
    /// </summary>
    public void Dispose()
    {
        if (!_closed && !RowInProgress)
        {
            Close();
        }

        _closed = true;

        _gzipOutput.Dispose();
    }

    private bool RowInProgress => _buffers.Any(b => b.RowCount != _rowsInGroup);

    private static ColumnBuffer CreateBuffer(ParquetColumn column, int capacity, bool useDictionary) => column.Type switch
    {
        ParquetType.Int32 or ParquetType.Date => new NumberColumnBuffer<int>(column, capacity),
        ParquetType.Int64 => new NumberColumnBuffer<long>(column, capacity),
        ParquetType.Double => new DoubleColumnBuffer(column, capacity),
        ParquetType.Boolean => new BooleanColumnBuffer(column, capacity),
        ParquetType.String => new StringColumnBuffer(column, capacity, useDictionary),
        _ => throw new ArgumentOutOfRangeException(nameof(column), column.Type, "Unknown column type."),
    };

    /// <summary>
    /// Checks a write of <paramref name="type"/> to <paramref name="column"/> in the current row. Records a null
    /// itself and returns null; otherwise returns the buffer the value goes to.
    /// </summary>
    private ColumnBuffer? Target(int column, ParquetType type, bool hasValue)
    {
        ThrowIfClosed();
        if ((uint)column >= (uint)_buffers.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(column), column, $"There are {_buffers.Length} columns.");
        }

        var buffer = _buffers[column];
        if (buffer.Column.Type != type)
        {
            throw new ArgumentException(
                $"Column '{buffer.Column.Name}' is {buffer.Column.Type}; a {type} value cannot be written to it.", nameof(column));
        }

        if (buffer.RowCount != _rowsInGroup)
        {
            throw new InvalidOperationException($"Column '{buffer.Column.Name}' already has a value in row {RowCount}.");
        }

        if (hasValue)
        {
            return buffer;
        }

        if (!buffer.Column.Nullable)
        {
            throw new ArgumentException($"Column '{buffer.Column.Name}' is required: null cannot be written to it.");
        }

        buffer.AppendNull();
        return null;
    }

    private ColumnChunkInfo WriteColumnChunk(ColumnBuffer buffer)
    {
        buffer.PrepareForFlush();
        long uncompressed = 0;
        long compressed = 0;
        long? dictionaryOffset = null;
        if (buffer.UsesDictionary)
        {
            dictionaryOffset = _position;
            _page.Clear();
            var entries = buffer.WriteDictionary(_page);
            var (u, c) = WritePage(compressedSize => FileMetadataWriter.WriteDictionaryPageHeader(_header, _page.Length, compressedSize, entries));
            uncompressed += u;
            compressed += c;
        }

        var dataPageOffset = _position;
        var rowStart = 0;
        var valueStart = 0;
        do
        {
            var valueCount = Math.Min(buffer.ValueCount - valueStart, buffer.ValuesFittingInPage(valueStart, PageSizeBytes));
            var rowCount = RowsHolding(buffer, rowStart, valueStart, valueCount);
            _page.Clear();
            if (buffer.Column.Nullable)
            {
                var lengthPosition = _page.Length;
                _page.WriteInt32LittleEndian(0);
                RleBitPackedHybrid.Encode(buffer.DefinitionLevels.Slice(rowStart, rowCount), 1, _page);
                _page.PatchInt32LittleEndian(lengthPosition, _page.Length - lengthPosition - 4);
            }

            buffer.WriteValues(_page, valueStart, valueCount);
            var dictionary = buffer.UsesDictionary;
            var (u, c) = WritePage(compressedSize => FileMetadataWriter.WriteDataPageHeader(_header, _page.Length, compressedSize, rowCount, dictionary));
            uncompressed += u;
            compressed += c;
            rowStart += rowCount;
            valueStart += valueCount;
        }
        while (rowStart < buffer.RowCount);

        return new ColumnChunkInfo(
            dataPageOffset, dictionaryOffset, buffer.RowCount, uncompressed, compressed, buffer.UsesDictionary, buffer.ComputeStatistics());
    }

    /// <summary>
    /// The rows, from <paramref name="rowStart"/>, holding the next <paramref name="valueCount"/> values and the nulls
    /// before them; the last page also takes every row left (trailing nulls, or all rows of an all-null chunk).
    /// </summary>
    private static int RowsHolding(ColumnBuffer buffer, int rowStart, int valueStart, int valueCount)
    {
        if (!buffer.Column.Nullable)
        {
            return valueCount;
        }

        if (valueStart + valueCount == buffer.ValueCount)
        {
            return buffer.RowCount - rowStart;
        }

        var definitionLevels = buffer.DefinitionLevels;
        var row = rowStart;
        var seen = 0;
        while (seen < valueCount)
        {
            seen += definitionLevels[row];
            row++;
        }

        return row - rowStart;
    }

    /// <summary>Compresses <see cref="_page"/>, writes its header (built by <paramref name="writeHeader"/>) and body.</summary>
    private (long Uncompressed, long Compressed) WritePage(Action<int> writeHeader)
    {
        var body = Compress(_page.Written);
        _header.Clear();
        writeHeader(body.Length);
        var headerLength = _header.Length;
        Write(_header.Written);
        Write(body);
        return (headerLength + _page.Length, headerLength + body.Length);
    }

    private ReadOnlySpan<byte> Compress(ReadOnlySpan<byte> raw)
    {
        switch (_options.Compression)
        {
            case ParquetCompression.Snappy:
                return IronSnappy.Snappy.Encode(raw);
            case ParquetCompression.Gzip:
                _gzipOutput.SetLength(0);
                using (var gzip = new GZipStream(_gzipOutput, CompressionLevel.Optimal, leaveOpen: true))
                {
                    gzip.Write(raw);
                }

                return _gzipOutput.GetBuffer().AsSpan(0, (int)_gzipOutput.Length);
            default:
                return raw;
        }
    }

    private void Write(ReadOnlySpan<byte> bytes)
    {
        _output.Write(bytes);
        _position += bytes.Length;
    }

    private void ThrowIfClosed() => ObjectDisposedException.ThrowIf(_closed, this);
}
