namespace KpiPipeline.Functions.Hosting;

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
