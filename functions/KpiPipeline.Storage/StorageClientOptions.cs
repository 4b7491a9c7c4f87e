using Azure.Core;

namespace KpiPipeline.Storage;

/// <summary>
/// Azure.Core client options (retries, logging, transport, diagnostics) plus the blob upload sizes.
/// </summary>
public sealed class StorageClientOptions : ClientOptions
{
    private int blobBlockSize = 8 * 1024 * 1024;

    public StorageClientOptions()
    {
        foreach (var header in new[] { "x-ms-error-code", "x-ms-version", "x-ms-blob-type", "x-ms-continuation-NextPartitionKey", "x-ms-continuation-NextRowKey", "ETag", "Last-Modified" })
        {
            Diagnostics.LoggedHeaderNames.Add(header);
        }
    }

    /// <summary>
    /// Block size for streamed uploads (default 8 MiB). Content up to this size goes in one Put Blob; larger streams go
    /// block by block, so an upload holds at most two blocks in memory whatever its length.
    /// </summary>
    public int BlobBlockSize
    {
        get => blobBlockSize;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1024);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 100 * 1024 * 1024);
            blobBlockSize = value;
        }
    }
}
