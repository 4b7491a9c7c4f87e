using System.Globalization;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using KpiPipeline.Pipeline.Ingest;

namespace KpiPipeline.Testing;

/// <summary>Reads of what the pipeline stored, for assertions: through the Azure SDK clients, against the real Azurite.</summary>
public static class StorageReads
{
    /// <summary>Table properties the service maintains (not the pipeline's data).</summary>
    private static readonly HashSet<string> ServiceProperties = ["PartitionKey", "RowKey", "Timestamp", "odata.etag"];

    public static async Task<byte[]> DownloadBytesAsync(this BlobContainerClient container, string blobName)
    {
        ArgumentNullException.ThrowIfNull(container);
        return (await container.GetBlobClient(blobName).DownloadContentAsync()).Value.Content.ToArray();
    }

    public static async Task<bool> BlobExistsAsync(this BlobContainerClient container, string blobName)
    {
        ArgumentNullException.ThrowIfNull(container);
        return (await container.GetBlobClient(blobName).ExistsAsync()).Value;
    }

    /// <summary>The names of the blobs under <paramref name="prefix"/> (all when null), in listing order.</summary>
    public static async Task<List<string>> BlobNamesAsync(this BlobContainerClient container, string? prefix = null)
    {
        ArgumentNullException.ThrowIfNull(container);
        var names = new List<string>();
        await foreach (var blob in container.GetBlobsAsync(new Azure.Storage.Blobs.Models.GetBlobsOptions { Prefix = prefix }))
        {
            names.Add(blob.Name);
        }

        return names;
    }

    /// <summary>Every blob of a container as name → UTF-8 text (empty when the container does not exist).</summary>
    public static async Task<SortedDictionary<string, string>> ContentsAsync(this BlobContainerClient container)
    {
        ArgumentNullException.ThrowIfNull(container);
        var contents = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (!(await container.ExistsAsync()).Value)
        {
            return contents;
        }

        foreach (var name in await container.BlobNamesAsync())
        {
            contents[name] = Encoding.UTF8.GetString(await container.DownloadBytesAsync(name));
        }

        return contents;
    }

    /// <summary>Every entity of a table as "PartitionKey|RowKey" → its own properties as "name=value;…" (service properties left out).</summary>
    public static async Task<SortedDictionary<string, string>> ContentsAsync(this TableClient table, IReadOnlySet<string>? leaveOut = null)
    {
        ArgumentNullException.ThrowIfNull(table);
        var contents = new SortedDictionary<string, string>(StringComparer.Ordinal);
        try
        {
            await foreach (var entity in table.QueryAsync<TableEntity>())
            {
                contents[$"{entity.PartitionKey}|{entity.RowKey}"] = string.Join(";", entity.Keys
                    .Where(k => !ServiceProperties.Contains(k) && !k.EndsWith("@odata.type", StringComparison.Ordinal) && leaveOut?.Contains(k) != true)
                    .Order(StringComparer.Ordinal)
                    .Select(k => $"{k}={(entity[k] is DateTimeOffset time ? time.ToString("O", CultureInfo.InvariantCulture) : entity[k])}"));
            }
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // No table yet: nothing stored.
        }

        return contents;
    }

    /// <summary>Every message on the report-notification queue, read without taking it off (at most 32).</summary>
    public static async Task<List<ReportNotification>> PeekNotificationsAsync(this QueueClient queue)
    {
        ArgumentNullException.ThrowIfNull(queue);
        var messages = (await queue.PeekMessagesAsync(32)).Value;
        return [.. messages.Select(m => JsonSerializer.Deserialize<ReportNotification>(m.Body.ToString())!)];
    }

    /// <summary>Receives up to <paramref name="maxMessages"/> messages (decoded as the queue client is configured) and gives their text.</summary>
    public static async Task<List<string>> ReceiveTextsAsync(this QueueClient queue, int maxMessages)
    {
        ArgumentNullException.ThrowIfNull(queue);
        var messages = (await queue.ReceiveMessagesAsync(maxMessages)).Value;
        return [.. messages.Select(m => m.Body.ToString())];
    }
}
