using KpiPipeline.Pipeline.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KpiPipeline.Pipeline.Quarantine;

/// <summary>What a purge removed.</summary>
public sealed record PurgeOutcome(int Deleted, int Kept, DateTimeOffset Cutoff)
{
    public string Summary => $"quarantine purge: {Deleted} blobs older than {Cutoff:yyyy-MM-dd HH:mm}Z deleted, {Kept} kept";
}

/// <summary>
/// Deletes rejected uploads and their report copies from the quarantine container once they are older than
/// <see cref="KpiPipelineOptions.QuarantineRetentionDays"/> (dataset.md 2.2; default 30 days). The ledger keeps the record.
/// </summary>
public sealed class QuarantinePurgeService(
    PipelineStorage storage, IOptions<KpiPipelineOptions> options, TimeProvider time, ILogger<QuarantinePurgeService> logger)
{
    public async Task<PurgeOutcome> PurgeAsync(CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        var cutoff = time.GetUtcNow().AddDays(-options.Value.QuarantineRetentionDays);
        var deleted = 0;
        var kept = 0;
        await foreach (var blob in storage.Quarantine.GetBlobsAsync(cancellationToken: cancellationToken))
        {
            if (blob.Properties.LastModified < cutoff)
            {
                await storage.Quarantine.DeleteBlobIfExistsAsync(blob.Name, cancellationToken: cancellationToken);
                deleted++;
            }
            else
            {
                kept++;
            }
        }

        var outcome = new PurgeOutcome(deleted, kept, cutoff);
        logger.LogInformation("{Summary}", outcome.Summary);
        return outcome;
    }
}
