namespace KpiPipeline.Pipeline.Ingest;

/// <summary>What happened to one uploaded blob.</summary>
public enum IngestStatus
{
    /// <summary>Validated without errors; its curated copy is the accepted version of its path.</summary>
    Accepted,

    /// <summary>Rejected whole; the upload is quarantined beside its report.</summary>
    Rejected,

    /// <summary>This upload was processed before; nothing changed.</summary>
    AlreadyProcessed,

    /// <summary>The upload kept failing and is recorded as failed instead of being retried forever.</summary>
    Failed,

    /// <summary>The blob no longer exists and the ledger has no record of it.</summary>
    NotFound,
}

/// <summary>The outcome of ingesting one upload, as the function reports it to the host.</summary>
public sealed record IngestOutcome(
    string BlobName,
    IngestStatus Status,
    int Rows,
    int Errors,
    int Warnings,
    string? ReportBlobName)
{
    public string Summary =>
        $"{BlobName}: {Status.ToString().ToLowerInvariant()} ({Rows} rows, {Errors} errors, {Warnings} warnings)"
        + (ReportBlobName is null ? string.Empty : $"; report {ReportBlobName}");
}
