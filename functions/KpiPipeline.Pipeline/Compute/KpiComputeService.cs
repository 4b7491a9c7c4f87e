using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using KpiPipeline.Kpis.Engine;
using KpiPipeline.Kpis.Returns;
using KpiPipeline.Pipeline.Publishing;
using KpiPipeline.Pipeline.Publishing.Scorecards;
using KpiPipeline.Pipeline.Storage;
using Microsoft.Extensions.Logging;

namespace KpiPipeline.Pipeline.Compute;

/// <summary>
/// Recomputes the KPIs from the accepted returns in storage and publishes both datasets and the catalogue to the
/// <c>published</c> container, when something changed since its last run: an accepted or rejected upload, the reference
/// data, or the as-of date. KPIs reach across periods (re-presentation windows, provisional cohorts, went-missing
/// episodes), so a run recomputes every period and then replaces only the files whose content changed.
/// </summary>
public sealed class KpiComputeService(PipelineStorage storage, TimeProvider time, ILogger<KpiComputeService> logger)
{
    /// <summary>The fingerprint of the inputs of the last completed run (in the curated container, beside the data).</summary>
    public const string LastRunBlob = "_state/compute-kpis.fingerprint";

    public async Task<ComputeOutcome> RunAsync(DateOnly? asOf, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        var day = asOf ?? DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var versions = await new AcceptedReturnsIndex(storage.AcceptedReturns).AllAsync(cancellationToken);
        var uploads = await new SubmissionLedger(storage.Ledger).CompletedUploadsAsync(cancellationToken);
        var fingerprint = await FingerprintAsync(day, versions, uploads, cancellationToken);
        if (await LastFingerprintAsync(cancellationToken) == fingerprint)
        {
            logger.LogInformation("KPI run skipped: inputs unchanged since the last run");
            return new ComputeOutcome(day, false, versions.Count, 0, 0, 0, [], 0, []);
        }

        var reference = await storage.LoadReferenceAsync(cancellationToken);
        var returns = await new CuratedReturns(storage.Curated).ReadAllAsync(versions, uploads, cancellationToken);
        var computation = KpiEngine.Compute(returns, reference, day);
        var published = await KpiPublisher.PublishAsync(
            computation, new PublicationMetadata(day, returns.SourceFileCount), new BlobPublicationStore(storage.Published), cancellationToken,
            names: ScorecardNames.From(reference));
        await storage.Curated.GetBlobClient(LastRunBlob).UploadAsync(BinaryData.FromString(fingerprint), overwrite: true, cancellationToken);
        foreach (var warning in computation.Warnings)
        {
            logger.LogWarning("KPI run warning: {Warning}", warning);
        }

        var outcome = new ComputeOutcome(day, true, returns.SourceFileCount, computation.Periods.Count, published.RestrictedRows,
            published.PublicRows, published.Files, published.UnchangedFiles, computation.Warnings)
        {
            RemovedFiles = published.Removed,
        };
        logger.LogInformation("KPI run {Summary}", outcome.Summary);
        return outcome;
    }

    private async Task<string> FingerprintAsync(
        DateOnly asOf, IReadOnlyList<AcceptedVersion> versions, IReadOnlyList<UploadOutcome> uploads, CancellationToken cancellationToken)
    {
        var lines = new List<string> { "as_of " + asOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) };
        lines.AddRange(versions.Select(v => $"accepted {v.Path.BlobName} {v.UploadId}"));
        lines.AddRange(uploads.Select(u => $"upload {u.BlobName} {u.UploadedAt:O} {u.Accepted}"));
        await foreach (var blob in storage.Reference.GetBlobsAsync(cancellationToken: cancellationToken))
        {
            lines.Add($"reference {blob.Name} {blob.Properties.ETag}");
        }

        lines.Sort(StringComparer.Ordinal);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', lines))));
    }

    private async Task<string?> LastFingerprintAsync(CancellationToken cancellationToken) =>
        (await storage.Curated.GetBlobClient(LastRunBlob).DownloadContentOrNullAsync(cancellationToken))?.ToString();
}
