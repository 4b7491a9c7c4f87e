using System.Text.Json;
using Microsoft.Azure.Functions.Worker.Grpc.Messages;

namespace KpiPipeline.LocalRun.FunctionsHost;

/// <summary>
/// A function as the worker indexed it (<c>FunctionMetadataResponse</c>): its id, and its trigger binding read from the raw
/// binding JSON — <c>type</c>, parameter <c>name</c>, and the trigger's settings (<c>path</c>, <c>connection</c>,
/// <c>schedule</c>, <c>runOnStartup</c>, <c>useMonitor</c>).
/// </summary>
public sealed record FunctionTrigger(
    string FunctionName,
    string FunctionId,
    string TriggerType,
    string BindingName,
    string? Path,
    string? Connection,
    string? Schedule,
    bool RunOnStartup,
    bool UseMonitor)
{
    public const string BlobTrigger = "blobTrigger";
    public const string TimerTrigger = "timerTrigger";
    public const string QueueTrigger = "queueTrigger";

    /// <summary>The queue of a queue trigger (<c>queueName</c>).</summary>
    public string? QueueName { get; private init; }

    /// <summary>
    /// Whether the worker binds the trigger's data itself (<c>properties.supportsDeferredBinding</c>, set by the Worker SDK
    /// for SDK types such as <c>BlobClient</c> and <c>QueueMessage</c>): the host then sends <c>model_binding_data</c>.
    /// </summary>
    public bool SupportsDeferredBinding { get; private init; }

    internal RpcFunctionMetadata Metadata { get; private init; } = new();

    internal static FunctionTrigger From(RpcFunctionMetadata metadata)
    {
        foreach (var raw in metadata.RawBindings)
        {
            using var binding = JsonDocument.Parse(raw);
            var root = binding.RootElement;
            var type = String(root, "type");
            if (type is null || !type.EndsWith("Trigger", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            return new FunctionTrigger(
                metadata.Name,
                metadata.FunctionId,
                type,
                String(root, "name") ?? throw new InvalidOperationException($"The trigger of {metadata.Name} has no name."),
                String(root, "path"),
                String(root, "connection"),
                String(root, "schedule"),
                Bool(root, "runOnStartup") ?? false,
                Bool(root, "useMonitor") ?? true)
            {
                Metadata = metadata,
                QueueName = String(root, "queueName"),
                SupportsDeferredBinding = root.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object
                    && Bool(properties, "supportsDeferredBinding") == true,
            };
        }

        throw new InvalidOperationException($"The function {metadata.Name} declares no trigger binding.");
    }

    /// <summary><c>returns/{name}</c> → container <c>returns</c>, prefix empty; <c>c/dir/{name}</c> → <c>c</c>, <c>dir/</c>.</summary>
    public (string Container, string Prefix) BlobPath()
    {
        var path = Path ?? throw new InvalidOperationException($"{FunctionName} is not a blob trigger.");
        var slash = path.IndexOf('/', StringComparison.Ordinal);
        var container = path[..slash];
        var rest = path[(slash + 1)..];
        var brace = rest.IndexOf('{', StringComparison.Ordinal);
        return (container, brace < 0 ? rest : rest[..brace]);
    }

    private static string? String(JsonElement element, string name) =>
        element.EnumerateObject().FirstOrDefault(p => p.NameEquals(name) || string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)) is
        { Value.ValueKind: JsonValueKind.String } property ? property.Value.GetString() : null;

    private static bool? Bool(JsonElement element, string name)
    {
        foreach (var property in element.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return property.Value.ValueKind switch
                {
                    JsonValueKind.True => true,
                    JsonValueKind.False => false,
                    JsonValueKind.String => bool.TryParse(property.Value.GetString(), out var value) ? value : null,
                    _ => null,
                };
            }
        }

        return null;
    }
}
