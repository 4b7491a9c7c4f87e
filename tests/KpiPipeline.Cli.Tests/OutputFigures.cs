using KpiPipeline.Testing;

namespace KpiPipeline.Cli.Tests;

/// <summary>The restricted KPI rows of a <c>kpi process</c> output as text, one line per row, read back by DuckDB.</summary>
public static class OutputFigures
{
    private const string Row =
        "concat_ws('|', period, level, unit_code, area_code, kpi_id, dimension, dimension_value, numerator, denominator, value, target, rag, rag_basis, status, suppressed)";

    /// <summary>A row's own figures, without its rating (a rating against the national figure moves with other units' data).</summary>
    private const string Figures =
        "concat_ws('|', period, level, unit_code, area_code, kpi_id, dimension, dimension_value, numerator, denominator, value, target, status, suppressed)";

    /// <summary>Every row but data quality's (it counts the uploads, which bad files add to).</summary>
    public static Task<string> AllAsync(string output) => QueryAsync(output, Row, "kpi_id NOT LIKE 'DQ%'");

    /// <summary>
    /// The rows of the given providers and areas (at provider and area level) in the periods <paramref name="periodsOf"/>
    /// published (another run's data can reach back further, which adds earlier periods to every unit), data quality
    /// aside: DQ01 expects returns from the first month any provider sent (kpis.md section 8), and DQ02 counts the uploads.
    /// Their own figures only: a rating against the national figure moves when other providers add to the nation.
    /// </summary>
    public static Task<string> OfUnitsAsync(string output, IEnumerable<string> units, string periodsOf) =>
        QueryAsync(output, Figures, $"kpi_id NOT LIKE 'DQ%' AND level IN ('provider', 'area') AND unit_code IN ({string.Join(", ", units.Select(DuckDb.Literal))}) " +
            $"AND period IN (SELECT DISTINCT period FROM {Results(periodsOf)})");

    private static string Results(string output) =>
        $"read_parquet({DuckDb.Literal(Path.Combine(output, "restricted", "kpi_results") + "/*/*.parquet")}, hive_partitioning = true)";

    private static async Task<string> QueryAsync(string output, string row, string where)
    {
        var result = await DuckDb.QueryAsync(
            $"SELECT count(*) AS n, string_agg(r, '\n' ORDER BY r) AS rows FROM (SELECT {row} AS r " +
            $"FROM {Results(output)} WHERE {where})");
        return $"{result[0, "n"].GetRawText()} rows\n{result[0, "rows"].GetString()}";
    }
}
