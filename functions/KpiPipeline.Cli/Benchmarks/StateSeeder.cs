using System.Collections.Concurrent;
using KpiPipeline.Core.Dataset;
using KpiPipeline.Core.Validation;
using KpiPipeline.Kpis.Folding;
using KpiPipeline.Pipeline.Memory;
using KpiPipeline.Pipeline.Offline;
using KpiPipeline.Pipeline.State;
using KpiPipeline.Pipeline.Storage;

namespace KpiPipeline.Cli.Benchmarks;

/// <summary>
/// Writes the history of a benchmark's earlier months straight into storage, as the function app would have left it had
/// every file gone through <c>IngestReturn</c> and <c>RefreshProviderState</c>: each provider's fold from <c>kpi process</c>
/// (the same <see cref="ProviderFold"/> the refresh keeps) as its state, the accepted versions in the index and the
/// uploads in the provider uploads table. Upload ids are made from the files' SHA-256. Of the curated copies only each
/// provider's latest episodes month is written: a retried upload of the next month whose provider's state already holds
/// that month (the worker killed after the refresh) reads its W02 history from it. Other curated copies, reports and
/// ledger rows are not written (a KPI run and a refresh of a later month need none of them; a rebuild would). Only
/// registered providers' files are listed, as the ingest lists them. It returns memory at every phase boundary, as it
/// did when it was measured at national size: it runs beside Azurite and the worker whose peak the benchmark reports.
/// </summary>
public sealed class StateSeeder(PipelineStorage storage) : ReturnMemoryBetweenPhases(DefaultAllowance, atEveryPhaseBoundary: true)
{
    private readonly ProviderStates states = new(storage, new NoStateWriteFaults());
    private readonly ConcurrentQueue<AcceptedVersion> versions = new();
    private readonly ConcurrentQueue<ProviderUpload> uploads = new();

    public int Providers => providers;

    private int providers;

    public static string UploadIdOf(string sha256) => "seed" + sha256[..24];

    public override async ValueTask ProviderFoldedAsync(ProviderFold fold, IReadOnlyList<OfflineFileResult> files, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(fold);
        ArgumentNullException.ThrowIfNull(files);
        var completed = files
            .Where(f => f.Report.Path is not null && f.Report.Sha256 is not null && f.Report.CountOf(Rules.F02) == 0)
            .Select(f => (File: f, Upload: new ProviderUpload(f.BlobName, f.Report.Path!, UploadIdOf(f.Report.Sha256!), ReturnFolder.OnTime(f.Report.Path!), f.Report.Accepted)))
            .ToList();
        foreach (var kind in ProviderStates.Kinds)
        {
            var ofKind = completed.Where(f => f.Upload.Path.Kind == kind).ToList();
            var accepted = ofKind.Where(f => f.Upload.Accepted).ToDictionary(f => f.Upload.Path);
            var inputs = StateInputs.Of(fold.FilesOf(kind).Select(p => new FoldedVersion(p, accepted[p].Upload.UploadId)), ofKind.Select(f => f.Upload));
            if (inputs.Files.Count == 0 && inputs.Uploads.Count == 0)
            {
                continue;
            }

            await states.SeedAsync(fold, kind, inputs, cancellationToken);
            if (kind == ReturnFileKind.Episodes && fold.FilesOf(kind) is [.., var latest])
            {
                await WriteCuratedCopyAsync(fold, latest, accepted[latest].Upload.UploadId, cancellationToken);
            }

            foreach (var file in fold.FilesOf(kind))
            {
                var upload = accepted[file].Upload;
                versions.Enqueue(new AcceptedVersion(file, upload.UploadId, upload.UploadedAt, CuratedReturns.BlobNameOf(file, upload.UploadId), accepted[file].File.Report.RowsRead));
            }

            foreach (var upload in inputs.Uploads)
            {
                uploads.Enqueue(upload);
            }
        }

        Interlocked.Increment(ref providers);
    }

    /// <summary>
    /// The curated copy of the fold's latest episodes file: the rows whose latest month it is are that file's rows, put back
    /// in file order by the row each stood on (W02 names it).
    /// </summary>
    private async Task WriteCuratedCopyAsync(ProviderFold fold, ReturnPath file, string uploadId, CancellationToken cancellationToken)
    {
        using var copy = new MemoryStream();
        CuratedCsv.WriteEpisodes(copy, fold.LatestEpisodes.Where(e => e.Month == file.Month).OrderBy(e => e.RowInFile).Select(e => e.Row));
        copy.Position = 0;
        await storage.Curated.GetBlobClient(CuratedReturns.BlobNameOf(file, uploadId)).UploadAsync(copy, overwrite: true, cancellationToken);
    }

    /// <summary>Writes the index rows and upload rows gathered while the states were written.</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        await new AcceptedReturnsIndex(storage.AcceptedReturns).SeedAsync([.. versions], cancellationToken);
        await new ProviderUploads(storage.ProviderUploads).RecordAllAsync([.. uploads], cancellationToken);
    }
}
