using KpiPipeline.Kpis.Catalogue;
using KpiPipeline.Pipeline.Publishing;
using KpiPipeline.Testing;

namespace KpiPipeline.Parquet.Tests;

/// <summary>Row groups of a <see cref="ParquetTable{TRow}"/>, and the catalogue file, read back by DuckDB.</summary>
public sealed class ParquetTableTests
{
    private static readonly PublicationMetadata Metadata = new(new DateOnly(2025, 10, 15), 3);

    [Fact]
    public async Task Rows_past_the_row_group_size_start_a_new_row_group_and_read_back_in_order()
    {
        var column = new ParquetColumns<(int Id, string? Label)>();
        var id = column.Int32("id", r => r.Id);
        var label = column.OptionalText("label", r => r.Label);
        var table = new ParquetTable<(int Id, string? Label)>(id, label) { RowGroupSize = 1000 };
        var rows = Enumerable.Range(0, 2500).Select(i => (i, i % 7 == 0 ? null : $"L{i % 3}")).ToList();
        var path = Path.Combine(RepoPaths.NewTempFolder("row-groups"), "groups.parquet");
        await using (var file = File.Create(path))
        {
            await table.WriteAsync(file, rows, new Dictionary<string, string>(), CancellationToken.None);
        }

        var groups = await DuckDb.QueryAsync(
            $"SELECT DISTINCT row_group_id::INTEGER AS g, row_group_num_rows::INTEGER AS n FROM parquet_metadata({DuckDb.Literal(path)}) ORDER BY g");
        Assert.Equal([1000, 1000, 500], groups.Rows.Select(r => r.GetProperty("n").GetInt32()));
        var summary = await DuckDb.QueryAsync(
            $"SELECT count(*)::INTEGER AS n, count(label)::INTEGER AS labelled, sum(id)::INTEGER AS ids FROM read_parquet({DuckDb.Literal(path)})");
        Assert.Equal(2500, summary[0, "n"].GetInt32());
        Assert.Equal(rows.Count(r => r.Item2 is not null), summary[0, "labelled"].GetInt32());
        Assert.Equal(rows.Sum(r => r.i), summary[0, "ids"].GetInt32());

        await using var input = File.OpenRead(path);
        var contents = await table.ReadAsync(input, row => (row.Get(id), row.Get(label)), CancellationToken.None);
        Assert.Equal(3, contents.RowGroupCount);
        Assert.Equal(rows, contents.Rows);
    }

    [Fact]
    public async Task A_required_text_column_has_min_and_max_only_when_declared_with_them_and_reads_back_the_same_either_way()
    {
        var column = new ParquetColumns<(string Sorted, string Mixed, string? Optional)>();
        var sorted = column.Text("sorted", r => r.Sorted, minMax: true);
        var mixed = column.Text("mixed", r => r.Mixed);
        var optional = column.OptionalText("optional", r => r.Optional);
        var table = new ParquetTable<(string Sorted, string Mixed, string? Optional)>(sorted, mixed, optional);
        var rows = Enumerable.Range(0, 300).Select(i => ($"S{i / 100}", $"M{(i * 7) % 11:00}", i % 4 == 0 ? null : $"O{i % 5}")).ToList();
        var path = Path.Combine(RepoPaths.NewTempFolder("text-statistics"), "text.parquet");
        await using (var file = File.Create(path))
        {
            await table.WriteAsync(file, rows, new Dictionary<string, string>(), CancellationToken.None);
        }

        var chunks = (await DuckDb.QueryAsync(
            $"SELECT path_in_schema AS name, stats_min_value AS min, stats_max_value AS max, stats_null_count AS nulls FROM parquet_metadata({DuckDb.Literal(path)})"))
            .Rows.ToDictionary(c => c.GetProperty("name").GetString()!);
        Assert.Equal(("S0", "S2"), (chunks["sorted"].GetProperty("min").GetString(), chunks["sorted"].GetProperty("max").GetString()));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, chunks["mixed"].GetProperty("min").ValueKind);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, chunks["mixed"].GetProperty("max").ValueKind);
        Assert.Equal(("O0", "O4", "75"), (chunks["optional"].GetProperty("min").GetString(), chunks["optional"].GetProperty("max").GetString(),
            chunks["optional"].GetProperty("nulls").GetString()));

        var filtered = await DuckDb.QueryAsync($"SELECT count(*)::INTEGER AS n FROM read_parquet({DuckDb.Literal(path)}) WHERE mixed = 'M03'");
        Assert.Equal(rows.Count(r => r.Item2 == "M03"), filtered[0, "n"].GetInt32());
        await using var input = File.OpenRead(path);
        var contents = await table.ReadAsync(input, row => (row.Get(sorted), row.Get(mixed), row.Get(optional)), CancellationToken.None);
        Assert.Equal(rows, contents.Rows);
    }

    [Fact]
    public async Task The_catalogue_has_one_row_per_kpi_with_the_columns_of_outputs_md()
    {
        var path = Path.Combine(RepoPaths.NewTempFolder("catalogue"), KpiPublisher.CatalogueFile);
        await using (var file = File.Create(path))
        {
            await KpiCatalogueParquet.WriteAsync(file, KpiCatalogue.Rows, Metadata, CancellationToken.None);
        }

        var schema = await DuckDb.QueryAsync(
            $"SELECT name, type, repetition_type FROM parquet_schema({DuckDb.Literal(path)}) WHERE type IS NOT NULL");
        Assert.Equal(
            [
                ("kpi_id", "BYTE_ARRAY", "REQUIRED"), ("title", "BYTE_ARRAY", "REQUIRED"), ("category", "BYTE_ARRAY", "REQUIRED"),
                ("unit", "BYTE_ARRAY", "REQUIRED"), ("polarity", "BYTE_ARRAY", "REQUIRED"), ("default_target", "DOUBLE", "OPTIONAL"),
                ("amber_margin", "DOUBLE", "OPTIONAL"), ("rag_basis", "BYTE_ARRAY", "REQUIRED"), ("definition", "BYTE_ARRAY", "REQUIRED"),
            ],
            schema.Rows.Select(r => (r.GetProperty("name").GetString()!, r.GetProperty("type").GetString()!, r.GetProperty("repetition_type").GetString()!)));

        var rows = await DuckDb.QueryAsync($"SELECT * FROM read_parquet({DuckDb.Literal(path)}, hive_partitioning = true, file_row_number = true) ORDER BY file_row_number");
        Assert.Equal(KpiCatalogue.Rows.Count, rows.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            var expected = KpiCatalogue.Rows[i];
            Assert.Equal(expected.KpiId, rows[i, "kpi_id"].GetString());
            Assert.Equal(expected.Title, rows[i, "title"].GetString());
            Assert.Equal(expected.Polarity, rows[i, "polarity"].GetString());
            Assert.Equal(expected.DefaultTarget, rows[i, "default_target"].ValueKind == System.Text.Json.JsonValueKind.Null ? null : rows[i, "default_target"].GetDouble());
            Assert.Equal(expected.Definition, rows[i, "definition"].GetString());
        }
    }
}
