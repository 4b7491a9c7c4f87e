using System.Diagnostics;
using System.Globalization;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using KpiPipeline.Core.Dataset;
using KpiPipeline.Core.Pseudonymisation;
using KpiPipeline.LocalRun.FunctionsHost;
using KpiPipeline.Pipeline;
using KpiPipeline.Pipeline.Compute;
using KpiPipeline.Pipeline.Ingest;
using KpiPipeline.Pipeline.Memory;
using KpiPipeline.Pipeline.Offline;
using KpiPipeline.Pipeline.Publishing;
using KpiPipeline.Pipeline.State;
using KpiPipeline.Pipeline.Storage;

namespace KpiPipeline.Cli.Benchmarks;

/// <summary>The inputs of <c>kpi bench-azure</c>.</summary>
/// <param name="DataFolder">Folder with returns/ and reference/.</param>
/// <param name="WorkFolder">Azurite's files, both sides' outputs.</param>
/// <param name="WorkerMonths">The last months that go through IngestReturn in the worker; the earlier ones are seeded (<see cref="StateSeeder"/>). Null: every month.</param>
/// <param name="Concurrency">IngestReturn invocations in flight at once.</param>
/// <param name="KillWorker">
/// Kill the worker (SIGKILL) twice in the last month: from outside halfway through its ingest, and by itself right after it
/// wrote the first provider's episodes state of that month's refreshes (the provider's other kinds not yet written); the
/// stand-in starts a new worker each time.
/// </param>
/// <param name="DuplicateEvents">Deliver every fifth blob event twice at once, as Event Grid may.</param>
/// <param name="VerifyRebuild">Check that every provider's state is what a rebuild from the curated files gives (needs every month through the worker).</param>
public sealed record AzureBenchOptions(
    string DataFolder, string WorkFolder, DateOnly? AsOf = null, int? WorkerMonths = null, int Concurrency = 8, bool KillWorker = false,
    bool DuplicateEvents = false, bool VerifyRebuild = true);

/// <summary>One ComputeKpis through the worker: its time, and the worker's peak resident memory and that before it started.</summary>
public sealed record ComputeMeasurement(TimeSpan Time, long PeakBytes, long BaselineBytes);

/// <summary>What <c>kpi bench-azure</c> measured.</summary>
public sealed record AzureBenchResult(
    DateOnly AsOf,
    int Providers,
    int SeededMonths,
    int WorkerMonths,
    int SeededFiles,
    TimeSpan Seeding,
    int IngestedFiles,
    TimeSpan Ingest,
    int Refreshes,
    TimeSpan RefreshDrain,
    int WorkerRestarts,
    IReadOnlyList<string> IngestProblems,
    TimeSpan ComputeKpis,
    long WorkerPeakBytes,
    long WorkerBaselineBytes,
    ComputeOutcome Compute,
    TimeSpan Process,
    long ProcessPeakBytes,
    PublishedComparison Rows)
{
    /// <summary>ComputeKpis again, in a new worker that has done nothing else (as Flex Consumption runs a timer function).</summary>
    public ComputeMeasurement? ComputeKpisAlone { get; init; }

    public double UploadsPerSecond => IngestedFiles / Ingest.TotalSeconds;

    public double Ratio => ComputeKpis.TotalSeconds / Process.TotalSeconds;

    public bool Passed => IngestProblems.Count == 0 && Rows.Identical;
}

/// <summary>
/// <c>kpi bench-azure</c>: the deployed path against <c>kpi process</c> on the same returns. Starts Azurite (on disk) and
/// the published worker through the host stand-in, seeds the earlier months' history if asked, uploads each later month's
/// files (with the upload times <c>kpi process</c> assumes, so DQ01 reads alike), delivers their blob events to
/// IngestReturn with N in flight at once (a provider's files side by side, so they race), works off the provider-state
/// queue after each month, checks that nothing was lost or done twice, fires ComputeKpis measuring its time and the worker's
/// peak resident memory, runs <c>kpi process</c> on the same returns, and compares every published row with DuckDB.
/// </summary>
public static class AzureBenchRunner
{
    private static readonly string[] ReferenceFiles = ["providers.csv", "areas.csv", "targets.csv"];

    public static async Task<AzureBenchResult> RunAsync(AzureBenchOptions options, TextWriter progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(progress);
        var returnsFolder = Path.Combine(options.DataFolder, "returns");
        var referenceFolder = Path.Combine(options.DataFolder, "reference");
        var asOf = options.AsOf ?? BenchmarkRunner.LastDayOfLatestMonth(returnsFolder);
        var files = OfflineProcessor.ReturnFilesInUploadOrder(returnsFolder).Where(f => f.Path is not null).ToList();
        var months = files.Select(f => f.Path!.Month).Distinct().Order().ToList();
        var workerMonths = Math.Clamp(options.WorkerMonths ?? months.Count, 0, months.Count);
        var seededMonths = months.Take(months.Count - workerMonths).ToHashSet();
        Directory.CreateDirectory(options.WorkFolder);

        // The worker kills itself after a state write only while this file is missing: it is removed for the last month.
        var killMarker = Path.Combine(options.WorkFolder, "state-kill-disarmed");
        await File.WriteAllTextAsync(killMarker, "disarmed", cancellationToken);
        var settings = new Dictionary<string, string?>
        {
            [$"{KpiPipelineOptions.Section}:{nameof(KpiPipelineOptions.ComputeAsOf)}"] = asOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        };
        if (options.KillWorker)
        {
            settings["KpiPipeline:StateFaults:KillAt"] = "AfterWrite";
            settings["KpiPipeline:StateFaults:Kind"] = nameof(ReturnFileKind.Episodes);
            settings["KpiPipeline:StateFaults:Marker"] = killMarker;
        }

        await using var local = await LocalPipeline.StartAsync(progress, Path.Combine(options.WorkFolder, "azurite"), cancellationToken, settings);
        var storage = PipelineStorage.Connect(StorageAccountSettings.FromConnectionString(local.Azurite.ConnectionString));
        await storage.EnsureCreatedAsync(cancellationToken);
        foreach (var name in ReferenceFiles.Where(n => File.Exists(Path.Combine(referenceFolder, n))))
        {
            await storage.Reference.GetBlobClient(name).UploadAsync(Path.Combine(referenceFolder, name), overwrite: true, cancellationToken);
        }

        // The earlier months' history, straight into storage from kpi process's folds.
        var seeding = TimeSpan.Zero;
        var seededFiles = files.Count(f => seededMonths.Contains(f.Path!.Month));
        if (seededMonths.Count > 0)
        {
            var clock = Stopwatch.StartNew();
            var history = Path.Combine(options.WorkFolder, "seed-returns");
            LinkFiles(files.Where(f => seededMonths.Contains(f.Path!.Month)).Select(f => (f.BlobName, f.FullPath)), history);
            var seeder = new StateSeeder(storage);
            await OfflineProcessor.RunAsync(
                new OfflineRunOptions(history, referenceFolder, Path.Combine(options.WorkFolder, "seed-out"), asOf, PseudonymisationSecrets.Development, Hooks: seeder),
                cancellationToken);
            await seeder.CompleteAsync(cancellationToken);
            seeding = clock.Elapsed;
            await progress.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"Seeded {seededMonths.Count} months ({seededFiles:N0} files) of {seeder.Providers} providers' history as their states in {seeding.TotalSeconds:0.0} s"));
        }

        // The later months through the worker, month by month.
        var ingestClock = new Stopwatch();
        var drainClock = new Stopwatch();
        var ingested = new List<(string BlobName, string ETag)>();
        var refreshes = 0;
        var lastMonth = months.Count == 0 ? default : months[^1];
        foreach (var month in months.Where(m => !seededMonths.Contains(m)))
        {
            var ofMonth = files.Where(f => f.Path!.Month == month).OrderBy(f => f.Path!.ProviderCode, StringComparer.Ordinal).ThenBy(f => f.Path!.Kind).ToList();
            var etags = await UploadAsync(storage.Returns, ofMonth.Select(f => (f.BlobName, f.FullPath, f.Path!)), cancellationToken);
            ingestClock.Start();
            await DeliverAsync(local.Host, ofMonth.Select(f => f.BlobName).ToList(), options, kill: options.KillWorker && month == lastMonth, cancellationToken);
            ingestClock.Stop();
            if (options.KillWorker && month == lastMonth)
            {
                File.Delete(killMarker);
            }

            drainClock.Start();
            var drained = await local.Host.DrainQueuesAsync(cancellationToken);
            drainClock.Stop();
            refreshes += drained.Count;
            ingested.AddRange(etags);
            await progress.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"  {month}: {ofMonth.Count} files ingested, {drained.Count} state refreshes ({drained.Count(r => !r.Succeeded)} failed attempts); so far {ingestClock.Elapsed.TotalSeconds:0.0} s ingest, {drainClock.Elapsed.TotalSeconds:0.0} s refresh"));
        }

        var problems = await VerifyAsync(storage, ingested, options.VerifyRebuild && seededMonths.Count == 0, options.KillWorker, progress, cancellationToken);
        foreach (var problem in problems.Take(20))
        {
            await progress.WriteLineAsync("  PROBLEM: " + problem);
        }

        // ComputeKpis in the worker, its time and the worker's peak resident memory.
        var (first, outcome) = await MeasureComputeAsync(local.Host, cancellationToken);
        await progress.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"ComputeKpis through the worker: {first.Time.TotalSeconds:0.00} s ({outcome.Summary}); worker peak {first.PeakBytes / 1_048_576.0:0} MiB"));
        var restarts = local.Host.WorkerRestarts;
        var alone = await ComputeInNewWorkerAsync(local.Host, storage, cancellationToken);
        await progress.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"ComputeKpis again in a new worker, everything published again: {alone.Time.TotalSeconds:0.00} s; worker peak {alone.PeakBytes / 1_048_576.0:0} MiB"));

        // kpi process on the same returns, in this process.
        var processOut = Path.Combine(options.WorkFolder, "process-out");
        PeakMemory.Reset();
        var processClock = Stopwatch.StartNew();
        await OfflineProcessor.RunAsync(
            new OfflineRunOptions(returnsFolder, referenceFolder, processOut, asOf, PseudonymisationSecrets.Development, Hooks: new ReturnMemoryBetweenPhases()),
            cancellationToken);
        var processTime = processClock.Elapsed;
        var processPeak = PeakMemory.PeakBytes();
        await progress.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"kpi process on the same returns: {processTime.TotalSeconds:0.00} s"));

        var published = Path.Combine(options.WorkFolder, "published");
        await BlobPublicationStore.CopyToFolderAsync(storage.Published, published, cancellationToken);
        var rows = PublishedComparison.Compare(published, processOut);
        return new AzureBenchResult(
            asOf, files.Select(f => f.Path!.ProviderCode).Distinct().Count(), seededMonths.Count, months.Count - seededMonths.Count, seededFiles, seeding,
            ingested.Count, ingestClock.Elapsed, refreshes, drainClock.Elapsed, restarts, problems,
            first.Time, first.PeakBytes, first.BaselineBytes, outcome, processTime, processPeak, rows)
        {
            ComputeKpisAlone = alone,
        };
    }

    /// <summary>
    /// ComputeKpis once more in a new worker that has done nothing else, as Flex Consumption runs it: a timer-triggered
    /// function scales on instances of its own, apart from the blob and queue triggers that ingest (docs/benchmarks.md).
    /// The last run's fingerprint and every published file are removed first, so the run computes and uploads everything.
    /// </summary>
    private static async Task<ComputeMeasurement> ComputeInNewWorkerAsync(FunctionsHostStandIn host, PipelineStorage storage, CancellationToken cancellationToken)
    {
        await storage.Curated.GetBlobClient(KpiComputeService.LastRunBlob).DeleteIfExistsAsync(cancellationToken: cancellationToken);
        await foreach (var blob in storage.Published.GetBlobsAsync(cancellationToken: cancellationToken))
        {
            await storage.Published.GetBlobClient(blob.Name).DeleteIfExistsAsync(cancellationToken: cancellationToken);
        }

        var restarts = host.WorkerRestarts;
        host.KillWorker();
        while (host.WorkerRestarts == restarts)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }

        return (await MeasureComputeAsync(host, cancellationToken)).Measured;
    }

    /// <summary>Fires ComputeKpis in the current worker (once it runs): its time and the worker's peak resident memory.</summary>
    private static async Task<(ComputeMeasurement Measured, ComputeOutcome Outcome)> MeasureComputeAsync(FunctionsHostStandIn host, CancellationToken cancellationToken)
    {
        await host.WaitForWorkerAsync(cancellationToken);
        var worker = host.WorkerProcessId.ToString(CultureInfo.InvariantCulture);
        PeakMemory.Reset(worker);
        var baseline = PeakMemory.PeakBytes(worker);
        var clock = Stopwatch.StartNew();
        var compute = await host.FireTimerAsync("ComputeKpis", cancellationToken);
        var time = clock.Elapsed;
        var peak = PeakMemory.PeakBytes(worker);
        return compute.Succeeded
            ? (new ComputeMeasurement(time, peak, baseline), compute.Outcome<ComputeOutcome>())
            : throw new InvalidOperationException($"ComputeKpis failed in worker {worker}: {compute.Exception}");
    }

    /// <summary>Symbolic links to the given files under <paramref name="folder"/>, at their blob names (kpi process reads a link to a file as the file).</summary>
    private static void LinkFiles(IEnumerable<(string BlobName, string FullPath)> files, string folder)
    {
        foreach (var (blobName, fullPath) in files)
        {
            var target = Path.Combine(folder, blobName.Replace('/', Path.DirectorySeparatorChar));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            if (!File.Exists(target))
            {
                File.CreateSymbolicLink(target, fullPath);
            }
        }
    }

    /// <summary>Uploads a month's files as providers would, each declaring the upload time <c>kpi process</c> assumes (the day after the month).</summary>
    private static async Task<List<(string BlobName, string ETag)>> UploadAsync(
        BlobContainerClient returns, IEnumerable<(string BlobName, string FullPath, ReturnPath Path)> files, CancellationToken cancellationToken)
    {
        var uploaded = new List<(string, string)>();
        var gate = new Lock();
        await Parallel.ForEachAsync(files, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (file, token) =>
        {
            await using var content = File.OpenRead(file.FullPath);
            var result = await returns.GetBlobClient(file.BlobName).UploadAsync(content, new BlobUploadOptions
            {
                HttpHeaders = new BlobHttpHeaders { ContentType = "text/csv" },
                Metadata = new Dictionary<string, string>
                {
                    [ReturnIngestService.DeclaredUploadTimeMetadata] = ReturnFolder.OnTime(file.Path).ToString("O", CultureInfo.InvariantCulture),
                },
            }, token);
            lock (gate)
            {
                uploaded.Add((file.BlobName, ReturnIngestService.UploadIdOf(result.Value.ETag)));
            }
        });
        return uploaded;
    }

    /// <summary>Delivers each blob's event to IngestReturn, <see cref="AzureBenchOptions.Concurrency"/> at once; optionally twice, and with the worker killed halfway.</summary>
    private static async Task DeliverAsync(FunctionsHostStandIn host, IReadOnlyList<string> blobs, AzureBenchOptions options, bool kill, CancellationToken cancellationToken)
    {
        var events = blobs.SelectMany((blob, i) => options.DuplicateEvents && i % 5 == 0 ? new[] { blob, blob } : [blob]).ToList();
        var delivered = 0;
        var killAt = events.Count / 2;
        await Parallel.ForEachAsync(events, new ParallelOptions { MaxDegreeOfParallelism = options.Concurrency, CancellationToken = cancellationToken }, async (blob, token) =>
        {
            if (kill && Interlocked.Increment(ref delivered) == killAt)
            {
                host.KillWorker();
            }

            var result = await host.DeliverBlobCreatedAsync("IngestReturn", blob, token);
            if (result is { Succeeded: false })
            {
                throw new InvalidOperationException($"IngestReturn of {blob} failed {result.Attempts.Count} times: {result.Last.Exception}");
            }
        });
    }

    /// <summary>Every message on the report-notification queue (received, so the queue ends empty), counted by the report it names.</summary>
    private static async Task<Dictionary<string, int>> NotificationsByReportAsync(PipelineStorage storage, CancellationToken cancellationToken)
    {
        var byReport = new Dictionary<string, int>(StringComparer.Ordinal);
        while (true)
        {
            var messages = (await storage.ReportNotifications.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(30), cancellationToken)).Value;
            if (messages.Length == 0)
            {
                return byReport;
            }

            foreach (var message in messages)
            {
                using var json = System.Text.Json.JsonDocument.Parse(message.Body.ToMemory());
                var report = json.RootElement.GetProperty("report").GetString() ?? string.Empty;
                byReport[report] = byReport.GetValueOrDefault(report) + 1;
            }
        }
    }

    /// <summary>
    /// Nothing lost, nothing done twice: every upload completed exactly once in the ledger and listed for its provider's
    /// state, every raw upload gone from <c>returns</c>, a report notification for every upload (a second one only where a
    /// worker was killed between sending it and recording it, docs/ingest.md step 5), and every provider's state
    /// current with the tables (a refresh writes nothing) and, when every month went through the worker, what a rebuild
    /// from the curated files gives, byte for byte.
    /// </summary>
    private static async Task<List<string>> VerifyAsync(
        PipelineStorage storage, List<(string BlobName, string ETag)> ingested, bool rebuild, bool killed, TextWriter progress, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        var ledger = new SubmissionLedger(storage.Ledger);
        var notified = await NotificationsByReportAsync(storage, cancellationToken);
        foreach (var (blobName, etag) in ingested)
        {
            var entry = await ledger.GetAsync(blobName, etag, cancellationToken);
            if (entry is not { State: SubmissionState.Completed })
            {
                problems.Add($"{blobName} ({etag}) is {entry?.State.ToString() ?? "not in the ledger"}");
            }
            else if (entry.ReportBlob is not { } report || !notified.Remove(report, out var times))
            {
                problems.Add($"{blobName} ({etag}): no report notification");
            }
            else if (times > 1 && !killed)
            {
                problems.Add($"{blobName} ({etag}): {times} report notifications without a worker killed");
            }
            else if (times > 1)
            {
                await progress.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"  {blobName} ({etag}): notified {times} times, the worker killed between sending and recording it"));
            }
        }

        problems.AddRange(notified.Keys.Select(report => $"a report notification for {report}, which no upload of this run has"));

        var completed = (await ledger.CompletedEntriesAsync(cancellationToken)).Count;
        if (completed != ingested.Count)
        {
            problems.Add($"the ledger holds {completed} completed uploads, not {ingested.Count}");
        }

        await foreach (var raw in storage.Returns.GetBlobsAsync(cancellationToken: cancellationToken))
        {
            problems.Add($"{raw.Name} is still in returns");
        }

        var states = new ProviderStates(storage, new NoStateWriteFaults());
        var listed = 0;
        foreach (var provider in await states.ProvidersAsync(cancellationToken))
        {
            listed += (await new ProviderUploads(storage.ProviderUploads).OfProviderAsync(provider, cancellationToken)).Count(u => !u.UploadId.StartsWith("seed", StringComparison.Ordinal));
            var refresh = await states.RefreshAsync(provider, cancellationToken);
            if (refresh.Written.Count > 0)
            {
                problems.Add($"the state of {provider} was behind its tables ({string.Join(", ", refresh.Written)})");
            }

            if (rebuild)
            {
                problems.AddRange((await states.RebuildAsync(provider, write: false, cancellationToken)).Where(r => !r.Same)
                    .Select(r => $"the {r.Kind} state of {provider} is not what a rebuild gives"));
            }
        }

        if (listed != ingested.Count)
        {
            problems.Add($"{listed} uploads listed for the provider states, not {ingested.Count}");
        }

        return problems;
    }
}
