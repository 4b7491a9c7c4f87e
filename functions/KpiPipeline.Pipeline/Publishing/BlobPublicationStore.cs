using System.Collections.Concurrent;
using System.IO.Compression;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
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
/// way); against Blob Storage each one is a network round trip. Scorecard pages are stored gzip-encoded (Content-Encoding
/// <c>gzip</c>, which every browser decodes): at a fifth of national size that is 24 MB to store and send instead of 181
/// MB, for 0.2 s of compression. Their content hash is of the page itself, as a reader gets it. A write returns once its
/// file is encoded and its upload has started (at most <see cref="UploadsInFlight"/> at once), so the publisher renders the
/// next file while the last ones travel; <see cref="FlushAsync"/> waits for them all, and a failed upload fails the flush
/// and every later write. Waiting for each upload left a two-core worker idle a quarter of the publishing phase.
/// </summary>
public sealed class BlobPublicationStore(BlobContainerClient container) : IPublicationStore, IDisposable
{
    public const string ContentHashMetadata = "content_sha256";

    /// <summary>The Content-Encoding of the scorecard pages: browsers decode it, and a page is 7–8 times smaller stored and sent.</summary>
    public const string GzipEncoding = "gzip";

    /// <summary>
    /// Uploads under way at once, each holding its file in memory (a page or a period's file: at most a few MB). 8 rather
    /// than 16: ComputeKpis' national peak in a new worker 872 MiB instead of 941 MiB, its time the same at fifth and
    /// national size (docs/benchmarks.md, 2026-12-06 from 13:42).
    /// </summary>
    private const int UploadsInFlight = 8;

    private readonly Lock gate = new();
    private readonly SemaphoreSlim uploadSlots = new(UploadsInFlight, UploadsInFlight);
    private readonly List<Task> uploads = [];
    private ExceptionDispatchInfo? failure;
    private Task<ConcurrentDictionary<string, string>>? contentHashes;

    public string Describe(string relativePath) => $"{container.Uri}/{relativePath}";

    public async Task<bool> WriteAsync(string relativePath, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(write);
        failure?.Throw();
        var buffer = new MemoryStream();
        await write(buffer, cancellationToken);
        var hash = Convert.ToHexStringLower(SHA256.HashData(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)));
        var hashes = await ContentHashesAsync(cancellationToken);
        if (hashes.TryGetValue(relativePath, out var existingHash) && existingHash == hash)
        {
            buffer.Dispose();
            return false;
        }

        await uploadSlots.WaitAsync(cancellationToken);
        var upload = UploadAsync(relativePath, buffer, hash, hashes, cancellationToken);
        lock (gate)
        {
            uploads.Add(upload);
        }

        return true;
    }

    /// <summary>Waits for every upload <see cref="WriteAsync"/> started; throws the first that failed.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        Task[] started;
        lock (gate)
        {
            started = [.. uploads];
            uploads.Clear();
        }

        await Task.WhenAll(started).WaitAsync(cancellationToken);
        failure?.Throw();
    }

    public void Dispose() => uploadSlots.Dispose();

    /// <summary>Uploads one file in the background of the publisher's work, holding one of the upload slots.</summary>
    private async Task UploadAsync(
        string relativePath, MemoryStream buffer, string hash, ConcurrentDictionary<string, string> hashes, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Yield();
            var page = relativePath.EndsWith(".html", StringComparison.Ordinal);
            using var content = page ? Gzip(buffer) : buffer;
            content.Position = 0;
            await container.GetBlobClient(relativePath).UploadAsync(content, new BlobUploadOptions
            {
                HttpHeaders = page
                    ? new BlobHttpHeaders { ContentType = "text/html; charset=utf-8", ContentEncoding = GzipEncoding }
                    : new BlobHttpHeaders { ContentType = "application/vnd.apache.parquet" },
                Metadata = new Dictionary<string, string> { [ContentHashMetadata] = hash },
            }, cancellationToken);
            hashes[relativePath] = hash;
        }
        catch (Exception exception)
        {
            Interlocked.CompareExchange(ref failure, ExceptionDispatchInfo.Capture(exception), null);
            throw;
        }
        finally
        {
            buffer.Dispose();
            uploadSlots.Release();
        }
    }

    /// <summary>
    /// Copies every blob of a published container into <paramref name="folder"/> (blob names as relative paths), each as
    /// a reader gets it: a page stored gzip-encoded is written decoded, as a browser shows it.
    /// </summary>
    public static async Task CopyToFolderAsync(BlobContainerClient container, string folder, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(container);
        await foreach (var blob in container.GetBlobsAsync(cancellationToken: cancellationToken))
        {
            var target = Path.Combine(folder, blob.Name.Replace('/', Path.DirectorySeparatorChar));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            using var download = (await container.GetBlobClient(blob.Name).DownloadStreamingAsync(cancellationToken: cancellationToken)).Value;
            await using var file = File.Create(target);
            if (download.Details.ContentEncoding == GzipEncoding)
            {
                await using var decoded = new GZipStream(download.Content, CompressionMode.Decompress);
                await decoded.CopyToAsync(file, cancellationToken);
            }
            else
            {
                await download.Content.CopyToAsync(file, cancellationToken);
            }
        }
    }

    private static MemoryStream Gzip(MemoryStream plain)
    {
        var compressed = new MemoryStream(capacity: (int)(plain.Length / 4));
        using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(plain.GetBuffer(), 0, (int)plain.Length);
        }

        return compressed;
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
