using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace KpiPipeline.Pipeline.Storage;

/// <summary>
/// The answers the pipeline treats as values rather than failures, on the Azure SDK clients: a blob or entity that is not
/// there, and a conditional write that lost (409 already exists, 412 condition not met).
/// </summary>
public static class StorageAnswers
{
    public static bool IsNotFound(this RequestFailedException e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return e.Status == 404;
    }

    /// <summary>409 (the blob or entity exists: only-if-absent lost) or 412 (an If-Match with a stale ETag).</summary>
    public static bool IsConflict(this RequestFailedException e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return e.Status is 409 or 412;
    }

    /// <summary>The blob's properties, or null when there is no such blob.</summary>
    public static async Task<BlobProperties?> GetPropertiesOrNullAsync(this BlobClient blob, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blob);
        try
        {
            return (await blob.GetPropertiesAsync(cancellationToken: cancellationToken)).Value;
        }
        catch (RequestFailedException e) when (e.IsNotFound())
        {
            return null;
        }
    }

    /// <summary>The whole content of a small blob, or null when there is no such blob.</summary>
    public static async Task<BinaryData?> DownloadContentOrNullAsync(this BlobClient blob, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blob);
        try
        {
            return (await blob.DownloadContentAsync(cancellationToken)).Value.Content;
        }
        catch (RequestFailedException e) when (e.IsNotFound())
        {
            return null;
        }
    }

    /// <summary>The entity, or null when there is none.</summary>
    public static async Task<TableEntity?> GetEntityOrNullAsync(this TableClient table, string partitionKey, string rowKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        var response = await table.GetEntityIfExistsAsync<TableEntity>(partitionKey, rowKey, cancellationToken: cancellationToken);
        return response.HasValue ? response.Value : null;
    }

    /// <summary>Every entity of the table, or those matching <paramref name="filter"/> (an OData filter; see <see cref="TableClient.CreateQueryFilter(FormattableString)"/>).</summary>
    public static async Task<List<TableEntity>> QueryAllAsync(this TableClient table, string? filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        var entities = new List<TableEntity>();
        await foreach (var entity in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            entities.Add(entity);
        }

        return entities;
    }
}
