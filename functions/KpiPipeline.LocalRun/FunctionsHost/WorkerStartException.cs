namespace KpiPipeline.LocalRun.FunctionsHost;

/// <summary>The worker did not start: it exited, or did not connect, index and load in time. <see cref="Logs"/> has what it wrote.</summary>
public sealed class WorkerStartException : InvalidOperationException
{
    public WorkerStartException()
    {
    }

    public WorkerStartException(string message)
        : base(message)
    {
    }

    public WorkerStartException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public WorkerStartException(string message, IReadOnlyList<HostLog> logs, Exception? innerException)
        : base(message, innerException) => Logs = logs;

    public IReadOnlyList<HostLog> Logs { get; } = [];
}
