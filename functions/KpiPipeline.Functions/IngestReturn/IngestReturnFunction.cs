using KpiPipeline.Functions.Hosting;
using KpiPipeline.Pipeline.Ingest;

namespace KpiPipeline.Functions;

/// <summary>Blob trigger on <c>returns/{name}</c>: validates, reports, pseudonymises and stores one uploaded return file.</summary>
public static class IngestReturnFunction
{
    public const string Container = "returns";

    public static async Task<InvocationResponse> RunAsync(BlobTriggerRequest request, ReturnIngestService ingest, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var outcome = await ingest.IngestAsync(request.BlobName(Container), cancellationToken);
        return new InvocationResponse { Logs = [outcome.Summary], ReturnValue = outcome.Summary };
    }
}
