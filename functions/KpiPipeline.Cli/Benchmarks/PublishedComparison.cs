using System.Globalization;
using DuckDB.NET.Data;

namespace KpiPipeline.Cli.Benchmarks;

/// <summary>Every published row of two publications compared with DuckDB: the function app's and <c>kpi process</c>'s.</summary>
/// <param name="Datasets">Per dataset (restricted, public, catalogue): the rows on each side and the rows on one side only.</param>
public sealed record PublishedComparison(IReadOnlyList<(string Dataset, long Left, long Right, long OnlyLeft, long OnlyRight)> Datasets)
{
    public bool Identical => Datasets.All(d => d.Left > 0 && d.Left == d.Right && d.OnlyLeft == 0 && d.OnlyRight == 0);

    public override string ToString() => string.Join(", ", Datasets.Select(d => string.Create(CultureInfo.InvariantCulture,
        $"{d.Dataset} {d.Left:N0} / {d.Right:N0} rows, {d.OnlyLeft + d.OnlyRight:N0} on one side only")));

    /// <summary>Reads both folders' restricted and public KPI results (hive-partitioned) and catalogue and compares them row for row.</summary>
    public static PublishedComparison Compare(string left, string right)
    {
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        var datasets = new List<(string, long, long, long, long)>();
        foreach (var (name, glob) in new[]
                 {
                     ("restricted", "restricted/kpi_results/*/*.parquet"), ("public", "public/kpi_results/*/*.parquet"), ("catalogue", "kpi_catalogue.parquet"),
                 })
        {
            string Read(string folder) => $"read_parquet('{DuckDbSide.Quote(Path.Combine(folder, glob))}', hive_partitioning = true)";
            long Count(string sql)
            {
                using var command = connection.CreateCommand();
                command.CommandText = sql;
                return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
            }

            datasets.Add((name,
                Count($"SELECT count(*) FROM {Read(left)}"),
                Count($"SELECT count(*) FROM {Read(right)}"),
                Count($"SELECT count(*) FROM (SELECT * FROM {Read(left)} EXCEPT ALL SELECT * FROM {Read(right)})"),
                Count($"SELECT count(*) FROM (SELECT * FROM {Read(right)} EXCEPT ALL SELECT * FROM {Read(left)})")));
        }

        return new PublishedComparison(datasets);
    }
}
