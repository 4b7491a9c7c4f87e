using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace KpiPipeline.Core.Csv;

/// <summary>What is wrong with one record, if anything. The first problem found in a record is the one reported.</summary>
public enum CsvProblem
{
    None,

    /// <summary>A <c>"</c> inside a field that does not start with a quote.</summary>
    QuoteInUnquotedField,

    /// <summary>Characters between a closing quote and the next comma or line end.</summary>
    TextAfterClosingQuote,

    /// <summary>Bytes that are not valid UTF-8.</summary>
    InvalidUtf8,

    /// <summary>The record has a different number of fields from the first record (the header).</summary>
    FieldCountMismatch,

    /// <summary>A quoted field never closes before the end of the file. Fatal: nothing after it can be read.</summary>
    UnterminatedQuote,

    /// <summary>A record is longer than the reader's limit. Fatal: nothing after it can be read.</summary>
    RecordTooLong,
}

/// <summary>
/// A streaming RFC 4180 reader over UTF-8 bytes (optional BOM; CRLF, LF or lone CR line ends; quoted fields with
/// <c>""</c> escapes and embedded line breaks). Completely empty lines are skipped. Memory is bounded by the longest
/// record (<see cref="MaxRecordBytes"/>), never by the file. Problems are reported per record rather than thrown,
/// so a caller can list every bad row; fatal problems end the reading.
/// </summary>
public sealed class CsvReader : IDisposable
{
    public const int DefaultMaxRecordBytes = 1 << 20;

    private const int InitialBufferBytes = 64 * 1024;
    private static readonly SearchValues<byte> UnquotedStops = SearchValues.Create(",\r\n\""u8);
    private static readonly SearchValues<byte> FieldEnds = SearchValues.Create(",\r\n"u8);

    private readonly Stream stream;
    private readonly bool leaveOpen;
    private byte[] buffer = ArrayPool<byte>.Shared.Rent(InitialBufferBytes);
    private int start;
    private int end;
    private bool endOfStream;
    private bool bomChecked;
    private bool finished;
    private long nextLine = 1;
    private int recordStart;
    private int recordLength;

    private int[] rawStart = new int[32];
    private int[] rawLength = new int[32];
    private byte[] rawFlags = new byte[32];
    private int[] charStart = new int[32];
    private int[] charLength = new int[32];
    private char[] chars = new char[4096];
    private byte[] unescaped = new byte[1024];

    public CsvReader(Stream stream, bool leaveOpen = false, int maxRecordBytes = DefaultMaxRecordBytes)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRecordBytes, 16);
        this.stream = stream;
        this.leaveOpen = leaveOpen;
        MaxRecordBytes = maxRecordBytes;
    }

    private enum Outcome { Record, NeedMoreData, EndOfData }

    public int MaxRecordBytes { get; }

    /// <summary>Number of fields of the current record (0 for a fatal problem).</summary>
    public int FieldCount { get; private set; }

    /// <summary>Number of fields of the first record (the header), once read.</summary>
    public int? HeaderFieldCount { get; private set; }

    /// <summary>1 for the first record read (the header), 2 for the next, and so on. Blank lines are not records.</summary>
    public long RecordNumber { get; private set; }

    /// <summary>The physical line (1-based, counting line feeds) on which the current record starts.</summary>
    public long LineNumber { get; private set; }

    /// <summary>Bytes taken from the stream so far.</summary>
    public long BytesRead { get; private set; }

    public CsvProblem Problem { get; private set; }

    /// <summary>The current record's bytes as they are in the file, line end included; valid until the next read.</summary>
    public ReadOnlySpan<byte> RawRecord => buffer.AsSpan(recordStart, recordLength);

    /// <summary>Index of the field where <see cref="Problem"/> was found, or -1.</summary>
    public int ProblemField { get; private set; } = -1;

    public bool ProblemIsFatal => Problem is CsvProblem.UnterminatedQuote or CsvProblem.RecordTooLong;

    public ReadOnlySpan<char> GetField(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)FieldCount, nameof(index));
        return chars.AsSpan(charStart[index], charLength[index]);
    }

    public string GetString(int index) => new(GetField(index));

    /// <summary>Whether the field was written in quotes (which tells <c>""</c>, an empty text, from a blank field).</summary>
    public bool IsQuoted(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)FieldCount, nameof(index));
        return (rawFlags[index] & 1) != 0;
    }

    /// <summary>Reads the next record; false at the end of the data or after a fatal problem.</summary>
    public bool Read()
    {
        while (!finished)
        {
            switch (TryParse())
            {
                case Outcome.Record:
                    return true;
                case Outcome.EndOfData:
                    finished = true;
                    return false;
                default:
                    var free = MakeRoom();
                    var read = stream.Read(buffer, end, free);
                    Took(read);
                    break;
            }
        }

        return false;
    }

    /// <summary>Reads the next record; false at the end of the data or after a fatal problem.</summary>
    public async ValueTask<bool> ReadAsync(CancellationToken cancellationToken = default)
    {
        while (!finished)
        {
            switch (TryParse())
            {
                case Outcome.Record:
                    return true;
                case Outcome.EndOfData:
                    finished = true;
                    return false;
                default:
                    var free = MakeRoom();
                    var read = await stream.ReadAsync(buffer.AsMemory(end, free), cancellationToken).ConfigureAwait(false);
                    Took(read);
                    break;
            }
        }

        return false;
    }

    public void Dispose()
    {
        // The read buffer is pooled: a batch run reads a hundred thousand files and would otherwise allocate one each.
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            buffer = [];
            finished = true;
        }

        if (!leaveOpen)
        {
            stream.Dispose();
        }
    }

    private void Took(int read)
    {
        if (read == 0)
        {
            endOfStream = true;
        }
        else
        {
            end += read;
            BytesRead += read;
        }
    }

    private int MakeRoom()
    {
        if (start > 0)
        {
            Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
            end -= start;
            start = 0;
        }

        if (end == buffer.Length)
        {
            var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
            Buffer.BlockCopy(buffer, 0, larger, 0, end);
            ArrayPool<byte>.Shared.Return(buffer);
            buffer = larger;
        }

        return buffer.Length - end;
    }

    private Outcome TryParse()
    {
        var data = buffer.AsSpan(0, end);
        var pos = start;
        if (!bomChecked)
        {
            if (end - pos < 3 && !endOfStream)
            {
                return Outcome.NeedMoreData;
            }

            if (data[pos..].StartsWith("\uFEFF"u8))
            {
                pos += 3;
            }

            bomChecked = true;
            start = pos;
        }

        // Completely empty lines are skipped; they belong to no record.
        while (pos < end && data[pos] is (byte)'\r' or (byte)'\n')
        {
            if (data[pos] == '\r' && pos + 1 == end && !endOfStream)
            {
                start = pos;
                return Outcome.NeedMoreData;
            }

            if (data[pos] == '\n')
            {
                nextLine++;
            }

            pos++;
        }

        start = pos;
        if (pos == end)
        {
            return endOfStream ? Outcome.EndOfData : Outcome.NeedMoreData;
        }

        var outcome = ParseRecord(data, pos, out var recordEnd);
        if (outcome == Outcome.NeedMoreData)
        {
            if (end - start >= MaxRecordBytes)
            {
                return Fatal(CsvProblem.RecordTooLong);
            }

            return endOfStream ? Fatal(CsvProblem.UnterminatedQuote) : Outcome.NeedMoreData;
        }

        if (recordEnd - start > MaxRecordBytes)
        {
            return Fatal(CsvProblem.RecordTooLong);
        }

        RecordNumber++;
        LineNumber = nextLine;
        nextLine += data[start..recordEnd].Count((byte)'\n');
        Decode(data);
        recordStart = start;
        recordLength = recordEnd - start;
        start = recordEnd;
        if (HeaderFieldCount is null)
        {
            HeaderFieldCount = FieldCount;
        }
        else if (FieldCount != HeaderFieldCount && Problem == CsvProblem.None)
        {
            SetProblem(CsvProblem.FieldCountMismatch, Math.Min(FieldCount, HeaderFieldCount.Value));
        }

        return Outcome.Record;
    }

    private Outcome Fatal(CsvProblem problem)
    {
        RecordNumber++;
        LineNumber = nextLine;
        FieldCount = 0;
        recordLength = 0;
        Problem = problem;
        ProblemField = -1;
        finished = true;
        return Outcome.Record;
    }

    private void SetProblem(CsvProblem problem, int field)
    {
        if (Problem == CsvProblem.None)
        {
            Problem = problem;
            ProblemField = field;
        }
    }

    private Outcome ParseRecord(ReadOnlySpan<byte> data, int pos, out int recordEnd)
    {
        recordEnd = pos;
        FieldCount = 0;
        Problem = CsvProblem.None;
        ProblemField = -1;
        while (true)
        {
            if (pos < end && data[pos] == '"')
            {
                var contentStart = pos + 1;
                var scan = contentStart;
                var escapes = false;
                while (true)
                {
                    var q = data[scan..].IndexOf((byte)'"');
                    if (q < 0 || (scan + q + 1 == end && !endOfStream))
                    {
                        return Outcome.NeedMoreData;
                    }

                    q += scan;
                    if (q + 1 < end && data[q + 1] == '"')
                    {
                        escapes = true;
                        scan = q + 2;
                        continue;
                    }

                    AddRawField(contentStart, q - contentStart, quoted: true, escapes);
                    pos = q + 1;
                    break;
                }

                if (pos < end && data[pos] is not ((byte)',' or (byte)'\r' or (byte)'\n'))
                {
                    SetProblem(CsvProblem.TextAfterClosingQuote, FieldCount - 1);
                    var stop = data[pos..].IndexOfAny(FieldEnds);
                    if (stop < 0 && !endOfStream)
                    {
                        return Outcome.NeedMoreData;
                    }

                    pos = stop < 0 ? end : pos + stop;
                }
            }
            else
            {
                var fieldStart = pos;
                var stop = data[pos..].IndexOfAny(UnquotedStops);
                while (stop >= 0 && data[pos + stop] == '"')
                {
                    SetProblem(CsvProblem.QuoteInUnquotedField, FieldCount);
                    pos += stop + 1;
                    stop = data[pos..].IndexOfAny(UnquotedStops);
                }

                if (stop < 0 && !endOfStream)
                {
                    return Outcome.NeedMoreData;
                }

                pos = stop < 0 ? end : pos + stop;
                AddRawField(fieldStart, pos - fieldStart, quoted: false, escapes: false);
            }

            if (pos == end)
            {
                recordEnd = pos;
                return Outcome.Record;
            }

            switch (data[pos])
            {
                case (byte)',':
                    pos++;
                    if (pos == end && !endOfStream)
                    {
                        return Outcome.NeedMoreData;
                    }

                    continue;
                case (byte)'\n':
                    recordEnd = pos + 1;
                    return Outcome.Record;
                default:
                    if (pos + 1 == end && !endOfStream)
                    {
                        return Outcome.NeedMoreData;
                    }

                    recordEnd = pos + 1 < end && data[pos + 1] == '\n' ? pos + 2 : pos + 1;
                    return Outcome.Record;
            }
        }
    }

    private void AddRawField(int fieldStart, int length, bool quoted, bool escapes)
    {
        if (FieldCount == rawStart.Length)
        {
            var size = rawStart.Length * 2;
            Array.Resize(ref rawStart, size);
            Array.Resize(ref rawLength, size);
            Array.Resize(ref rawFlags, size);
            Array.Resize(ref charStart, size);
            Array.Resize(ref charLength, size);
        }

        rawStart[FieldCount] = fieldStart;
        rawLength[FieldCount] = length;
        rawFlags[FieldCount] = (byte)((quoted ? 1 : 0) | (escapes ? 2 : 0));
        FieldCount++;
    }

    private void Decode(ReadOnlySpan<byte> data)
    {
        if (!TryDecodeAsciiRecord(data))
        {
            DecodeFieldByField(data);
        }
    }

    /// <summary>
    /// The common case in one call: a record of ASCII text without doubled quotes is widened whole (separators
    /// included), so each field's characters sit at its byte offsets. False, with nothing decided, for anything else.
    /// </summary>
    private bool TryDecodeAsciiRecord(ReadOnlySpan<byte> data)
    {
        if (FieldCount == 0)
        {
            return false;
        }

        var first = rawStart[0];
        var last = FieldCount - 1;
        var length = rawStart[last] + rawLength[last] - first;
        for (var i = 0; i < FieldCount; i++)
        {
            if ((rawFlags[i] & 2) != 0)
            {
                return false;
            }
        }

        if (chars.Length < length)
        {
            chars = new char[Math.Max(length, chars.Length * 2)];
        }

        if (Ascii.ToUtf16(data.Slice(first, length), chars, out _) != OperationStatus.Done)
        {
            return false;
        }

        for (var i = 0; i < FieldCount; i++)
        {
            charStart[i] = rawStart[i] - first;
            charLength[i] = rawLength[i];
        }

        return true;
    }

    private void DecodeFieldByField(ReadOnlySpan<byte> data)
    {
        var total = 0;
        for (var i = 0; i < FieldCount; i++)
        {
            total += rawLength[i];
        }

        if (chars.Length < total)
        {
            chars = new char[Math.Max(total, chars.Length * 2)];
        }

        var at = 0;
        for (var i = 0; i < FieldCount; i++)
        {
            var source = data.Slice(rawStart[i], rawLength[i]);
            if ((rawFlags[i] & 2) != 0)
            {
                source = Unescape(source);
            }

            var status = Utf8.ToUtf16(source, chars.AsSpan(at), out _, out var written, replaceInvalidSequences: false);
            if (status == OperationStatus.InvalidData)
            {
                SetProblem(CsvProblem.InvalidUtf8, i);
                Utf8.ToUtf16(source, chars.AsSpan(at), out _, out written, replaceInvalidSequences: true);
            }

            charStart[i] = at;
            charLength[i] = written;
            at += written;
        }
    }

    private ReadOnlySpan<byte> Unescape(ReadOnlySpan<byte> source)
    {
        if (unescaped.Length < source.Length)
        {
            unescaped = new byte[Math.Max(source.Length, unescaped.Length * 2)];
        }

        var written = 0;
        for (var i = 0; i < source.Length; i++)
        {
            unescaped[written++] = source[i];
            if (source[i] == '"')
            {
                i++;
            }
        }

        return unescaped.AsSpan(0, written);
    }
}

/// <summary>Writes RFC 4180 fields: quoted only when needed (or when asked, to tell an empty text from a blank).</summary>
public static class CsvText
{
    private static readonly SearchValues<char> NeedsQuotes = SearchValues.Create(",\"\r\n");

    public static bool NeedsQuoting(ReadOnlySpan<char> value) => value.ContainsAny(NeedsQuotes);

    public static void WriteField(TextWriter writer, ReadOnlySpan<char> value, bool quoteWhenEmpty = false)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (!NeedsQuoting(value) && !(quoteWhenEmpty && value.IsEmpty))
        {
            writer.Write(value);
            return;
        }

        writer.Write('"');
        while (true)
        {
            var quote = value.IndexOf('"');
            if (quote < 0)
            {
                writer.Write(value);
                break;
            }

            writer.Write(value[..(quote + 1)]);
            writer.Write('"');
            value = value[(quote + 1)..];
        }

        writer.Write('"');
    }

    /// <summary>One record as a CSV line (no line end).</summary>
    public static string FormatRecord(IEnumerable<string> fields)
    {
        using var writer = new StringWriter();
        var first = true;
        foreach (var field in fields)
        {
            if (!first)
            {
                writer.Write(',');
            }

            WriteField(writer, field);
            first = false;
        }

        return writer.ToString();
    }

    public static readonly Encoding Utf8NoBom = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
}
