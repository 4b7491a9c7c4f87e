namespace KpiPipeline.LocalRun.FunctionsHost;

/// <summary>
/// One log line the stand-in passes through: an <c>RpcLog</c> the worker sent over the gRPC stream (with the invocation it
/// belongs to, if any), a line of the worker's stdout/stderr, or the stand-in's own account of what it did.
/// </summary>
public sealed record HostLog(DateTimeOffset Time, string Source, string Level, string Category, string Message, string? InvocationId)
{
    public const string WorkerSource = "worker";
    public const string ConsoleSource = "console";
    public const string HostSource = "host";

    public override string ToString() =>
        $"[{Time:HH:mm:ss.fff}] {Source} {Level} {Category}: {Message}{(InvocationId is null ? string.Empty : $" (invocation {InvocationId})")}";
}
