using KpiPipeline.Core.Reference;
using KpiPipeline.Kpis.Catalogue;
using KpiPipeline.Storage;
using Microsoft.Extensions.Options;

namespace KpiPipeline.Pipeline.Storage;

/// <summary>The containers, tables and queue the pipeline uses, by their configured names.</summary>
public sealed class PipelineStorage
{
    private readonly Lock creationGate = new();
    private Task? creation;

    public PipelineStorage(StorageAccount account, IOptions<KpiPipelineOptions> options)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(options);
        var names = options.Value;
        Returns = account.GetBlobContainer(names.ReturnsContainer);
        Quarantine = account.GetBlobContainer(names.QuarantineContainer);
        Curated = account.GetBlobContainer(names.CuratedContainer);
        Published = account.GetBlobContainer(names.PublishedContainer);
        Reference = account.GetBlobContainer(names.ReferenceContainer);
        Reports = account.GetBlobContainer(names.ReportsContainer);
        Ledger = account.GetTable(names.LedgerTable);
        AcceptedReturns = account.GetTable(names.AcceptedReturnsTable);
        ReportNotifications = account.GetQueue(names.ReportNotificationsQueue);
    }

    public BlobContainer Returns { get; }

    public BlobContainer Quarantine { get; }

    public BlobContainer Curated { get; }

    public BlobContainer Published { get; }

    public BlobContainer Reference { get; }

    public BlobContainer Reports { get; }

    public StorageTable Ledger { get; }

    public StorageTable AcceptedReturns { get; }

    public StorageQueue ReportNotifications { get; }

    /// <summary>Creates every container, table and queue that does not exist yet (once per process; retried after a failure).</summary>
    public Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        lock (creationGate)
        {
            if (creation is null || creation.IsFaulted || creation.IsCanceled)
            {
                creation = CreateAllAsync();
            }

            return creation.WaitAsync(cancellationToken);
        }
    }

    private async Task CreateAllAsync()
    {
        foreach (var container in new[] { Returns, Quarantine, Curated, Published, Reference, Reports })
        {
            await container.CreateIfNotExistsAsync(CancellationToken.None);
        }

        await Ledger.CreateIfNotExistsAsync(CancellationToken.None);
        await AcceptedReturns.CreateIfNotExistsAsync(CancellationToken.None);
        await ReportNotifications.CreateIfNotExistsAsync(CancellationToken.None);
    }

    /// <summary>Reads providers.csv, areas.csv and targets.csv from the reference container.</summary>
    public async Task<ReferenceData> LoadReferenceAsync(CancellationToken cancellationToken)
    {
        await using var providers = await OpenOrNullAsync(ReferenceDataReader.ProvidersFile, cancellationToken);
        await using var areas = await OpenOrNullAsync(ReferenceDataReader.AreasFile, cancellationToken);
        await using var targets = await OpenOrNullAsync(ReferenceDataReader.TargetsFile, cancellationToken);
        var result = await ReferenceDataReader.ReadAsync(
            providers, areas, targets, KpiCatalogue.All.Select(k => k.Id).ToHashSet(), cancellationToken);
        return result.Data ?? throw new InvalidOperationException(
            $"Reference data in container '{Reference.Name}' is missing or invalid: " +
            string.Join("; ", result.Reports.SelectMany(r => r.Issues.Take(5).Select(i => $"{r.FileName} row {i.Row}: {i.RuleId} {i.Message}"))));
    }

    private async Task<Stream?> OpenOrNullAsync(string name, CancellationToken cancellationToken)
    {
        if (await Reference.GetPropertiesAsync(name, cancellationToken) is null)
        {
            return null;
        }

        return new MemoryStream(await Reference.DownloadBytesAsync(name, cancellationToken), writable: false);
    }
}
