namespace KpiPipeline.LocalRun.FunctionsHost;

/// <summary>How to run the stand-in: the published app folder, the app settings (as in local.settings.json's Values), a log sink.</summary>
public sealed record StandInOptions
{
    /// <summary>The folder of the published function app (functions.metadata, worker.config.json, host.json, the app's dll).</summary>
    public required string AppFolder { get; init; }

    /// <summary>The app settings, passed to the worker as environment variables (<c>A:B</c> becomes <c>A__B</c>).</summary>
    public required IReadOnlyDictionary<string, string?> Settings { get; init; }

    /// <summary>Every log line: the worker's RpcLog and console lines, and the stand-in's own.</summary>
    public Action<HostLog> Log { get; init; } = _ => { };

    /// <summary>The host id in receipt and timer-status blob names (the real host derives it from the app name).</summary>
    public string HostId { get; init; } = "kpipipeline-local";

    /// <summary>
    /// How long a queue message being processed stays invisible to other readers; renewed at half the time while the
    /// invocation runs (the host's lease is ten minutes). A message whose reader dies becomes visible again after it.
    /// </summary>
    public TimeSpan QueueMessageLease { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>How long the worker may take to connect, index and load its functions.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromMinutes(2);
}
