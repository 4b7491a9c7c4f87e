using System.Buffers;
using System.Diagnostics;
using System.Runtime;
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
using KpiPipeline.Pipeline.Publishing;
using KpiPipeline.Pipeline.Publishing.Scorecards;

namespace KpiPipeline.Pipeline.Offline;

/// <summary>The inputs of <c>kpi process</c> (outputs.md section 5).</summary>
/// <param name="MaxDegreeOfParallelism">Providers validated at once (null: one per processor). Results do not depend on it.</param>
public sealed record OfflineRunOptions(
    string ReturnsFolder, string ReferenceFolder, string OutFolder, DateOnly AsOf, PseudonymisationSecrets Secrets,
    int? MaxDegreeOfParallelism = null);

/// <summary>One input file's fate in an offline run.</summary>
public sealed record OfflineFileResult(string BlobName, ValidationReport Report, string ReportPath);

/// <summary>What an offline run did.</summary>
public sealed record OfflineRunResult(
    IReadOnlyList<OfflineFileResult> Files,
    KpiComputation Computation,
    PublishedDatasets Published,
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
/// <c>kpi process</c>: the same validation, pseudonymisation, KPI and publishing code as the functions, over folders,
/// with no storage and no network. Files are taken month by month, and within a month a provider's episodes before its
/// reviews, as a provider uploading each month would; each file is validated on its own.
/// </summary>
public static class OfflineProcessor
{
    public static async Task<OfflineRunResult> RunAsync(OfflineRunOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
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
            var problems = referenceResult.Reports.SelectMany(r => r.Issues.Select(i => $"{r.FileName} row {i.Row}: {i.RuleId} {i.Message}"));
            throw new OfflineRunException("Reference data is missing or invalid:\n  " + string.Join("\n  ", problems.Take(20)));
        }

        var clock = Stopwatch.StartNew();
        var folding = new MonthFoldingBuilder(options.AsOf);
        var outcomes = await ValidateAllAsync(options, reference, folding, cancellationToken);
        var files = outcomes.Select(o => o.File).ToList();
        var uploads = outcomes.Select(o => o.Upload).ToList();
        var sourceFileCount = uploads.Count(u => u.Accepted && u.Path is not null);
        var validation = clock.Elapsed;
        var parallelism = options.MaxDegreeOfParallelism ?? Environment.ProcessorCount;
        var computation = ComputeKpis(folding, uploads, reference, options.AsOf, parallelism);
        var kpis = clock.Elapsed;
        var published = await KpiPublisher.PublishAsync(
            computation, new PublicationMetadata(options.AsOf, sourceFileCount),
            new MemoryReturningStore(new FolderPublicationStore(options.OutFolder)), cancellationToken,
            parallelism, ScorecardNames.From(reference));
        return new OfflineRunResult(files, computation, published, Path.GetFullPath(options.OutFolder))
        {
            Timings = new OfflineRunTimings(validation, kpis - validation, clock.Elapsed - kpis),
        };
    }

    /// <summary>
    /// Validates every file, writes its report and folds its accepted rows. A method of its own so that the pseudonymiser's
    /// caches and the providers' validation histories are garbage once it returns.
    /// </summary>
    private static async Task<FileOutcome[]> ValidateAllAsync(
        OfflineRunOptions options, ReferenceData reference, MonthFoldingBuilder folding, CancellationToken cancellationToken)
    {
        var reportsFolder = Path.Combine(options.OutFolder, "reports");
        var ordered = ReturnFilesOf(options.ReturnsFolder)
            .Select((file, order) => (file.BlobName, file.FullPath, Order: order, file.Path, file.Refusal))
            .ToList();
        var outcomes = new FileOutcome[ordered.Count];

        // A provider's files depend on its earlier months (W02, W03) and on nothing of other providers, so providers
        // run in parallel and each provider's files in upload order; the outcomes are then gathered in upload order.
        var byProvider = ordered.GroupBy(f => f.Path?.ProviderCode.ToUpperInvariant() ?? "\0" + f.BlobName, StringComparer.Ordinal);
        var parallel = new ParallelOptions
        {
            MaxDegreeOfParallelism = options.MaxDegreeOfParallelism ?? Environment.ProcessorCount,
            CancellationToken = cancellationToken,
        };
        var reports = new ReportWriter(cancellationToken);
        try
        {
            await Parallel.ForEachAsync(byProvider, parallel, async (provider, token) =>
            {
                var history = new ProviderState();

                // One keyed-hash cache per provider: the same people come back month after month at one provider, and a
                // cache of a provider's few thousand people stays in the processor's cache where a national one would not.
                var pseudonymiser = new Pseudonymiser(options.Secrets, cacheKeys: true);
                foreach (var file in provider)
                {
                    outcomes[file.Order] = await ProcessFileAsync(
                        file.BlobName, file.FullPath, file.Path, file.Refusal, history, folding, reference, pseudonymiser, reportsFolder, reports, token);
                }

                folding.CompleteProvider(provider.Key);
            });
        }
        catch (ChannelClosedException closed) when (closed.InnerException is { } writeFailure)
        {
            // A report could not be written: that failure, not the closed queue, is the run's error.
            ExceptionDispatchInfo.Throw(writeFailure);
        }
        finally
        {
            reports.Complete();
        }

        await reports.Completion;
        RemoveStaleReports(reportsFolder, reports.Written);
        return outcomes;
    }

    /// <summary>
    /// Removes the reports an earlier run into the same output folder left for files this run did not see (or saw without
    /// issues, for the CSV rendering), and the folders that leaves empty: the reports are exactly this run's files.
    /// </summary>
    private static void RemoveStaleReports(string reportsFolder, HashSet<string> written)
    {
        if (!Directory.Exists(reportsFolder))
        {
            return;
        }

        var all = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 };
        foreach (var file in Directory.EnumerateFiles(reportsFolder, "*", all).ToList())
        {
            if (!written.Contains(Path.GetFullPath(file)))
            {
                File.Delete(file);
            }
        }

        foreach (var folder in Directory.EnumerateDirectories(reportsFolder, "*", all).OrderByDescending(f => f.Length).ToList())
        {
            if (!Directory.EnumerateFileSystemEntries(folder).Any())
            {
                Directory.Delete(folder);
            }
        }
    }

    /// <summary>
    /// Folds and computes outside the asynchronous state machine, so the fold is garbage once the tallies are built. At
    /// each phase boundary the heap is compacted and returned to the system once: validation leaves the pseudonymiser's
    /// caches, the providers' histories and the fold's indexes behind, the KPI phase its indexes of every episode and
    /// review, and the next phase would otherwise grow on top of them (a national run must fit a 2 GiB instance).
    /// </summary>
    private static KpiComputation ComputeKpis(
        MonthFoldingBuilder folding, IReadOnlyList<UploadOutcome> uploads, ReferenceData reference, DateOnly asOf, int parallelism)
    {
        var folded = folding.Build();
        ReturnMemory();
        var computation = KpiEngine.Compute(folded, uploads, reference, asOf, parallelism);
        ReturnMemory();
        return computation;
    }

    private static void ReturnMemory()
    {
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
    }

    /// <summary>
    /// Writes through to <paramref name="inner"/>, and returns memory to the system after a write once the heap the last
    /// collection left has grown by more than 384 MiB since the last time: each Parquet file is encoded in large buffers
    /// that would otherwise pile up as garbage across the periods.
    /// </summary>
    private sealed class MemoryReturningStore(IPublicationStore inner) : IPublicationStore
    {
        private const long Allowance = 384L << 20;
        private readonly Lock gate = new();
        private long baseline = HeapAfterLastCollection();

        public string Describe(string relativePath) => inner.Describe(relativePath);

        public async Task<bool> WriteAsync(string relativePath, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken)
        {
            var written = await inner.WriteAsync(relativePath, write, cancellationToken);
            lock (gate)
            {
                if (HeapAfterLastCollection() > baseline + Allowance)
                {
                    ReturnMemory();
                    baseline = HeapAfterLastCollection();
                }
            }

            return written;
        }

        public IAsyncEnumerable<string> ListAsync(string prefix, CancellationToken cancellationToken) => inner.ListAsync(prefix, cancellationToken);

        public Task DeleteAsync(string relativePath, CancellationToken cancellationToken) => inner.DeleteAsync(relativePath, cancellationToken);

        /// <summary>
        /// The heap as the last collection left it: what survived plus the large-object space not yet collected. Short-lived
        /// garbage since (a scorecard page's text, a row group's arrays) does not count; the ordinary collections take it.
        /// </summary>
        private static long HeapAfterLastCollection() => GC.GetGCMemoryInfo(GCKind.Any).HeapSizeBytes;
    }

    private static async Task<FileOutcome> ProcessFileAsync(
        string blobName, string fullPath, ReturnPath? path, Refusal? refusal, ProviderState history, MonthFoldingBuilder folding, ReferenceData reference,
        Pseudonymiser pseudonymiser, string reportsFolder, ReportWriter reports, CancellationToken cancellationToken)
    {
        var uploadedAt = OnTime(path);
        var context = new ValidationContext
        {
            Reference = reference,
            Pseudonymiser = pseudonymiser,
            UploadedAt = uploadedAt,
            PreviouslyOpenEpisodeIds = path is null ? new HashSet<string>() : history.OpenBefore(path.Month),
            KnownEpisodeIds = history.KnownEpisodeIds,
            UnchangedRows = history.UnchangedRows,
        };
        var sink = new AcceptedRowSink();
        var report = (refusal ?? RefusalOf(fullPath, context.MaxFileBytes)) is { } refused
            ? ReturnValidator.RejectUnread(blobName, refused.RuleId, refused.Message, uploadedAt)
            : await ValidateFileAsync(blobName, fullPath, context, sink, uploadedAt, cancellationToken);

        var reportPath = Path.Combine(reportsFolder, blobName.Replace('/', Path.DirectorySeparatorChar));
        await reports.WriteAsync(reportPath, report, cancellationToken);
        var file = new OfflineFileResult(blobName, report, reportPath + ".report.json");
        var upload = new UploadOutcome(blobName, path, path is not null && reference.FindProvider(path.ProviderCode) is not null,
            uploadedAt, report.Accepted);
        if (report.Accepted && path is not null)
        {
            switch (path.Kind)
            {
                case ReturnFileKind.Episodes:
                    history.Accept(path.Month, sink.Episodes);
                    folding.AddEpisodesFile(path, sink.Episodes);
                    break;
                case ReturnFileKind.Reviews:
                    folding.AddReviewsFile(path, sink.Reviews);
                    break;
                default:
                    folding.AddNspFile(path, sink.NspTotals.Build());
                    break;
            }
        }
        else
        {
            history.UnchangedRows.FileRejected();
        }

        return new FileOutcome(file, upload);
    }

    /// <summary>
    /// Why a file is rejected before it is opened: a broken link (F12), or a size over the limit (F09; a file of any size,
    /// 2 GiB and over too, is refused from its length alone).
    /// </summary>
    private static Refusal? RefusalOf(string fullPath, long maxFileBytes)
    {
        var info = new FileInfo(fullPath);
        return !info.Exists ? new Refusal("F12", "This file cannot be read: it is a link to nothing, or it went away during the run.")
            : info.Length > maxFileBytes ? new Refusal("F09", ReturnValidator.TooLargeMessage(maxFileBytes))
            : null;
    }

    /// <summary>
    /// Validates the file's content. A file of length 0 is validated as empty without being opened: a named pipe or a
    /// device has length 0 and opening one would wait for a writer (or read forever), and an empty file is F08 either way.
    /// A file up to <see cref="WholeReadBytes"/> is read in one call into a pooled buffer (return files are small, and
    /// validating from memory spares the thread-pool round trip of each asynchronous read); a larger one is streamed, so
    /// what a file holds in memory is bounded by that size and the reader's buffer, and reading stops at F09 however long
    /// the file has grown since its length was checked. A file that cannot be read (permissions, an I/O error) is rejected
    /// with F12; the run goes on.
    /// </summary>
    private static async Task<ValidationReport> ValidateFileAsync(
        string blobName, string fullPath, ValidationContext context, ICuratedRowSink sink, DateTimeOffset uploadedAt, CancellationToken cancellationToken)
    {
        var length = new FileInfo(fullPath).Length;
        if (length == 0)
        {
            using var empty = new MemoryStream([], writable: false);
            return await ReturnValidator.ValidateAsync(blobName, empty, context, sink, cancellationToken);
        }

        byte[]? pooled = null;
        Stream content;
        try
        {
            if (length <= WholeReadBytes)
            {
                pooled = ArrayPool<byte>.Shared.Rent((int)length);
                content = new MemoryStream(pooled, 0, ReadWhole(fullPath, pooled.AsSpan(0, (int)length)), writable: false);
            }
            else
            {
                content = new FileStream(fullPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            ReturnPooled(pooled);
            return ReturnValidator.RejectUnread(blobName, "F12", "This file cannot be read (no permission to read it, or an I/O error).", uploadedAt);
        }

        try
        {
            await using (content)
            {
                return await ReturnValidator.ValidateAsync(blobName, content, context, sink, cancellationToken);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return ReturnValidator.RejectUnread(blobName, "F12", "This file could not be read to its end (an I/O error).", uploadedAt);
        }
        finally
        {
            ReturnPooled(pooled);
        }
    }

    /// <summary>The largest file read whole into memory before validation; larger files are streamed.</summary>
    internal const int WholeReadBytes = 8 << 20;

    private static void ReturnPooled(byte[]? pooled)
    {
        if (pooled is not null)
        {
            ArrayPool<byte>.Shared.Return(pooled);
        }
    }

    /// <summary>Fills <paramref name="buffer"/> from the start of the file; the count read (less if the file shrank).</summary>
    private static int ReadWhole(string fullPath, Span<byte> buffer)
    {
        using var handle = File.OpenHandle(fullPath);
        var length = 0;
        int read;
        while (length < buffer.Length && (read = RandomAccess.Read(handle, buffer[length..], length)) > 0)
        {
            length += read;
        }

        return length;
    }

    /// <summary>Keeps a file's episodes and reviews, and adds up its NSP transactions instead of keeping them.</summary>
    private sealed class AcceptedRowSink : ICuratedRowSink
    {
        public List<CuratedEpisode> Episodes { get; } = [];

        public List<CuratedReview> Reviews { get; } = [];

        public NspTotalsBuilder NspTotals { get; } = new();

        public void Add(CuratedEpisode row) => Episodes.Add(row);

        public void Add(CuratedReview row) => Reviews.Add(row);

        public void Add(CuratedNspTransaction row) => NspTotals.Add(row);
    }

    /// <summary>One file's report and ledger entry, in upload order.</summary>
    private sealed record FileOutcome(OfflineFileResult File, UploadOutcome Upload);

    /// <summary>
    /// What validation needs of a provider's earlier accepted episodes files, kept as the months go by: the episodes
    /// open at the end of each accepted month (W02) and every episode id sent so far (W03).
    /// </summary>
    private sealed class ProviderState
    {
        private (ReportingMonth Month, IReadOnlySet<string> Open) lastAccepted;
        private (ReportingMonth Month, IReadOnlySet<string> Open) beforeLast;

        public HashSet<string> KnownEpisodeIds { get; } = new(StringComparer.Ordinal);

        public UnchangedEpisodeRows UnchangedRows { get; } = new();

        /// <summary>Episode ids open at the end of the latest accepted month before <paramref name="month"/>.</summary>
        public IReadOnlySet<string> OpenBefore(ReportingMonth month) =>
            lastAccepted.Open is { } open && lastAccepted.Month < month ? open
            : beforeLast.Open is { } earlier && beforeLast.Month < month ? earlier
            : new HashSet<string>();

        /// <summary>Records an accepted episodes month (files arrive in month order); its clean rows can be reused later.</summary>
        public void Accept(ReportingMonth month, List<CuratedEpisode> rows)
        {
            UnchangedRows.FileAccepted(month);
            foreach (var row in rows)
            {
                KnownEpisodeIds.Add(row.EpisodeId);
            }

            if (lastAccepted.Open is null || lastAccepted.Month < month)
            {
                beforeLast = lastAccepted;
            }

            lastAccepted = (month, OpenEpisodes.AtMonthEnd(rows));
        }
    }

    /// <summary>
    /// Every file under the returns folder as its blob name (forward slashes), months in order, then provider, then
    /// episodes, reviews, nsp, each with its parsed path; files that are not return paths (null path, dot-prefixed files and
    /// folders among them) come last and are rejected by validation with F01, as the ingest function rejects such a blob.
    /// </summary>
    public static IEnumerable<(string BlobName, string FullPath, ReturnPath? Path)> ReturnFilesInUploadOrder(string returnsFolder) =>
        ReturnFilesOf(returnsFolder).Select(f => (f.BlobName, f.FullPath, f.Path));

    /// <summary>
    /// The files of <see cref="ReturnFilesInUploadOrder"/>, each with the reason it is rejected unread, if any: a link to a
    /// folder is listed but not followed (F12; a link can loop back on itself), and of two files naming one return (folders
    /// that differ only in case: provider codes are case-insensitive) the second in ordinal order is F11.
    /// </summary>
    private static List<ReturnFile> ReturnFilesOf(string returnsFolder)
    {
        var all = Walk(Path.GetFullPath(returnsFolder))
            .Select(f => (BlobName: Path.GetRelativePath(returnsFolder, f.FullPath).Replace(Path.DirectorySeparatorChar, '/'), f.FullPath, f.LinkToFolder))
            .Select(f => (f.BlobName, f.FullPath, f.LinkToFolder, Parsed: ReturnPath.TryParse(f.BlobName, out var p, out _) ? p : null))
            .OrderBy(f => f.Parsed is null)
            .ThenBy(f => f.Parsed?.Month ?? default)
            .ThenBy(f => f.Parsed?.ProviderCode, StringComparer.Ordinal)
            .ThenBy(f => f.Parsed?.Kind)
            .ThenBy(f => f.BlobName, StringComparer.Ordinal)
            .ToList();
        var first = new Dictionary<ReturnPath, string>();
        var files = new List<ReturnFile>(all.Count);
        foreach (var f in all)
        {
            Refusal? refusal = null;
            if (f.LinkToFolder)
            {
                refusal = new("F12", "This is a link to a folder; kpi process does not follow links to folders (one can loop back on itself).");
            }
            else if (f.Parsed is { } path && !first.TryAdd(path, f.BlobName))
            {
                refusal = new("F11", $"{first[path]} is already this provider's {path.Kind.ToString().ToLowerInvariant()} return for {path.Month}: " +
                    "folder names that differ only in case name the same return, so only that file is read.");
            }

            files.Add(new ReturnFile(f.BlobName, f.FullPath, f.Parsed, refusal));
        }

        return files;
    }

    /// <summary>Every file under <paramref name="root"/>, and every link to a folder (listed, never followed).</summary>
    private static IEnumerable<(string FullPath, bool LinkToFolder)> Walk(string root)
    {
        var options = new EnumerationOptions { AttributesToSkip = 0, IgnoreInaccessible = false };
        var folders = new Stack<string>();
        folders.Push(root);
        while (folders.TryPop(out var folder))
        {
            foreach (var entry in new DirectoryInfo(folder).EnumerateFileSystemInfos("*", options).OrderBy(e => e.Name, StringComparer.Ordinal))
            {
                if (entry is not DirectoryInfo)
                {
                    yield return (entry.FullName, false);
                }
                else if (entry.LinkTarget is not null)
                {
                    yield return (entry.FullName, true);
                }
                else
                {
                    folders.Push(entry.FullName);
                }
            }
        }
    }

    /// <summary>A file of the returns folder; <paramref name="Refusal"/> set when it is rejected without being read.</summary>
    private sealed record ReturnFile(string BlobName, string FullPath, ReturnPath? Path, Refusal? Refusal);

    /// <summary>Why a file is rejected unread: the rule and the report's message.</summary>
    private sealed record Refusal(string RuleId, string Message);

    /// <summary>The offline command treats every file as uploaded on time (kpis.md section 8): the day after its month ends.</summary>
    private static DateTimeOffset OnTime(ReturnPath? path) =>
        path is null
            ? DateTimeOffset.UnixEpoch
            : new DateTimeOffset(path.Month.LastDay.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    /// <summary>
    /// Writes the validation reports (JSON, outputs.md section 5, and the CSV rendering for people only when a report has
    /// issues) on a thread of its own, so that creating 108,000 files, which is kernel time, overlaps validation instead of
    /// stalling it. Reports are rendered in memory on the validation threads and queued (bounded, so memory stays small);
    /// each is written with one call and each folder created once.
    /// </summary>
    private sealed class ReportWriter
    {
        private const int QueuedReports = 512;

        private readonly Channel<(string BasePath, byte[] Json, byte[]? Csv)> queue =
            Channel.CreateBounded<(string, byte[], byte[]?)>(new BoundedChannelOptions(QueuedReports) { SingleReader = true });

        /// <summary>Each report folder, created once; true when this run created it (so no earlier report can be in it).</summary>
        private readonly Dictionary<string, bool> folderIsNew = new(StringComparer.Ordinal);

        public ReportWriter(CancellationToken cancellationToken) =>
            Completion = Task.Factory.StartNew(
                () => WriteQueued(cancellationToken), cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        /// <summary>The full path of every report file written (read once <see cref="Completion"/> has ended).</summary>
        public HashSet<string> Written { get; } = new(StringComparer.Ordinal);

        /// <summary>Ends when every queued report is written; faults with the first write's failure.</summary>
        public Task Completion { get; }

        public ValueTask WriteAsync(string basePath, ValidationReport report, CancellationToken cancellationToken)
        {
            using var rendered = new MemoryStream();
            ReportRenderers.WriteJson(report, rendered);
            var json = rendered.ToArray();
            byte[]? csv = null;
            if (report.Issues.Count > 0 || report.IssuesNotListed > 0)
            {
                rendered.SetLength(0);
                ReportRenderers.WriteCsv(report, rendered);
                csv = rendered.ToArray();
            }

            return queue.Writer.WriteAsync((basePath, json, csv), cancellationToken);
        }

        /// <summary>No more reports will come.</summary>
        public void Complete() => queue.Writer.TryComplete();

        private void WriteQueued(CancellationToken cancellationToken)
        {
            try
            {
                var reader = queue.Reader;
                while (reader.WaitToReadAsync(cancellationToken).AsTask().GetAwaiter().GetResult())
                {
                    while (reader.TryRead(out var pending))
                    {
                        var folder = Path.GetDirectoryName(pending.BasePath)!;
                        if (!folderIsNew.TryGetValue(folder, out var isNew))
                        {
                            isNew = !Directory.Exists(folder);
                            Directory.CreateDirectory(folder);
                            folderIsNew[folder] = isNew;
                        }

                        Write(pending.BasePath + ".report.json", pending.Json, isNew);
                        Write(pending.BasePath + ".report.csv", pending.Csv, isNew);
                        Written.Add(Path.GetFullPath(pending.BasePath + ".report.json"));
                        if (pending.Csv is not null)
                        {
                            Written.Add(Path.GetFullPath(pending.BasePath + ".report.csv"));
                        }
                    }
                }
            }
            catch (Exception failure)
            {
                // The validation threads' next write then fails too, instead of waiting on a queue nobody empties.
                queue.Writer.TryComplete(failure);
                throw;
            }
        }

        /// <summary>
        /// Writes one file of a report; null content removes an earlier run's file of that name. A file in a folder this run
        /// created is new: it is created without truncating, because truncating (which <see cref="FileMode.Create"/> does
        /// even to a new file) makes ext4 write the file out synchronously when it is closed. In a folder an earlier run
        /// left, its file is overwritten in place and cut to the new length.
        /// </summary>
        private static void Write(string path, byte[]? content, bool folderIsNew)
        {
            if (content is null)
            {
                if (!folderIsNew)
                {
                    File.Delete(path);
                }

                return;
            }

            var existing = !folderIsNew && File.Exists(path);
            using var handle = File.OpenHandle(path, existing ? FileMode.Open : FileMode.CreateNew, FileAccess.Write);
            RandomAccess.Write(handle, content, 0);
            if (existing)
            {
                RandomAccess.SetLength(handle, content.Length);
            }
        }
    }
}
