using KpiPipeline.Storage;

namespace KpiPipeline.Pipeline.Publishing;

/// <summary>
/// Publishes into a blob container. A blob upload is committed atomically (Put Blob, or the final Put Block List), so a
/// reader sees the previous version until the new one is complete: that is the "temporary name, then swap" of outputs.md.
/// </summary>
public sealed class BlobPublicationStore(BlobContainer container) : IPublicationStore
{
    public string Describe(string relativePath) => $"{container.Uri}/{relativePath}";

    public async Task WriteAsync(string relativePath, Action<Stream> write, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(write);
        using var buffer = new MemoryStream();
        write(buffer);
        buffer.Position = 0;
        await container.UploadAsync(relativePath, buffer, new BlobUploadOptions { ContentType = "application/vnd.apache.parquet" }, cancellationToken);
    }
}
