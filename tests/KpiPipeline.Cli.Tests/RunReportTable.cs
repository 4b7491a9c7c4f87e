using KpiPipeline.Pipeline.Offline;
using KpiPipeline.Testing;

namespace KpiPipeline.Cli.Tests;

/// <summary>
/// One row of a run's <c>reports/files.csv</c>: a file's outcome, the rules its report counts, its full report (if written),
/// whether the KPIs read it.
/// </summary>
public sealed record RunReportRow(string FileName, bool Accepted, IReadOnlyList<string> Rules, int ErrorCount, string? Report, bool Used);

/// <summary>Reads the table of files a <c>kpi process</c> run wrote, through DuckDB (as an analyst would).</summary>
public static class RunReportTable
{
    public static async Task<IReadOnlyDictionary<string, RunReportRow>> ReadAsync(string output) =>
        (await RowsAsync(output)).ToDictionary(r => r.FileName, StringComparer.Ordinal);

    /// <summary>Every row, in the table's order (two files can read alike when their names are not UTF-8).</summary>
    public static async Task<IReadOnlyList<RunReportRow>> RowsAsync(string output)
    {
        var table = Path.Combine(output, "reports", OfflineProcessor.FileTableName);
        var rows = await DuckDb.QueryAsync(
            $"SELECT file_name, outcome, coalesce(counts_by_rule, '') AS rules, error_count, report, used " +
            $"FROM read_csv({DuckDb.Literal(table)}, header = true, all_varchar = true, quote = '\"', escape = '\"')");
        return [.. rows.Rows.Select(r => new RunReportRow(
                r.GetProperty("file_name").GetString()!,
                r.GetProperty("outcome").GetString() == "accepted",
                [.. r.GetProperty("rules").GetString()!.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(c => c[..c.IndexOf(':', StringComparison.Ordinal)])],
                int.Parse(r.GetProperty("error_count").GetString()!, System.Globalization.CultureInfo.InvariantCulture),
                r.GetProperty("report").GetString(),
                r.GetProperty("used").GetString() switch
                {
                    "true" => true,
                    "false" => false,
                    var other => throw new InvalidDataException($"files.csv: used is '{other}', not true or false"),
                }))];
    }
}
