using KpiPipeline.Core.Validation;

namespace KpiPipeline.Pipeline;

/// <summary>
/// Settings of the pipeline, bound from the <c>KpiPipeline</c> configuration section (app settings
/// <c>KpiPipeline__Name</c> in Azure). Secrets come from configuration (Key Vault references in Azure), never from code.
/// </summary>
public sealed class KpiPipelineOptions
{
    public const string Section = "KpiPipeline";

    /// <summary>The name of the storage connection setting (a connection string, or <c>KpiStorage__blobServiceUri</c> etc. for managed identity).</summary>
    public const string StorageConnectionName = "KpiStorage";

    public string ReturnsContainer { get; set; } = "returns";

    public string QuarantineContainer { get; set; } = "quarantine";

    public string CuratedContainer { get; set; } = "curated";

    public string PublishedContainer { get; set; } = "published";

    public string ReferenceContainer { get; set; } = "reference";

    public string ReportsContainer { get; set; } = "reports";

    /// <summary>The submissions ledger: one row per upload.</summary>
    public string LedgerTable { get; set; } = "submissions";

    /// <summary>Which upload of each provider, month and file is the accepted version.</summary>
    public string AcceptedReturnsTable { get; set; } = "acceptedreturns";

    /// <summary>Every completed upload of each registered provider, partitioned by provider (what the provider states list).</summary>
    public string ProviderUploadsTable { get; set; } = "provideruploads";

    /// <summary>Where a message goes for every report, so providers can be told their upload was processed.</summary>
    public string ReportNotificationsQueue { get; set; } = "report-notifications";

    /// <summary>HMAC secret for client keys (dataset.md 2.2).</summary>
    public string? PseudonymisationSecret { get; set; }

    /// <summary>Separate HMAC secret for NSP registrant tokens (dataset.md section 4, N05).</summary>
    public string? RegistrantSecret { get; set; }

    /// <summary>Use the fixed development secrets (the local demo only; it says so on screen).</summary>
    public bool UseDevelopmentSecrets { get; set; }

    /// <summary>
    /// Take an upload's time from its <c>uploaded_at</c> blob metadata (ISO 8601) instead of the time storage received it.
    /// For the local demo only, which uploads a year of returns at once and says when each would have been sent: in Azure a
    /// provider could claim any time, so this stays off there and DQ01 reads the time storage received the blob.
    /// </summary>
    public bool TrustDeclaredUploadTimes { get; set; }

    /// <summary>
    /// The largest upload accepted (rule F09; reading stops there). The default, 16 MiB, is about one nation's whole month in
    /// one episodes file, and bounds what one file can add to the memory of validation and of the KPI run (docs/validation.md).
    /// </summary>
    public long MaxReturnFileBytes { get; set; } = ValidationContext.DefaultMaxFileBytes;

    /// <summary>
    /// The day <c>ComputeKpis</c> computes as of (<c>yyyy-MM-dd</c>); empty: today (UTC). For recomputing an earlier day, and
    /// for benchmarks that compare the function app with <c>kpi process</c> on the same as-of date.
    /// </summary>
    public string ComputeAsOf { get; set; } = string.Empty;

    /// <summary>Days a rejected upload stays in quarantine before the purge timer deletes it.</summary>
    public int QuarantineRetentionDays { get; set; } = 30;

    /// <summary>Attempts after which an upload that keeps failing is recorded as failed instead of retried.</summary>
    public int MaxIngestAttempts { get; set; } = 5;

    /// <summary>
    /// Minutes after its last ledger write an upload still <c>Processing</c> is taken for stalled by
    /// <c>RecordStalledUploads</c> and recorded as failed: the host has stopped trying it (a worker killed on its last try, an
    /// attempt cancelled, a replacement upload taken up by its retry). The host's tries of one upload follow each other within
    /// seconds and an ingest takes seconds, so an hour leaves no live attempt behind.
    /// </summary>
    public int StalledUploadMinutes { get; set; } = 60;
}
