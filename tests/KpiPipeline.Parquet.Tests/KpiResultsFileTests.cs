using System.Security.Cryptography;
using KpiPipeline.Kpis;
using KpiPipeline.Pipeline.Publishing;
using KpiPipeline.Testing;

namespace KpiPipeline.Parquet.Tests;

/// <summary>The <c>kpi_results</c> file as outputs.md section 2 describes it, read back by DuckDB.</summary>
public sealed class KpiResultsFileTests
{
    private static readonly PublicationMetadata Metadata = new(new DateOnly(2025, 10, 15), 12);

    /// <summary>(name, physical type, repetition, converted type) of every column, in file order.</summary>
    private static readonly (string Name, string Type, string Repetition, string? Converted)[] ExpectedSchema =
    [
        ("period", "BYTE_ARRAY", "REQUIRED", "UTF8"),
        ("period_start", "INT32", "REQUIRED", "DATE"),
        ("period_end", "INT32", "REQUIRED", "DATE"),
        ("as_of", "INT32", "REQUIRED", "DATE"),
        ("level", "BYTE_ARRAY", "REQUIRED", "UTF8"),
        ("unit_code", "BYTE_ARRAY", "REQUIRED", "UTF8"),
        ("area_code", "BYTE_ARRAY", "OPTIONAL", "UTF8"),
        ("kpi_id", "BYTE_ARRAY", "REQUIRED", "UTF8"),
        ("dimension", "BYTE_ARRAY", "REQUIRED", "UTF8"),
        ("dimension_value", "BYTE_ARRAY", "REQUIRED", "UTF8"),
        ("numerator", "INT64", "OPTIONAL", "INT_64"),
        ("denominator", "INT64", "OPTIONAL", "INT_64"),
        ("value", "DOUBLE", "OPTIONAL", null),
        ("target", "DOUBLE", "OPTIONAL", null),
        ("rag", "BYTE_ARRAY", "REQUIRED", "UTF8"),
        ("rag_basis", "BYTE_ARRAY", "REQUIRED", "UTF8"),
        ("status", "BYTE_ARRAY", "REQUIRED", "UTF8"),
        ("suppressed", "BOOLEAN", "REQUIRED", null),
        ("schema_version", "INT32", "REQUIRED", "INT_32"),
    ];

    public static List<KpiResult> SampleRows(int count) =>
    [
        .. Enumerable.Range(0, count).Select(i => new KpiResult(
            "2025-26-Q1", new DateOnly(2025, 4, 1), new DateOnly(2025, 6, 30), new DateOnly(2025, 10, 15),
            i % 3 == 0 ? "provider" : "area", $"U{i % 40:000}", i % 3 == 0 ? $"E{i % 7:00000000}" : null,
            i % 2 == 0 ? "ACC01_waited_3_weeks_or_less" : "VOL01_in_treatment", "all", "ALL",
            i % 5 == 0 ? null : i, i % 5 == 0 ? null : (i * 2) + 1, i % 5 == 0 ? null : i * 0.5, i % 4 == 0 ? 90.0 : null,
            i % 2 == 0 ? "green" : "none", i % 2 == 0 ? "target" : "none", "final", i % 5 == 0)),
    ];

    [Fact]
    public async Task Has_the_columns_types_nullability_SNAPPY_statistics_and_footer_of_outputs_md()
    {
        var folder = RepoPaths.NewTempFolder("kpi-results");
        var rows = SampleRows(500);
        var file = await WriteAsync(Path.Combine(folder, "period=2025-26-Q1", "part-0.parquet"), rows);

        var schema = await DuckDb.QueryAsync(
            $"SELECT name, type, repetition_type, converted_type FROM parquet_schema({DuckDb.Literal(file)}) WHERE type IS NOT NULL");
        Assert.Equal(
            ExpectedSchema,
            schema.Rows.Select(r => (r.GetProperty("name").GetString()!, r.GetProperty("type").GetString()!,
                r.GetProperty("repetition_type").GetString()!, r.GetProperty("converted_type").GetString())));

        var chunks = await DuckDb.QueryAsync(
            $"SELECT path_in_schema AS name, compression, stats_null_count AS nulls, stats_min_value AS min, stats_max_value AS max, " +
            $"row_group_id, row_group_num_rows FROM parquet_metadata({DuckDb.Literal(file)}) ORDER BY column_id");
        Assert.All(chunks.Rows, c => Assert.Equal("SNAPPY", c.GetProperty("compression").GetString()));
        Assert.All(chunks.Rows, c => Assert.Equal("0", c.GetProperty("row_group_id").GetString()));
        Assert.All(chunks.Rows, c => Assert.Equal("500", c.GetProperty("row_group_num_rows").GetString()));
        var byName = chunks.Rows.ToDictionary(c => c.GetProperty("name").GetString()!);
        Assert.Equal("100", byName["numerator"].GetProperty("nulls").GetString());
        Assert.Equal("1", byName["numerator"].GetProperty("min").GetString());
        Assert.Equal("499", byName["numerator"].GetProperty("max").GetString());
        Assert.Equal("333", byName["area_code"].GetProperty("nulls").GetString());
        Assert.Equal("2025-10-15", byName["as_of"].GetProperty("min").GetString());
        Assert.Equal("2025-26-Q1", byName["period"].GetProperty("min").GetString());
        Assert.Equal("2025-26-Q1", byName["period"].GetProperty("max").GetString());
        Assert.Equal("final", byName["status"].GetProperty("min").GetString());
        Assert.Equal("final", byName["status"].GetProperty("max").GetString());

        // The other REQUIRED text columns carry no statistics (docs/parquet.md): every file holds every KPI and unit.
        foreach (var name in new[] { "level", "unit_code", "kpi_id", "dimension", "dimension_value", "rag", "rag_basis" })
        {
            Assert.Equal(System.Text.Json.JsonValueKind.Null, byName[name].GetProperty("min").ValueKind);
            Assert.Equal(System.Text.Json.JsonValueKind.Null, byName[name].GetProperty("max").ValueKind);
        }

        var footer = await DuckDb.QueryAsync($"SELECT decode(key) AS k, decode(value) AS v FROM parquet_kv_metadata({DuckDb.Literal(file)})");
        Assert.Equal(
            Metadata.ToKeyValues().OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => (p.Key, p.Value)),
            footer.Rows.Select(r => (r.GetProperty("k").GetString()!, r.GetProperty("v").GetString()!)));
    }

    [Fact]
    public async Task DuckDB_with_hive_partitioning_and_the_project_read_back_every_value_written()
    {
        var folder = RepoPaths.NewTempFolder("kpi-results-values");
        var rows = SampleRows(321);
        var file = await WriteAsync(Path.Combine(folder, "period=2025-26-Q1", "part-0.parquet"), rows);

        var read = await DuckDb.QueryAsync(
            $"SELECT * FROM read_parquet({DuckDb.Literal(Path.Combine(folder, "*", "*.parquet"))}, hive_partitioning = true, file_row_number = true) " +
            "ORDER BY file_row_number");
        Assert.Equal(rows.Count, read.Count);
        Assert.Equal("VARCHAR,DATE,DATE,DATE,VARCHAR,VARCHAR,VARCHAR,VARCHAR,VARCHAR,VARCHAR,BIGINT,BIGINT,DOUBLE,DOUBLE,VARCHAR,VARCHAR,VARCHAR,BOOLEAN,INTEGER",
            string.Join(',', read.Types.Take(19)));
        for (var i = 0; i < rows.Count; i++)
        {
            var r = rows[i];
            Assert.Equal(r.Period, read[i, "period"].GetString());
            Assert.Equal("2025-04-01", read[i, "period_start"].GetString());
            Assert.Equal("2025-06-30", read[i, "period_end"].GetString());
            Assert.Equal(r.UnitCode, read[i, "unit_code"].GetString());
            Assert.Equal(r.AreaCode, read[i, "area_code"].GetString());
            Assert.Equal(r.Numerator?.ToString(System.Globalization.CultureInfo.InvariantCulture), read[i, "numerator"].GetString());
            Assert.Equal(r.Value, read[i, "value"].ValueKind == System.Text.Json.JsonValueKind.Null ? null : read[i, "value"].GetDouble());
            Assert.Equal(r.Target, read[i, "target"].ValueKind == System.Text.Json.JsonValueKind.Null ? null : read[i, "target"].GetDouble());
            Assert.Equal(r.Suppressed, read[i, "suppressed"].GetBoolean());
            Assert.Equal(r.SchemaVersion, read[i, "schema_version"].GetInt32());
        }

        await using var stream = File.OpenRead(file);
        Assert.Equal(rows, await KpiResultsParquet.ReadAsync(stream, CancellationToken.None));
    }

    [Fact]
    public async Task The_same_rows_give_the_same_bytes_and_another_as_of_other_bytes()
    {
        var rows = SampleRows(200);
        Assert.Equal(await HashAsync(rows, Metadata), await HashAsync(rows, Metadata));
        Assert.NotEqual(await HashAsync(rows, Metadata), await HashAsync(rows, Metadata with { AsOf = new DateOnly(2025, 10, 16) }));
        Assert.NotEqual(await HashAsync(rows, Metadata), await HashAsync(rows.Skip(1), Metadata));
    }

    [Fact]
    public async Task A_forward_only_output_stream_gets_the_same_file()
    {
        var rows = SampleRows(50);
        using var seekable = new MemoryStream();
        await KpiResultsParquet.WriteAsync(seekable, rows, Metadata, CancellationToken.None);
        using var inner = new MemoryStream();
        await using (var forwardOnly = new ForwardOnlyStream(inner))
        {
            await KpiResultsParquet.WriteAsync(forwardOnly, rows, Metadata, CancellationToken.None);
        }

        Assert.Equal(seekable.ToArray(), inner.ToArray());
    }

    [Fact]
    public async Task A_required_column_without_a_value_is_refused_naming_the_column()
    {
        var rows = SampleRows(3);
        rows[1] = rows[1] with { KpiId = null! };

        var error = await Assert.ThrowsAsync<ArgumentException>(() => KpiResultsParquet.WriteAsync(new MemoryStream(), rows, Metadata, CancellationToken.None));

        Assert.Contains("'kpi_id'", error.Message, StringComparison.Ordinal);
        Assert.Contains("row 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reading_a_file_of_another_layout_names_the_missing_column()
    {
        using var catalogue = new MemoryStream();
        await KpiCatalogueParquet.WriteAsync(catalogue, Kpis.Catalogue.KpiCatalogue.Rows, Metadata, CancellationToken.None);
        catalogue.Position = 0;

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => KpiResultsParquet.ReadAsync(catalogue, CancellationToken.None));

        Assert.Contains("'period'", error.Message, StringComparison.Ordinal);
    }

    private static async Task<string> WriteAsync(string path, IEnumerable<KpiResult> rows)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await using (var file = File.Create(path))
        {
            await KpiResultsParquet.WriteAsync(file, rows, Metadata, CancellationToken.None);
        }

        return path;
    }

    private static async Task<string> HashAsync(IEnumerable<KpiResult> rows, PublicationMetadata metadata)
    {
        using var buffer = new MemoryStream();
        await KpiResultsParquet.WriteAsync(buffer, rows, metadata, CancellationToken.None);
        return Convert.ToHexStringLower(SHA256.HashData(buffer.ToArray()));
    }
}
