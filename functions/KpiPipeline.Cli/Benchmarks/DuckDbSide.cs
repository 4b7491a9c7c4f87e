using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using KpiPipeline.LocalRun;

namespace KpiPipeline.Cli.Benchmarks;

/// <summary>What one DuckDB run took: its own timing from raw CSV to the finished Parquet file, and the rows it wrote.</summary>
public sealed record DuckDbRun(TimeSpan Elapsed, long KpiRows, string ResultCsv);

/// <summary>
/// Runs scripts/node/bench-duckdb.mjs (bench-kpis.sql) in a Node child process with the given thread count.
/// The time is DuckDB's own, measured inside the child, so Node's start-up does not count against DuckDB.
/// </summary>
public static class DuckDbSide
{
    public static async Task<DuckDbRun> RunAsync(
        string returns, string reference, DateOnly asOf, string workFolder, int threads, CancellationToken cancellationToken)
    {
        await NodeTools.EnsureInstalledAsync("@duckdb/node-api", cancellationToken);
        var root = NodeTools.FindToolsRoot();
        Directory.CreateDirectory(workFolder);
        var parquet = Path.Combine(workFolder, "duckdb_kpi_results.parquet");
        var csv = Path.Combine(workFolder, "duckdb_kpi_results.csv");
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = root,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[]
                 {
                     Path.Combine(root, "scripts", "node", "bench-duckdb.mjs"), returns, reference,
                     asOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), parquet, csv,
                     threads.ToString(CultureInfo.InvariantCulture),
                 })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start node.");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"The DuckDB benchmark failed (exit {process.ExitCode}): {await stderr}");
        }

        using var json = JsonDocument.Parse(await stdout);
        var seconds = json.RootElement.GetProperty("seconds").GetDouble();
        var rows = json.RootElement.GetProperty("rows").GetInt64();
        return new DuckDbRun(TimeSpan.FromSeconds(seconds), rows, csv);
    }
}
