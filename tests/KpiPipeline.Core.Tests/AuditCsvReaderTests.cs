using System.Text;
using System.Text.Unicode;
using FsCheck;
using FsCheck.Fluent;
using KpiPipeline.Core.Csv;

namespace KpiPipeline.Core.Tests;

/// <summary>
/// Audit of the CSV reader against dataset.md section 1 (UTF-8, optional BOM, CRLF or LF, RFC 4180 quoting, completely
/// empty lines skipped, values not trimmed), read through a stream that hands over a few bytes at a time so that
/// every record, quote, BOM and line end is split across reads somewhere.
/// </summary>
public class AuditCsvReaderTests
{
    private static readonly string[] Pieces = ["a", "Z", "0", " ", ",", "\"", "\r\n", "\n", "\r", "é", "€", "😀", "=", "''", "\t"];

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

    private static List<(string[] Fields, CsvProblem Problem)> ReadAll(Stream stream)
    {
        using var csv = new CsvReader(stream);
        var records = new List<(string[], CsvProblem)>();
        while (csv.Read())
        {
            records.Add((Enumerable.Range(0, csv.FieldCount).Select(csv.GetString).ToArray(), csv.Problem));
        }

        return records;
    }

    /// <summary>A read-only stream that returns at most <c>chunk</c> bytes per read.</summary>
    private sealed class TrickleStream(byte[] data, int chunk) : Stream
    {
        private int position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => data.Length;

        public override long Position { get => position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = Math.Min(Math.Min(count, chunk), data.Length - position);
            Array.Copy(data, position, buffer, offset, n);
            position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
