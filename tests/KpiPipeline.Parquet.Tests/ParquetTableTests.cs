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
