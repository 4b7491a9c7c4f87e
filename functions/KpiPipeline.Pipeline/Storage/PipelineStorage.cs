using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using KpiPipeline.Core.Reference;
using KpiPipeline.Kpis.Catalogue;
using Microsoft.Extensions.Options;

namespace KpiPipeline.Pipeline.Storage;

/// <summary>The containers, tables and queue the pipeline uses, by their configured names, on the Azure SDK clients.</summary>
public sealed class PipelineStorage
{
    private readonly Lock creationGate = new();
    private Task? creation;

    public PipelineStorage(BlobServiceClient blobs, TableServiceClient tables, QueueServiceClient queues, IOptions<KpiPipelineOptions> options)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        ArgumentNullException.ThrowIfNull(tables);
        ArgumentNullException.ThrowIfNull(queues);
        ArgumentNullException.ThrowIfNull(options);
        var names = options.Value;
        Returns = blobs.GetBlobContainerClient(names.ReturnsContainer);
        Quarantine = blobs.GetBlobContainerClient(names.QuarantineContainer);
        Curated = blobs.GetBlobContainerClient(names.CuratedContainer);
        Published = blobs.GetBlobContainerClient(names.PublishedContainer);
        Reference = blobs.GetBlobContainerClient(names.ReferenceContainer);
        Reports = blobs.GetBlobContainerClient(names.ReportsContainer);
        Ledger = tables.GetTableClient(names.LedgerTable);
        AcceptedReturns = tables.GetTableClient(names.AcceptedReturnsTable);
        ProviderUploads = tables.GetTableClient(names.ProviderUploadsTable);
        ProviderStateRefreshes = queues.GetQueueClient(ProviderStateQueueName);
        ReportNotifications = queues.GetQueueClient(names.ReportNotificationsQueue);
    }

    /// <summary>The pipeline's storage on one account, reached with <paramref name="settings"/> (the CLI and tests).</summary>
    public static PipelineStorage Connect(StorageAccountSettings settings, KpiPipelineOptions? names = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return new PipelineStorage(settings.CreateBlobServiceClient(), settings.CreateTableServiceClient(), settings.CreateQueueServiceClient(),
            Options.Create(names ?? new KpiPipelineOptions()));
    }

    public BlobContainerClient Returns { get; }

    public BlobContainerClient Quarantine { get; }

    public BlobContainerClient Curated { get; }

    public BlobContainerClient Published { get; }

    public BlobContainerClient Reference { get; }

    public BlobContainerClient Reports { get; }

    public TableClient Ledger { get; }

    public TableClient AcceptedReturns { get; }

    public QueueClient ReportNotifications { get; }

    /// <summary>Every completed upload of each registered provider (partition = provider).</summary>
    public TableClient ProviderUploads { get; }

    /// <summary>
    /// The queue of providers whose state needs bringing up to date (message = provider code), read by the queue-triggered
    /// function <c>RefreshProviderState</c>. A fixed name, as the trigger's container <c>returns</c> is: the trigger names it.
    /// </summary>
    public QueueClient ProviderStateRefreshes { get; }

    /// <summary>The name of the provider-state refresh queue (the queue trigger's).</summary>
    public const string ProviderStateQueueName = "provider-state";

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
        await Task.WhenAll(
            new[] { Returns, Quarantine, Curated, Published, Reference, Reports }
                .Select(container => (Task)container.CreateIfNotExistsAsync(cancellationToken: CancellationToken.None))
                .Append(Ledger.CreateIfNotExistsAsync(CancellationToken.None))
                .Append(AcceptedReturns.CreateIfNotExistsAsync(CancellationToken.None))
                .Append(ProviderUploads.CreateIfNotExistsAsync(CancellationToken.None))
                .Append(ReportNotifications.CreateIfNotExistsAsync(cancellationToken: CancellationToken.None))
                .Append(ProviderStateRefreshes.CreateIfNotExistsAsync(cancellationToken: CancellationToken.None)));
    }

    /// <summary>Reads providers.csv, areas.csv and targets.csv from the reference container.</summary>
    public async Task<ReferenceData> LoadReferenceAsync(CancellationToken cancellationToken)
    {
        var files = await Task.WhenAll(
            new[] { ReferenceDataReader.ProvidersFile, ReferenceDataReader.AreasFile, ReferenceDataReader.TargetsFile }
                .Select(name => Reference.GetBlobClient(name).DownloadContentOrNullAsync(cancellationToken)));
        await using var providers = files[0]?.ToStream();
        await using var areas = files[1]?.ToStream();
        await using var targets = files[2]?.ToStream();
        var result = await ReferenceDataReader.ReadAsync(
            providers, areas, targets, KpiCatalogue.All.Select(k => k.Id).ToHashSet(), cancellationToken);
        return result.Data ?? throw new InvalidOperationException(
            $"Reference data in container '{Reference.Name}' is missing or invalid: " +
            string.Join("; ", result.Reports.SelectMany(r => r.Issues.Take(5).Select(i => i.Describe(r.FileName)))));
    }
}
