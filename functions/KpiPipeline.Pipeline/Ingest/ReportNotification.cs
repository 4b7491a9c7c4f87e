using System.Text.Json.Serialization;

namespace KpiPipeline.Pipeline.Ingest;

/// <summary>
/// The message on the <c>report-notifications</c> queue that tells a provider about one upload (docs/ingest.md,
/// "Notifications"): its report is ready (<see cref="Accepted"/> or <see cref="Rejected"/>), or it could not be processed
/// (<see cref="Failed"/>, with <see cref="Message"/> and no report). A report of an upload supersedes a failure notice of
/// the same upload, whichever arrives first: a duplicate invocation may complete an upload recorded failed.
/// </summary>
public sealed record ReportNotification(
    [property: JsonPropertyName("blob")] string Blob,
    [property: JsonPropertyName("upload")] string Upload,
    [property: JsonPropertyName("provider")] string? Provider,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("accepted")] bool IsAccepted,
    [property: JsonPropertyName("errors")] long Errors,
    [property: JsonPropertyName("warnings")] long Warnings,
    [property: JsonPropertyName("report")] string? Report,
    [property: JsonPropertyName("message"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Message)
{
    public const string Accepted = "accepted";
    public const string Rejected = "rejected";
    public const string Failed = "failed";
}
