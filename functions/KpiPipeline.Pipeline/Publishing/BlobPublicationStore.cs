using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace KpiPipeline.Pipeline.Publishing;

/// <summary>
/// Publishes into a blob container. A blob upload is committed atomically (Put Blob, or the SDK's final Put Block List), so a
/// reader sees the previous version until the new one is complete: that is the "temporary name, then swap" of outputs.md.
/// Each blob carries the SHA-256 of its content in its metadata, and a file whose bytes have not changed is not uploaded
/// again (every row carries the as-of date and every footer the count of source returns, so in practice a run with new
/// inputs rewrites every period). The hashes are listed once, with the container's blobs, when the store writes its first
/// file, and the store keeps them up to date as it writes and deletes: a store is one run's publication, the only writer
/// of its container while it runs (ComputeKpis is a singleton timer function), so the listing stays true. One listing
/// replaces a HEAD request per file: 861 round trips at a fifth of national size, 3,261 at national size. Against
/// Azurite on the same machine that made no difference that could be told from the noise (publishing 3.5–4.3 s either
/// way); against Blob Storage each one is a network round trip.
/// </summary>
public sealed class BlobPublicationStore(BlobContainerClient container) : IPublicationStore
{
    public const string ContentHashMetadata = "content_sha256";

    private readonly Lock gate = new();
    private Task<ConcurrentDictionary<string, string>>? contentHashes;

    public string Describe(string relativePath) => $"{container.Uri}/{relativePath}";

    public async Task<bool> WriteAsync(string relativePath, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(write);
        using var buffer = new MemoryStream();
        await write(buffer, cancellationToken);
        var hash = Convert.ToHexStringLower(SHA256.HashData(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)));
        var hashes = await ContentHashesAsync(cancellationToken);
        if (hashes.TryGetValue(relativePath, out var existingHash) && existingHash == hash)
        {
            return false;
        }

        var blob = container.GetBlobClient(relativePath);
        buffer.Position = 0;
        await blob.UploadAsync(buffer, new BlobUploadOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = relativePath.EndsWith(".html", StringComparison.Ordinal) ? "text/html; charset=utf-8" : "application/vnd.apache.parquet" },
            Metadata = new Dictionary<string, string> { [ContentHashMetadata] = hash },
        }, cancellationToken);
        hashes[relativePath] = hash;
        return true;
    }

    public async IAsyncEnumerable<string> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var blob in container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }, cancellationToken))
        {
            yield return blob.Name;
        }
    }

    public async Task DeleteAsync(string relativePath, CancellationToken cancellationToken)
    {
        await container.GetBlobClient(relativePath).DeleteIfExistsAsync(cancellationToken: cancellationToken);
        Task<ConcurrentDictionary<string, string>>? listed;
        lock (gate)
        {
            listed = contentHashes;
        }

        // Not listed yet: the listing, when a write needs it, will not find the deleted blob.
        if (listed is { IsFaulted: false, IsCanceled: false })
        {
            (await listed).TryRemove(relativePath, out _);
        }
    }

    /// <summary>The content hash of every blob of the container, listed on first use and kept up to date by this store's writes.</summary>
    private Task<ConcurrentDictionary<string, string>> ContentHashesAsync(CancellationToken cancellationToken)
    {
        lock (gate)
        {
            // A listing that failed (or was cancelled) is tried again by the next write rather than kept as the answer.
            if (contentHashes is null || contentHashes.IsFaulted || contentHashes.IsCanceled)
            {
                contentHashes = ListContentHashesAsync(cancellationToken);
            }

            return contentHashes;
        }
    }

    private async Task<ConcurrentDictionary<string, string>> ListContentHashesAsync(CancellationToken cancellationToken)
    {
        var hashes = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        await foreach (var blob in container.GetBlobsAsync(new GetBlobsOptions { Traits = BlobTraits.Metadata }, cancellationToken))
        {
            if (blob.Metadata is { } metadata && metadata.TryGetValue(ContentHashMetadata, out var hash))
            {
                hashes[blob.Name] = hash;
            }
        }

        return hashes;
    }
}
