using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using KpiPipeline.Pipeline.Storage;

namespace KpiPipeline.Pipeline.Publishing;

/// <summary>
/// Publishes into a blob container. A blob upload is committed atomically (Put Blob, or the SDK's final Put Block List), so a
/// reader sees the previous version until the new one is complete: that is the "temporary name, then swap" of outputs.md.
/// Each blob carries the SHA-256 of its content in its metadata, and a file whose bytes have not changed is not uploaded
/// again (every row carries the as-of date and every footer the count of source returns, so in practice a run with new
/// inputs rewrites every period).
/// </summary>
public sealed class BlobPublicationStore(BlobContainerClient container) : IPublicationStore
{
    public const string ContentHashMetadata = "content_sha256";

    public string Describe(string relativePath) => $"{container.Uri}/{relativePath}";

    public async Task<bool> WriteAsync(string relativePath, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(write);
        using var buffer = new MemoryStream();
        await write(buffer, cancellationToken);
        var hash = Convert.ToHexStringLower(SHA256.HashData(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)));
        var blob = container.GetBlobClient(relativePath);
        var existing = await blob.GetPropertiesOrNullAsync(cancellationToken);
        if (existing?.Metadata is { } metadata && metadata.TryGetValue(ContentHashMetadata, out var existingHash) && existingHash == hash)
        {
            return false;
        }

        buffer.Position = 0;
        await blob.UploadAsync(buffer, new BlobUploadOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = relativePath.EndsWith(".html", StringComparison.Ordinal) ? "text/html; charset=utf-8" : "application/vnd.apache.parquet" },
            Metadata = new Dictionary<string, string> { [ContentHashMetadata] = hash },
        }, cancellationToken);
        return true;
    }

    public async IAsyncEnumerable<string> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var blob in container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }, cancellationToken))
        {
            yield return blob.Name;
        }
    }

    public async Task DeleteAsync(string relativePath, CancellationToken cancellationToken) =>
        await container.GetBlobClient(relativePath).DeleteIfExistsAsync(cancellationToken: cancellationToken);
}
