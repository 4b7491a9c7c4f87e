namespace KpiPipeline.Storage;

/// <summary>
/// Where a storage account's blob, queue and table services live and, for connection strings, the Shared Key that
/// signs requests. Parse a connection string with <see cref="Parse"/>, or name endpoints for token (Entra ID) access with
/// <see cref="ForAccount"/> / <see cref="FromEndpoints"/>.
/// </summary>
public sealed class StorageConnection
{
    /// <summary>Azurite's and the storage emulator's well-known account (public, documented; not a secret).</summary>
    public const string DevelopmentAccountName = "devstoreaccount1";

    private const string DevelopmentAccountKey =
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private const string DefaultEndpointSuffix = "core.windows.net";

    private static readonly HashSet<string> RecognisedKeys = new(StringComparer.OrdinalIgnoreCase)
    {
        "UseDevelopmentStorage", "DevelopmentStorageProxyUri", "DefaultEndpointsProtocol", "AccountName", "AccountKey",
        "EndpointSuffix", "BlobEndpoint", "QueueEndpoint", "TableEndpoint", "SharedAccessSignature",
        // Present in portal connection strings; this client does not use them.
        "FileEndpoint", "BlobSecondaryEndpoint", "QueueSecondaryEndpoint", "TableSecondaryEndpoint",
        "FileSecondaryEndpoint",
    };

    private StorageConnection(string accountName, Uri blobEndpoint, Uri queueEndpoint, Uri tableEndpoint, StorageSharedKeyCredential? sharedKey)
    {
        AccountName = accountName;
        BlobEndpoint = blobEndpoint;
        QueueEndpoint = queueEndpoint;
        TableEndpoint = tableEndpoint;
        SharedKey = sharedKey;
    }

    public string AccountName { get; }

    public Uri BlobEndpoint { get; }

    public Uri QueueEndpoint { get; }

    public Uri TableEndpoint { get; }

    /// <summary>The Shared Key from a connection string; null for endpoint-only connections (use a TokenCredential).</summary>
    public StorageSharedKeyCredential? SharedKey { get; }

    /// <summary>The endpoints of an Azure account in the public cloud (or another <paramref name="endpointSuffix"/>), over HTTPS.</summary>
    public static StorageConnection ForAccount(string accountName, string endpointSuffix = DefaultEndpointSuffix)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(accountName);
        ArgumentException.ThrowIfNullOrWhiteSpace(endpointSuffix);
        return new StorageConnection(
            accountName,
            ServiceEndpoint("https", accountName, "blob", endpointSuffix),
            ServiceEndpoint("https", accountName, "queue", endpointSuffix),
            ServiceEndpoint("https", accountName, "table", endpointSuffix),
            sharedKey: null);
    }

    /// <summary>Explicit service endpoints (e.g. from configuration), for token access.</summary>
    public static StorageConnection FromEndpoints(string accountName, Uri blobEndpoint, Uri queueEndpoint, Uri tableEndpoint)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(accountName);
        ArgumentNullException.ThrowIfNull(blobEndpoint);
        ArgumentNullException.ThrowIfNull(queueEndpoint);
        ArgumentNullException.ThrowIfNull(tableEndpoint);
        return new StorageConnection(accountName, blobEndpoint, queueEndpoint, tableEndpoint, sharedKey: null);
    }

    /// <summary>
    /// Parses a storage connection string (<c>Key=Value</c> pairs separated by <c>;</c>): AccountName and AccountKey, with
    /// DefaultEndpointsProtocol and EndpointSuffix or explicit Blob/Queue/TableEndpoint; or <c>UseDevelopmentStorage=true</c>.
    /// Errors name the problem but never echo values, so a key cannot leak into logs.
    /// </summary>
    /// <exception cref="FormatException">The string is malformed, incomplete or asks for something unsupported.</exception>
    public static StorageConnection Parse(string connectionString)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        var settings = ReadSettings(connectionString);

        if (settings.TryGetValue("UseDevelopmentStorage", out var development))
        {
            return ParseDevelopmentStorage(settings, development);
        }

        if (settings.ContainsKey("SharedAccessSignature"))
        {
            throw Invalid("SharedAccessSignature is not supported; use AccountName and AccountKey, or a TokenCredential.");
        }

        var accountName = Required(settings, "AccountName");
        var accountKey = Required(settings, "AccountKey");
        StorageSharedKeyCredential sharedKey;
        try
        {
            sharedKey = new StorageSharedKeyCredential(accountName, accountKey);
        }
        catch (FormatException)
        {
            throw Invalid("AccountKey is not valid base64.");
        }

        var protocol = settings.GetValueOrDefault("DefaultEndpointsProtocol", "https").ToLowerInvariant();
        if (protocol is not ("http" or "https"))
        {
            throw Invalid("DefaultEndpointsProtocol must be http or https.");
        }

        var suffix = settings.GetValueOrDefault("EndpointSuffix", DefaultEndpointSuffix);
        return new StorageConnection(
            accountName,
            Endpoint(settings, "BlobEndpoint") ?? ServiceEndpoint(protocol, accountName, "blob", suffix),
            Endpoint(settings, "QueueEndpoint") ?? ServiceEndpoint(protocol, accountName, "queue", suffix),
            Endpoint(settings, "TableEndpoint") ?? ServiceEndpoint(protocol, accountName, "table", suffix),
            sharedKey);
    }

    /// <summary>The account and endpoints, never the key.</summary>
    public override string ToString() =>
        $"AccountName={AccountName};BlobEndpoint={BlobEndpoint};QueueEndpoint={QueueEndpoint};TableEndpoint={TableEndpoint}" +
        (SharedKey is null ? string.Empty : ";AccountKey=(hidden)");

    private static Dictionary<string, string> ReadSettings(string connectionString)
    {
        var settings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var segments = connectionString.Split(';');
        for (var i = 0; i < segments.Length; i++)
        {
            var segment = segments[i].Trim();
            if (segment.Length == 0)
            {
                continue;
            }

            // Segment numbers, not contents, identify problems: a stray key fragment must not reach an error message.
            var equals = segment.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw Invalid($"segment {i + 1} is not a Key=Value pair.");
            }

            var key = segment[..equals].Trim();
            if (!RecognisedKeys.Contains(key))
            {
                throw Invalid($"segment {i + 1} has an unrecognised key.");
            }

            if (!settings.TryAdd(key, segment[(equals + 1)..].Trim()))
            {
                throw Invalid($"{key} appears more than once.");
            }
        }

        if (settings.Count == 0)
        {
            throw Invalid("it is empty.");
        }

        return settings;
    }

    private static StorageConnection ParseDevelopmentStorage(Dictionary<string, string> settings, string value)
    {
        if (!bool.TryParse(value, out var useDevelopment) || !useDevelopment)
        {
            throw Invalid("UseDevelopmentStorage must be true when present.");
        }

        if (settings.Count > 1)
        {
            throw Invalid("UseDevelopmentStorage=true cannot be combined with other settings.");
        }

        return new StorageConnection(
            DevelopmentAccountName,
            new Uri($"http://127.0.0.1:10000/{DevelopmentAccountName}"),
            new Uri($"http://127.0.0.1:10001/{DevelopmentAccountName}"),
            new Uri($"http://127.0.0.1:10002/{DevelopmentAccountName}"),
            new StorageSharedKeyCredential(DevelopmentAccountName, DevelopmentAccountKey));
    }

    private static string Required(Dictionary<string, string> settings, string key) =>
        settings.TryGetValue(key, out var value) && value.Length > 0
            ? value
            : throw Invalid($"{key} is missing.");

    private static Uri? Endpoint(Dictionary<string, string> settings, string key)
    {
        if (!settings.TryGetValue(key, out var value))
        {
            return null;
        }

        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw Invalid($"{key} is not an absolute http(s) URI.");
        }

        return uri;
    }

    private static Uri ServiceEndpoint(string protocol, string accountName, string service, string suffix) =>
        new($"{protocol}://{accountName}.{service}.{suffix}");

    private static FormatException Invalid(string problem) => new("Invalid storage connection string: " + problem);
}
