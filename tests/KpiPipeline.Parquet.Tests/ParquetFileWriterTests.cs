using System.Globalization;
using KpiPipeline.Testing;

namespace KpiPipeline.Parquet.Tests;

/// <summary>The writer, checked by reading every file back with a real DuckDB (and hyparquet where it says so).</summary>
public class ParquetFileWriterTests
{
    private static readonly ParquetType[] AllTypes = Enum.GetValues<ParquetType>();

    private readonly string _folder = RepoPaths.NewTempFolder("parquet-writer");

    [Fact]
    public async Task Writes_every_type_required_and_optional_with_its_Parquet_schema()
    {
        var columns = AllTypes.SelectMany(t => new[] { new ParquetColumn($"{t}_req".ToLowerInvariant(), t, false), new ParquetColumn($"{t}_opt".ToLowerInvariant(), t, true) }).ToList();
        var rows = Enumerable.Range(0, 50).Select(i => columns.Select(c => c.Nullable && i % 3 == 1 ? null : SampleValue(c.Type, i)).ToArray()).ToList();
        var table = new TestTable(columns, rows);
        var path = table.WriteTo(Path.Combine(_folder, "types.parquet"));

        await table.AssertDuckDbReadsAsync(path);
        var schema = await DuckDb.QueryAsync($"SELECT name, type, repetition_type, converted_type, logical_type FROM parquet_schema({DuckDb.Literal(path)}) WHERE type IS NOT NULL");
        Assert.Equal(columns.Count, schema.Count);
        for (var i = 0; i < columns.Count; i++)
        {
            Assert.Equal(columns[i].Name, schema[i, "name"].GetString());
            Assert.Equal(columns[i].Nullable ? "OPTIONAL" : "REQUIRED", schema[i, "repetition_type"].GetString());
            var (physical, converted) = columns[i].Type switch
            {
                ParquetType.Int32 => ("INT32", null),
                ParquetType.Int64 => ("INT64", null),
                ParquetType.Double => ("DOUBLE", null),
                ParquetType.Boolean => ("BOOLEAN", null),
                ParquetType.String => ("BYTE_ARRAY", "UTF8"),
                _ => ("INT32", "DATE"),
            };
            Assert.Equal(physical, schema[i, "type"].GetString());
            Assert.Equal(converted, schema[i, "converted_type"].GetString());
        }

        Assert.Equal("StringType()", schema[8, "logical_type"].GetString());
        Assert.Equal("DateType()", schema[10, "logical_type"].GetString());
    }

    [Fact]
    public async Task Writes_extreme_values_empty_and_non_ASCII_strings_and_dates_before_1970()
    {
        object?[][] rows =
        [
            [int.MinValue, long.MinValue, double.NaN, false, string.Empty, DateOnly.MinValue],
            [int.MaxValue, long.MaxValue, double.PositiveInfinity, true, "héllo wörld", new DateOnly(1969, 12, 31)],
            [0, 0L, double.NegativeInfinity, true, "日本語テキスト", new DateOnly(1900, 2, 28)],
            [-1, -1L, -0.0, false, "emoji 😀 and \u00a0nbsp", DateOnly.MaxValue],
            [1, 1L, double.Epsilon, true, "\uFF5E fullwidth", new DateOnly(1970, 1, 1)],
            [42, 4_000_000_000L, double.MaxValue, false, "tab\tnew\nline \"quoted\" 'single'", new DateOnly(2025, 3, 31)],
            [7, -4_000_000_000L, -double.MaxValue, true, new string('x', 5000), new DateOnly(1601, 1, 1)],
        ];
        var table = new TestTable(
            [new("i", ParquetType.Int32, false), new("l", ParquetType.Int64, false), new("d", ParquetType.Double, false),
             new("b", ParquetType.Boolean, false), new("s", ParquetType.String, false), new("t", ParquetType.Date, false)],
            rows);
        var path = table.WriteTo(Path.Combine(_folder, "extremes.parquet"));

        await table.AssertDuckDbReadsAsync(path);
        using var stream = File.OpenRead(path);
        table.AssertEqualTo(ParquetFileReader.Read(stream));
        table.AssertEqualTo((await Hyparquet.ReadAsync(path))[0]);
    }

    [Fact]
    public async Task Writes_all_null_optional_columns_with_null_counts_and_no_min_max()
    {
        var columns = AllTypes.Select(t => new ParquetColumn(t.ToString(), t, true)).ToList();
        var rows = Enumerable.Range(0, 30).Select(_ => new object?[columns.Count]).ToList();
        var table = new TestTable(columns, rows);
        var path = table.WriteTo(Path.Combine(_folder, "nulls.parquet"));

        await table.AssertDuckDbReadsAsync(path);
        var metadata = await DuckDb.QueryAsync($"SELECT stats_null_count, stats_min_value, stats_max_value FROM parquet_metadata({DuckDb.Literal(path)})");
        Assert.Equal(columns.Count, metadata.Count);
        Assert.All(metadata.Rows, row =>
        {
            Assert.Equal("30", row.GetProperty("stats_null_count").ToString());
            Assert.Equal(System.Text.Json.JsonValueKind.Null, row.GetProperty("stats_min_value").ValueKind);
            Assert.Equal(System.Text.Json.JsonValueKind.Null, row.GetProperty("stats_max_value").ValueKind);
        });
        table.AssertEqualTo((await Hyparquet.ReadAsync(path))[0]);
    }

    [Fact]
    public async Task Writes_a_new_row_group_every_RowGroupSize_rows_and_on_FlushRowGroup()
    {
        var columns = new List<ParquetColumn> { new("id", ParquetType.Int32, false), new("name", ParquetType.String, true) };
        var path = Path.Combine(_folder, "groups.parquet");
        using (var stream = File.Create(path))
        using (var writer = new ParquetFileWriter(stream, columns, new ParquetWriterOptions { RowGroupSize = 1000 }))
        {
            for (var i = 0; i < 2500; i++)
            {
                writer.Write(0, i);
                writer.Write(1, i % 7 == 0 ? null : $"name {i % 13}");
                writer.EndRow();
                if (i == 2099)
                {
                    writer.FlushRowGroup();
                    writer.FlushRowGroup();
                }
            }
        }

        var groups = await DuckDb.QueryAsync($"SELECT DISTINCT row_group_id, row_group_num_rows FROM parquet_metadata({DuckDb.Literal(path)}) ORDER BY row_group_id");
        Assert.Equal(["1000", "1000", "100", "400"], groups.Rows.Select(r => r.GetProperty("row_group_num_rows").ToString()));
        var rows = Enumerable.Range(0, 2500).Select(i => new object?[] { i, i % 7 == 0 ? null : $"name {i % 13}" }).ToList();
        var table = new TestTable(columns, rows);
        await table.AssertDuckDbReadsAsync(path);
        using var read = File.OpenRead(path);
        Assert.Equal(4, ParquetFileReader.Read(read).RowGroupCount);
    }

    [Fact]
    public async Task Dictionary_encodes_low_cardinality_strings_and_keeps_unique_strings_plain()
    {
        var columns = new List<ParquetColumn> { new("area", ParquetType.String, false), new("key", ParquetType.String, true), new("kind", ParquetType.String, true) };
        var rows = Enumerable.Range(0, 5000).Select(i => new object?[] { $"E0600000{i % 5}", $"client-{i:D6}", i % 4 == 0 ? null : (i % 3 == 0 ? "ALCOHOL" : "OPIATE") }).ToList();
        var table = new TestTable(columns, rows);
        var path = table.WriteTo(Path.Combine(_folder, "dictionary.parquet"));

        await table.AssertDuckDbReadsAsync(path);
        var metadata = await DuckDb.QueryAsync($"SELECT path_in_schema, encodings, dictionary_page_offset FROM parquet_metadata({DuckDb.Literal(path)}) ORDER BY column_id");
        Assert.Contains("RLE_DICTIONARY", metadata[0, "encodings"].GetString());
        Assert.NotEqual(System.Text.Json.JsonValueKind.Null, metadata[0, "dictionary_page_offset"].ValueKind);
        Assert.DoesNotContain("DICTIONARY", metadata[1, "encodings"].GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, metadata[1, "dictionary_page_offset"].ValueKind);
        Assert.Contains("RLE_DICTIONARY", metadata[2, "encodings"].GetString());
        table.AssertEqualTo((await Hyparquet.ReadAsync(path))[0]);
    }

    [Fact]
    public async Task Falls_back_to_plain_when_the_dictionary_passes_1_MiB_mid_row_group()
    {
        // 4,096 repeated values keep the dictionary on; then long unique values push it past 1 MiB.
        var rows = Enumerable.Range(0, 9000)
            .Select(i => new object?[] { i < 5000 ? $"same {i % 3}" : $"{i:D5} {new string('é', 200)}" })
            .ToList();
        var table = new TestTable([new("s", ParquetType.String, false)], rows);
        var path = table.WriteTo(Path.Combine(_folder, "fallback.parquet"));

        await table.AssertDuckDbReadsAsync(path);
        var metadata = await DuckDb.QueryAsync($"SELECT encodings FROM parquet_metadata({DuckDb.Literal(path)})");
        Assert.DoesNotContain("DICTIONARY", metadata[0, "encodings"].GetString());
    }

    [Fact]
    public async Task Writes_plain_strings_only_when_UseDictionary_is_off()
    {
        var rows = Enumerable.Range(0, 100).Select(i => new object?[] { i % 2 == 0 ? "a" : "b" }).ToList();
        var table = new TestTable([new("s", ParquetType.String, false)], rows);
        var path = table.WriteTo(Path.Combine(_folder, "plain.parquet"), new ParquetWriterOptions { UseDictionary = false });

        await table.AssertDuckDbReadsAsync(path);
        var metadata = await DuckDb.QueryAsync($"SELECT encodings FROM parquet_metadata({DuckDb.Literal(path)})");
        Assert.Equal("PLAIN, RLE", metadata[0, "encodings"].GetString());
    }

    [Theory]
    [InlineData(ParquetCompression.Uncompressed, "UNCOMPRESSED")]
    [InlineData(ParquetCompression.Snappy, "SNAPPY")]
    [InlineData(ParquetCompression.Gzip, "GZIP")]
    public async Task Compresses_pages_with_the_chosen_codec_readable_by_DuckDB_hyparquet_and_the_reader(ParquetCompression compression, string codec)
    {
        var columns = AllTypes.Select(t => new ParquetColumn(t.ToString(), t, t != ParquetType.Int32)).ToList();
        var rows = Enumerable.Range(0, 3000).Select(i => columns.Select(c => c.Nullable && i % 5 == 2 ? null : SampleValue(c.Type, i)).ToArray()).ToList();
        var table = new TestTable(columns, rows);
        var path = Path.Combine(_folder, $"{codec}.parquet");
        using (var file = File.Create(path))
        using (var forwardOnly = new ForwardOnlyStream(file))
        using (var writer = new ParquetFileWriter(forwardOnly, columns, new ParquetWriterOptions { Compression = compression, RowGroupSize = 1200 }))
        {
            foreach (var row in rows)
            {
                for (var c = 0; c < columns.Count; c++)
                {
                    TestTable.WriteValue(writer, c, columns[c].Type, row[c]);
                }

                writer.EndRow();
            }
        }

        await table.AssertDuckDbReadsAsync(path);
        var metadata = await DuckDb.QueryAsync($"SELECT DISTINCT compression FROM parquet_metadata({DuckDb.Literal(path)})");
        Assert.Equal(codec, Assert.Single(metadata.Rows).GetProperty("compression").GetString());
        table.AssertEqualTo((await Hyparquet.ReadAsync(path))[0]);
        using var read = File.OpenRead(path);
        table.AssertEqualTo(ParquetFileReader.Read(read));
    }

    [Fact]
    public async Task Writes_a_valid_file_with_the_schema_when_there_are_no_rows()
    {
        var columns = AllTypes.Select(t => new ParquetColumn(t.ToString(), t, t == ParquetType.String)).ToList();
        var table = new TestTable(columns, []);
        var path = table.WriteTo(Path.Combine(_folder, "empty.parquet"));

        await table.AssertDuckDbReadsAsync(path);
        var file = await DuckDb.QueryAsync($"SELECT num_rows, num_row_groups FROM parquet_file_metadata({DuckDb.Literal(path)})");
        Assert.Equal("0", file[0, "num_rows"].ToString());
        Assert.Equal("0", file[0, "num_row_groups"].ToString());
        table.AssertEqualTo((await Hyparquet.ReadAsync(path))[0]);
        using var read = File.OpenRead(path);
        Assert.Equal(0, ParquetFileReader.Read(read).RowGroupCount);
    }

    [Fact]
    public async Task Records_min_max_and_null_count_in_each_types_sort_order()
    {
        object?[][] rows =
        [
            [5, 10L, double.NaN, true, "b", new DateOnly(2001, 1, 1)],
            [-3, -20L, -2.5, null, "Z", new DateOnly(1950, 6, 15)],
            [null, null, 7.25, true, "\uFF5E", null],
            [12, 30L, 0.5, true, "😀", new DateOnly(2030, 12, 31)],
            [0, 0L, null, true, null, new DateOnly(1999, 1, 1)],
        ];
        var columns = new List<ParquetColumn>
        {
            new("i", ParquetType.Int32, true), new("l", ParquetType.Int64, true), new("d", ParquetType.Double, true),
            new("b", ParquetType.Boolean, true), new("s", ParquetType.String, true), new("t", ParquetType.Date, true),
        };
        var table = new TestTable(columns, rows);
        var path = table.WriteTo(Path.Combine(_folder, "stats.parquet"), new ParquetWriterOptions { UseDictionary = false });

        await table.AssertDuckDbReadsAsync(path);
        var stats = await DuckDb.QueryAsync($"SELECT stats_min_value AS min, stats_max_value AS max, stats_null_count AS nulls FROM parquet_metadata({DuckDb.Literal(path)}) ORDER BY column_id");
        string[][] expected =
        [
            ["-3", "12", "1"],
            ["-20", "30", "1"],
            ["-2.5", "7.25", "1"], // NaN is left out of min/max
            ["true", "true", "1"],
            ["Z", "😀", "1"], // UTF-8 byte order: U+1F600 sorts after U+FF5E (UTF-16 order would not)
            ["1950-06-15", "2030-12-31", "1"],
        ];
        for (var c = 0; c < columns.Count; c++)
        {
            Assert.Equal(expected[c], new[] { stats[c, "min"].GetString()!, stats[c, "max"].GetString()!, stats[c, "nulls"].ToString() });
        }
    }

    [Fact]
    public async Task Stores_key_value_metadata_and_created_by_in_the_footer()
    {
        var metadata = new Dictionary<string, string> { ["kpi.schema_version"] = "1", ["source"] = "returns ünïcode", ["empty"] = string.Empty };
        var table = new TestTable([new("x", ParquetType.Int32, false)], [[1], [2]]);
        var path = table.WriteTo(Path.Combine(_folder, "kv.parquet"), new ParquetWriterOptions { KeyValueMetadata = metadata, CreatedBy = "KpiPipeline test 1.0" });

        var kv = await DuckDb.QueryAsync($"SELECT decode(key) AS key, decode(value) AS value FROM parquet_kv_metadata({DuckDb.Literal(path)}) ORDER BY key");
        Assert.Equal(metadata.OrderBy(p => p.Key, StringComparer.Ordinal), kv.Rows.Select(r => new KeyValuePair<string, string>(r.GetProperty("key").GetString()!, r.GetProperty("value").GetString()!)));
        var file = await DuckDb.QueryAsync($"SELECT created_by FROM parquet_file_metadata({DuckDb.Literal(path)})");
        Assert.Equal("KpiPipeline test 1.0", file[0, "created_by"].GetString());
        await table.AssertDuckDbReadsAsync(path);
        Assert.Equal(metadata, (await Hyparquet.ReadAsync(path))[0].KeyValueMetadata);
        using var read = File.OpenRead(path);
        Assert.Equal(metadata, ParquetFileReader.Read(read).KeyValueMetadata);
    }

    [Fact]
    public async Task Splits_large_column_chunks_into_pages_and_reads_back_exactly()
    {
        // 200,000 rows in one row group: the unique strings (about 5 MB PLAIN) span several 1 MiB pages.
        const int rowCount = 200_000;
        var columns = new List<ParquetColumn> { new("id", ParquetType.Int64, false), new("code", ParquetType.String, true), new("score", ParquetType.Double, true) };
        var rows = Enumerable.Range(0, rowCount)
            .Select(i => new object?[] { (long)i * 3, i % 11 == 0 ? null : $"code-{i:D8}-{i % 97}", i % 5 == 0 ? null : i / 8.0 })
            .ToList();
        var table = new TestTable(columns, rows);
        var path = table.WriteTo(Path.Combine(_folder, "large.parquet"), new ParquetWriterOptions { RowGroupSize = rowCount });

        using (var read = File.OpenRead(path))
        {
            table.AssertEqualTo(ParquetFileReader.Read(read));
        }

        var summary = await DuckDb.QueryAsync(
            $"SELECT count(*) AS n, count(code) AS codes, count(score) AS scores, sum(id) AS ids, sum(score) AS total, " +
            $"min(code) AS lo, max(code) AS hi, sum(length(code)) AS chars FROM read_parquet({DuckDb.Literal(path)})");
        var codes = rows.Select(r => (string?)r[1]).Where(c => c is not null).ToList();
        Assert.Equal(rowCount.ToString(CultureInfo.InvariantCulture), summary[0, "n"].ToString());
        Assert.Equal(codes.Count.ToString(CultureInfo.InvariantCulture), summary[0, "codes"].ToString());
        Assert.Equal(rows.Count(r => r[2] is not null).ToString(CultureInfo.InvariantCulture), summary[0, "scores"].ToString());
        Assert.Equal(rows.Sum(r => (long)r[0]!).ToString(CultureInfo.InvariantCulture), summary[0, "ids"].ToString());
        Assert.Equal(rows.Sum(r => (double?)r[2] ?? 0), summary[0, "total"].GetDouble());
        Assert.Equal(codes.Min(StringComparer.Ordinal), summary[0, "lo"].GetString());
        Assert.Equal(codes.Max(StringComparer.Ordinal), summary[0, "hi"].GetString());
        Assert.Equal(codes.Sum(c => c!.Length).ToString(CultureInfo.InvariantCulture), summary[0, "chars"].ToString());

        var sample = await DuckDb.QueryAsync($"SELECT * FROM read_parquet({DuckDb.Literal(path)}, file_row_number = true) WHERE file_row_number % 9973 = 0 ORDER BY file_row_number");
        foreach (var row in sample.Rows)
        {
            var index = (int)(long)TestTable.FromJson(ParquetType.Int64, row.GetProperty("file_row_number"))!;
            for (var c = 0; c < columns.Count; c++)
            {
                TestTable.AssertSameValue(rows[index][c], TestTable.FromJson(columns[c].Type, row.GetProperty(columns[c].Name)), $"row {index} column {columns[c].Name}");
            }
        }
    }

    [Fact]
    public void Rejects_null_in_a_required_column_naming_the_column()
    {
        using var writer = new ParquetFileWriter(new MemoryStream(), [new("provider_code", ParquetType.String, false)]);

        var error = Assert.Throws<ArgumentException>(() => writer.Write(0, (string?)null));

        Assert.Contains("provider_code", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rejects_a_value_of_the_wrong_type_naming_the_column()
    {
        using var writer = new ParquetFileWriter(new MemoryStream(), [new("count", ParquetType.Int64, false)]);

        var error = Assert.Throws<ArgumentException>(() => writer.Write(0, 5));

        Assert.Contains("count", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rejects_ending_a_row_that_misses_a_required_value_and_accepts_it_once_supplied()
    {
        var stream = new MemoryStream();
        using var writer = new ParquetFileWriter(stream, [new("a", ParquetType.Int32, false), new("b", ParquetType.Int32, false)]);
        writer.Write(0, 1);

        var error = Assert.Throws<InvalidOperationException>(writer.EndRow);
        Assert.Contains("'b'", error.Message, StringComparison.Ordinal);

        writer.Write(1, 2);
        writer.EndRow();
        writer.Close();
        stream.Position = 0;
        Assert.Equal([[1], [2]], ParquetFileReader.Read(stream).ColumnValues);
    }

    [Fact]
    public void Rejects_a_second_value_for_the_same_column_in_one_row()
    {
        using var writer = new ParquetFileWriter(new MemoryStream(), [new("a", ParquetType.Boolean, true)]);
        writer.Write(0, true);

        Assert.Throws<InvalidOperationException>(() => writer.Write(0, false));
    }

    [Fact]
    public void Rejects_a_schema_with_duplicate_column_names()
    {
        Assert.Throws<ArgumentException>(() => new ParquetFileWriter(new MemoryStream(), [new("a", ParquetType.Int32, false), new("a", ParquetType.Int64, false)]));
    }

    internal static object SampleValue(ParquetType type, int i) => type switch
    {
        ParquetType.Int32 => i * 7919 % 100_003 - 50_000,
        ParquetType.Int64 => (long)i * 1_000_000_007L - 3_000_000_000L,
        ParquetType.Double => i / 3.0 - 10,
        ParquetType.Boolean => i % 3 == 0,
        ParquetType.String => i % 4 == 0 ? $"unique-{i}" : $"grp-{i % 6}-ü",
        ParquetType.Date => new DateOnly(1960, 1, 1).AddDays(i * 37),
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    /// <summary>A write-only stream that cannot seek or report its position, like a network upload.</summary>
    private sealed class ForwardOnlyStream(Stream inner) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

        public override void Write(ReadOnlySpan<byte> buffer) => inner.Write(buffer);
    }
}
