using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using DuckDB.NET.Data;

namespace KpiPipeline.Cli.Benchmarks;

/// <summary>
/// What one DuckDB run took: its own timing from raw CSV to the finished Parquet file, the rows it wrote, and, in a fresh
/// database, the time of reading every episodes.csv and folding the months alone (<paramref name="ReadAndFold"/>) with the
/// processor time all of DuckDB's threads spent on it (<paramref name="ReadAndFoldCpu"/>).
/// </summary>
public sealed record DuckDbRun(TimeSpan Elapsed, long KpiRows, string ResultCsv, TimeSpan ReadAndFold, TimeSpan ReadAndFoldCpu);

/// <summary>
/// The DuckDB side of <c>kpi bench</c>: bench-kpis.sql run by DuckDB (DuckDB.NET, in process) with the given thread count.
/// <see cref="RunAsync"/> runs it in a child <c>kpi</c> process (the hidden <c>bench-duckdb</c> command), so DuckDB's memory
/// never counts towards the project's peak measured in the benchmark's own process; the time is DuckDB's own, measured
/// inside the child, so the child's start-up does not count against DuckDB.
/// </summary>
public static class DuckDbSide
{
    private const string CommandName = "bench-duckdb";

    public static async Task<DuckDbRun> RunAsync(
        string returns, string reference, DateOnly asOf, string workFolder, int threads, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(workFolder);
        var parquet = Path.Combine(workFolder, "duckdb_kpi_results.parquet");
        var csv = Path.Combine(workFolder, "duckdb_kpi_results.csv");
        var start = SelfStartInfo();
        foreach (var argument in new[]
                 {
                     CommandName, returns, reference, asOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), parquet, csv,
                     threads.ToString(CultureInfo.InvariantCulture),
                 })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the DuckDB side of the benchmark.");
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
        var fold = json.RootElement.GetProperty("fold_seconds").GetDouble();
        var foldCpu = json.RootElement.GetProperty("fold_cpu_seconds").GetDouble();
        return new DuckDbRun(TimeSpan.FromSeconds(seconds), rows, csv, TimeSpan.FromSeconds(fold), TimeSpan.FromSeconds(foldCpu));
    }

    /// <summary>
    /// The hidden <c>kpi bench-duckdb</c> command the child runs: prints <c>{"seconds": …, "rows": …, "fold_seconds": …,
    /// "fold_cpu_seconds": …}</c>, the last the processor time of the whole child (DuckDB's threads are its threads) while
    /// it opened a fresh database, read and folded.
    /// </summary>
    public static Command CreateCommand()
    {
        var returns = new Argument<string>("returns");
        var reference = new Argument<string>("reference");
        var asOf = new Argument<string>("as-of");
        var parquet = new Argument<string>("out-parquet");
        var csv = new Argument<string>("out-csv");
        var threads = new Argument<int>("threads");
        var command = new Command(CommandName, "The DuckDB side of kpi bench (run by kpi bench in a child process)")
        {
            returns, reference, asOf, parquet, csv, threads,
        };
        command.Hidden = true;
        command.SetAction(parse =>
        {
            var (seconds, rows) = Run(parse.GetValue(returns)!, parse.GetValue(reference)!, parse.GetValue(asOf)!,
                parse.GetValue(parquet)!, parse.GetValue(csv)!, parse.GetValue(threads));
            var cpuBefore = Environment.CpuUsage.TotalTime;
            var fold = Execute(ReadSql("bench-fold.sql").Replace("{{returns}}", Quote(parse.GetValue(returns)!), StringComparison.Ordinal), parse.GetValue(threads));
            var foldCpu = Environment.CpuUsage.TotalTime - cpuBefore;
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{{\"seconds\": {seconds:R}, \"rows\": {rows}, \"fold_seconds\": {fold.TotalSeconds:R}, \"fold_cpu_seconds\": {foldCpu.TotalSeconds:R}}}"));
            return 0;
        });
        return command;
    }

    /// <summary>Runs one SQL text (any number of statements) in a fresh in-memory DuckDB with the given threads and times it.</summary>
    public static TimeSpan Execute(string sql, int threads)
    {
        using var connection = Open(threads);
        return Time(connection, sql);
    }

    /// <summary>Quotes a path as a DuckDB string literal's content.</summary>
    public static string Quote(string path) => path.Replace('\\', '/').Replace("'", "''", StringComparison.Ordinal);

    private static (double Seconds, long Rows) Run(string returns, string reference, string asOf, string parquet, string csv, int threads)
    {
        var sql = ReadSql("bench-kpis.sql")
            .Replace("{{returns}}", Quote(returns), StringComparison.Ordinal)
            .Replace("{{reference}}", Quote(reference), StringComparison.Ordinal)
            .Replace("{{asof}}", asOf, StringComparison.Ordinal)
            .Replace("{{out}}", Quote(parquet), StringComparison.Ordinal);
        using var connection = Open(threads);
        var seconds = Time(connection, sql).TotalSeconds;
        Time(connection, $"COPY (SELECT * FROM read_parquet('{Quote(parquet)}')) TO '{Quote(csv)}' (HEADER, DELIMITER ',');");
        using var count = connection.CreateCommand();
        count.CommandText = $"SELECT count(*) FROM read_parquet('{Quote(parquet)}')";
        return (seconds, Convert.ToInt64(count.ExecuteScalar(), CultureInfo.InvariantCulture));
    }

    private static DuckDBConnection Open(int threads)
    {
        var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        Time(connection, string.Create(CultureInfo.InvariantCulture, $"SET threads = {threads};"));
        return connection;
    }

    private static TimeSpan Time(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        var clock = Stopwatch.StartNew();
        command.ExecuteNonQuery();
        return clock.Elapsed;
    }

    private static string ReadSql(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("KpiPipeline.Cli.Benchmarks." + name)
                           ?? throw new InvalidOperationException($"{name} is not embedded in the kpi assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>Starts this same kpi (its apphost, or <c>dotnet kpi.dll</c> when run that way).</summary>
    private static ProcessStartInfo SelfStartInfo()
    {
        var host = Environment.ProcessPath ?? throw new InvalidOperationException("The path of this process is unknown.");
        var start = new ProcessStartInfo(host) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        if (Path.GetFileNameWithoutExtension(host).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            start.ArgumentList.Add(Assembly.GetExecutingAssembly().Location);
        }

        return start;
    }
}
