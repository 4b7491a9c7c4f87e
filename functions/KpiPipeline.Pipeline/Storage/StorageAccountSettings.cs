using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;

namespace KpiPipeline.Pipeline.Storage;

/// <summary>
/// How to reach the data storage account, read from the <c>KpiStorage</c> setting the way the Functions host reads a
/// connection: either a connection string (Azurite, or an account key), or, in Azure, the identity-based settings
/// <c>KpiStorage__blobServiceUri</c>, <c>__queueServiceUri</c>, <c>__tableServiceUri</c> and <c>__clientId</c> (the
/// user-assigned managed identity), reached with <see cref="DefaultAzureCredential"/>.
/// </summary>
public sealed class StorageAccountSettings
{
    private StorageAccountSettings(string? connectionString, Uri? blobServiceUri, Uri? queueServiceUri, Uri? tableServiceUri, string? clientId)
    {
        ConnectionString = connectionString;
        BlobServiceUri = blobServiceUri;
        QueueServiceUri = queueServiceUri;
        TableServiceUri = tableServiceUri;
        ManagedIdentityClientId = clientId;
    }

    /// <summary>The connection string, when storage is reached with one (never logged: it may hold the account key).</summary>
    public string? ConnectionString { get; }

    public Uri? BlobServiceUri { get; }

    public Uri? QueueServiceUri { get; }

    public Uri? TableServiceUri { get; }

    /// <summary>The client id of the user-assigned managed identity; null lets <see cref="DefaultAzureCredential"/> choose.</summary>
    public string? ManagedIdentityClientId { get; }

    public bool UsesConnectionString => ConnectionString is not null;

    public static StorageAccountSettings FromConnectionString(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return new StorageAccountSettings(connectionString, null, null, null, null);
    }

    /// <summary>Reads the setting named <paramref name="name"/> (default <see cref="KpiPipelineOptions.StorageConnectionName"/>).</summary>
    public static StorageAccountSettings FromConfiguration(IConfiguration configuration, string name = KpiPipelineOptions.StorageConnectionName)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var connectionString = configuration[name];
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            return FromConnectionString(connectionString);
        }

        var section = configuration.GetSection(name);
        var blob = section["blobServiceUri"];
        var queue = section["queueServiceUri"];
        var table = section["tableServiceUri"];
        if (string.IsNullOrWhiteSpace(blob) || string.IsNullOrWhiteSpace(queue) || string.IsNullOrWhiteSpace(table))
        {
            throw new InvalidOperationException(
                $"Storage is not configured: set '{name}' to a connection string, or '{name}__blobServiceUri', " +
                $"'{name}__queueServiceUri' and '{name}__tableServiceUri' (with '{name}__clientId' for a user-assigned identity).");
        }

        var clientId = section["clientId"];
        return new StorageAccountSettings(null, ServiceUri(name, "blobServiceUri", blob), ServiceUri(name, "queueServiceUri", queue),
            ServiceUri(name, "tableServiceUri", table), string.IsNullOrWhiteSpace(clientId) ? null : clientId);
    }

    /// <summary>The credential for identity-based access: the configured user-assigned identity first, as DefaultAzureCredential tries it.</summary>
    public TokenCredential CreateCredential() => new DefaultAzureCredential(new DefaultAzureCredentialOptions
    {
        ManagedIdentityClientId = ManagedIdentityClientId,
    });

    public BlobServiceClient CreateBlobServiceClient(BlobClientOptions? options = null, TokenCredential? credential = null) =>
        ConnectionString is { } connectionString
            ? new BlobServiceClient(connectionString, options)
            : new BlobServiceClient(BlobServiceUri, credential ?? CreateCredential(), options);

    /// <summary>A queue service client whose messages are base64 text, the encoding the Functions queue trigger reads.</summary>
    public QueueServiceClient CreateQueueServiceClient(QueueClientOptions? options = null, TokenCredential? credential = null)
    {
        options ??= new QueueClientOptions();
        options.MessageEncoding = QueueMessageEncoding.Base64;
        return ConnectionString is { } connectionString
            ? new QueueServiceClient(connectionString, options)
            : new QueueServiceClient(QueueServiceUri, credential ?? CreateCredential(), options);
    }

    public TableServiceClient CreateTableServiceClient(TableClientOptions? options = null, TokenCredential? credential = null) =>
        ConnectionString is { } connectionString
            ? new TableServiceClient(connectionString, options)
            : new TableServiceClient(TableServiceUri, credential ?? CreateCredential(), options);

    /// <summary>Never shows the connection string (it may hold the account key).</summary>
    public override string ToString() => UsesConnectionString
        ? "storage account (connection string)"
        : $"storage account {BlobServiceUri} (managed identity{(ManagedIdentityClientId is null ? string.Empty : " " + ManagedIdentityClientId)})";

    private static Uri ServiceUri(string name, string key, string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps
            ? uri
            : throw new InvalidOperationException($"'{name}__{key}' must be an absolute https URI.");
}
