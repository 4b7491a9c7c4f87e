using Azure;
using Azure.Data.Tables;
using KpiPipeline.Core.Dataset;

namespace KpiPipeline.Pipeline.Storage;

/// <summary>The accepted version of one provider's file for one month: which upload, and where its curated copy is.</summary>
public sealed record AcceptedVersion(ReturnPath Path, string UploadId, DateTimeOffset UploadedAt, string CuratedBlob, long Rows)
{
    /// <summary>
    /// The blob name the upload came in under, which may differ from <see cref="ReturnPath.BlobName"/> in the case of the
    /// provider folder (codes are case-insensitive); null for versions committed before 2026-12-05, which did not keep it.
    /// </summary>
    public string? UploadBlob { get; init; }
}

/// <summary>
/// Which upload of each provider, month and file is in force (Table storage, partition = provider, row = month and file).
/// Switching this pointer is the commit of an ingest: curated copies are immutable and named by upload, so a rejected or
/// half-finished resubmission never disturbs the version in force. The latest upload wins, even when two arrive at once:
/// an upload that is still the current blob at its path is by definition the latest (a later upload would have replaced it),
/// unless the version in force is not older and came in under another name of the same return (a provider folder in
/// another case); otherwise the later upload time wins and a tie keeps the version in force. The one way back: an upload recorded failed
/// after its commit is withdrawn (<see cref="WithdrawAsync"/>).
/// </summary>
public sealed class AcceptedReturnsIndex(TableClient table)
{
    private static string RowKeyOf(ReturnPath path) => $"{path.Month}_{CodeRules.FileName(path.Kind)}";

    /// <summary>Makes <paramref name="candidate"/> the version in force unless a later upload already is. Returns whether it is now.</summary>
    /// <param name="candidate">The upload to commit.</param>
    /// <param name="isCurrentBlob">
    /// Whether the upload is still the blob at its path in the returns container, asked after each read of the row in force
    /// and before the write that is conditional on it. Asked before the read, a replacement uploaded and committed in
    /// between would be overwritten by the upload it replaced: the answer would be stale, and the condition on the row as
    /// read would not catch it.
    /// </param>
    /// <param name="cancellationToken">Cancels the commit.</param>
    public async Task<bool> CommitAsync(AcceptedVersion candidate, Func<CancellationToken, Task<bool>> isCurrentBlob, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        ArgumentNullException.ThrowIfNull(isCurrentBlob);
        while (true)
        {
            var current = await table.GetEntityOrNullAsync(candidate.Path.ProviderCode, RowKeyOf(candidate.Path), cancellationToken);
            if (current is not null)
            {
                var existing = FromEntity(current);
                if (existing.UploadId == candidate.UploadId)
                {
                    return true;
                }

                // Not older: it stays, if it came in under another name of this return (being the current blob at one's own
                // name says nothing about an upload under another), or if the candidate is no longer the blob at its name.
                if (existing.UploadedAt >= candidate.UploadedAt
                    && ((existing.UploadBlob is { } inForce && candidate.UploadBlob is { } candidateBlob && !string.Equals(inForce, candidateBlob, StringComparison.Ordinal))
                        || !await isCurrentBlob(cancellationToken)))
                {
                    return false;
                }
            }

            try
            {
                if (current is null)
                {
                    await table.AddEntityAsync(ToEntity(candidate), cancellationToken);
                }
                else
                {
                    await table.UpdateEntityAsync(ToEntity(candidate), current.ETag, TableUpdateMode.Replace, cancellationToken);
                }

                return true;
            }
            catch (RequestFailedException e) when (e.IsConflict())
            {
                // Another upload of the same path committed between our read and write: read again and decide again.
            }
        }
    }

    /// <summary>
    /// Takes upload <paramref name="uploadId"/> out of force at <paramref name="path"/> if it is the version in force there,
    /// putting <paramref name="previous"/> back (the latest other accepted upload of the path), or removing the row when there
    /// is none; a later upload in force is left alone. For an upload committed but then recorded as failed: one that was never
    /// reported accepted must not count. Returns whether it was in force.
    /// </summary>
    public async Task<bool> WithdrawAsync(ReturnPath path, string uploadId, AcceptedVersion? previous, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(path);
        while (true)
        {
            var current = await table.GetEntityOrNullAsync(path.ProviderCode, RowKeyOf(path), cancellationToken);
            if (current is null || FromEntity(current).UploadId != uploadId)
            {
                return false;
            }

            try
            {
                if (previous is null)
                {
                    await table.DeleteEntityAsync(current.PartitionKey, current.RowKey, current.ETag, cancellationToken);
                }
                else
                {
                    await table.UpdateEntityAsync(ToEntity(previous), current.ETag, TableUpdateMode.Replace, cancellationToken);
                }

                return true;
            }
            catch (RequestFailedException e) when (e.IsConflict() || e.IsNotFound())
            {
                // The row changed (another upload committed) or went between our read and write: read again and decide again.
            }
        }
    }

    /// <summary>
    /// <see cref="CommitAsync(AcceptedVersion, Func{CancellationToken, Task{bool}}, CancellationToken)"/> for a caller whose
    /// answer cannot change while it commits (tests, seeded history).
    /// </summary>
    public Task<bool> CommitAsync(AcceptedVersion candidate, bool isCurrentBlob, CancellationToken cancellationToken) =>
        CommitAsync(candidate, _ => Task.FromResult(isCurrentBlob), cancellationToken);

    /// <summary>
    /// Makes <paramref name="versions"/> the versions in force without comparing upload times (a benchmark's seeded history,
    /// written in transactions of up to 100 rows of one provider).
    /// </summary>
    public async Task SeedAsync(IEnumerable<AcceptedVersion> versions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(versions);
        foreach (var batch in versions.GroupBy(v => v.Path.ProviderCode).SelectMany(provider => provider.Chunk(100)))
        {
            await table.SubmitTransactionAsync(batch.Select(v => new TableTransactionAction(TableTransactionActionType.UpsertReplace, ToEntity(v))), cancellationToken);
        }
    }

    public async Task<IReadOnlyList<AcceptedVersion>> AllAsync(CancellationToken cancellationToken) => await QueryAsync(null, cancellationToken);

    public async Task<IReadOnlyList<AcceptedVersion>> OfProviderAsync(string providerCode, CancellationToken cancellationToken) =>
        await QueryAsync(TableClient.CreateQueryFilter($"PartitionKey eq {providerCode}"), cancellationToken);

    private async Task<List<AcceptedVersion>> QueryAsync(string? filter, CancellationToken cancellationToken) =>
        [.. (await table.QueryAllAsync(filter, cancellationToken)).Select(FromEntity)];

    private static TableEntity ToEntity(AcceptedVersion v)
    {
        var entity = new TableEntity(v.Path.ProviderCode, RowKeyOf(v.Path))
        {
            ["BlobName"] = v.Path.BlobName,
            ["UploadId"] = v.UploadId,
            ["UploadedAt"] = v.UploadedAt,
            ["CuratedBlob"] = v.CuratedBlob,
            ["Rows"] = v.Rows,
        };
        if (v.UploadBlob is not null)
        {
            entity["UploadBlob"] = v.UploadBlob;
        }

        return entity;
    }

    private static AcceptedVersion FromEntity(TableEntity entity)
    {
        var blobName = entity.GetString("BlobName");
        if (!ReturnPath.TryParse(blobName, out var path, out var problem))
        {
            throw new InvalidOperationException($"The accepted-returns index holds a bad path: {problem}");
        }

        return new AcceptedVersion(path!, entity.GetString("UploadId"), entity.GetDateTimeOffset("UploadedAt")!.Value,
            entity.GetString("CuratedBlob"), entity.GetInt64("Rows")!.Value)
        {
            UploadBlob = entity.GetString("UploadBlob"),
        };
    }
}
