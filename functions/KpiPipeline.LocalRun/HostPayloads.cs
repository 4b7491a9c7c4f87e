using System.Globalization;
using System.Text.Json.Nodes;

namespace KpiPipeline.LocalRun;

/// <summary>
/// Builds the JSON request payloads the Azure Functions host sends a custom handler, so the local runner and the tests
/// post exactly what Azure would: <c>{"Data": {binding: value}, "Metadata": {...trigger metadata..., "sys": {...}}}</c>.
/// </summary>
public static class HostPayloads
{
    /// <summary>A blobTrigger invocation for <paramref name="container"/>/<paramref name="blobName"/>, the blob's bytes as the binding value.</summary>
    public static JsonObject BlobTrigger(
        string functionName,
        string bindingName,
        string container,
        string blobName,
        Uri blobUri,
        ReadOnlySpan<byte> content,
        string? etag,
        DateTimeOffset lastModified,
        DateTimeOffset utcNow)
    {
        var properties = new JsonObject
        {
            ["Length"] = content.Length,
            ["ETag"] = etag,
            ["LastModified"] = lastModified.ToString("O", CultureInfo.InvariantCulture),
            ["ContentType"] = "text/csv",
            ["BlobType"] = "BlockBlob",
        };
        return new JsonObject
        {
            ["Data"] = new JsonObject { [bindingName] = Convert.ToBase64String(content) },
            ["Metadata"] = new JsonObject
            {
                ["BlobTrigger"] = $"{container}/{blobName}",
                ["Uri"] = blobUri.ToString(),
                ["Properties"] = properties,
                ["Metadata"] = new JsonObject(),
                ["name"] = blobName,
                ["sys"] = Sys(functionName, utcNow),
            },
        };
    }

    /// <summary>
    /// The same blob-trigger payload as <see cref="BlobTrigger"/>, streamed: the content is read from <paramref name="openContent"/>
    /// while the request is sent.
    /// </summary>
    public static HttpContent StreamingBlobTrigger(
        string functionName,
        string bindingName,
        string container,
        string blobName,
        Uri blobUri,
        Func<Stream> openContent,
        long length,
        string? etag,
        DateTimeOffset lastModified,
        DateTimeOffset utcNow)
    {
        var metadata = BlobTrigger(functionName, bindingName, container, blobName, blobUri, [], etag, lastModified, utcNow)["Metadata"]!.AsObject();
        metadata["Properties"]!["Length"] = length;
        var content = new StreamingBlobTriggerContent(openContent, bindingName, (System.Text.Json.Nodes.JsonObject)metadata.DeepClone());
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        return content;
    }

    /// <summary>A timerTrigger invocation: the binding value is the timer info object the host passes.</summary>
    public static JsonObject TimerTrigger(string functionName, string bindingName, DateTimeOffset last, DateTimeOffset next, DateTimeOffset utcNow) =>
        new()
        {
            ["Data"] = new JsonObject
            {
                [bindingName] = new JsonObject
                {
                    ["Schedule"] = new JsonObject { ["AdjustForDST"] = true },
                    ["ScheduleStatus"] = new JsonObject
                    {
                        ["Last"] = last.ToString("O", CultureInfo.InvariantCulture),
                        ["Next"] = next.ToString("O", CultureInfo.InvariantCulture),
                        ["LastUpdated"] = utcNow.ToString("O", CultureInfo.InvariantCulture),
                    },
                    ["IsPastDue"] = false,
                },
            },
            ["Metadata"] = new JsonObject { ["sys"] = Sys(functionName, utcNow) },
        };

    private static JsonObject Sys(string functionName, DateTimeOffset utcNow) => new()
    {
        ["MethodName"] = functionName,
        ["UtcNow"] = utcNow.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
        ["RandGuid"] = Guid.NewGuid().ToString(),
    };
}
