using KpiPipeline.Core.Dataset;
using KpiPipeline.Core.Pseudonymisation;
using KpiPipeline.Core.Reference;
using KpiPipeline.Core.Validation;
using KpiPipeline.Kpis;
using KpiPipeline.Kpis.Catalogue;
using KpiPipeline.Kpis.Engine;
using KpiPipeline.Kpis.Returns;
using KpiPipeline.Pipeline.Publishing;
using KpiPipeline.Pipeline.Returns;

namespace KpiPipeline.Pipeline.Offline;

/// <summary>The inputs of <c>kpi process</c> (outputs.md section 5).</summary>
public sealed record OfflineRunOptions(string ReturnsFolder, string ReferenceFolder, string OutFolder, DateOnly AsOf, PseudonymisationSecrets Secrets);

/// <summary>One input file's fate in an offline run.</summary>
public sealed record OfflineFileResult(string BlobName, ValidationReport Report, string ReportPath);

/// <summary>What an offline run did.</summary>
public sealed record OfflineRunResult(
    IReadOnlyList<OfflineFileResult> Files,
    KpiComputation Computation,
    PublishedDatasets Published,
    string OutFolder)
{
    public IEnumerable<OfflineFileResult> Rejected => Files.Where(f => !f.Report.Accepted);
}

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

        var pseudonymiser = new Pseudonymiser(options.Secrets);
        var histories = new Dictionary<string, ProviderEpisodeHistory>(StringComparer.OrdinalIgnoreCase);
        var episodes = new List<AcceptedEpisodesFile>();
        var reviews = new List<AcceptedReviewsFile>();
        var nsp = new List<AcceptedNspFile>();
        var uploads = new List<UploadOutcome>();
        var files = new List<OfflineFileResult>();
        var reportsFolder = Path.Combine(options.OutFolder, "reports");

        foreach (var (blobName, fullPath) in ReturnFilesInUploadOrder(options.ReturnsFolder))
        {
            var path = ReturnPath.TryParse(blobName, out var parsed, out _) ? parsed : null;
            var history = path is null ? new ProviderEpisodeHistory() : HistoryOf(histories, path.ProviderCode);
            var uploadedAt = OnTime(path);
            var context = new ValidationContext
            {
                Reference = reference,
                Pseudonymiser = pseudonymiser,
                UploadedAt = uploadedAt,
                PreviouslyOpenEpisodeIds = path is null ? new HashSet<string>() : history.OpenBefore(path.Month),
                KnownEpisodeIds = history.KnownEpisodeIds(),
            };
            var sink = new CollectingRowSink();
            ValidationReport report;
            await using (var content = File.OpenRead(fullPath))
            {
                report = await ReturnValidator.ValidateAsync(blobName, content, context, sink, cancellationToken);
            }

            var reportPath = Path.Combine(reportsFolder, blobName.Replace('/', Path.DirectorySeparatorChar));
            WriteReport(reportPath, report);
            files.Add(new OfflineFileResult(blobName, report, reportPath + ".report.json"));
            uploads.Add(new UploadOutcome(blobName, path, path is not null && reference.FindProvider(path.ProviderCode) is not null,
                uploadedAt, uploadedAt, report.Accepted));
            if (!report.Accepted || path is null)
            {
                continue;
            }

            switch (path.Kind)
            {
                case ReturnFileKind.Episodes:
                    episodes.Add(new AcceptedEpisodesFile(path, sink.Episodes));
                    history.SetAccepted(path.Month, sink.Episodes);
                    break;
                case ReturnFileKind.Reviews:
                    reviews.Add(new AcceptedReviewsFile(path, sink.Reviews));
                    break;
                default:
                    nsp.Add(new AcceptedNspFile(path, sink.Nsp));
                    break;
            }
        }

        var returnSet = new ReturnSet(episodes, reviews, nsp, uploads);
        var computation = KpiEngine.Compute(returnSet, reference, options.AsOf);
        var published = await KpiPublisher.PublishAsync(
            computation, new PublicationMetadata(options.AsOf, returnSet.SourceFileCount),
            new FolderPublicationStore(options.OutFolder), cancellationToken);
        return new OfflineRunResult(files, computation, published, Path.GetFullPath(options.OutFolder));
    }

    /// <summary>
    /// Every file under the returns folder as its blob name (forward slashes), months in order, then provider, then
    /// episodes, reviews, nsp; files that are not return paths come last and are rejected by validation.
    /// </summary>
    public static IEnumerable<(string BlobName, string FullPath)> ReturnFilesInUploadOrder(string returnsFolder)
    {
        var all = Directory.EnumerateFiles(returnsFolder, "*", SearchOption.AllDirectories)
            .Select(full => (BlobName: Path.GetRelativePath(returnsFolder, full).Replace(Path.DirectorySeparatorChar, '/'), FullPath: full))
            .Where(f => !f.BlobName.Split('/').Any(part => part.StartsWith('.')))
            .Select(f => (f.BlobName, f.FullPath, Parsed: ReturnPath.TryParse(f.BlobName, out var p, out _) ? p : null))
            .ToList();
        return all
            .OrderBy(f => f.Parsed is null)
            .ThenBy(f => f.Parsed?.Month ?? default)
            .ThenBy(f => f.Parsed?.ProviderCode, StringComparer.Ordinal)
            .ThenBy(f => f.Parsed?.Kind)
            .ThenBy(f => f.BlobName, StringComparer.Ordinal)
            .Select(f => (f.BlobName, f.FullPath));
    }

    /// <summary>The offline command treats every file as uploaded on time (kpis.md section 8): the day after its month ends.</summary>
    private static DateTimeOffset OnTime(ReturnPath? path) =>
        path is null
            ? DateTimeOffset.UnixEpoch
            : new DateTimeOffset(path.Month.LastDay.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    private static ProviderEpisodeHistory HistoryOf(Dictionary<string, ProviderEpisodeHistory> histories, string provider)
    {
        if (!histories.TryGetValue(provider, out var history))
        {
            history = new ProviderEpisodeHistory();
            histories[provider] = history;
        }

        return history;
    }

    private static void WriteReport(string basePath, ValidationReport report)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(basePath)!);
        using (var json = File.Create(basePath + ".report.json"))
        {
            ReportRenderers.WriteJson(report, json);
        }

        using var csv = File.Create(basePath + ".report.csv");
        ReportRenderers.WriteCsv(report, csv);
    }
}
