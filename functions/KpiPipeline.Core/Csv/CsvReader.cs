using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text;
using nietras.SeparatedValues;

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
/// Reads RFC 4180 records from UTF-8 bytes through Sep (optional BOM; CRLF, LF or lone CR line ends; quoted fields
/// with <c>""</c> escapes and embedded line breaks). Completely empty lines are skipped. Memory is bounded by the
/// longest record (<see cref="MaxRecordBytes"/>), never by the file. Problems are reported per record rather than
/// thrown, so a caller can list every bad row; fatal problems end the reading.
/// </summary>
/// <remarks>
/// Sep splits records and fields; this reader adds what Sep leaves to its caller. Sep treats every quote as opening
/// or closing a quoted stretch, wherever it stands, so a stray quote would make it run on past the line end. Any
/// record of Sep's with a quote that is not a well-formed quoted field is therefore read again here by the strict
/// rules (a quote opens a quoted field only at the start of a field; the problem is noted and the record ends at
/// its line end), and a new Sep reader starts right after it. Well-formed records, the rest, are Sep's as they are.
/// </remarks>
public sealed class CsvReader : IDisposable
{
    public const int DefaultMaxRecordBytes = 1 << 20;

    private const int StrictRecordsAfterAStrayQuote = 32;
    private const byte QuotedFlag = 1;
    private const byte EscapesFlag = 2;
    private static readonly SepReaderOptions SepOptions = Sep.New(',').Reader(o => o with { HasHeader = false, DisableColCountCheck = true });
    private static readonly SearchValues<char> UnquotedStops = SearchValues.Create(",\r\n\"");
    private static readonly SearchValues<char> FieldEnds = SearchValues.Create(",\r\n");

    private readonly Stream stream;
    private readonly bool leaveOpen;
    private readonly DecodedText text;
    private SepReader? sep;
    private bool readingStrictly;
    private int strictRecordsToGo;
    private bool finished;

    // Where the next record (or blank line) starts in the text, and on which line; right after a CR, a LF may still follow.
    private long recordStart;
    private bool afterCarriageReturn;
    private long nextLine = 1;
    private int sepLinesBefore = 1;

    private char[] raw = new char[1024];
    private int rawLength;
    private FieldSlot[] fields = new FieldSlot[32];
    private bool anyEscapes;
    private char[] unescaped = new char[256];

    public CsvReader(Stream stream, bool leaveOpen = false, int maxRecordBytes = DefaultMaxRecordBytes)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRecordBytes, 16);
        this.stream = stream;
        this.leaveOpen = leaveOpen;
        MaxRecordBytes = maxRecordBytes;
        text = new DecodedText(stream, maxRecordBytes);
    }

    public int MaxRecordBytes { get; }

    /// <summary>Number of fields of the current record (0 for a fatal problem).</summary>
    public int FieldCount { get; private set; }

    /// <summary>Number of fields of the first record (the header), once read.</summary>
    public int? HeaderFieldCount { get; private set; }

    /// <summary>1 for the first record read (the header), 2 for the next, and so on. Blank lines are not records.</summary>
    public long RecordNumber { get; private set; }

    /// <summary>The physical line (1-based; CRLF, LF and a lone CR each end a line) on which the current record starts.</summary>
    public long LineNumber { get; private set; }

    public CsvProblem Problem { get; private set; }

    /// <summary>The current record's text as it is in the file, line end excluded; valid until the next read.</summary>
    public ReadOnlySpan<char> RawRecord => raw.AsSpan(0, rawLength);

    /// <summary>Index of the field where <see cref="Problem"/> was found, or -1.</summary>
    public int ProblemField { get; private set; } = -1;

    public bool ProblemIsFatal => Problem is CsvProblem.UnterminatedQuote or CsvProblem.RecordTooLong;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ReadOnlySpan<char> GetField(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)FieldCount, nameof(index));
        ref readonly var field = ref fields[index];
        return (field.Flags & EscapesFlag) != 0
            ? unescaped.AsSpan(field.ValueStart, field.Length)
            : raw.AsSpan(field.Start, field.Length);
    }

    public string GetString(int index) => new(GetField(index));

    /// <summary>Whether the field was written in quotes (which tells <c>""</c>, an empty text, from a blank field).</summary>
    public bool IsQuoted(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)FieldCount, nameof(index));
        return (fields[index].Flags & QuotedFlag) != 0;
    }

    /// <summary>Reads the next record; false at the end of the data or after a fatal problem.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool Read()
    {
        while (!finished)
        {
            if (readingStrictly)
            {
                if (TryReadStrictly())
                {
                    return true;
                }

                text.Fill();
                continue;
            }

            bool moved;
            try
            {
                // Sep reads its first row as it starts: a limit reached there is handled like one reached later.
                sep ??= SepOptions.From(text, leaveOpen: true);
                moved = sep.MoveNext();
            }
            catch (RecordTooLongException)
            {
                ReadStrictlyFromHere();
                continue;
            }

            if (TakeSepRow(moved))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Reads the next record; false at the end of the data or after a fatal problem.</summary>
    public async ValueTask<bool> ReadAsync(CancellationToken cancellationToken = default)
    {
        while (!finished)
        {
            if (readingStrictly)
            {
                if (TryReadStrictly())
                {
                    return true;
                }

                await text.FillAsync(cancellationToken).ConfigureAwait(false);
                continue;
            }

            bool moved;
            try
            {
                sep ??= await SepOptions.FromAsync(text, leaveOpen: true, cancellationToken).ConfigureAwait(false);
                moved = await sep.MoveNextAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (RecordTooLongException)
            {
                ReadStrictlyFromHere();
                continue;
            }

            if (TakeSepRow(moved))
            {
                return true;
            }
        }

        return false;
    }

    public void Dispose()
    {
        finished = true;
        sep?.Dispose();
        sep = null;
        text.Release();
        if (!leaveOpen)
        {
            stream.Dispose();
        }
    }

    /// <summary>Takes the row Sep just read; false when it gave no record (a blank line, or one to read strictly).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool TakeSepRow(bool moved)
    {
        if (!moved)
        {
            finished = true;
            return false;
        }

        var row = sep!.Current;
        SkipLineFeedAfterCarriageReturn();
        var lines = row.LineNumberToExcl - sepLinesBefore;
        sepLinesBefore = row.LineNumberToExcl;
        var span = row.Span;
        if (span.IsEmpty)
        {
            nextLine += lines;
            MovePastLineEnd(recordStart);
            return false;
        }

        var hasQuotes = span.Contains('"');
        if (hasQuotes && !AllFieldsWellFormed(row))
        {
            ReadStrictlyFromHere();
            return false;
        }

        var textEnd = recordStart + span.Length;
        var lineEndLength = text.CharAt(textEnd) switch
        {
            '\n' => 1,
            '\r' => text.CharAt(textEnd + 1) == '\n' ? 2 : 1,
            _ => 0,
        };
        if (LongerThanLimit(span, lineEndLength))
        {
            return Fatal(CsvProblem.RecordTooLong);
        }

        BeginRecord(span);
        if (hasQuotes)
        {
            AddSepFields(row);
        }
        else
        {
            // Without a quote, Sep's fields are exactly the text between commas: one vectorised search per field
            // instead of Sep's column lookup (the reader's per-field work was a sixth of validation's CPU).
            AddUnquotedFields(raw.AsSpan(0, rawLength));
        }

        LineNumber = nextLine;
        nextLine += lines;
        MovePastLineEnd(textEnd);
        EndRecord();
        return true;
    }

    /// <summary>Notes the fields of a record with quotes as Sep split it (quoted fields well formed).</summary>
    private void AddSepFields(SepReader.Row row)
    {
        var at = 0;
        for (var i = 0; i < row.ColCount; i++)
        {
            var field = row[i].Span;
            var quoted = !field.IsEmpty && field[0] == '"';
            if (quoted)
            {
                AddField(at + 1, field.Length - 2, quoted: true, escapes: field[1..^1].Contains('"'));
            }
            else
            {
                AddField(at, field.Length, quoted: false, escapes: false);
            }

            at += field.Length + 1;
        }
    }

    /// <summary>Notes the fields of a record without quotes: the text before, between and after its commas.</summary>
    /// <remarks>
    /// One pass over the record, 16 characters at a time where the processor allows: the commas of a block as a bit mask,
    /// taken lowest first. A search per field (the fields are short) cost a twentieth of validation's CPU in its set-up.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void AddUnquotedFields(ReadOnlySpan<char> record)
    {
        var start = 0;
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref var first = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(record));
            var commas = Vector256.Create((ushort)',');
            for (; i <= record.Length - Vector256<ushort>.Count; i += Vector256<ushort>.Count)
            {
                var mask = Vector256.Equals(Vector256.LoadUnsafe(ref first, (nuint)i), commas).ExtractMostSignificantBits();
                if (mask == 0)
                {
                    continue;
                }

                // Room for every comma of the block at once; the slots are then written without a check each.
                EnsureFieldSlots(FieldCount + Vector256<ushort>.Count);
                ref var slots = ref MemoryMarshal.GetArrayDataReference(fields);
                var count = FieldCount;
                do
                {
                    var comma = i + BitOperations.TrailingZeroCount(mask);
                    Unsafe.Add(ref slots, count++) = new FieldSlot(start, comma - start, 0);
                    start = comma + 1;
                    mask &= mask - 1;
                }
                while (mask != 0);
                FieldCount = count;
            }
        }

        for (; i < record.Length; i++)
        {
            if (record[i] == ',')
            {
                AddField(start, i - start, quoted: false, escapes: false);
                start = i + 1;
            }
        }

        AddField(start, record.Length - start, quoted: false, escapes: false);
    }

    /// <summary>The row Sep read from <see cref="recordStart"/> is to be read strictly; its Sep reader is done.</summary>
    private void ReadStrictlyFromHere()
    {
        sep?.Dispose();
        sep = null;
        sepLinesBefore = 1;
        readingStrictly = true;
    }

    /// <summary>Reads one record from <see cref="recordStart"/> by the strict rules; false when more text is needed first.</summary>
    private bool TryReadStrictly()
    {
        if (afterCarriageReturn && text.CharAt(recordStart) < 0 && !text.Ended)
        {
            return false;
        }

        SkipLineFeedAfterCarriageReturn();
        var ended = text.Ended;
        if (!SkipBlankLines(ended))
        {
            return false;
        }

        var data = text.From(recordStart);
        if (data.IsEmpty)
        {
            finished = true;
            return false;
        }

        BeginRecord([]);
        if (!TryScanStrictly(data, ended, out var textEnd, out var recordEnd))
        {
            // Not ended within the text at hand: longer than the limit once the text at hand is.
            if (AtLeastBytes(data, MaxRecordBytes + 1L))
            {
                return Fatal(CsvProblem.RecordTooLong);
            }

            return ended && Fatal(CsvProblem.UnterminatedQuote);
        }

        if (AtLeastBytes(data[..recordEnd], MaxRecordBytes + 1L))
        {
            return Fatal(CsvProblem.RecordTooLong);
        }

        KeepText(data[..textEnd]);
        LineNumber = nextLine;
        nextLine += LineEnds(data[..recordEnd]);
        recordStart += recordEnd;
        text.Rewind(recordStart);
        if (Problem is CsvProblem.QuoteInUnquotedField or CsvProblem.TextAfterClosingQuote)
        {
            // Rows with stray quotes tend to come together: read on strictly rather than start Sep for every one.
            strictRecordsToGo = StrictRecordsAfterAStrayQuote;
        }

        readingStrictly = --strictRecordsToGo > 0;
        EndRecord();
        return true;
    }

    /// <summary>Moves past completely empty lines at <see cref="recordStart"/>; false when more text is needed first.</summary>
    private bool SkipBlankLines(bool ended)
    {
        var data = text.From(recordStart);
        var pos = 0;
        while (pos < data.Length && data[pos] is '\r' or '\n')
        {
            if (data[pos] == '\r')
            {
                if (pos + 1 == data.Length && !ended)
                {
                    break;
                }

                if (pos + 1 < data.Length && data[pos + 1] == '\n')
                {
                    pos++;
                }
            }

            pos++;
            nextLine++;
        }

        recordStart += pos;
        text.Rewind(recordStart);
        return pos < data.Length || ended;
    }

    /// <summary>
    /// One record by RFC 4180 read strictly: a quote opens a quoted field only at the start of a field; any other quote,
    /// or text after a closing quote, is a problem of the record that does not change where it ends. False when the
    /// record does not end within <paramref name="data"/> and more may follow.
    /// </summary>
    private bool TryScanStrictly(ReadOnlySpan<char> data, bool ended, out int textEnd, out int recordEnd)
    {
        textEnd = recordEnd = 0;
        var end = data.Length;
        var pos = 0;
        while (true)
        {
            if (pos < end && data[pos] == '"')
            {
                var contentStart = pos + 1;
                var scan = contentStart;
                var escapes = false;
                while (true)
                {
                    var quote = data[scan..].IndexOf('"');
                    if (quote < 0 || (scan + quote + 1 == end && !ended))
                    {
                        return false;
                    }

                    quote += scan;
                    if (quote + 1 < end && data[quote + 1] == '"')
                    {
                        escapes = true;
                        scan = quote + 2;
                        continue;
                    }

                    AddField(contentStart, quote - contentStart, quoted: true, escapes);
                    pos = quote + 1;
                    break;
                }

                if (pos < end && data[pos] is not (',' or '\r' or '\n'))
                {
                    SetProblem(CsvProblem.TextAfterClosingQuote, FieldCount - 1);
                    var stop = data[pos..].IndexOfAny(FieldEnds);
                    if (stop < 0 && !ended)
                    {
                        return false;
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

                if (stop < 0 && !ended)
                {
                    return false;
                }

                pos = stop < 0 ? end : pos + stop;
                AddField(fieldStart, pos - fieldStart, quoted: false, escapes: false);
            }

            if (pos == end)
            {
                textEnd = recordEnd = pos;
                return true;
            }

            switch (data[pos])
            {
                case ',':
                    pos++;
                    if (pos == end && !ended)
                    {
                        return false;
                    }

                    continue;
                case '\n':
                    textEnd = pos;
                    recordEnd = pos + 1;
                    return true;
                default:
                    if (pos + 1 == end && !ended)
                    {
                        return false;
                    }

                    textEnd = pos;
                    recordEnd = pos + 1 < end && data[pos + 1] == '\n' ? pos + 2 : pos + 1;
                    return true;
            }
        }
    }

    /// <summary>Whether every field of Sep's row is unquoted without a quote, or quoted with its inner quotes doubled.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool AllFieldsWellFormed(SepReader.Row row)
    {
        for (var i = 0; i < row.ColCount; i++)
        {
            var field = row[i].Span;
            if (field.IsEmpty || field[0] != '"')
            {
                if (field.Contains('"'))
                {
                    return false;
                }

                continue;
            }

            var inner = field[1..];
            while (true)
            {
                var quote = inner.IndexOf('"');
                if (quote < 0)
                {
                    return false;
                }

                if (quote == inner.Length - 1)
                {
                    break;
                }

                if (inner[quote + 1] != '"')
                {
                    return false;
                }

                inner = inner[(quote + 2)..];
            }
        }

        return true;
    }

    private bool LongerThanLimit(ReadOnlySpan<char> recordText, int lineEndLength) =>
        recordText.Length * 3L + lineEndLength > MaxRecordBytes && DecodedText.Utf8Length(recordText) + lineEndLength > MaxRecordBytes;

    /// <summary>Whether the text took at least <paramref name="bytes"/> bytes in the stream.</summary>
    private static bool AtLeastBytes(ReadOnlySpan<char> data, long bytes) =>
        data.Length >= bytes || (data.Length * 3L >= bytes && DecodedText.Utf8Length(data) >= bytes);

    /// <summary>Line ends in the text: CRLF, LF and a lone CR count one each.</summary>
    private static int LineEnds(ReadOnlySpan<char> data)
    {
        var count = data.Count('\n');
        for (var cr = data.IndexOf('\r'); cr >= 0; cr = data.IndexOf('\r'))
        {
            if (cr + 1 == data.Length || data[cr + 1] != '\n')
            {
                count++;
            }

            data = data[(cr + 1)..];
        }

        return count;
    }

    private void SkipLineFeedAfterCarriageReturn()
    {
        if (afterCarriageReturn)
        {
            afterCarriageReturn = false;
            if (text.CharAt(recordStart) == '\n')
            {
                recordStart++;
            }
        }
    }

    /// <summary>The next record starts after the line end (if any) at <paramref name="offset"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void MovePastLineEnd(long offset)
    {
        recordStart = offset;
        switch (text.CharAt(offset))
        {
            case '\n':
                recordStart++;
                break;
            case '\r':
                recordStart++;
                afterCarriageReturn = true;
                SkipLineFeedIfKnown();
                break;
        }

        text.KeepFrom(recordStart);
    }

    private void SkipLineFeedIfKnown()
    {
        var next = text.CharAt(recordStart);
        if (next >= 0 || text.Ended)
        {
            afterCarriageReturn = false;
            if (next == '\n')
            {
                recordStart++;
            }
        }
    }

    private void BeginRecord(ReadOnlySpan<char> recordText)
    {
        FieldCount = 0;
        anyEscapes = false;
        Problem = CsvProblem.None;
        ProblemField = -1;
        KeepText(recordText);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void KeepText(ReadOnlySpan<char> recordText)
    {
        if (raw.Length < recordText.Length)
        {
            raw = new char[Math.Max(recordText.Length, raw.Length * 2)];
        }

        recordText.CopyTo(raw);
        rawLength = recordText.Length;
    }

    /// <summary>Marks invalid UTF-8, unescapes quoted fields and compares the field count with the header's.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void EndRecord()
    {
        RecordNumber++;
        var record = raw.AsSpan(0, rawLength);
        for (var at = record.IndexOfAnyInRange(DecodedText.InvalidByteMark, DecodedText.LastInvalidByteMark); at >= 0;)
        {
            if (DecodedText.IsInvalidByteMark(record, at))
            {
                SetProblem(CsvProblem.InvalidUtf8, FieldAt(at));
                record[at] = '\uFFFD';
            }

            var next = record[(at + 1)..].IndexOfAnyInRange(DecodedText.InvalidByteMark, DecodedText.LastInvalidByteMark);
            at = next < 0 ? -1 : at + 1 + next;
        }

        var unescapedLength = 0;
        for (var i = 0; anyEscapes && i < FieldCount; i++)
        {
            ref var field = ref fields[i];
            if ((field.Flags & EscapesFlag) != 0)
            {
                var source = raw.AsSpan(field.Start, field.Length);
                if (unescaped.Length < unescapedLength + source.Length)
                {
                    Array.Resize(ref unescaped, Math.Max(unescapedLength + source.Length, unescaped.Length * 2));
                }

                field.ValueStart = unescapedLength;
                var written = 0;
                for (var c = 0; c < source.Length; c++)
                {
                    unescaped[unescapedLength + written++] = source[c];
                    if (source[c] == '"')
                    {
                        c++;
                    }
                }

                field.Length = written;
                unescapedLength += written;
            }
        }

        if (HeaderFieldCount is null)
        {
            HeaderFieldCount = FieldCount;
        }
        else if (FieldCount != HeaderFieldCount && Problem == CsvProblem.None)
        {
            SetProblem(CsvProblem.FieldCountMismatch, Math.Min(FieldCount, HeaderFieldCount.Value));
        }
    }

    /// <summary>The field whose raw text holds position <paramref name="at"/> of the record.</summary>
    private int FieldAt(int at)
    {
        var field = 0;
        while (field + 1 < FieldCount && fields[field + 1].Start - ((fields[field + 1].Flags & QuotedFlag) != 0 ? 1 : 0) <= at)
        {
            field++;
        }

        return field;
    }

    private bool Fatal(CsvProblem problem)
    {
        RecordNumber++;
        LineNumber = nextLine;
        FieldCount = 0;
        rawLength = 0;
        Problem = problem;
        ProblemField = -1;
        finished = true;
        return true;
    }

    private void SetProblem(CsvProblem problem, int field)
    {
        if (Problem == CsvProblem.None)
        {
            Problem = problem;
            ProblemField = field;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void AddField(int start, int length, bool quoted, bool escapes)
    {
        EnsureFieldSlots(FieldCount + 1);
        fields[FieldCount++] = new FieldSlot(start, length, (byte)((quoted ? QuotedFlag : 0) | (escapes ? EscapesFlag : 0)));
        anyEscapes |= escapes;
    }

    private void EnsureFieldSlots(int count)
    {
        if (count > fields.Length)
        {
            Array.Resize(ref fields, Math.Max(count, fields.Length * 2));
        }
    }

    /// <summary>
    /// Where one field of the current record is: its raw text in the record (quotes excluded), and for a field with
    /// <c>""</c> escapes, where its unescaped text starts (its length then that of the unescaped text).
    /// </summary>
    private struct FieldSlot(int start, int length, byte flags)
    {
        public int Start = start;
        public int Length = length;
        public int ValueStart;
        public byte Flags = flags;
    }
}
