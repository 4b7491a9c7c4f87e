using System.Text;
using System.Text.Unicode;
using FsCheck;
using FsCheck.Fluent;
using KpiPipeline.Core.Csv;

namespace KpiPipeline.Core.Tests;

/// <summary>
/// The CSV reader (docs/validation.md, CSV reading): records, quotes, line ends, BOMs, invalid bytes, limits and memory, and
/// a seeded property comparing it with a plain transcription of the strict rules over random files read in random piece sizes.
/// </summary>
public class CsvReaderTests
{
    private static readonly string[] Pieces = ["a", "Z", "0", " ", ",", "\"", "\r\n", "\n", "\r", "é", "€", "😀", "=", "''", "\t"];

    [Fact]
    public void Reads_quoted_fields_with_escaped_quotes_and_embedded_line_breaks()
    {
        var records = ReadAll("a,b,c\n\"x, y\",\"say \"\"hi\"\"\",\"line1\r\nline2\"\nplain,,\"\"\n");

        Assert.Equal(["x, y", "say \"hi\"", "line1\r\nline2"], records[1].Fields);
        Assert.Equal(["plain", "", ""], records[2].Fields);
        Assert.All(records, r => Assert.Equal(CsvProblem.None, r.Problem));
        Assert.Equal(4, records[2].Line);
    }

    [Fact]
    public void Skips_bom_and_blank_lines_and_accepts_crlf_lf_and_no_final_line_end()
    {
        var records = ReadAll("\uFEFFh1,h2\r\n\r\n1,2\n\n\r\n3,4");

        Assert.Equal(3, records.Count);
        Assert.Equal(["h1", "h2"], records[0].Fields);
        Assert.Equal(["3", "4"], records[2].Fields);
        Assert.Equal(6, records[2].Line);
    }

    [Fact]
    public void Reports_unterminated_quote_as_fatal()
    {
        var records = ReadAll("a,b\n1,\"open\n2,3\n");

        Assert.Equal(CsvProblem.UnterminatedQuote, records[^1].Problem);
        Assert.Equal(2, records.Count);
        Assert.Equal(2, records[^1].Line);
    }

    [Fact]
    public void Reports_quote_in_the_middle_of_an_unquoted_field()
    {
        var records = ReadAll("a,b\n1,ab\"c\n2,3\n");

        Assert.Equal(CsvProblem.QuoteInUnquotedField, records[1].Problem);
        Assert.Equal(1, records[1].ProblemField);
        Assert.Equal(CsvProblem.None, records[2].Problem);
    }

    [Fact]
    public void Reports_text_after_a_closing_quote()
    {
        var records = ReadAll("a,b\n\"1\"x,2\n");

        Assert.Equal(CsvProblem.TextAfterClosingQuote, records[1].Problem);
    }

    [Fact]
    public void Reports_invalid_utf8_on_its_record_and_reads_on()
    {
        var bytes = Encoding.UTF8.GetBytes("a,b\n1,2\n").Concat(new byte[] { 0x33, 0x2C, 0xC3, 0x28, 0x0A }).Concat(Encoding.UTF8.GetBytes("5,é\n")).ToArray();
        var records = ReadAll(bytes);

        Assert.Equal(CsvProblem.InvalidUtf8, records[2].Problem);
        Assert.Equal(1, records[2].ProblemField);
        Assert.Equal(CsvProblem.None, records[3].Problem);
        Assert.Equal("é", records[3].Fields[1]);
    }

    [Fact]
    public void Reports_a_field_count_different_from_the_header()
    {
        var records = ReadAll("a,b,c\n1,2\n1,2,3,4\n1,2,3\n");

        Assert.Equal([CsvProblem.None, CsvProblem.FieldCountMismatch, CsvProblem.FieldCountMismatch, CsvProblem.None], records.Select(r => r.Problem));
    }

    [Fact]
    public void Stops_at_a_record_longer_than_the_limit()
    {
        using var reader = new CsvReader(new MemoryStream(Encoding.UTF8.GetBytes("a\n" + new string('x', 5000) + "\nb\n")), maxRecordBytes: 1024);
        Assert.True(reader.Read());
        Assert.True(reader.Read());
        Assert.Equal(CsvProblem.RecordTooLong, reader.Problem);
        Assert.False(reader.Read());
    }

    [Fact]
    public void Any_fields_round_trip_through_csv_quoting_even_one_byte_at_a_time()
    {
        var field = Gen.Elements('a', 'Z', ',', '"', '\r', '\n', ' ', 'é', '€', '=', '\t').ArrayOf().Select(c => new string(c));
        // A table of 1-4 columns; a one-column row with an empty field would be a blank line, which CSV cannot tell apart.
        var tables = Gen.Choose(1, 4).SelectMany(width => field.ArrayOf(width).Where(r => width > 1 || r[0].Length > 0).NonEmptyListOf());

        Fixture.CheckProperty(tables, rows =>
        {
            var table = rows.ToArray();
            var text = string.Join("\r\n", table.Select(r => CsvText.FormatRecord(r))) + "\n";
            var read = ReadAll(new OneByteStream(Encoding.UTF8.GetBytes(text)));
            return read.Count == table.Length
                && read.Zip(table).All(p => p.First.Problem == CsvProblem.None && p.First.Fields.SequenceEqual(p.Second));
        });
    }

    [Fact]
    public void Reading_a_100_MB_file_allocates_little_and_keeps_memory_bounded()
    {
        var line = Encoding.UTF8.GetBytes("PROV1,EP123456,J,S,1980-05-17,M,2024-01-10,GP,\"HEROIN, \"\"x\"\"\",2024-01-20,SPECIALIST\r\n");
        using var stream = new RepeatingStream(Encoding.UTF8.GetBytes("a,b,c,d,e,f,g,h,i,j,k\r\n"), line, 100L * 1024 * 1024);
        using var reader = new CsvReader(stream, leaveOpen: true);
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        long records = 0;
        long chars = 0;
        while (reader.Read())
        {
            if (reader.Problem != CsvProblem.None)
            {
                Assert.Fail($"record {reader.RecordNumber}: {reader.Problem}");
            }

            chars += reader.GetField(8).Length;
            records++;
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        Assert.True(records > 1_000_000);
        Assert.Equal((records - 1) * "HEROIN, \"x\"".Length + 1, chars);
        Assert.True(allocated < 1024 * 1024, $"allocated {allocated} bytes");
    }

    [Fact]
    public void Reads_ascii_records_and_records_with_other_text_alike()
    {
        var records = ReadAll("name,place,note\nJo,Zürich,\"a \"\"b\"\"\"\nAl,Leeds,plain\nÉva,,\"x,y\"\n");

        Assert.Equal(["Jo", "Zürich", "a \"b\""], records[1].Fields);
        Assert.Equal(["Al", "Leeds", "plain"], records[2].Fields);
        Assert.Equal(["Éva", "", "x,y"], records[3].Fields);
        Assert.All(records, r => Assert.Equal(CsvProblem.None, r.Problem));
    }

    [Fact]
    public void Gives_each_record_as_its_text_line_end_excluded()
    {
        using var reader = new CsvReader(new MemoryStream(Encoding.UTF8.GetBytes("h1,h2\r\n\n\"a,b\",c\nx,\"l1\r\nl2\"\rlast,1")));
        var raw = new List<string>();
        while (reader.Read())
        {
            raw.Add(new string(reader.RawRecord));
        }

        Assert.Equal(["h1,h2", "\"a,b\",c", "x,\"l1\r\nl2\"", "last,1"], raw);
    }

    [Fact]
    public void Counts_a_lone_CR_as_a_line_end_in_line_numbers()
    {
        // Issue 14: in a file with CR-only line ends every row used to be on line 1.
        var records = ReadAll(new OneByteStream(Encoding.UTF8.GetBytes("h1,h2\r1,2\r\r3,\"x\ry\"\r4,5\r\n6,7\n8,\"a\"b\r9,9\r")));

        Assert.Equal([1L, 2, 4, 6, 7, 8, 9], records.Select(r => r.Line));
        Assert.Equal(["3", "x\ry"], records[2].Fields);
        Assert.Equal(CsvProblem.TextAfterClosingQuote, records[5].Problem);
        Assert.Equal(["9", "9"], records[6].Fields);
    }

    [Fact]
    public void Reads_a_record_of_exactly_the_limit_and_stops_at_one_byte_more()
    {
        var exactly = "ab\n" + new string('x', 1023) + "\n" + "cd\n";
        using (var reader = new CsvReader(new MemoryStream(Encoding.UTF8.GetBytes(exactly)), maxRecordBytes: 1024))
        {
            Assert.True(reader.Read());
            Assert.True(reader.Read());
            Assert.Equal(CsvProblem.None, reader.Problem);
            Assert.True(reader.Read());
            Assert.Equal("cd", reader.GetString(0));
        }

        // Two-byte characters count as two: 512 of them and the line end are 1,025 bytes.
        using var longer = new CsvReader(new MemoryStream(Encoding.UTF8.GetBytes("ab\n" + new string('é', 512) + "\ncd\n")), maxRecordBytes: 1024);
        Assert.True(longer.Read());
        Assert.True(longer.Read());
        Assert.Equal(CsvProblem.RecordTooLong, longer.Problem);
        Assert.Equal(2, longer.LineNumber);
        Assert.False(longer.Read());
    }

    [Fact]
    public void An_unclosed_quote_in_a_large_file_stops_at_the_limit_without_reading_the_rest_into_memory()
    {
        var header = Encoding.UTF8.GetBytes("a,b\n1,\"open\n");
        using var stream = new RepeatingStream(header, Encoding.UTF8.GetBytes("2,3,4,5,6,7,8,9\n"), 64L * 1024 * 1024);
        using var reader = new CsvReader(stream, leaveOpen: true);

        Assert.True(reader.Read());
        Assert.True(reader.Read());
        Assert.Equal(CsvProblem.RecordTooLong, reader.Problem);
        Assert.Equal(2, reader.LineNumber);
        Assert.True(stream.Position < 4L * CsvReader.DefaultMaxRecordBytes, $"read {stream.Position} bytes");
    }

    [Fact]
    public async Task Stray_quotes_all_through_a_large_file_leave_every_other_row_as_it_is()
    {
        // Each stray quote makes Sep run on; the reader reads that row strictly and starts Sep again after it.
        var text = new StringBuilder("id,name,note\n");
        for (var i = 1; i <= 20_000; i++)
        {
            text.Append(i).Append(i % 97 == 0 ? ",na\"me,x\n" : i % 89 == 0 ? ",\"q\"x,y\n" : ",\"a, b\",plain\r\n");
        }

        using var reader = new CsvReader(new MemoryStream(Encoding.UTF8.GetBytes(text.ToString())));
        var rows = 0;
        while (await reader.ReadAsync())
        {
            var id = rows == 0 ? 0 : int.Parse(reader.GetField(0), System.Globalization.CultureInfo.InvariantCulture);
            var expected = rows == 0 ? CsvProblem.None : id % 97 == 0 ? CsvProblem.QuoteInUnquotedField : id % 89 == 0 ? CsvProblem.TextAfterClosingQuote : CsvProblem.None;
            Assert.Equal(expected, reader.Problem);
            Assert.Equal(rows + 1, reader.LineNumber);
            if (expected == CsvProblem.None && rows > 0)
            {
                Assert.Equal(["a, b", "plain"], new[] { reader.GetString(1), reader.GetString(2) });
            }

            rows++;
        }

        Assert.Equal(20_001, rows);
    }

    [Fact]
    public void Splits_unquoted_records_of_every_length_up_to_100_at_every_comma_wherever_it_falls_in_a_block_of_16()
    {
        // Seeded: per length, 20 records whose commas fall at random places, so commas sit at every offset within and
        // across the 16-character blocks the reader scans, and at the record's first and last character.
        var random = new Random(1604);
        for (var length = 1; length <= 100; length++)
        {
            for (var sample = 0; sample < 20; sample++)
            {
                var chars = Enumerable.Range(0, length).Select(_ => random.Next(4) == 0 ? ',' : (char)('a' + random.Next(26))).ToArray();
                var record = new string(chars);
                var expected = record.Split(',');
                var header = string.Join(",", expected.Select((_, i) => "h" + i));
                var read = ReadAll(header + "\n" + record + "\n");
                Assert.Equal(2, read.Count);
                Assert.Equal(expected, read[1].Fields);
                Assert.Equal(CsvProblem.None, read[1].Problem);
            }
        }
    }

    [Fact]
    public void Reads_back_every_RFC_4180_quoted_record_whatever_the_values_line_ends_and_read_sizes()
    {
        var field = Gen.ListOf(Gen.Elements(Pieces)).Select(parts => string.Concat(parts));
        var file =
            from fieldCount in Gen.Choose(1, 5)
            from rows in Gen.ListOf(Gen.ArrayOf(field, fieldCount))
            from crlf in Gen.Elements(true, false)
            from bom in Gen.Elements(true, false)
            from chunk in Gen.Choose(1, 7)
            select (Rows: rows.ToList(), Crlf: crlf, Bom: bom, Chunk: chunk);

        Check.One(
            Config.QuickThrowOnFailure.WithMaxTest(400).WithReplay(
                Microsoft.FSharp.Core.FSharpOption<Replay>.Some(new Replay(new Rnd(4180UL, 0x9E3779B97F4A7C15UL), Microsoft.FSharp.Core.FSharpOption<int>.None))),
            Prop.ForAll(Arb.From(file), f =>
            {
                var lineEnd = f.Crlf ? "\r\n" : "\n";
                var text = string.Concat(f.Rows.Select(r => string.Join(",", r.Select(Quote)) + lineEnd));
                var bytes = (f.Bom ? Encoding.UTF8.GetPreamble() : []).Concat(Encoding.UTF8.GetBytes(text)).ToArray();
                var read = ReadAll(new TrickleStream(bytes, f.Chunk));
                return read.Count == f.Rows.Count
                    && read.Zip(f.Rows).All(p => p.First.Problem == CsvProblem.None && p.First.Fields.SequenceEqual(p.Second));
            }));
    }

    [Fact]
    public void Skips_completely_empty_lines_of_every_line_end_style_even_across_reads()
    {
        var bytes = Encoding.UTF8.GetBytes("h1,h2\r\n\r\n\n\r1,2\r\r\n\n3,4\n\n");

        var records = ReadAll(new TrickleStream(bytes, 1));

        Assert.Equal([["h1", "h2"], ["1", "2"], ["3", "4"]], records.Select(r => r.Fields));
    }

    [Fact]
    public void Does_not_trim_values_or_drop_a_line_of_spaces()
    {
        var records = ReadAll(new MemoryStream(Encoding.UTF8.GetBytes("a,b\n x , y \n   \n")));

        Assert.Equal([" x ", " y "], records[1].Fields);
        Assert.Equal(["   "], records[2].Fields);
        Assert.Equal(CsvProblem.FieldCountMismatch, records[2].Problem);
    }

    [Fact]
    public void A_BOM_only_at_the_start_is_removed_and_a_second_one_is_kept_as_data()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("a\n\uFEFFb\n")).ToArray();

        var records = ReadAll(new TrickleStream(bytes, 1));

        Assert.Equal("a", records[0].Fields[0]);
        Assert.Equal("\uFEFFb", records[1].Fields[0]);
    }

    /// <summary>
    /// Any bytes at all — stray quotes, text after closing quotes, unclosed quotes, invalid UTF-8, a BOM, blank lines and
    /// CRLF, LF or lone CR line ends — give the records of <see cref="StrictRecords"/>, a direct transcription of the
    /// rules over the whole file at once: the same fields, quoting, problem (and its field), and starting line, whatever
    /// the read sizes, read at once or asynchronously.
    /// </summary>
    [Fact]
    public void Reads_any_bytes_as_the_strict_rules_say_whatever_the_read_sizes()
    {
        byte[][] pieces =
        [
            "a"u8.ToArray(), "Z"u8.ToArray(), " "u8.ToArray(), ","u8.ToArray(), ",,"u8.ToArray(), "\""u8.ToArray(), "\"\""u8.ToArray(),
            "\"q\""u8.ToArray(), "\r\n"u8.ToArray(), "\n"u8.ToArray(), "\r"u8.ToArray(), "é"u8.ToArray(), "😀"u8.ToArray(), "x,y"u8.ToArray(),
            [0xC3, 0x28], [0xFF], [0xE2, 0x82], [0xED, 0xA0, 0x80], [0xF0, 0x9F, 0x98], [0xEF, 0xBB, 0xBF],
        ];
        var file =
            from bom in Gen.Elements(true, false)
            from parts in Gen.ListOf(Gen.Elements(pieces))
            from chunk in Gen.Choose(1, 9)
            from readAsync in Gen.Elements(true, false)
            select (Bytes: (bom ? Encoding.UTF8.GetPreamble() : []).Concat(parts.SelectMany(p => p)).ToArray(), Chunk: chunk, Async: readAsync);

        Check.One(
            Config.QuickThrowOnFailure.WithMaxTest(3000).WithReplay(
                Microsoft.FSharp.Core.FSharpOption<Replay>.Some(new Replay(new Rnd(1414UL, 0x9E3779B97F4A7C15UL), Microsoft.FSharp.Core.FSharpOption<int>.None))),
            Prop.ForAll(Arb.From(file), f =>
            {
                var expected = StrictRecords(f.Bytes);
                var read = ReadRecords(new TrickleStream(f.Bytes, f.Chunk), f.Async);
                Assert.Equal(expected, read);
            }));
    }

    private sealed record Record(string[] Fields, CsvProblem Problem, int ProblemField, long Line);

    private static List<Record> ReadAll(string text) => ReadAll(Encoding.UTF8.GetBytes(text));

    private static List<Record> ReadAll(byte[] bytes) => ReadAll(new MemoryStream(bytes));

    private static List<Record> ReadAll(Stream stream)
    {
        using var reader = new CsvReader(stream);
        var records = new List<Record>();
        while (reader.Read())
        {
            records.Add(new Record(Enumerable.Range(0, reader.FieldCount).Select(reader.GetString).ToArray(), reader.Problem, reader.ProblemField, reader.LineNumber));
        }

        return records;
    }

    /// <summary>Hands out one byte per read, to exercise every buffer boundary.</summary>
    private sealed class OneByteStream(byte[] data) : MemoryStream(data)
    {
        public override int Read(Span<byte> buffer) => base.Read(buffer[..Math.Min(1, buffer.Length)]);

        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(1, count));
    }

    private sealed record StrictRecord(long Line, CsvProblem Problem, int ProblemField, string Fields);

    private static List<StrictRecord> ReadRecords(Stream stream, bool readAsync)
    {
        using var csv = new CsvReader(stream);
        var records = new List<StrictRecord>();
        while (readAsync ? csv.ReadAsync().AsTask().GetAwaiter().GetResult() : csv.Read())
        {
            var fields = string.Join("|", Enumerable.Range(0, csv.FieldCount).Select(i => (csv.IsQuoted(i) ? "Q:" : "") + csv.GetString(i)));
            records.Add(new StrictRecord(csv.LineNumber, csv.Problem, csv.ProblemField, fields));
        }

        return records;
    }

    /// <summary>The records of a whole file by the rules of dataset.md section 1 and docs/validation.md, one byte at a time.</summary>
    private static List<StrictRecord> StrictRecords(byte[] file)
    {
        var data = file.AsSpan().StartsWith(Encoding.UTF8.GetPreamble()) ? file[3..] : file;
        var records = new List<StrictRecord>();
        int? headerFields = null;
        long line = 1;
        var pos = 0;
        while (true)
        {
            while (pos < data.Length && data[pos] is (byte)'\r' or (byte)'\n')
            {
                pos += data[pos] == '\r' && pos + 1 < data.Length && data[pos + 1] == '\n' ? 2 : 1;
                line++;
            }

            if (pos == data.Length)
            {
                return records;
            }

            var start = pos;
            var fields = new List<(byte[] Bytes, bool Quoted)>();
            var problem = CsvProblem.None;
            var problemField = -1;
            void Note(CsvProblem found, int field)
            {
                if (problem == CsvProblem.None)
                {
                    (problem, problemField) = (found, field);
                }
            }

            while (true)
            {
                var value = new List<byte>();
                if (pos < data.Length && data[pos] == '"')
                {
                    pos++;
                    while (pos < data.Length && !(data[pos] == '"' && (pos + 1 == data.Length || data[pos + 1] != '"')))
                    {
                        value.Add(data[pos]);
                        pos += data[pos] == '"' ? 2 : 1;
                    }

                    if (pos == data.Length)
                    {
                        records.Add(new StrictRecord(line, CsvProblem.UnterminatedQuote, -1, ""));
                        return records;
                    }

                    pos++;
                    fields.Add((value.ToArray(), true));
                    while (pos < data.Length && data[pos] is not ((byte)',' or (byte)'\r' or (byte)'\n'))
                    {
                        Note(CsvProblem.TextAfterClosingQuote, fields.Count - 1);
                        pos++;
                    }
                }
                else
                {
                    while (pos < data.Length && data[pos] is not ((byte)',' or (byte)'\r' or (byte)'\n'))
                    {
                        if (data[pos] == '"')
                        {
                            Note(CsvProblem.QuoteInUnquotedField, fields.Count);
                        }

                        value.Add(data[pos++]);
                    }

                    fields.Add((value.ToArray(), false));
                }

                if (pos < data.Length && data[pos] == ',')
                {
                    pos++;
                    continue;
                }

                break;
            }

            var recordLine = line;
            var recordText = data.AsSpan(start, pos - start);
            for (var i = 0; i < recordText.Length; i++)
            {
                // CRLF, LF and a lone CR inside quotes each end a line.
                line += recordText[i] == '\n' || (recordText[i] == '\r' && (i + 1 == recordText.Length || recordText[i + 1] != '\n')) ? 1 : 0;
            }

            if (pos < data.Length)
            {
                pos += data[pos] == '\r' && pos + 1 < data.Length && data[pos + 1] == '\n' ? 2 : 1;
                line++;
            }

            for (var i = 0; i < fields.Count; i++)
            {
                if (!Utf8.IsValid(fields[i].Bytes))
                {
                    Note(CsvProblem.InvalidUtf8, i);
                }
            }

            headerFields ??= fields.Count;
            if (fields.Count != headerFields)
            {
                Note(CsvProblem.FieldCountMismatch, Math.Min(fields.Count, headerFields.Value));
            }

            var text = string.Join("|", fields.Select(f => (f.Quoted ? "Q:" : "") + Encoding.UTF8.GetString(f.Bytes)));
            records.Add(new StrictRecord(recordLine, problem, problemField, text));
        }
    }

    private static string Quote(string value) => "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}

/// <summary>A header then one line repeated until at least <c>total</c> bytes, generated as it is read.</summary>
internal sealed class RepeatingStream(byte[] header, byte[] line, long total) : Stream
{
    private long position;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => position; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var written = 0;
        while (written < buffer.Length && position < total + line.Length)
        {
            byte b;
            if (position < header.Length)
            {
                b = header[position];
            }
            else
            {
                var at = (position - header.Length) % line.Length;
                if (at == 0 && position >= total)
                {
                    break;
                }

                b = line[at];
            }

            buffer[written++] = b;
            position++;
        }

        return written;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
