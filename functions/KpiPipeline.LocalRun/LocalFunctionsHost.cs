using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace KpiPipeline.LocalRun;

/// <summary>The answer of one invocation: the HTTP status and the handler's JSON (Outputs, Logs, ReturnValue).</summary>
public sealed record InvocationResult(string FunctionName, string Trigger, int StatusCode, JsonElement Body)
{
    public bool Succeeded => StatusCode is >= 200 and < 300;

    private const string LogsProperty = "Logs";

    public IReadOnlyList<string> Logs => Body.ValueKind == JsonValueKind.Object && Body.TryGetProperty(LogsProperty, out var logs)
        ? [.. logs.EnumerateArray().Select(l => l.GetString() ?? string.Empty)]
        : [];
}

/// <summary>
/// A local stand-in for the Azure Functions host: it reads the app's function.json files, notices new blobs in the
/// containers that blob triggers watch, fires timers on request, and POSTs the host's invocation payloads to the custom
/// handler over HTTP. Like the host, it retries a failed blob invocation a few times and then gives up on that blob.
/// </summary>
public sealed class LocalFunctionsHost(Uri handler, BlobServiceClient storage, IReadOnlyList<FunctionDefinition> functions, HttpClient http)
{
    public const int MaxBlobAttempts = 5;

    private readonly HashSet<string> seen = new(StringComparer.Ordinal);

    /// <summary>Invokes every blob-triggered function once for each blob it has not seen yet (by name and ETag).</summary>
    public async Task<IReadOnlyList<InvocationResult>> PollBlobsAsync(CancellationToken cancellationToken)
    {
        var results = new List<InvocationResult>();
        foreach (var function in functions.Where(f => f.TriggerType == "blobTrigger"))
        {
            var (containerName, prefix) = SplitTriggerPath(function.Path!);
            var container = storage.GetBlobContainerClient(containerName);
            var blobs = new List<BlobItem>();
            await foreach (var blob in container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }, cancellationToken))
            {
                blobs.Add(blob);
            }

            foreach (var blob in blobs.OrderBy(b => b.Properties.LastModified).ThenBy(b => b.Name, StringComparer.Ordinal))
            {
                if (!seen.Add($"{function.Name}|{blob.Name}|{blob.Properties.ETag}"))
                {
                    continue;
                }

                byte[] content;
                try
                {
                    content = (await container.GetBlobClient(blob.Name).DownloadContentAsync(cancellationToken)).Value.Content.ToArray();
                }
                catch (RequestFailedException e) when (e.Status == 404)
                {
                    continue;
                }

                var uri = new Uri($"{container.Uri}/{blob.Name}");
                InvocationResult result;
                var attempt = 0;
                do
                {
                    var payload = HostPayloads.BlobTrigger(function.Name, function.BindingName, containerName, blob.Name, uri, content,
                        blob.Properties.ETag?.ToString(), blob.Properties.LastModified ?? DateTimeOffset.UtcNow, DateTimeOffset.UtcNow);
                    result = await InvokeAsync(function.Name, "blobTrigger", payload, cancellationToken);
                }
                while (!result.Succeeded && ++attempt < MaxBlobAttempts);

                results.Add(result);
            }
        }

        return results;
    }

    /// <summary>Fires a timer-triggered function now.</summary>
    public async Task<InvocationResult> FireTimerAsync(string functionName, CancellationToken cancellationToken)
    {
        var function = functions.Single(f => f.Name == functionName && f.TriggerType == "timerTrigger");
        var now = DateTimeOffset.UtcNow;
        var payload = HostPayloads.TimerTrigger(function.Name, function.BindingName, now.AddDays(-1), now.AddDays(1), now);
        return await InvokeAsync(function.Name, "timerTrigger", payload, cancellationToken);
    }

    private async Task<InvocationResult> InvokeAsync(string functionName, string trigger, JsonObject payload, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync(new Uri(handler, functionName), payload, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        JsonElement body;
        try
        {
            body = JsonDocument.Parse(text).RootElement.Clone();
        }
        catch (JsonException)
        {
            body = JsonSerializer.SerializeToElement(text);
        }

        return new InvocationResult(functionName, trigger, (int)response.StatusCode, body);
    }

    /// <summary><c>returns/{name}</c> → container <c>returns</c>, prefix empty; <c>c/dir/{name}</c> → <c>c</c>, <c>dir/</c>.</summary>
    public static (string Container, string Prefix) SplitTriggerPath(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var slash = path.IndexOf('/', StringComparison.Ordinal);
        var container = path[..slash];
        var rest = path[(slash + 1)..];
        var brace = rest.IndexOf('{', StringComparison.Ordinal);
        return (container, brace < 0 ? rest : rest[..brace]);
    }
}
