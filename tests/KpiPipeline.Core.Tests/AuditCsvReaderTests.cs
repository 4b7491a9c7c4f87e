using System.Text;
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
