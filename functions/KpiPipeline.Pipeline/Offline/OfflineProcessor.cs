using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Threading.Channels;
using KpiPipeline.Core.Dataset;
using KpiPipeline.Core.Pseudonymisation;
using KpiPipeline.Core.Reference;
using KpiPipeline.Core.Validation;
using KpiPipeline.Kpis;
using KpiPipeline.Kpis.Catalogue;
using KpiPipeline.Kpis.Engine;
using KpiPipeline.Kpis.Folding;
using KpiPipeline.Kpis.Returns;
using KpiPipeline.Pipeline.Memory;
using KpiPipeline.Pipeline.Publishing;
using KpiPipeline.Pipeline.Publishing.Scorecards;
using KpiPipeline.Pipeline.Reports;
using KpiPipeline.Pipeline.Validation;

namespace KpiPipeline.Pipeline.Offline;

/// <summary>The inputs of <c>kpi process</c> (outputs.md section 5).</summary>
/// <param name="MaxDegreeOfParallelism">Providers validated at once (null: one per processor). Results do not depend on it.</param>
/// <param name="ReportEveryFile">
/// Also write the full report of every accepted file (as the function app sends each upload's report); by default only
/// rejected files get report files of their own, and every file is a row of <c>reports/files.csv</c>, every issue one of
/// <c>reports/issues.csv</c>.
/// </param>
/// <param name="Hooks">What the caller does between the run's phases (the command's memory policy); null: nothing.</param>
public sealed record OfflineRunOptions(
    string ReturnsFolder, string ReferenceFolder, string OutFolder, DateOnly AsOf, PseudonymisationSecrets Secrets,
    int? MaxDegreeOfParallelism = null, bool ReportEveryFile = false, OfflineRunHooks? Hooks = null);

/// <summary>
/// Called between the phases of an offline run, on the thread running it: the place for a command's memory policy (the
/// run itself never collects garbage). Each method does nothing unless overridden.
/// </summary>
public class OfflineRunHooks : KpiRunHooks
{
    /// <summary>
    /// Every file of one provider is validated and folded into <paramref name="fold"/> (its validation history still
    /// held); <paramref name="files"/> are the provider's files in upload order. Called on the validating threads, one
    /// provider at a time each. The benchmark writes the fold to storage as the provider's state here.
    /// </summary>
    public virtual ValueTask ProviderFoldedAsync(ProviderFold fold, IReadOnlyList<OfflineFileResult> files, CancellationToken cancellationToken) =>
        ValueTask.CompletedTask;
}

/// <summary>One input file's fate in an offline run; <paramref name="ReportPath"/> is its JSON report, if one was written.</summary>
public sealed record OfflineFileResult(string BlobName, ValidationReport Report, string? ReportPath)
{
    /// <summary>
    /// Whether the KPIs of a run as of <paramref name="asOf"/> read the file: it was accepted and its month is read (a month
    /// that starts after the as-of date is not, dataset.md 2.3). The returns used of outputs.md section 2.
    /// </summary>
    public bool IsUsedAsOf(DateOnly asOf) => Report.Accepted && Report.Path is { } path && path.Month.IsReadAsOf(asOf);
}

/// <summary>What an offline run did; <paramref name="Metadata"/> is what its files were published with (as-of date, returns used).</summary>
public sealed record OfflineRunResult(
    IReadOnlyList<OfflineFileResult> Files,
    KpiComputation Computation,
    PublishedDatasets Published,
    PublicationMetadata Metadata,
    string OutFolder)
{
    /// <summary>Wall time of each phase: validating every file, folding and computing the KPIs, publishing Parquet.</summary>
    public OfflineRunTimings Timings { get; init; } = new(TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero);

    public IEnumerable<OfflineFileResult> Rejected => Files.Where(f => !f.Report.Accepted);
}

/// <summary>Where an offline run's time went.</summary>
public sealed record OfflineRunTimings(TimeSpan Validation, TimeSpan Kpis, TimeSpan Publishing);

/// <summary>Thrown when the run itself cannot complete (bad arguments, unreadable folders, missing reference data).</summary>
public sealed class OfflineRunException(string message) : Exception(message);

/// <summary>
/// <c>kpi process</c>: the function app's core over folders, with no storage and no network. Files are taken month by
/// month, and within a month a provider's episodes before its reviews, as a provider uploading each month would; each is
/// validated on its own (<see cref="ValidationContexts"/>), reported (<see cref="ValidationReportWriter"/>) and folded into
/// its provider's <see cref="ProviderFold"/>, which is also the provider's validation history; then the KPIs are computed
/// and published (<see cref="KpiPublisher"/>) as <c>ComputeKpis</c> does from the providers' stored folds.
/// </summary>
public static class OfflineProcessor
{
    /// <summary>The run's table of every input file, one row each, under <c>reports/</c>.</summary>
    public const string FileTableName = RunReportTables.FileTableName;

    /// <summary>The run's table of every listed issue of every input file, under <c>reports/</c>.</summary>
    public const string IssueTableName = RunReportTables.IssueTableName;

    /// <summary>The folder under <c>reports/</c> of the reports of files whose names are not return paths.</summary>
    public const string MisnamedReportsFolder = RunReportTables.OtherNamesFolder;

    /// <summary>See <see cref="ReturnFolder.FilesInUploadOrder"/>.</summary>
    public static IEnumerable<(string BlobName, string FullPath, ReturnPath? Path)> ReturnFilesInUploadOrder(string returnsFolder) =>
        ReturnFolder.FilesInUploadOrder(returnsFolder);

    /// <summary>
    /// The as-of dates a run accepts. Quarters run from the earliest referral to the as-of date, so a date centuries ahead (a
    /// mistyped year) is tens of thousands of quarters of output, and one near the end of the calendar cannot be counted to.
    /// </summary>
    public static readonly (DateOnly First, DateOnly Last) AsOfRange = (new DateOnly(1900, 1, 1), new DateOnly(2099, 12, 31));

    /// <summary>Why <paramref name="asOf"/>, outside <see cref="AsOfRange"/>, is refused.</summary>
    public static string AsOfOutOfRange(DateOnly asOf) =>
        $"The as-of date {asOf:yyyy-MM-dd} is not between {AsOfRange.First:yyyy-MM-dd} and {AsOfRange.Last:yyyy-MM-dd}: " +
        "the KPIs are computed for every quarter up to it (is the year mistyped?).";

    public static async Task<OfflineRunResult> RunAsync(OfflineRunOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.AsOf < AsOfRange.First || options.AsOf > AsOfRange.Last)
        {
            throw new OfflineRunException(AsOfOutOfRange(options.AsOf));
        }

        foreach (var folder in new[] { options.ReturnsFolder, options.ReferenceFolder })
        {
            if (!Directory.Exists(folder))
            {
                throw new OfflineRunException($"Folder not found: {folder}");
            }
        }

        var referenceResult = await ReferenceDataReader.ReadFolderAsync(
            options.ReferenceFolder, KpiCatalogue.All.Select(k => k.Id).ToHashSet(), cancellationToken);
        if (referenceResult.Data is not { } reference)
        {
            var problems = referenceResult.Reports.SelectMany(r => r.Issues.Select(i => i.Describe(r.FileName)));
            throw new OfflineRunException("Reference data is missing or invalid:\n  " + string.Join("\n  ", problems.Take(20)));
        }

        var hooks = options.Hooks ?? new OfflineRunHooks();
        hooks.Starting();
        var clock = Stopwatch.StartNew();
        var folding = new MonthFoldingBuilder(options.AsOf, keepRows: false);
        var outcomes = await ValidateAllAsync(options, reference, folding, hooks, cancellationToken);
        var files = outcomes.Select(o => o.File).ToList();
        var uploads = outcomes.Select(o => o.Upload).ToList();
        var sourceFileCount = files.Count(f => f.IsUsedAsOf(options.AsOf));
        var validation = clock.Elapsed;
        var parallelism = options.MaxDegreeOfParallelism ?? Environment.ProcessorCount;
        var computation = hooks.FoldAndCompute(folding, uploads, reference, options.AsOf, parallelism);
        var kpis = clock.Elapsed;
        var metadata = new PublicationMetadata(options.AsOf, sourceFileCount);
        var published = await KpiPublisher.PublishAsync(
            computation, metadata,
            hooks.Publishing(new FolderPublicationStore(options.OutFolder)), cancellationToken,
            parallelism, ScorecardNames.From(reference));
        return new OfflineRunResult(files, computation, published, metadata, Path.GetFullPath(options.OutFolder))
        {
            Timings = new OfflineRunTimings(validation, kpis - validation, clock.Elapsed - kpis),
        };
    }

    /// <summary>
    /// Validates every file, writes its report and folds its accepted rows. A method of its own so that the pseudonymiser's
    /// caches and the providers' validation histories are garbage once it returns.
    /// </summary>
    private static async Task<FileOutcome[]> ValidateAllAsync(
        OfflineRunOptions options, ReferenceData reference, MonthFoldingBuilder folding, OfflineRunHooks hooks, CancellationToken cancellationToken)
    {
        var reportsFolder = Path.Combine(options.OutFolder, "reports");
        var ordered = ReturnFolder.FilesOf(options.ReturnsFolder).Select((file, order) => (File: file, Order: order)).ToList();
        var outcomes = new FileOutcome[ordered.Count];

        // A provider's files depend on its earlier months (W02, W03) and on nothing of other providers, so providers
        // run in parallel and each provider's files in upload order; the outcomes are then gathered in upload order.
        var byProvider = ordered.GroupBy(f => f.File.Path?.ProviderCode.ToUpperInvariant() ?? "\0" + f.File.BlobName, StringComparer.Ordinal);
        var parallel = new ParallelOptions
        {
            MaxDegreeOfParallelism = options.MaxDegreeOfParallelism ?? Environment.ProcessorCount,
            CancellationToken = cancellationToken,
        };
        var store = new FolderReportStore(cancellationToken);
        var reports = new ValidationReportWriter(store, options.ReportEveryFile ? ReportFiles.EveryFile : ReportFiles.RejectedFiles);
        try
        {
            await Parallel.ForEachAsync(byProvider, parallel, async (provider, token) =>
            {
                var history = provider.First().File.Path is { } first ? folding.Provider(first.ProviderCode) : null;
                var unchangedRows = new UnchangedEpisodeRows();

                // One keyed-hash cache per provider: the same people come back month after month at one provider, and a
                // cache of a provider's few thousand people stays in the processor's cache where a national one would not.
                var settings = new ValidationSettings(reference, new Pseudonymiser(options.Secrets, cacheKeys: true));
                foreach (var (file, order) in provider)
                {
                    outcomes[order] = await ProcessFileAsync(file, settings, options.AsOf, history, unchangedRows, reportsFolder, reports, token);
                }

                if (history is not null)
                {
                    await hooks.ProviderFoldedAsync(history, [.. provider.Select(f => outcomes[f.Order].File)], token);
                    folding.CompleteProvider(history.ProviderCode);
                    hooks.ProviderFolded();
                }
            });
        }
        catch (ChannelClosedException closed) when (closed.InnerException is { } writeFailure)
        {
            // A report could not be written: that failure, not the closed queue, is the run's error.
            ExceptionDispatchInfo.Throw(writeFailure);
        }
        finally
        {
            store.Complete();
        }

        await store.Completion;
        var written = store.Written;
        written.UnionWith(await RunReportTables.WriteAsync(reportsFolder, [.. outcomes.Select(o => o.File)], options.AsOf, cancellationToken));
        RunReportTables.RemoveStale(reportsFolder, written);
        return outcomes;
    }

    private static async Task<FileOutcome> ProcessFileAsync(
        ReturnFile file, ValidationSettings settings, DateOnly asOf, ProviderFold? history, UnchangedEpisodeRows unchangedRows,
        string reportsFolder, ValidationReportWriter reports, CancellationToken cancellationToken)
    {
        var path = file.Path;
        var uploadedAt = path is null ? ReturnFolder.Seen(asOf) : ReturnFolder.OnTime(path);
        // A file refused unread (a second file naming the same return, F11) is validated with no history.
        var context = ValidationContexts.For(settings, path, uploadedAt, file.Refusal is null ? history : null, unchangedRows: unchangedRows);
        var rows = new AcceptedRows();
        var report = await ReturnFolder.ValidateAsync(file, context, rows, cancellationToken);

        var reportPath = await reports.WriteAsync(Path.Combine(reportsFolder, file.ReportName.Replace('/', Path.DirectorySeparatorChar)), report, cancellationToken);
        var result = new OfflineFileResult(file.BlobName, report, reportPath);
        var upload = new UploadOutcome(file.BlobName, path, path is not null && settings.Reference.FindProvider(path.ProviderCode) is not null,
            uploadedAt, report.Accepted);
        if (report.Accepted && path is not null)
        {
            rows.AddTo(history!, path);
            if (path.Kind == ReturnFileKind.Episodes)
            {
                unchangedRows.FileAccepted(path.Month);
            }
        }
        else
        {
            unchangedRows.FileRejected();
        }

        return new FileOutcome(result, upload);
    }

    /// <summary>One file's report and ledger entry, in upload order.</summary>
    private sealed record FileOutcome(OfflineFileResult File, UploadOutcome Upload);
}
