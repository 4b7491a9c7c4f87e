using System.Text.Json;
using System.Text.Json.Serialization;

namespace KpiPipeline.LocalRun.FunctionsHost;

/// <summary>
/// The worker's <c>InvocationResponse</c> to one <c>InvocationRequest</c>: status, the function's return value (JSON), the
/// exception if it failed, and the <c>RpcLog</c> lines the worker sent for this invocation. <see cref="WorkerProcessId"/>
/// is the process the answer came from (the worker the stand-in started).
/// </summary>
public sealed record InvocationResult(
    string FunctionName,
    string InvocationId,
    string Status,
    string? ReturnValue,
    string? Exception,
    IReadOnlyList<HostLog> Logs,
    int WorkerProcessId)
{
    private static readonly JsonSerializerOptions OutcomeJson = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    public bool Succeeded => Status == "Success";

    /// <summary>The function's return value read as <typeparamref name="T"/> (the typed outcome of the service it called).</summary>
    public T Outcome<T>() =>
        ReturnValue is null
            ? throw new InvalidOperationException($"{FunctionName} returned no value ({Status}: {Exception}).")
            : JsonSerializer.Deserialize<T>(ReturnValue, OutcomeJson)!;
}

/// <summary>
/// What happened to one blob event: every attempt (the host retries a failed blob invocation up to five times), and
/// whether it ended in the poison queue.
/// </summary>
public sealed record BlobTriggerResult(string FunctionName, string BlobName, string ETag, IReadOnlyList<InvocationResult> Attempts, bool Poisoned)
{
    public InvocationResult Last => Attempts[^1];

    public bool Succeeded => Attempts.Count > 0 && Last.Succeeded;
}
