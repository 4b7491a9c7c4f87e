using KpiPipeline.Pipeline.Ingest;
using KpiPipeline.Pipeline.Storage;
using Microsoft.Azure.Functions.Worker;

namespace KpiPipeline.Functions;

/// <summary>
/// Timer trigger: records as failed every upload the host stopped trying while it was still <c>Processing</c> (docs/ingest.md,
/// "Stalled uploads"), and ingests every upload no event brought, so that every upload ends reported and no raw file stays
/// in <c>returns</c> for ever.
/// </summary>
public sealed class RecordStalledUploadsFunction(ReturnIngestService ingest)
{
    [Function(FunctionNames.RecordStalledUploads)]
    public Task<IReadOnlyList<SubmissionEntry>> RunAsync([TimerTrigger("%RecordStalledUploadsSchedule%")] TimerInfo timer, CancellationToken cancellationToken) =>
        ingest.RecordStalledAsync(cancellationToken);
}
