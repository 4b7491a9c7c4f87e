using KpiPipeline.Kpis.Engine;
using KpiPipeline.Pipeline.Publishing;
using KpiPipeline.Pipeline.Storage;
using Microsoft.Extensions.Logging;

namespace KpiPipeline.Pipeline.Compute;

/// <summary>
/// Recomputes every KPI from the accepted returns in storage and publishes both datasets and the catalogue to the
/// <c>published</c> container. Running it twice on the same data publishes the same files.
/// </summary>
public sealed class KpiComputeService(PipelineStorage storage, TimeProvider time, ILogger<KpiComputeService> logger)
{
    public async Task<ComputeOutcome> RunAsync(DateOnly? asOf, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        var day = asOf ?? DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var reference = await storage.LoadReferenceAsync(cancellationToken);
        var versions = await new AcceptedReturnsIndex(storage.AcceptedReturns).AllAsync(cancellationToken);
        var uploads = await new SubmissionLedger(storage.Ledger).CompletedUploadsAsync(cancellationToken);
        var returns = await new CuratedReturns(storage.Curated).ReadAllAsync(versions, uploads, cancellationToken);

        var computation = KpiEngine.Compute(returns, reference, day);
        var published = await KpiPublisher.PublishAsync(
            computation, new PublicationMetadata(day, returns.SourceFileCount), new BlobPublicationStore(storage.Published), cancellationToken);
        foreach (var warning in computation.Warnings)
        {
            logger.LogWarning("KPI run warning: {Warning}", warning);
        }

        var outcome = new ComputeOutcome(day, returns.SourceFileCount, computation.Periods.Count, published.RestrictedRows,
            published.PublicRows, published.Files, computation.Warnings);
        logger.LogInformation("KPI run {Summary}", outcome.Summary);
        return outcome;
    }
}
