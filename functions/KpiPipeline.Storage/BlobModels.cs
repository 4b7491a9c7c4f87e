using Azure;

namespace KpiPipeline.Storage;

/// <summary>A blob's properties: from Get Blob Properties, a download, or a List Blobs entry.</summary>
public sealed record BlobProperties(
    string Name,
    long Length,
    string ETag,
    DateTimeOffset LastModified,
    string? ContentType,
    IReadOnlyDictionary<string, string> Metadata)
{
    internal static BlobProperties FromHeaders(string name, Response response)
    {
        var headers = response.Headers;
        var metadata = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var header in headers)
        {
            if (header.Name.StartsWith(BlobContainer.MetadataPrefix, StringComparison.OrdinalIgnoreCase))
            {
                metadata[header.Name[BlobContainer.MetadataPrefix.Length..]] = header.Value;
            }
        }

        headers.TryGetValue("Last-Modified", out var lastModified);
        headers.TryGetValue("ETag", out var etag);
        return new BlobProperties(
            name,
            headers.ContentLength ?? 0,
            etag ?? string.Empty,
            lastModified is null ? default : DateTimeOffset.Parse(lastModified, System.Globalization.CultureInfo.InvariantCulture),
            headers.ContentType,
            metadata);
    }
}

/// <summary>The outcome of an upload: the new ETag and length, and how many blocks it took (0 for a single Put Blob).</summary>
public sealed record BlobUploadResult(string ETag, DateTimeOffset LastModified, long Length, int BlockCount);

/// <summary>One page of List Blobs and the marker for the next page (null on the last page).</summary>
public sealed record BlobPage(IReadOnlyList<BlobProperties> Blobs, string? NextMarker);

/// <summary>A condition on a blob write or delete, sent as If-None-Match / If-Match.</summary>
public sealed class BlobCondition
{
    private BlobCondition(string? ifMatch, string? ifNoneMatch)
    {
        IfMatch = ifMatch;
        IfNoneMatch = ifNoneMatch;
    }

    /// <summary>Write only if no blob has the name yet (If-None-Match: *).</summary>
    public static BlobCondition IfAbsent { get; } = new(null, "*");

    public string? IfMatch { get; }

    public string? IfNoneMatch { get; }

    /// <summary>Write only if the blob still has <paramref name="etag"/> (If-Match), i.e. nobody changed it since.</summary>
    public static BlobCondition IfUnchanged(string etag)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(etag);
        return new BlobCondition(etag, null);
    }
}

/// <summary>Options for an upload: content type, metadata (names must be valid C# identifiers) and a write condition.</summary>
public sealed class BlobUploadOptions
{
    public string? ContentType { get; init; }

    public IReadOnlyDictionary<string, string>? Metadata { get; init; }

    public BlobCondition? Condition { get; init; }
}

/// <summary>
/// A blob being downloaded: its properties and its content, read straight from the response as it arrives.
/// Dispose it to release the connection.
/// </summary>
public sealed class BlobDownload : IDisposable, IAsyncDisposable
{
    private readonly Azure.Core.HttpMessage message;

    internal BlobDownload(Azure.Core.HttpMessage message, BlobProperties properties)
    {
        this.message = message;
        Properties = properties;
        Content = message.Response.ContentStream ?? Stream.Null;
    }

    public BlobProperties Properties { get; }

    public Stream Content { get; }

    public void Dispose() => message.Dispose();

    public async ValueTask DisposeAsync()
    {
        await Content.DisposeAsync();
        message.Dispose();
    }
}
