using System.Globalization;
using System.Text;
using Azure.Core;
using Azure.Core.Pipeline;

namespace KpiPipeline.Storage;

/// <summary>
/// Signs each try of a request with Shared Key: <c>x-ms-date</c>, then <c>Authorization: SharedKey account:signature</c>.
/// The Blob and Queue services sign the verb, standard headers, canonicalized <c>x-ms-</c> headers and resource with all
/// query parameters; the Table service signs only verb, Content-MD5, Content-Type, date and resource with <c>comp</c>.
/// The resource is <c>/account</c> + the request's encoded path, so path-style emulator URLs give
/// <c>/devstoreaccount1/devstoreaccount1/container/blob</c>, as the emulator expects.
/// </summary>
internal sealed class SharedKeyPolicy(StorageSharedKeyCredential credential, bool tableService) : HttpPipelineSynchronousPolicy
{
    public override void OnSendingRequest(HttpMessage message)
    {
        var request = message.Request;
        StorageDatePolicy.Stamp(request);
        var uri = request.Uri.ToUri();
        var stringToSign = tableService ? TableStringToSign(request, uri) : BlobQueueStringToSign(request, uri);
        request.Headers.SetValue("Authorization", $"SharedKey {credential.AccountName}:{credential.Sign(stringToSign)}");
    }

    private string TableStringToSign(Request request, Uri uri)
    {
        var resource = new StringBuilder().Append('/').Append(credential.AccountName).Append(uri.AbsolutePath);
        var comp = QueryParameters(uri).FirstOrDefault(p => p.Name == "comp");
        if (comp.Name is not null)
        {
            resource.Append("?comp=").Append(comp.Value);
        }

        return string.Join(
            '\n',
            request.Method.Method,
            Header(request, "Content-MD5"),
            Header(request, "Content-Type"),
            Header(request, "x-ms-date"),
            resource.ToString());
    }

    private string BlobQueueStringToSign(Request request, Uri uri)
    {
        var contentLength = request.Content is not null && request.Content.TryComputeLength(out var length) && length > 0
            ? length.ToString(CultureInfo.InvariantCulture)
            : string.Empty;
        var text = new StringBuilder()
            .Append(request.Method.Method).Append('\n')
            .Append(Header(request, "Content-Encoding")).Append('\n')
            .Append(Header(request, "Content-Language")).Append('\n')
            .Append(contentLength).Append('\n')
            .Append(Header(request, "Content-MD5")).Append('\n')
            .Append(Header(request, "Content-Type")).Append('\n')
            .Append(string.Empty).Append('\n') // Date: x-ms-date is used instead.
            .Append(Header(request, "If-Modified-Since")).Append('\n')
            .Append(Header(request, "If-Match")).Append('\n')
            .Append(Header(request, "If-None-Match")).Append('\n')
            .Append(Header(request, "If-Unmodified-Since")).Append('\n')
            .Append(Header(request, "Range")).Append('\n');

        foreach (var header in request.Headers
                     .Where(h => h.Name.StartsWith("x-ms-", StringComparison.OrdinalIgnoreCase))
                     .Select(h => (Name: h.Name.ToLowerInvariant(), Value: h.Value.Trim()))
                     .OrderBy(h => h.Name, StringComparer.Ordinal))
        {
            text.Append(header.Name).Append(':').Append(header.Value).Append('\n');
        }

        text.Append('/').Append(credential.AccountName).Append(uri.AbsolutePath);
        foreach (var group in QueryParameters(uri).GroupBy(p => p.Name).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            text.Append('\n').Append(group.Key).Append(':')
                .Append(string.Join(',', group.Select(p => p.Value).Order(StringComparer.Ordinal)));
        }

        return text.ToString();
    }

    private static string Header(Request request, string name) =>
        request.Headers.TryGetValue(name, out var value) ? value : string.Empty;

    /// <summary>Query parameters with lower-case, decoded names and decoded values.</summary>
    private static IEnumerable<(string Name, string Value)> QueryParameters(Uri uri)
    {
        var query = uri.Query.TrimStart('?');
        if (query.Length == 0)
        {
            yield break;
        }

        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? pair : pair[..equals];
            var value = equals < 0 ? string.Empty : pair[(equals + 1)..];
            yield return (Uri.UnescapeDataString(name).ToLowerInvariant(), Uri.UnescapeDataString(value));
        }
    }
}

/// <summary>Stamps each try with <c>x-ms-date</c>, which the services expect on every authorized request.</summary>
internal sealed class StorageDatePolicy : HttpPipelineSynchronousPolicy
{
    public override void OnSendingRequest(HttpMessage message) => Stamp(message.Request);

    public static void Stamp(Request request) =>
        request.Headers.SetValue("x-ms-date", DateTimeOffset.UtcNow.ToString("r", CultureInfo.InvariantCulture));
}
