using System.Text;
using FsCheck.Fluent;
using KpiPipeline.Core.Csv;

namespace KpiPipeline.Core.Tests;

public class CsvReaderTests
{
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

        TestData.CheckProperty(tables, rows =>
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

    private sealed record Record(string[] Fields, CsvProblem Problem, int ProblemField, long Line);

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
