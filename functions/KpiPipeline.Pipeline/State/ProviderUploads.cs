using System.Globalization;
using Azure.Data.Tables;
using KpiPipeline.Core.Dataset;
using KpiPipeline.Kpis.Returns;
using KpiPipeline.Pipeline.Storage;

namespace KpiPipeline.Pipeline.State;

/// <summary>One completed upload of a registered provider's return path, as the data-quality KPIs read it (kpis.md section 8).</summary>
public sealed record ProviderUpload(string BlobName, ReturnPath Path, string UploadId, DateTimeOffset UploadedAt, bool Accepted)
{
    public UploadOutcome ToOutcome() => new(BlobName, Path, ProviderRegistered: true, UploadedAt, Accepted);
}

/// <summary>
/// Every completed upload of each registered provider (Table storage, partition = provider, row = month, file and
/// upload): the submissions ledger's outcomes as a provider's state needs them, found by one partition query rather than
/// a scan of the whole ledger. Written by the ingest once the ledger row is <c>Completed</c> (an upsert, so a rerun
/// writes the same row); uploads of unregistered providers and of paths that are not return paths count in no KPI and
/// are not listed.
/// </summary>
public sealed class ProviderUploads(TableClient table)
{
    public Task RecordAsync(ProviderUpload upload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(upload);
        return table.UpsertEntityAsync(ToEntity(upload), TableUpdateMode.Replace, cancellationToken);
    }

    /// <summary>Lists many uploads at once (a benchmark's seeded history), in transactions of up to 100 rows of one provider.</summary>
    public async Task RecordAllAsync(IEnumerable<ProviderUpload> uploads, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(uploads);
        foreach (var batch in uploads.GroupBy(u => u.Path.ProviderCode).SelectMany(provider => provider.Chunk(100)))
        {
            await table.SubmitTransactionAsync(batch.Select(u => new TableTransactionAction(TableTransactionActionType.UpsertReplace, ToEntity(u))), cancellationToken);
        }
    }

    private static TableEntity ToEntity(ProviderUpload upload) => new(upload.Path.ProviderCode, RowKeyOf(upload))
    {
        ["BlobName"] = upload.BlobName,
        ["UploadId"] = upload.UploadId,
        ["UploadedAt"] = upload.UploadedAt,
        ["Accepted"] = upload.Accepted,
    };

    /// <summary>The provider's completed uploads, in row-key order (month, file, upload, blob name).</summary>
    public async Task<IReadOnlyList<ProviderUpload>> OfProviderAsync(string providerCode, CancellationToken cancellationToken) =>
        [.. (await table.QueryAllAsync(TableClient.CreateQueryFilter($"PartitionKey eq {providerCode}"), cancellationToken)).Select(FromEntity)];

    /// <summary>Every provider with an upload listed (for rebuilding every state).</summary>
    public async Task<IReadOnlyList<string>> ProvidersAsync(CancellationToken cancellationToken)
    {
        var providers = new SortedSet<string>(StringComparer.Ordinal);
        await foreach (var entity in table.QueryAsync<TableEntity>(select: ["PartitionKey"], cancellationToken: cancellationToken))
        {
            providers.Add(entity.PartitionKey);
        }

        return [.. providers];
    }

    /// <summary>Month, file, upload id, then the blob name (escaped; names of one return differ only in case).</summary>
    private static string RowKeyOf(ProviderUpload upload) =>
        string.Create(CultureInfo.InvariantCulture, $"{upload.Path.Month}_{CodeRules.FileName(upload.Path.Kind)}_{upload.UploadId}_{Uri.EscapeDataString(upload.BlobName)}");

    private static ProviderUpload FromEntity(TableEntity entity)
    {
        var blobName = entity.GetString("BlobName");
        if (!ReturnPath.TryParse(blobName, out var path, out var problem))
        {
            throw new InvalidOperationException($"The provider uploads table holds a bad path: {problem}");
        }

        return new ProviderUpload(blobName, path!, entity.GetString("UploadId"), entity.GetDateTimeOffset("UploadedAt")!.Value, entity.GetBoolean("Accepted") is true);
    }
}
