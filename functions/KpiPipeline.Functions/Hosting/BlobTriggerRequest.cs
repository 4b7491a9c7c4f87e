using System.Text.Json;

namespace KpiPipeline.Functions.Hosting;

/// <summary>
/// A blob-trigger invocation as the Functions host POSTs it to a custom handler (<c>{"Data": {...}, "Metadata": {...}}</c>),
/// read for its trigger <c>Metadata</c> only (<c>name</c>, <c>BlobTrigger</c>, <c>Uri</c>, <c>Properties</c>, <c>sys</c>).
/// The blob's bytes under <c>Data</c> are skipped, not bound: the handler streams the blob from storage by name, so a
/// large upload is never held in memory as a JSON value.
/// </summary>
public sealed class BlobTriggerRequest
{
    public Dictionary<string, JsonElement> Metadata { get; init; } = [];

    /// <summary>The blob's name inside <paramref name="container"/>: the <c>{name}</c> of the trigger path, or the rest of <c>BlobTrigger</c>.</summary>
    public string BlobName(string container)
    {
        if (MetadataString("name") is { Length: > 0 } name)
        {
            return name;
        }

        var prefix = container + "/";
        return MetadataString("BlobTrigger") is { } path && path.StartsWith(prefix, StringComparison.Ordinal)
            ? path[prefix.Length..]
            : throw new BadHttpRequestException("The invocation carries no blob name (Metadata.name or Metadata.BlobTrigger).");
    }

    private string? MetadataString(string key) =>
        Metadata.TryGetValue(key, out var value) ? value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Null or JsonValueKind.Undefined => null,
            _ => value.GetRawText(),
        } : null;
}
