namespace KpiPipeline.Functions.Hosting;

/// <summary>
/// A blob-trigger invocation as IngestReturn reads it: only the trigger <c>Metadata</c>. The host also sends the blob's
/// bytes under <c>Data</c>; they are skipped, not bound, because the handler streams the blob from storage by name, so
/// a large upload is never held in memory as a JSON value.
/// </summary>
public sealed class BlobTriggerRequest
{
    public Dictionary<string, System.Text.Json.JsonElement> Metadata { get; init; } = [];

    public InvocationRequest ToInvocationRequest() => new() { Metadata = Metadata };
}
