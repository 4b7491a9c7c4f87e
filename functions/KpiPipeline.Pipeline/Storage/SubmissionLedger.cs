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
    string? CuratedBlob = null,
    bool Settled = true)
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

    /// <summary>
    /// Saves <paramref name="entry"/> (the whole row) and returns what the ledger holds for the upload afterwards. An upload
    /// never goes back: Processing, then Failed, then Completed. A Completed entry is always written (the upload's files
    /// are stored and committed); a Processing or Failed one only over a row that is not further on, conditional on the row
    /// as it was read, so that an invocation racing one that has just finished the same upload (a duplicate blob event)
    /// cannot set it back to Processing and leave it there. When the row is further on, nothing is written and that row
    /// is returned.
    /// </summary>
    public async Task<SubmissionEntry> SaveAsync(SubmissionEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var row = ToEntity(entry);
        if (entry.State == SubmissionState.Completed)
        {
            await table.UpsertEntityAsync(row, TableUpdateMode.Replace, cancellationToken);
            return entry;
        }

        while (true)
        {
            try
            {
                if (await table.GetEntityOrNullAsync(row.PartitionKey, row.RowKey, cancellationToken) is not { } stored)
                {
                    await table.AddEntityAsync(row, cancellationToken);
                    return entry;
                }

                if (FromEntity(stored) is var current && Progress(current.State) > Progress(entry.State))
                {
                    return current;
                }

                await table.UpdateEntityAsync(row, stored.ETag, TableUpdateMode.Replace, cancellationToken);
                return entry;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412)
            {
                // Written by another invocation between the read and the write: read it again.
            }
        }
    }

    /// <summary>How far an upload has come: a save never moves it back.</summary>
    private static int Progress(SubmissionState state) => state switch
    {
        SubmissionState.Processing => 0,
        SubmissionState.Failed => 1,
        _ => 2,
    };

    /// <summary>
    /// Claims the one notification of <paramref name="kind"/> of an upload at <paramref name="now"/>. The claim is a row
    /// beside the upload's row (<see cref="ClaimKeyOf"/>), created only if absent (so of any number of racing invocations
    /// one wins), and marked <c>Sent</c> once the message is out (<see cref="MarkNotificationSentAsync"/>). A claim still
    /// unsent after <paramref name="lease"/> belongs to an invocation that died between the claim and the send (a killed
    /// process); the first caller after that takes it over (a write conditional on the claim's ETag, so again only one wins).
    /// </summary>
    public async Task<NotificationClaim> ClaimNotificationAsync(
        SubmissionEntry entry, NotificationKind kind, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var (partition, rowKey) = ClaimKeyOf(entry, kind);
        try
        {
            var created = await table.AddEntityAsync(new TableEntity(partition, rowKey) { [ClaimedAtColumn] = now, [SentColumn] = false }, cancellationToken);
            return NotificationClaim.Won(created.Headers.ETag ?? ETag.All);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
        }

        var claim = await table.GetEntityOrNullAsync(partition, rowKey, cancellationToken);
        if (claim is null)
        {
            // Given back (a send that failed) between the two calls: the caller asks again.
            return NotificationClaim.HeldElsewhere;
        }

        // A claim row without the columns was written before claims were marked sent: it counts as sent.
        if (claim.GetBoolean(SentColumn) is not false || claim.GetDateTimeOffset(ClaimedAtColumn) is not { } claimedAt)
        {
            return NotificationClaim.AlreadySent;
        }

        if (now - claimedAt < lease)
        {
            return NotificationClaim.HeldElsewhere;
        }

        try
        {
            claim[ClaimedAtColumn] = now;
            var taken = await table.UpdateEntityAsync(claim, claim.ETag, TableUpdateMode.Replace, cancellationToken);
            return NotificationClaim.Won(taken.Headers.ETag ?? ETag.All);
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
            return NotificationClaim.HeldElsewhere;
        }
    }

    /// <summary>Marks a won claim's notification as sent; a claim taken over meanwhile (its ETag changed) is left as it is.</summary>
    public async Task MarkNotificationSentAsync(SubmissionEntry entry, NotificationKind kind, ETag claim, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var (partition, rowKey) = ClaimKeyOf(entry, kind);
        try
        {
            await table.UpdateEntityAsync(
                new TableEntity(partition, rowKey) { [ClaimedAtColumn] = now, [SentColumn] = true },
                claim, TableUpdateMode.Replace, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
        }
    }

    /// <summary>
    /// Gives back a won claim whose notification could not be sent. A claim taken over meanwhile (its lease ran out while the
    /// send hung, and another invocation won it and may have sent and marked it) is left as it is: giving that back would
    /// let a third invocation send the notification again.
    /// </summary>
    public async Task ReleaseNotificationClaimAsync(SubmissionEntry entry, NotificationKind kind, ETag claim, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var (partition, rowKey) = ClaimKeyOf(entry, kind);
        try
        {
            await table.DeleteEntityAsync(partition, rowKey, claim, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
        }
    }

    private const string ClaimedAtColumn = "ClaimedAt";
    private const string SentColumn = "Sent";

    /// <summary>What separates an upload id from the rest of a notification claim's row key (an upload id, an ETag, never holds it).</summary>
    private const char ClaimSeparator = '~';

    /// <summary>
    /// Where an upload's notification claim of <paramref name="kind"/> is: beside the upload's row, <c>{upload id}~notified</c>
    /// for its report and <c>{upload id}~failure-notified</c> for the notice that it could not be processed.
    /// </summary>
    private static (string Partition, string RowKey) ClaimKeyOf(SubmissionEntry entry, NotificationKind kind) =>
        (PartitionOf(entry.BlobName), entry.UploadId + ClaimSeparator + (kind == NotificationKind.Failure ? "failure-notified" : "notified"));

    /// <summary>Every completed upload, as the data-quality KPIs need them.</summary>
    public async Task<IReadOnlyList<UploadOutcome>> CompletedUploadsAsync(CancellationToken cancellationToken) =>
        [.. (await CompletedEntriesAsync(cancellationToken)).Select(e => new UploadOutcome(e.BlobName, e.Path, e.ProviderRegistered, e.UploadedAt, e.Accepted))];

    /// <summary>
    /// Every upload of <paramref name="path"/> the ledger holds, in any state, whatever the case of its provider folder (one
    /// accepted-returns row stands for them all).
    /// </summary>
    public async Task<IReadOnlyList<SubmissionEntry>> UploadsOfAsync(ReturnPath path, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(path);
        var filter = TableClient.CreateQueryFilter($"ProviderCode eq {path.ProviderCode} and Month eq {path.Month.ToString()} and FileKind eq {path.Kind.ToString()}");
        return [.. (await UploadRowsAsync(filter, cancellationToken)).Select(FromEntity)];
    }

    /// <summary>Every upload of the blob name <paramref name="blobName"/> the ledger holds, in any state.</summary>
    public async Task<IReadOnlyList<SubmissionEntry>> UploadsOfBlobAsync(string blobName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blobName);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {PartitionOf(blobName)}");
        return [.. (await UploadRowsAsync(filter, cancellationToken)).Select(FromEntity).Where(e => e.BlobName == blobName)];
    }

    /// <summary>
    /// Every upload whose row was last written before <paramref name="lastWrittenBefore"/> and is still <c>Processing</c>, or
    /// <c>Failed</c> but not settled (taken out of force, its raw file disposed of), each with its row's ETag.
    /// </summary>
    public async Task<IReadOnlyList<(SubmissionEntry Entry, ETag Row)>> StalledAsync(DateTimeOffset lastWrittenBefore, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter(
            $"(State eq {nameof(SubmissionState.Processing)} or (State eq {nameof(SubmissionState.Failed)} and Settled eq {false})) and Timestamp lt {lastWrittenBefore}");
        return [.. (await UploadRowsAsync(filter, cancellationToken)).Select(e => (FromEntity(e), e.ETag))];
    }

    /// <summary>
    /// Writes <paramref name="failed"/> only over the row as it was when listed (<paramref name="row"/>, its ETag): false when
    /// the row has changed since (a try that started after the listing), and nothing is written.
    /// </summary>
    public async Task<bool> SaveIfUnchangedAsync(SubmissionEntry failed, ETag row, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(failed);
        try
        {
            await table.UpdateEntityAsync(ToEntity(failed), row, TableUpdateMode.Replace, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
            return false;
        }
    }

    /// <summary>Every upload in state <c>Completed</c> (a scan of the whole ledger).</summary>
    public async Task<IReadOnlyList<SubmissionEntry>> CompletedEntriesAsync(CancellationToken cancellationToken) =>
        [.. (await UploadRowsAsync(null, cancellationToken)).Select(FromEntity).Where(e => e.State == SubmissionState.Completed)];

    /// <summary>The upload rows <paramref name="filter"/> selects (null: all), the notification claims beside them left out.</summary>
    private async Task<IEnumerable<TableEntity>> UploadRowsAsync(string? filter, CancellationToken cancellationToken) =>
        (await table.QueryAllAsync(filter, cancellationToken)).Where(e => !e.RowKey.Contains(ClaimSeparator, StringComparison.Ordinal));

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
        if (e.State == SubmissionState.Failed)
        {
            entity["Settled"] = e.Settled;
        }

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
        entity.GetString("CuratedBlob"),
        entity.GetBoolean("Settled") is not false);
}

/// <summary>What <see cref="SubmissionLedger.ClaimNotificationAsync"/> found: this caller sends (with the claim's ETag), the
/// notification is out, or another invocation holds the claim within its lease.</summary>
public sealed record NotificationClaim(ETag? ClaimETag, bool Sent)
{
    public static NotificationClaim AlreadySent { get; } = new(null, true);

    public static NotificationClaim HeldElsewhere { get; } = new(null, false);

    public static NotificationClaim Won(ETag claim) => new(claim, false);
}

/// <summary>Which of an upload's notifications a claim is for: its report (accepted or rejected), or the notice that it failed.</summary>
public enum NotificationKind
{
    Report,
    Failure,
}
