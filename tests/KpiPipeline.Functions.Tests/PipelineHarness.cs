using System.Collections.Concurrent;
using System.Text;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Queues;
using KpiPipeline.LocalRun.FunctionsHost;
using KpiPipeline.Pipeline;
using KpiPipeline.Pipeline.Compute;
using KpiPipeline.Pipeline.Ingest;
using KpiPipeline.Pipeline.Quarantine;
using KpiPipeline.Pipeline.Storage;
using KpiPipeline.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace KpiPipeline.Functions.Tests;

/// <summary>
/// The published function app in its own worker process, driven by the Functions host stand-in over gRPC, on a real
/// Azurite. The trigger container is the deployed one (<c>returns</c>, emptied at the start, as is the host's own
/// container); every other container, table and queue has names unique to one harness. Tests reach the app only as the
/// host does — blob events, timers — and read storage to see what it did.
/// </summary>
public sealed class PipelineHarness : IAsyncDisposable
{
    public const string ClientKeySecret = "functions-tests-client-key-secret";
    public const string RegistrantSecret = "functions-tests-registrant-secret";

    private PipelineHarness(FunctionsHostStandIn host, IReadOnlyDictionary<string, string?> settings, PipelineStorage storage, ConcurrentQueue<HostLog> logs)
    {
        Host = host;
        Settings = settings;
        Storage = storage;
        Logs = logs;
    }

    public FunctionsHostStandIn Host { get; }

    /// <summary>The app settings the worker runs with.</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; }

    public PipelineStorage Storage { get; }

    /// <summary>Every log line: the worker's RpcLog and console lines and the stand-in's own.</summary>
    public ConcurrentQueue<HostLog> Logs { get; }

    /// <summary>Starts the worker through the stand-in. <paramref name="continueFrom"/> keeps that harness's storage names and contents.</summary>
    public static async Task<PipelineHarness> StartAsync(
        AzuriteFixture azurite,
        IDictionary<string, string?>? extraSettings = null,
        PipelineHarness? continueFrom = null)
    {
        ArgumentNullException.ThrowIfNull(azurite);
        var settings = continueFrom is not null ? new Dictionary<string, string?>(continueFrom.Settings) : NewSettings(azurite.ConnectionString);
        foreach (var (key, value) in extraSettings ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        if (continueFrom is null)
        {
            await EmptyTriggerStorageAsync(azurite.ConnectionString);
        }

        var storage = new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build())
            .AddLogging()
            .AddKpiPipeline()
            .BuildServiceProvider()
            .GetRequiredService<PipelineStorage>();
        var logs = new ConcurrentQueue<HostLog>();
        var host = await FunctionsHostStandIn.StartAsync(
            new StandInOptions { AppFolder = FunctionAppFolder.Locate(), Settings = settings, Log = logs.Enqueue }, CancellationToken.None);
        return new PipelineHarness(host, settings, storage, logs);
    }

    private static Dictionary<string, string?> NewSettings(string connectionString)
    {
        var suffix = AzuriteFixture.UniqueName("t");
        return new Dictionary<string, string?>
        {
            [FunctionsHostStandIn.HostStorageSetting] = connectionString,
            [KpiPipelineOptions.StorageConnectionName] = connectionString,
            ["ComputeKpisSchedule"] = "0 30 2 * * *",
            ["PurgeQuarantineSchedule"] = "0 0 3 * * *",
            ["RecordStalledUploadsSchedule"] = "0 */15 * * * *",
            ["KpiPipeline:PseudonymisationSecret"] = ClientKeySecret,
            ["KpiPipeline:RegistrantSecret"] = RegistrantSecret,
            ["KpiPipeline:QuarantineContainer"] = $"quarantine-{suffix}",
            ["KpiPipeline:CuratedContainer"] = $"curated-{suffix}",
            ["KpiPipeline:PublishedContainer"] = $"published-{suffix}",
            ["KpiPipeline:ReferenceContainer"] = $"reference-{suffix}",
            ["KpiPipeline:ReportsContainer"] = $"reports-{suffix}",
            ["KpiPipeline:LedgerTable"] = $"submissions{suffix}",
            ["KpiPipeline:AcceptedReturnsTable"] = $"accepted{suffix}",
            ["KpiPipeline:ProviderUploadsTable"] = $"uploads{suffix}",
            ["KpiPipeline:ReportNotificationsQueue"] = $"reports-{suffix}",
            ["Logging:LogLevel:Default"] = "Debug",
        };
    }

    /// <summary>The trigger container and the host's receipts and poison queue are shared names: empty them (tests of one class run one at a time).</summary>
    private static async Task EmptyTriggerStorageAsync(string connectionString)
    {
        var blobs = new BlobServiceClient(connectionString);
        foreach (var name in new[] { "returns", FunctionsHostStandIn.HostsContainer })
        {
            var container = blobs.GetBlobContainerClient(name);
            if (await container.ExistsAsync())
            {
                await foreach (var blob in container.GetBlobsAsync())
                {
                    await container.DeleteBlobIfExistsAsync(blob.Name);
                }
            }
        }

        await new QueueClient(connectionString, FunctionsHostStandIn.BlobPoisonQueue).DeleteIfExistsAsync();
        foreach (var queue in new[] { PipelineStorage.ProviderStateQueueName, PipelineStorage.ProviderStateQueueName + "-poison" })
        {
            await new QueueClient(connectionString, queue).DeleteIfExistsAsync();
        }
    }

    /// <summary>Uploads providers.csv and areas.csv (and optionally targets.csv) to the reference container.</summary>
    public async Task UploadReferenceAsync(string? providers = null, string? areas = null, string? targets = null)
    {
        await Storage.EnsureCreatedAsync(CancellationToken.None);
        await Storage.Reference.GetBlobClient("providers.csv").UploadAsync(BinaryData.FromString(providers ?? ReturnFiles.Providers), overwrite: true);
        await Storage.Reference.GetBlobClient("areas.csv").UploadAsync(BinaryData.FromString(areas ?? ReturnFiles.Areas), overwrite: true);
        if (targets is not null)
        {
            await Storage.Reference.GetBlobClient("targets.csv").UploadAsync(BinaryData.FromString(targets), overwrite: true);
        }
    }

    /// <summary>Uploads a return as a provider would (to the returns container) and gives its ETag.</summary>
    public Task<string> UploadReturnAsync(string blobName, string content) => UploadReturnAsync(blobName, Encoding.UTF8.GetBytes(content));

    /// <summary>Uploads a return's exact bytes (for files that are not valid UTF-8 text).</summary>
    public async Task<string> UploadReturnAsync(string blobName, byte[] content)
    {
        await Storage.EnsureCreatedAsync(CancellationToken.None);
        var result = await Storage.Returns.GetBlobClient(blobName).UploadAsync(
            BinaryData.FromBytes(content), new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = "text/csv" } });
        return result.Value.ETag.ToString();
    }

    /// <summary>Delivers the "blob created" event of <paramref name="blobName"/> to IngestReturn, as the host does for Event Grid.</summary>
    public async Task<BlobTriggerResult> TriggerIngestAsync(string blobName) =>
        await Host.DeliverBlobCreatedAsync(FunctionNames.IngestReturn, blobName, CancellationToken.None)
        ?? throw new InvalidOperationException($"{blobName} is not in the returns container.");

    /// <summary>Works off the provider-state queue, as the host's queue listener does once uploads complete.</summary>
    public Task<IReadOnlyList<QueueTriggerResult>> DrainQueuesAsync() => Host.DrainQueuesAsync(CancellationToken.None);

    /// <summary>Works off the provider-state queue (the states then hold every upload ingested), then fires the ComputeKpis timer now.</summary>
    public async Task<InvocationResult> TriggerComputeAsync()
    {
        Assert.All(await DrainQueuesAsync(), refresh => Assert.True(refresh.Succeeded, refresh.Invocation?.Exception));
        return await TriggerTimerAsync(FunctionNames.ComputeKpis);
    }

    /// <summary>Fires a timer-triggered function now.</summary>
    public Task<InvocationResult> TriggerTimerAsync(string functionName) => Host.FireTimerAsync(functionName, CancellationToken.None);

    public ValueTask DisposeAsync() => Host.DisposeAsync();
}

/// <summary>The typed outcomes the functions return, read from the worker's InvocationResponse.</summary>
public static class Outcomes
{
    public static IngestOutcome Ingest(this BlobTriggerResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.Last.Outcome<IngestOutcome>();
    }

    public static ComputeOutcome Compute(this InvocationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.Outcome<ComputeOutcome>();
    }

    public static PurgeOutcome Purge(this InvocationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.Outcome<PurgeOutcome>();
    }
}
