using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Xml.Linq;
using Azure;
using Azure.Core;

namespace KpiPipeline.Storage;

/// <summary>
/// A blob container: create it, upload (streamed, block by block for large content), download (streamed), read
/// properties, list by prefix and delete block blobs. Blob names may contain '/' as a virtual folder separator.
/// </summary>
public sealed class BlobContainer
{
    internal const string MetadataPrefix = "x-ms-meta-";

    private readonly StorageService service;
    private readonly int blockSize;

    internal BlobContainer(StorageService service, string name, int blockSize)
    {
        StorageNames.ValidateContainerOrQueue(name, "container");
        this.service = service;
        this.blockSize = blockSize;
        Name = name;
    }

    public string Name { get; }

    public Uri Uri => new($"{service.Endpoint.AbsoluteUri.TrimEnd('/')}/{Name}");

    /// <summary>Creates the container; false when it already exists.</summary>
    public async Task<bool> CreateIfNotExistsAsync(CancellationToken cancellationToken = default)
    {
        using var message = service.CreateMessage(RequestMethod.Put, Name, ("restype", "container"));
        var response = await service.SendAsync(message, cancellationToken);
        if (response.Status == 201)
        {
            return true;
        }

        var failure = await StorageService.FailureAsync(response, $"Create container '{Name}'", cancellationToken);
        return failure.ErrorCode == "ContainerAlreadyExists" ? false : throw failure;
    }

    /// <summary>Deletes the container and every blob in it; false when it did not exist.</summary>
    public async Task<bool> DeleteIfExistsAsync(CancellationToken cancellationToken = default)
    {
        using var message = service.CreateMessage(RequestMethod.Delete, Name, ("restype", "container"));
        var response = await service.SendAsync(message, cancellationToken);
        return response.Status switch
        {
            202 => true,
            404 => false,
            _ => throw await StorageService.FailureAsync(response, $"Delete container '{Name}'", cancellationToken),
        };
    }

    /// <summary>Uploads bytes as a block blob (replacing it unless a condition says otherwise).</summary>
    public async Task<BlobUploadResult> UploadAsync(string blobName, byte[] content, BlobUploadOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        using var stream = new MemoryStream(content, writable: false);
        return await UploadAsync(blobName, stream, options, cancellationToken);
    }

    /// <summary>
    /// Uploads a stream as a block blob, reading it to the end. Content that fits in one block goes in a single Put Blob;
    /// longer streams are staged with Put Block and committed with Put Block List, holding at most two blocks in memory.
    /// The stream need not be seekable or know its length.
    /// </summary>
    /// <exception cref="StorageConflictException">The write condition failed (the blob exists, or its ETag changed).</exception>
    public async Task<BlobUploadResult> UploadAsync(string blobName, Stream content, BlobUploadOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var path = BlobPath(blobName);
        options ??= new BlobUploadOptions();
        var current = ArrayPool<byte>.Shared.Rent(blockSize);
        var next = ArrayPool<byte>.Shared.Rent(blockSize);
        try
        {
            var currentLength = await content.ReadAtLeastAsync(current.AsMemory(0, blockSize), blockSize, throwOnEndOfStream: false, cancellationToken);
            var nextLength = currentLength < blockSize
                ? 0
                : await content.ReadAtLeastAsync(next.AsMemory(0, blockSize), blockSize, throwOnEndOfStream: false, cancellationToken);
            if (nextLength == 0)
            {
                return await PutBlobAsync(blobName, path, current.AsMemory(0, currentLength), options, cancellationToken);
            }

            var uploadId = Guid.NewGuid().ToString("N");
            var blockIds = new List<string>();
            long total = 0;
            while (currentLength > 0)
            {
                var blockId = Convert.ToBase64String(Encoding.ASCII.GetBytes($"{uploadId}-{blockIds.Count:D6}"));
                await PutBlockAsync(blobName, path, blockId, current.AsMemory(0, currentLength), cancellationToken);
                blockIds.Add(blockId);
                total += currentLength;

                (current, next) = (next, current);
                currentLength = nextLength;
                nextLength = currentLength < blockSize
                    ? 0
                    : await content.ReadAtLeastAsync(next.AsMemory(0, blockSize), blockSize, throwOnEndOfStream: false, cancellationToken);
            }

            return await PutBlockListAsync(blobName, path, blockIds, total, options, cancellationToken);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(current);
            ArrayPool<byte>.Shared.Return(next);
        }
    }

    /// <summary>
    /// Starts a download: properties now, content streamed from the response as the caller reads it.
    /// </summary>
    /// <exception cref="StorageRequestException">404 <c>BlobNotFound</c> when the blob does not exist.</exception>
    public async Task<BlobDownload> DownloadAsync(string blobName, CancellationToken cancellationToken = default)
    {
        var message = service.CreateMessage(RequestMethod.Get, BlobPath(blobName));
        message.BufferResponse = false;
        try
        {
            var response = await service.SendExpectingAsync(message, $"Get blob '{Describe(blobName)}'", cancellationToken, 200);
            return new BlobDownload(message, BlobProperties.FromHeaders(blobName, response));
        }
        catch
        {
            message.Dispose();
            throw;
        }
    }

    /// <summary>Downloads a whole blob into memory (for small blobs).</summary>
    public async Task<byte[]> DownloadBytesAsync(string blobName, CancellationToken cancellationToken = default)
    {
        await using var download = await DownloadAsync(blobName, cancellationToken);
        using var buffer = new MemoryStream(checked((int)download.Properties.Length));
        await download.Content.CopyToAsync(buffer, cancellationToken);
        return buffer.ToArray();
    }

    /// <summary>The blob's properties and metadata, or null when it does not exist.</summary>
    public async Task<BlobProperties?> GetPropertiesAsync(string blobName, CancellationToken cancellationToken = default)
    {
        using var message = service.CreateMessage(RequestMethod.Head, BlobPath(blobName));
        var response = await service.SendAsync(message, cancellationToken);
        return response.Status switch
        {
            200 => BlobProperties.FromHeaders(blobName, response),
            404 => null,
            _ => throw await StorageService.FailureAsync(response, $"Get properties of blob '{Describe(blobName)}'", cancellationToken),
        };
    }

    public async Task<bool> ExistsAsync(string blobName, CancellationToken cancellationToken = default) =>
        await GetPropertiesAsync(blobName, cancellationToken) is not null;

    /// <summary>Every blob whose name starts with <paramref name="prefix"/>, in name order, following continuation markers.</summary>
    public async IAsyncEnumerable<BlobProperties> ListBlobsAsync(
        string? prefix = null,
        int? pageSize = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string? marker = null;
        do
        {
            var page = await ListBlobsPageAsync(prefix, marker, pageSize, cancellationToken);
            foreach (var blob in page.Blobs)
            {
                yield return blob;
            }

            marker = page.NextMarker;
        }
        while (marker is not null);
    }

    /// <summary>One page of blobs (with metadata) starting at <paramref name="marker"/> (null for the first page).</summary>
    public async Task<BlobPage> ListBlobsPageAsync(string? prefix, string? marker, int? pageSize = null, CancellationToken cancellationToken = default)
    {
        if (pageSize is { } size)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(size, 5000);
        }

        using var message = service.CreateMessage(
            RequestMethod.Get,
            Name,
            ("restype", "container"),
            ("comp", "list"),
            ("prefix", string.IsNullOrEmpty(prefix) ? null : prefix),
            ("marker", string.IsNullOrEmpty(marker) ? null : marker),
            ("maxresults", pageSize?.ToString(CultureInfo.InvariantCulture)),
            ("include", "metadata"));
        var response = await service.SendExpectingAsync(message, $"List blobs in '{Name}'", cancellationToken, 200);
        var xml = await XDocument.LoadAsync(response.ContentStream!, LoadOptions.None, cancellationToken);
        var root = xml.Root ?? throw new StorageRequestException("List Blobs returned an empty document.");
        var blobs = root.Element("Blobs")?.Elements("Blob").Select(ParseListedBlob).ToList() ?? [];
        var nextMarker = root.Element("NextMarker")?.Value;
        return new BlobPage(blobs, string.IsNullOrEmpty(nextMarker) ? null : nextMarker);
    }

    /// <summary>Deletes a blob, optionally only if unchanged.</summary>
    /// <exception cref="StorageRequestException">404 <c>BlobNotFound</c> when absent; a conflict when the condition fails.</exception>
    public async Task DeleteAsync(string blobName, BlobCondition? condition = null, CancellationToken cancellationToken = default)
    {
        using var message = service.CreateMessage(RequestMethod.Delete, BlobPath(blobName));
        ApplyCondition(message.Request, condition);
        await service.SendExpectingAsync(message, $"Delete blob '{Describe(blobName)}'", cancellationToken, 202);
    }

    /// <summary>Deletes a blob; false when it did not exist.</summary>
    public async Task<bool> DeleteIfExistsAsync(string blobName, CancellationToken cancellationToken = default)
    {
        using var message = service.CreateMessage(RequestMethod.Delete, BlobPath(blobName));
        var response = await service.SendAsync(message, cancellationToken);
        return response.Status switch
        {
            202 => true,
            404 => false,
            _ => throw await StorageService.FailureAsync(response, $"Delete blob '{Describe(blobName)}'", cancellationToken),
        };
    }

    private async Task<BlobUploadResult> PutBlobAsync(string blobName, string path, ReadOnlyMemory<byte> content, BlobUploadOptions options, CancellationToken cancellationToken)
    {
        using var message = service.CreateMessage(RequestMethod.Put, path);
        message.Request.Headers.SetValue("x-ms-blob-type", "BlockBlob");
        ApplyBlobHeaders(message.Request, options);
        message.Request.Content = RequestContent.Create(content);
        var response = await service.SendExpectingAsync(message, $"Put blob '{Describe(blobName)}'", cancellationToken, 201);
        return UploadResult(response, content.Length, blockCount: 0);
    }

    private async Task PutBlockAsync(string blobName, string path, string blockId, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        using var message = service.CreateMessage(RequestMethod.Put, path, ("comp", "block"), ("blockid", blockId));
        message.Request.Content = RequestContent.Create(content);
        await service.SendExpectingAsync(message, $"Put block of blob '{Describe(blobName)}'", cancellationToken, 201);
    }

    private async Task<BlobUploadResult> PutBlockListAsync(string blobName, string path, List<string> blockIds, long length, BlobUploadOptions options, CancellationToken cancellationToken)
    {
        var body = new XDocument(
            new XDeclaration("1.0", "utf-8", null),
            new XElement("BlockList", blockIds.Select(id => new XElement("Latest", id))));
        using var message = service.CreateMessage(RequestMethod.Put, path, ("comp", "blocklist"));
        ApplyBlobHeaders(message.Request, options);
        message.Request.Headers.SetValue("Content-Type", "application/xml; charset=utf-8");
        message.Request.Content = RequestContent.Create(Encoding.UTF8.GetBytes(body.Declaration + body.ToString(SaveOptions.DisableFormatting)));
        var response = await service.SendExpectingAsync(message, $"Put block list of blob '{Describe(blobName)}'", cancellationToken, 201);
        return UploadResult(response, length, blockIds.Count);
    }

    private static void ApplyBlobHeaders(Request request, BlobUploadOptions options)
    {
        if (options.ContentType is { } contentType)
        {
            request.Headers.SetValue("x-ms-blob-content-type", contentType);
        }

        foreach (var (key, value) in options.Metadata ?? new Dictionary<string, string>())
        {
            request.Headers.SetValue(MetadataPrefix + key, value);
        }

        ApplyCondition(request, options.Condition);
    }

    private static void ApplyCondition(Request request, BlobCondition? condition)
    {
        if (condition?.IfMatch is { } ifMatch)
        {
            request.Headers.SetValue("If-Match", ifMatch);
        }

        if (condition?.IfNoneMatch is { } ifNoneMatch)
        {
            request.Headers.SetValue("If-None-Match", ifNoneMatch);
        }
    }

    private static BlobUploadResult UploadResult(Response response, long length, int blockCount)
    {
        response.Headers.TryGetValue("ETag", out var etag);
        response.Headers.TryGetValue("Last-Modified", out var lastModified);
        return new BlobUploadResult(
            etag ?? string.Empty,
            lastModified is null ? default : DateTimeOffset.Parse(lastModified, CultureInfo.InvariantCulture),
            length,
            blockCount);
    }

    private static BlobProperties ParseListedBlob(XElement blob)
    {
        var properties = blob.Element("Properties");
        string? Property(string name) => properties?.Element(name)?.Value;
        var metadata = blob.Element("Metadata")?.Elements()
            .ToDictionary(e => e.Name.LocalName, e => e.Value, StringComparer.OrdinalIgnoreCase)
            ?? new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var contentType = Property("Content-Type");
        return new BlobProperties(
            blob.Element("Name")?.Value ?? string.Empty,
            long.Parse(Property("Content-Length") ?? "0", CultureInfo.InvariantCulture),
            Property("Etag") ?? string.Empty,
            Property("Last-Modified") is { } lastModified ? DateTimeOffset.Parse(lastModified, CultureInfo.InvariantCulture) : default,
            string.IsNullOrEmpty(contentType) ? null : contentType,
            metadata);
    }

    /// <summary>The escaped request path: container, then each '/'-separated part of the blob name escaped.</summary>
    private string BlobPath(string blobName)
    {
        StorageNames.ValidateBlob(blobName);
        return Name + "/" + string.Join('/', blobName.Split('/').Select(Uri.EscapeDataString));
    }

    private string Describe(string blobName) => $"{Name}/{blobName}";
}
