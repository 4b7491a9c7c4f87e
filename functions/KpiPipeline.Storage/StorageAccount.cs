using Azure.Core;
using Azure.Core.Pipeline;

namespace KpiPipeline.Storage;

/// <summary>
/// The entry point: a storage account's blob containers, tables and queues, reached through Azure.Core pipelines
/// (retries, logging, diagnostics from <see cref="StorageClientOptions"/>). Authenticates with the connection's Shared Key
/// (Azurite, connection strings) or a <see cref="TokenCredential"/> (managed identity in Azure). Thread-safe; share one.
/// </summary>
public sealed class StorageAccount
{
    /// <summary>The Entra ID scope for Blob, Queue and Table data access.</summary>
    public const string TokenScope = "https://storage.azure.com/.default";

    private const string BlobQueueApiVersion = "2024-11-04";
    private const string TableApiVersion = "2019-02-02";

    private readonly StorageService blobs;
    private readonly StorageService queues;
    private readonly StorageService tables;

    /// <summary>An account from a connection string, signed with its Shared Key.</summary>
    public StorageAccount(string connectionString, StorageClientOptions? options = null)
        : this(StorageConnection.Parse(connectionString), credential: null, options)
    {
    }

    /// <summary>
    /// An account at <paramref name="connection"/>'s endpoints. With a <paramref name="credential"/> requests carry bearer
    /// tokens for <see cref="TokenScope"/>; without one the connection's Shared Key signs them.
    /// </summary>
    public StorageAccount(StorageConnection connection, TokenCredential? credential, StorageClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        Connection = connection;
        options ??= new StorageClientOptions();
        BlobBlockSize = options.BlobBlockSize;

        HttpPipelinePolicy BlobQueueAuth() => credential is not null
            ? new BearerTokenAuthenticationPolicy(credential, TokenScope)
            : new SharedKeyPolicy(RequireKey(connection), tableService: false);
        HttpPipelinePolicy TableAuth() => credential is not null
            ? new BearerTokenAuthenticationPolicy(credential, TokenScope)
            : new SharedKeyPolicy(RequireKey(connection), tableService: true);

        var blobQueuePipeline = HttpPipelineBuilder.Build(options, [], [new StorageDatePolicy(), BlobQueueAuth()], new ResponseClassifier());
        var tablePipeline = HttpPipelineBuilder.Build(options, [], [new StorageDatePolicy(), TableAuth()], new ResponseClassifier());
        blobs = new StorageService(connection.BlobEndpoint, blobQueuePipeline, BlobQueueApiVersion);
        queues = new StorageService(connection.QueueEndpoint, blobQueuePipeline, BlobQueueApiVersion);
        tables = new StorageService(connection.TableEndpoint, tablePipeline, TableApiVersion);
    }

    public StorageConnection Connection { get; }

    internal int BlobBlockSize { get; }

    public BlobContainer GetBlobContainer(string name) => new(blobs, name, BlobBlockSize);

    public StorageTable GetTable(string name) => new(tables, name);

    public StorageQueue GetQueue(string name) => new(queues, name);

    private static StorageSharedKeyCredential RequireKey(StorageConnection connection) =>
        connection.SharedKey ?? throw new ArgumentException(
            "The connection has no account key: pass a TokenCredential (e.g. DefaultAzureCredential) for token access.",
            nameof(connection));
}
