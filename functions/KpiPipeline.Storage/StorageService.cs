using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace KpiPipeline.Storage;

/// <summary>One storage service (blob, queue or table): its endpoint, its pipeline and its REST API version.</summary>
internal sealed class StorageService(Uri endpoint, HttpPipeline pipeline, string apiVersion)
{
    private const int MaxErrorBodyBytes = 64 * 1024;

    public Uri Endpoint { get; } = endpoint;

    /// <summary>A request to <c>{endpoint}/{escapedPath}?{query}</c>; null query values are left out.</summary>
    public HttpMessage CreateMessage(RequestMethod method, string escapedPath, params (string Name, string? Value)[] query)
    {
        var uri = new StringBuilder(Endpoint.AbsoluteUri.TrimEnd('/')).Append('/').Append(escapedPath);
        var separator = '?';
        foreach (var (name, value) in query)
        {
            if (value is not null)
            {
                uri.Append(separator).Append(name).Append('=').Append(Uri.EscapeDataString(value));
                separator = '&';
            }
        }

        var message = pipeline.CreateMessage();
        message.Request.Method = method;
        message.Request.Uri.Reset(new Uri(uri.ToString()));
        message.Request.Headers.SetValue("x-ms-version", apiVersion);
        return message;
    }

    public async Task<Response> SendAsync(HttpMessage message, CancellationToken cancellationToken)
    {
        await pipeline.SendAsync(message, cancellationToken);
        return message.Response;
    }

    /// <summary>Sends and throws <see cref="StorageRequestException"/> unless the status is one of <paramref name="expected"/>.</summary>
    public async Task<Response> SendExpectingAsync(HttpMessage message, string operation, CancellationToken cancellationToken, params int[] expected)
    {
        var response = await SendAsync(message, cancellationToken);
        if (Array.IndexOf(expected, response.Status) < 0)
        {
            throw await FailureAsync(response, operation, cancellationToken);
        }

        return response;
    }

    /// <summary>
    /// The exception for a refused request: 409 and 412 are <see cref="StorageConflictException"/>. The message holds the
    /// operation, status, error code and the service's first message line; never the URI query, headers or key.
    /// </summary>
    public static async Task<StorageRequestException> FailureAsync(Response response, string operation, CancellationToken cancellationToken)
    {
        response.Headers.TryGetValue("x-ms-error-code", out var errorCode);
        var (bodyCode, bodyMessage) = await ReadErrorBodyAsync(response, cancellationToken);
        errorCode ??= bodyCode;
        var detail = bodyMessage ?? response.ReasonPhrase;
        var text = $"{operation} failed: {response.Status} {errorCode ?? "(no error code)"}: {detail}";
        if (response.Status == 403)
        {
            text += " (check the account key, or that the identity has a Storage Blob/Queue/Table Data role on the account)";
        }

        if (response.Headers.RequestId is { } requestId)
        {
            text += $" (request id {requestId})";
        }

        return response.Status is 409 or 412
            ? new StorageConflictException(text, response.Status, errorCode)
            : new StorageRequestException(text, response.Status, errorCode);
    }

    private static async Task<(string? Code, string? Message)> ReadErrorBodyAsync(Response response, CancellationToken cancellationToken)
    {
        if (response.ContentStream is not { } stream)
        {
            return (null, null);
        }

        var buffer = new byte[MaxErrorBodyBytes];
        var length = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken);
        if (length == 0)
        {
            return (null, null);
        }

        try
        {
            var body = buffer.AsMemory(0, length);
            if (body.Span[0] == (byte)'{')
            {
                // Table service: {"odata.error":{"code":"...","message":{"lang":"en-US","value":"..."}}}
                using var json = JsonDocument.Parse(body);
                var error = json.RootElement.GetProperty("odata.error");
                var message = error.GetProperty("message");
                return (error.GetProperty("code").GetString(),
                    FirstLine(message.ValueKind == JsonValueKind.Object ? message.GetProperty("value").GetString() : message.GetString()));
            }

            // Blob and Queue services: <Error><Code>...</Code><Message>...</Message></Error>
            var xml = XDocument.Parse(Encoding.UTF8.GetString(body.Span).TrimStart('\uFEFF'));
            return (xml.Root?.Element("Code")?.Value, FirstLine(xml.Root?.Element("Message")?.Value));
        }
        catch (Exception e) when (e is JsonException or System.Xml.XmlException or KeyNotFoundException or InvalidOperationException)
        {
            return (null, null);
        }
    }

    /// <summary>The service's message without its RequestId/Time lines.</summary>
    private static string? FirstLine(string? message) => message?.Split('\n', 2)[0].Trim();
}
