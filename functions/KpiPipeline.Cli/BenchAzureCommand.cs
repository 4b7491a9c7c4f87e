using System.CommandLine;
using System.Globalization;
using KpiPipeline.Cli.Benchmarks;
using KpiPipeline.Synthetic;

namespace KpiPipeline.Cli;

/// <summary>
/// <c>kpi bench-azure</c> (docs/benchmarks.md): the function app in the published worker on Azurite, driven by the host
/// stand-in, against <c>kpi process</c> on the same returns: uploads per second through IngestReturn, ComputeKpis' time
/// and the worker's peak memory, the ratio to <c>kpi process</c>, and every published row compared.
/// </summary>
public static class BenchAzureCommand
{
    public static Command Create()
    {
        var data = new Option<DirectoryInfo>("--data") { Description = "Folder with returns/ and reference/; generated there first when returns/ is missing", Required = true };
        var work = new Option<DirectoryInfo?>("--work") { Description = "Folder for Azurite's files and both sides' outputs (default: a new temporary folder, deleted at the end)" };
        var asOf = new Option<string?>("--as-of") { Description = "As-of date YYYY-MM-DD (default: the last day of the latest month)" };
        var workerMonths = new Option<int?>("--worker-months")
        {
            Description = "How many of the latest months go through IngestReturn in the worker (default: all); the earlier ones are seeded as the providers' states from kpi process's folds",
        };
        var concurrency = new Option<int>("--concurrency") { Description = "IngestReturn invocations in flight at once", DefaultValueFactory = _ => 8 };
        var kill = new Option<bool>("--kill-worker")
        {
            Description = "Kill the worker (SIGKILL) in the last month: halfway through its ingest, and right after the first episodes state write of its refreshes; the stand-in starts a new one",
        };
        var duplicates = new Option<bool>("--duplicate-events") { Description = "Deliver every fifth blob event twice at once (Event Grid delivers at least once)" };
        var synthetic = new SyntheticOptionsArguments(defaultPreset: "demo");
        var command = new Command("bench-azure", "Run the function app through the host stand-in on Azurite against kpi process on the same returns")
        {
            data, work, asOf, workerMonths, concurrency, kill, duplicates,
        };
        synthetic.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (!BenchData.TryParseAsOf(parse.GetValue(asOf), Console.Error, out var asOfDate))
            {
                return 2;
            }

            var (workFolder, keep) = BenchData.WorkFolder(parse.GetValue(work), "kpi-bench-azure");
            var options = new AzureBenchOptions(
                parse.GetValue(data)!.FullName,
                workFolder,
                asOfDate, parse.GetValue(workerMonths), parse.GetValue(concurrency), parse.GetValue(kill), parse.GetValue(duplicates));
            return await RunAsync(options, synthetic.Resolve(parse) with { MaxDegreeOfParallelism = Environment.ProcessorCount }, keep, Console.Out, cancellationToken);
        });
        return command;
    }

    /// <summary>Generates the data when missing, runs the benchmark and prints its report; 0 when nothing was lost and every row is identical.</summary>
    public static async Task<int> RunAsync(AzureBenchOptions options, SyntheticOptions generation, bool keepWork, TextWriter stdout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(generation);
        ArgumentNullException.ThrowIfNull(stdout);
        if (options.Concurrency < 1)
        {
            await stdout.WriteLineAsync("--concurrency must be at least 1.");
            return 2;
        }

        await BenchData.EnsureGeneratedAsync(options.DataFolder, generation, stdout, cancellationToken);

        try
        {
            var result = await AzureBenchRunner.RunAsync(options, stdout, cancellationToken);
            WriteReport(stdout, result, options);
            return result.Passed ? 0 : 1;
        }
        finally
        {
            BenchData.RemoveWorkFolder(options.WorkFolder, keepWork);
        }
    }

    private static void WriteReport(TextWriter stdout, AzureBenchResult r, AzureBenchOptions options)
    {
        var c = CultureInfo.InvariantCulture;
        stdout.WriteLine();
        stdout.WriteLine(string.Create(c, $"Returns: {r.Providers} providers, {r.SeededMonths + r.WorkerMonths} months; as-of {r.AsOf:yyyy-MM-dd}; {Environment.ProcessorCount} cores"));
        if (r.SeededMonths > 0)
        {
            stdout.WriteLine(string.Create(c, $"Seeded history: {r.SeededMonths} months, {r.SeededFiles:N0} files, written as the providers' states from kpi process's folds in {r.Seeding.TotalSeconds:0.0} s"));
        }

        if (r.IngestedFiles > 0)
        {
            stdout.WriteLine(string.Create(c,
                $"Ingest through the worker: {r.IngestedFiles:N0} files of {r.WorkerMonths} months in {r.Ingest.TotalSeconds:0.0} s, {r.UploadsPerSecond:0.0} uploads/s ({options.Concurrency} IngestReturn invocations at once{(options.DuplicateEvents ? ", every fifth event twice" : string.Empty)}{(options.KillWorker ? $", worker killed during the last month's ingest and its state refreshes, {r.WorkerRestarts} restarts" : string.Empty)})"));
            stdout.WriteLine(string.Create(c, $"State refreshes: {r.Refreshes:N0} RefreshProviderState invocations in {r.RefreshDrain.TotalSeconds:0.0} s after the ingests"));
            stdout.WriteLine(r.IngestProblems.Count == 0
                ? "Nothing lost or done twice: every upload completed once in the ledger, listed once for its state, notified (twice only where a kill fell between sending and recording); returns empty; every state current with its tables" +
                  (options.VerifyRebuild && r.SeededMonths == 0 ? " and identical to a rebuild from the curated files" : string.Empty)
                : $"PROBLEMS after the ingest: {r.IngestProblems.Count} (listed above)");
        }

        stdout.WriteLine(string.Create(c, $"ComputeKpis through the worker: {r.ComputeKpis.TotalSeconds:0.00} s; worker peak resident memory {r.WorkerPeakBytes / 1_048_576.0:0} MiB ({r.WorkerBaselineBytes / 1_048_576.0:0} MiB before)"));
        if (r.ComputeKpisAlone is { } alone)
        {
            stdout.WriteLine(string.Create(c,
                $"ComputeKpis in a new worker of its own (as Flex Consumption runs a timer function): {alone.Time.TotalSeconds:0.00} s; worker peak resident memory {alone.PeakBytes / 1_048_576.0:0} MiB ({alone.BaselineBytes / 1_048_576.0:0} MiB before)"));
        }

        stdout.WriteLine(string.Create(c, $"kpi process on the same returns: {r.Process.TotalSeconds:0.00} s (peak {r.ProcessPeakBytes / 1_048_576.0:0} MiB)"));
        stdout.WriteLine(string.Create(c, $"Ratio ComputeKpis / kpi process: {r.Ratio:0.00}"));
        stdout.WriteLine((r.Rows.Identical ? "Published rows identical: " : "Published rows DIFFER: ") + r.Rows);
    }
}
