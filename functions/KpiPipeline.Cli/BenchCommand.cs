using System.CommandLine;
using System.Globalization;
using KpiPipeline.Cli.Benchmarks;
using KpiPipeline.Synthetic;

namespace KpiPipeline.Cli;

/// <summary>
/// <c>kpi bench</c> (docs/benchmarks.md): <c>kpi process</c> against DuckDB computing the same KPI subset from the same
/// CSV files to Parquet with the same thread count; checks that both agree and prints times, ratio, peak memory and rows/s.
/// </summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var data = new Option<DirectoryInfo>("--data") { Description = "Folder with returns/ and reference/; generated there first when returns/ is missing", Required = true };
        var work = new Option<DirectoryInfo?>("--work") { Description = "Folder for both sides' outputs, kept (default: a new temporary folder, removed at the end)" };
        var runs = new Option<int>("--runs") { Description = "Repeats; the median is reported", DefaultValueFactory = _ => 3 };
        var threads = new Option<int>("--threads") { Description = "Threads for both sides", DefaultValueFactory = _ => Environment.ProcessorCount };
        var asOf = new Option<string?>("--as-of") { Description = "As-of date YYYY-MM-DD (default: the last day of the latest month)" };
        var synthetic = new SyntheticOptionsArguments(defaultPreset: "national");
        var command = new Command("bench", "Time kpi process against DuckDB on the same returns and check that both give the same KPIs")
        {
            data, work, runs, threads, asOf,
        };
        synthetic.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (!BenchData.TryParseAsOf(parse.GetValue(asOf), Console.Error, out var asOfDate))
            {
                return 2;
            }

            var generation = synthetic.Resolve(parse) with { MaxDegreeOfParallelism = Environment.ProcessorCount };
            var (workFolder, keep) = BenchData.WorkFolder(parse.GetValue(work), "kpi-bench");
            var options = new BenchmarkOptions(parse.GetValue(data)!.FullName, workFolder, parse.GetValue(runs), parse.GetValue(threads), asOfDate);
            return await RunAsync(options, generation, keep, Console.Out, cancellationToken);
        });
        return command;
    }

    /// <summary>
    /// Generates the data when missing, runs the benchmark and prints its report; 0 when both sides agree, 1 when not. The
    /// work folder (DuckDB's outputs) is removed at the end unless <paramref name="keepWork"/> (<c>--work</c> given).
    /// </summary>
    public static async Task<int> RunAsync(BenchmarkOptions options, SyntheticOptions generation, bool keepWork, TextWriter stdout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(generation);
        ArgumentNullException.ThrowIfNull(stdout);
        if (options.Runs < 1 || options.Threads < 1)
        {
            await stdout.WriteLineAsync("--runs and --threads must be at least 1.");
            return 2;
        }

        await BenchData.EnsureGeneratedAsync(options.DataFolder, generation, stdout, cancellationToken);

        try
        {
            var result = await BenchmarkRunner.RunAsync(options, stdout, cancellationToken);
            WriteReport(stdout, result);
            return result.Comparison.Agree ? 0 : 1;
        }
        finally
        {
            BenchData.RemoveWorkFolder(options.WorkFolder, keepWork);
        }
    }

    private static void WriteReport(TextWriter stdout, BenchmarkResult result)
    {
        var c = CultureInfo.InvariantCulture;
        var input = result.Input;
        var project = result.MedianProject.TotalSeconds;
        var duck = result.MedianDuckDb.TotalSeconds;
        stdout.WriteLine();
        stdout.WriteLine(string.Create(c, $"Input: {input.Files:N0} files, {input.Bytes / 1_048_576.0:0.0} MiB: {input.EpisodeRows:N0} episode rows, {input.ReviewRows:N0} reviews, {input.NspRows:N0} NSP transactions, {input.WorkforceRows:N0} workforce rows ({input.TotalRows:N0} rows); as-of {result.AsOf:yyyy-MM-dd}; {result.Threads} threads; {Environment.ProcessorCount} cores"));
        stdout.WriteLine(string.Create(c, $"Median of {result.Runs.Count} runs: project {project:0.00} s, DuckDB {duck:0.00} s, ratio {result.Ratio:0.00} (project / DuckDB; at most 1.00 means the project is as fast or faster)"));
        stdout.WriteLine(string.Create(c, $"DuckDB reading every episodes.csv and folding the months, nothing else: median {result.MedianDuckDbReadAndFold.TotalSeconds:0.00} s; ratio {result.ReadAndFoldRatio:0.00} (project / that)"));
        stdout.WriteLine(string.Create(c, $"The project's CSV reader reading and splitting every return file (all four kinds), nothing checked: median {result.MedianProjectReadAndSplit.TotalSeconds:0.00} s (the floor under validation; the rest of the project's time is checking, pseudonymising, folding, computing and publishing)"));
        stdout.WriteLine(string.Create(c, $"Processor time (user and system, every thread): project median {result.MedianProjectCpu.TotalSeconds:0.00} s, DuckDB reading and folding {result.MedianDuckDbReadAndFoldCpu.TotalSeconds:0.00} s; ratio {result.ReadAndFoldCpuRatio:0.00} (moves less with the machine than the times above)"));
        var phases = result.MedianProjectPhases;
        stdout.WriteLine(string.Create(c, $"The project's processor time by phase (medians): validation and folding {phases.Validation.TotalSeconds:0.00} s, KPIs {phases.Kpis.TotalSeconds:0.00} s, publishing {phases.Publishing.TotalSeconds:0.00} s"));
        if (result.PublishingParts is { } parts)
        {
            stdout.WriteLine(string.Create(c, $"Publishing's parts timed alone (one thread, fastest of {BenchmarkRunner.PartsRepeats}, nothing written to disk): rows built {parts.Rows.TotalSeconds:0.000} s, restricted Parquet {parts.RestrictedParquet.TotalSeconds:0.000} s ({parts.RestrictedRows:N0} rows), disclosure control {parts.Disclosure.TotalSeconds:0.000} s, public Parquet {parts.PublicParquet.TotalSeconds:0.000} s ({parts.PublicRows:N0} rows; {parts.ParquetBytes / 1_048_576.0:0.0} MiB of Parquet in all), scorecards {parts.Scorecards.TotalSeconds:0.000} s ({parts.Pages:N0} pages, {parts.PageBytes / 1_048_576.0:0.0} MiB); {parts.Total.TotalSeconds:0.000} s in all"));
        }

        stdout.WriteLine(string.Create(c, $"Project peak memory: {result.PeakProjectBytes / 1_048_576.0:0} MiB ({result.PeakProjectBytes / 1_073_741_824.0:0.00} GiB) resident; {result.LiveProjectBytes / 1_048_576.0:0} MiB managed heap live after the run with its results held"));
        stdout.WriteLine(string.Create(c, $"Throughput: project {input.TotalRows / project:N0} rows/s, DuckDB {input.TotalRows / duck:N0} rows/s"));
        var monthly = result.MonthlyReturn;
        stdout.WriteLine(string.Create(c, $"One monthly return of {monthly.Episodes:N0} episodes through validation and pseudonymisation (warm): {monthly.Warm.TotalMilliseconds:0} ms ({(monthly.Accepted ? "accepted" : "rejected")})"));
        var comparison = result.Comparison;
        stdout.WriteLine(comparison.Agree
            ? string.Create(c, $"Agreement: all {comparison.Compared:N0} compared KPI rows agree ({string.Join(", ", ResultComparison.ComparedKpis.Order(StringComparer.Ordinal))}; provider and area; every quarter and dimension)")
            : string.Create(c, $"Agreement: {comparison.DifferenceCount:N0} differences in {comparison.Compared:N0} compared KPI rows; the first:"));
        foreach (var difference in comparison.Differences)
        {
            stdout.WriteLine("  " + difference);
        }
    }
}
