namespace KpiPipeline.Pipeline.Ingest;

/// <summary>The steps of ingesting one upload, in order. Each is idempotent, so a crash after any step is mended by a rerun.</summary>
public enum IngestStep
{
    /// <summary>The upload was read and validated; its curated copy is staged but not yet stored.</summary>
    Validated,

    /// <summary>The curated copy is stored under a name unique to this upload.</summary>
    CuratedStored,

    /// <summary>The accepted-returns index points at this upload (the commit).</summary>
    Committed,

    /// <summary>The JSON and CSV reports are stored.</summary>
    Reported,

    /// <summary>The submissions ledger records the outcome.</summary>
    Recorded,

    /// <summary>The upload is listed for its provider's state and a refresh of that state is queued.</summary>
    StateRefreshQueued,

    /// <summary>The raw upload is deleted (accepted) or moved to quarantine (rejected).</summary>
    RawDisposed,
}

/// <summary>
/// Called after each ingest step. Production uses <see cref="NoIngestFaults"/>; tests use it to crash the ingest between
/// steps and prove that a retry ends in the same state as one clean run.
/// </summary>
public interface IIngestStepObserver
{
    Task AfterAsync(IngestStep step, string blobName, CancellationToken cancellationToken);
}

/// <summary>The production observer: does nothing.</summary>
public sealed class NoIngestFaults : IIngestStepObserver
{
    public Task AfterAsync(IngestStep step, string blobName, CancellationToken cancellationToken) => Task.CompletedTask;
}
