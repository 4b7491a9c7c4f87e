using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Core;

namespace KpiPipeline.Storage;

/// <summary>
/// A table: create it, insert / upsert / replace / read / query / delete entities (JSON, minimal metadata).
/// </summary>
public sealed class StorageTable
{
    private const string JsonAccept = "application/json;odata=minimalmetadata";
    private static readonly RequestMethod Merge = new("MERGE");

    private readonly StorageService service;

    internal StorageTable(StorageService service, string name)
    {
        StorageNames.ValidateTable(name);
        this.service = service;
        Name = name;
    }

    public string Name { get; }

    /// <summary>Creates the table; false when it already exists.</summary>
    public async Task<bool> CreateIfNotExistsAsync(CancellationToken cancellationToken = default)
    {
        using var message = CreateMessage(RequestMethod.Post, "Tables");
        message.Request.Headers.SetValue("Prefer", "return-no-content");
        SetJsonContent(message.Request, JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["TableName"] = Name }));
        var response = await service.SendAsync(message, cancellationToken);
        if (response.Status is 201 or 204)
        {
            return true;
        }

        var failure = await StorageService.FailureAsync(response, $"Create table '{Name}'", cancellationToken);
        return failure.ErrorCode == "TableAlreadyExists" ? false : throw failure;
    }

    /// <summary>Inserts the entity, or replaces every property of an existing one (Insert Or Replace). Returns the new ETag.</summary>
    public Task<string> UpsertAsync(TableEntity entity, CancellationToken cancellationToken = default) =>
        WriteAsync(RequestMethod.Put, entity, ifMatch: null, "Upsert", cancellationToken);

    /// <summary>Inserts the entity, or merges its properties into an existing one (Insert Or Merge). Returns the new ETag.</summary>
    public Task<string> UpsertMergeAsync(TableEntity entity, CancellationToken cancellationToken = default) =>
        WriteAsync(Merge, entity, ifMatch: null, "Upsert (merge)", cancellationToken);

    /// <summary>Replaces the entity only if it still has <paramref name="ifMatch"/> (use "*" for any version). Returns the new ETag.</summary>
    /// <exception cref="StorageConflictException">The ETag is stale (412).</exception>
    /// <exception cref="StorageRequestException">404 when the entity does not exist.</exception>
    public Task<string> ReplaceAsync(TableEntity entity, string ifMatch, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(ifMatch);
        return WriteAsync(RequestMethod.Put, entity, ifMatch, "Replace", cancellationToken);
    }

    /// <summary>Inserts a new entity. Returns its ETag.</summary>
    /// <exception cref="StorageConflictException">An entity with the same keys exists (409).</exception>
    public async Task<string> InsertAsync(TableEntity entity, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entity);
        using var message = CreateMessage(RequestMethod.Post, Name);
        message.Request.Headers.SetValue("Prefer", "return-no-content");
        SetJsonContent(message.Request, TableJson.Serialize(entity));
        var response = await service.SendExpectingAsync(message, $"Insert entity into '{Name}'", cancellationToken, 201, 204);
        return ETagOf(response);
    }

    /// <summary>The entity with these keys, or null when there is none.</summary>
    public async Task<TableEntity?> GetAsync(string partitionKey, string rowKey, CancellationToken cancellationToken = default)
    {
        using var message = CreateMessage(RequestMethod.Get, EntityPath(partitionKey, rowKey));
        var response = await service.SendAsync(message, cancellationToken);
        if (response.Status == 404)
        {
            return null;
        }

        if (response.Status != 200)
        {
            throw await StorageService.FailureAsync(response, $"Get entity from '{Name}'", cancellationToken);
        }

        using var json = await JsonDocument.ParseAsync(response.ContentStream!, cancellationToken: cancellationToken);
        return TableJson.Deserialize(json.RootElement, ETagOf(response));
    }

    /// <summary>Every entity matching the OData <paramref name="filter"/> (all when null), following continuations.</summary>
    public async IAsyncEnumerable<TableEntity> QueryAsync(
        string? filter = null,
        int? pageSize = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        TableContinuation? continuation = null;
        do
        {
            var page = await QueryPageAsync(filter, pageSize, continuation, cancellationToken);
            foreach (var entity in page.Entities)
            {
                yield return entity;
            }

            continuation = page.Continuation;
        }
        while (continuation is not null);
    }

    /// <summary>
    /// One page of entities matching <paramref name="filter"/>, at most <paramref name="pageSize"/> ($top, up to 1000),
    /// from <paramref name="continuation"/>. A page can be empty yet have a continuation.
    /// </summary>
    public async Task<TablePage> QueryPageAsync(string? filter, int? pageSize, TableContinuation? continuation, CancellationToken cancellationToken = default)
    {
        if (pageSize is { } size)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(size, 1000);
        }

        using var message = CreateMessage(
            RequestMethod.Get,
            Name + "()",
            ("$filter", string.IsNullOrWhiteSpace(filter) ? null : filter),
            ("$top", pageSize?.ToString(CultureInfo.InvariantCulture)),
            ("NextPartitionKey", continuation?.NextPartitionKey),
            ("NextRowKey", continuation?.NextRowKey));
        var response = await service.SendExpectingAsync(message, $"Query entities in '{Name}'", cancellationToken, 200);
        using var json = await JsonDocument.ParseAsync(response.ContentStream!, cancellationToken: cancellationToken);
        var entities = json.RootElement.GetProperty("value").EnumerateArray().Select(e => TableJson.Deserialize(e)).ToList();
        response.Headers.TryGetValue("x-ms-continuation-NextPartitionKey", out var nextPartitionKey);
        response.Headers.TryGetValue("x-ms-continuation-NextRowKey", out var nextRowKey);
        return new TablePage(
            entities,
            string.IsNullOrEmpty(nextPartitionKey) ? null : new TableContinuation(nextPartitionKey, string.IsNullOrEmpty(nextRowKey) ? null : nextRowKey));
    }

    /// <summary>Deletes the entity if it still has <paramref name="ifMatch"/> ("*" for any version).</summary>
    /// <exception cref="StorageConflictException">The ETag is stale (412).</exception>
    /// <exception cref="StorageRequestException">404 when the entity does not exist.</exception>
    public async Task DeleteAsync(string partitionKey, string rowKey, string ifMatch = "*", CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(ifMatch);
        using var message = CreateMessage(RequestMethod.Delete, EntityPath(partitionKey, rowKey));
        message.Request.Headers.SetValue("If-Match", ifMatch);
        await service.SendExpectingAsync(message, $"Delete entity from '{Name}'", cancellationToken, 204);
    }

    /// <summary>Deletes the entity whatever its version; false when it did not exist.</summary>
    public async Task<bool> DeleteIfExistsAsync(string partitionKey, string rowKey, CancellationToken cancellationToken = default)
    {
        using var message = CreateMessage(RequestMethod.Delete, EntityPath(partitionKey, rowKey));
        message.Request.Headers.SetValue("If-Match", "*");
        var response = await service.SendAsync(message, cancellationToken);
        return response.Status switch
        {
            204 => true,
            404 => false,
            _ => throw await StorageService.FailureAsync(response, $"Delete entity from '{Name}'", cancellationToken),
        };
    }

    private async Task<string> WriteAsync(RequestMethod method, TableEntity entity, string? ifMatch, string operation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entity);
        using var message = CreateMessage(method, EntityPath(entity.PartitionKey, entity.RowKey));
        if (ifMatch is not null)
        {
            message.Request.Headers.SetValue("If-Match", ifMatch);
        }

        SetJsonContent(message.Request, TableJson.Serialize(entity));
        var response = await service.SendExpectingAsync(message, $"{operation} entity in '{Name}'", cancellationToken, 204);
        return ETagOf(response);
    }

    private HttpMessage CreateMessage(RequestMethod method, string path, params (string Name, string? Value)[] query)
    {
        var message = service.CreateMessage(method, path, query);
        message.Request.Headers.SetValue("Accept", JsonAccept);
        message.Request.Headers.SetValue("DataServiceVersion", "3.0");
        message.Request.Headers.SetValue("MaxDataServiceVersion", "3.0;NetFx");
        return message;
    }

    private static void SetJsonContent(Request request, byte[] body)
    {
        request.Headers.SetValue("Content-Type", "application/json");
        request.Content = RequestContent.Create(body);
    }

    /// <summary><c>table(PartitionKey='pk',RowKey='rk')</c> with quotes doubled and the keys escaped.</summary>
    private string EntityPath(string partitionKey, string rowKey)
    {
        StorageNames.ValidateEntityKey(partitionKey, "PartitionKey");
        StorageNames.ValidateEntityKey(rowKey, "RowKey");
        static string Key(string value) => Uri.EscapeDataString(value.Replace("'", "''", StringComparison.Ordinal));
        return new StringBuilder(Name)
            .Append("(PartitionKey='").Append(Key(partitionKey))
            .Append("',RowKey='").Append(Key(rowKey)).Append("')")
            .ToString();
    }

    private static string ETagOf(Response response) =>
        response.Headers.TryGetValue("ETag", out var etag) ? etag : string.Empty;
}
