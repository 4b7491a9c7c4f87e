using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using KpiPipeline.Core.Dataset;
using KpiPipeline.Kpis.Returns;

namespace KpiPipeline.Pipeline.Storage;

/// <summary>Where an upload stands in the ledger.</summary>
public enum SubmissionState { Processing, Completed, Failed }

/// <summary>One upload in the submissions ledger: its identity, its outcome, and what was stored for it.</summary>
public sealed record SubmissionEntry(
    string BlobName,
    string UploadId,
    SubmissionState State,
    int Attempts,
    DateTimeOffset UploadedAt,
    bool Accepted = false,
    bool ProviderRegistered = false,
    long Rows = 0,
    long Errors = 0,
    long Warnings = 0,
    long SizeBytes = 0,
    string? Sha256 = null,
    string? ReportBlob = null,
    string? CuratedBlob = null)
{
    public ReturnPath? Path => ReturnPath.TryParse(BlobName, out var path, out _) ? path : null;
}

/// <summary>
/// The submissions ledger (Table storage): one row per upload, partitioned by blob name, keyed by the upload's ETag.
/// Initials and dates of birth never reach it; the raw file's SHA-256, size and row counts do (dataset.md 2.2).
/// </summary>
public sealed class SubmissionLedger(TableClient table)
{
    /// <summary>
    /// The longest partition key written as the escaped blob name. Table keys may be at most 1 KiB (Azurite counts 1,024
    /// characters; a KiB of UTF-16 is 512), and a blob name may be 1,024 characters that escape to three times as many.
    /// </summary>
    public const int MaxEscapedPartitionKey = 512;

    /// <summary>
    /// The blob name escaped (table keys cannot hold '/', '\', '#', '?' or control characters). A name whose escaped form
    /// is longer than <see cref="MaxEscapedPartitionKey"/> is keyed by <c>%%sha256-</c> and the SHA-256 of its UTF-8 bytes
    /// instead: no escaped name starts with "%%", so the two forms never meet, and the full name stays in the BlobName column.
    /// </summary>
    public static string PartitionOf(string blobName)
    {
        ArgumentNullException.ThrowIfNull(blobName);
        var escaped = Uri.EscapeDataString(blobName);
        return escaped.Length <= MaxEscapedPartitionKey
            ? escaped
            : "%%sha256-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(blobName)));
    }

    public async Task<SubmissionEntry?> GetAsync(string blobName, string uploadId, CancellationToken cancellationToken) =>
        await table.GetEntityOrNullAsync(PartitionOf(blobName), uploadId, cancellationToken) is { } entity ? FromEntity(entity) : null;

    public Task SaveAsync(SubmissionEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return table.UpsertEntityAsync(ToEntity(entry), TableUpdateMode.Replace, cancellationToken);
    }

    /// <summary>
    /// Claims the one report notification of an upload: true for the first caller only, however many invocations of the same
    /// upload race to it (the claim is a create-only row beside the upload's row, <c>{upload id}~notified</c>).
    /// </summary>
    public async Task<bool> TryClaimNotificationAsync(SubmissionEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        try
        {
            await table.AddEntityAsync(new TableEntity(PartitionOf(entry.BlobName), entry.UploadId + NotifiedSuffix), cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return false;
        }
    }

    /// <summary>Gives back a claim whose notification could not be sent.</summary>
    public Task ReleaseNotificationClaimAsync(SubmissionEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return table.DeleteEntityAsync(PartitionOf(entry.BlobName), entry.UploadId + NotifiedSuffix, ETag.All, cancellationToken);
    }

    /// <summary>The row key suffix of a notification claim (an upload id, an ETag, never holds '~').</summary>
    private const string NotifiedSuffix = "~notified";

    /// <summary>Every completed upload, as the data-quality KPIs need them.</summary>
    public async Task<IReadOnlyList<UploadOutcome>> CompletedUploadsAsync(CancellationToken cancellationToken) =>
        [.. (await CompletedEntriesAsync(cancellationToken)).Select(e => new UploadOutcome(e.BlobName, e.Path, e.ProviderRegistered, e.UploadedAt, e.Accepted))];

    /// <summary>Every upload in state <c>Completed</c> (a scan of the whole ledger).</summary>
    public async Task<IReadOnlyList<SubmissionEntry>> CompletedEntriesAsync(CancellationToken cancellationToken) =>
    [
        .. (await table.QueryAllAsync(null, cancellationToken))
            .Where(e => !e.RowKey.EndsWith(NotifiedSuffix, StringComparison.Ordinal))
            .Select(FromEntity)
            .Where(e => e.State == SubmissionState.Completed),
    ];

    private static TableEntity ToEntity(SubmissionEntry e)
    {
        var entity = new TableEntity(PartitionOf(e.BlobName), e.UploadId)
        {
            ["BlobName"] = e.BlobName,
            ["State"] = e.State.ToString(),
            ["Attempts"] = e.Attempts,
            ["UploadedAt"] = e.UploadedAt,
            ["Accepted"] = e.Accepted,
            ["ProviderRegistered"] = e.ProviderRegistered,
            ["Rows"] = e.Rows,
            ["Errors"] = e.Errors,
            ["Warnings"] = e.Warnings,
            ["SizeBytes"] = e.SizeBytes,
        };
        if (e.Path is { } path)
        {
            entity["ProviderCode"] = path.ProviderCode;
            entity["Month"] = path.Month.ToString();
            entity["FileKind"] = path.Kind.ToString();
        }

        SetIfPresent(entity, "Sha256", e.Sha256);
        SetIfPresent(entity, "ReportBlob", e.ReportBlob);
        SetIfPresent(entity, "CuratedBlob", e.CuratedBlob);
        return entity;
    }

    private static void SetIfPresent(TableEntity entity, string name, string? value)
    {
        if (value is not null)
        {
            entity[name] = value;
        }
    }

    private static SubmissionEntry FromEntity(TableEntity entity) => new(
        entity.GetString("BlobName"),
        entity.RowKey,
        Enum.Parse<SubmissionState>(entity.GetString("State")),
        entity.GetInt32("Attempts") ?? 0,
        entity.GetDateTimeOffset("UploadedAt")!.Value,
        entity.GetBoolean("Accepted") is true,
        entity.GetBoolean("ProviderRegistered") is true,
        entity.GetInt64("Rows") ?? 0,
        entity.GetInt64("Errors") ?? 0,
        entity.GetInt64("Warnings") ?? 0,
        entity.GetInt64("SizeBytes") ?? 0,
        entity.GetString("Sha256"),
        entity.GetString("ReportBlob"),
        entity.GetString("CuratedBlob"));
}
