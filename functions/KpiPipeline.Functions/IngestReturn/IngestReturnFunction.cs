using KpiPipeline.Functions.Hosting;
using KpiPipeline.Pipeline.Ingest;

namespace KpiPipeline.Functions;

/// <summary>Blob trigger on <c>returns/{name}</c>: validates, reports, pseudonymises and stores one uploaded return file.</summary>
public static class IngestReturnFunction
{
    public static async Task<InvocationResponse> RunAsync(BlobTriggerRequest request, ReturnIngestService ingest, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var outcome = await ingest.IngestAsync(BlobNameOf(request.ToInvocationRequest()), cancellationToken);
        return new InvocationResponse { Logs = [outcome.Summary], ReturnValue = outcome.Summary };
    }

    /// <summary>The blob name inside the <c>returns</c> container, from the trigger metadata.</summary>
    public static string BlobNameOf(InvocationRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var name = request.MetadataString("name");
        if (!string.IsNullOrEmpty(name))
        {
            return name;
        }

        var path = request.MetadataString("BlobTrigger");
        const string prefix = "returns/";
        return path is not null && path.StartsWith(prefix, StringComparison.Ordinal)
            ? path[prefix.Length..]
            : throw new BadHttpRequestException("The invocation carries no blob name (Metadata.name or Metadata.BlobTrigger).");
    }
}
