using System.Text.Json;

namespace KpiPipeline.Functions.Hosting;

/// <summary>
/// The payload the Azure Functions host POSTs to a custom handler at <c>/{FunctionName}</c> for a non-HTTP trigger:
/// <c>Data</c> holds the trigger and input bindings by binding name, <c>Metadata</c> the trigger metadata
/// (for a blob trigger: <c>name</c>, <c>BlobTrigger</c>, <c>Uri</c>, <c>Properties</c>; always <c>sys</c>).
/// </summary>
public sealed class InvocationRequest
{
    public Dictionary<string, JsonElement> Data { get; init; } = [];

    public Dictionary<string, JsonElement> Metadata { get; init; } = [];

    /// <summary>A metadata value as a string (JSON strings unquoted; other JSON kinds as their raw text).</summary>
    public string? MetadataString(string key) =>
        Metadata.TryGetValue(key, out var value) ? value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Null or JsonValueKind.Undefined => null,
            _ => value.GetRawText(),
        } : null;
}

/// <summary>
/// The answer a custom handler returns to the Functions host: <c>Outputs</c> by output binding name, <c>Logs</c> written to
/// the invocation log, and <c>ReturnValue</c> for a <c>$return</c> binding.
/// </summary>
public sealed class InvocationResponse
{
    public Dictionary<string, object?> Outputs { get; init; } = [];

    public List<string> Logs { get; init; } = [];

    public object? ReturnValue { get; init; }
}
