using Azure.Storage.Blobs;
using KpiPipeline.LocalRun;
using KpiPipeline.LocalRun.FunctionsHost;
using KpiPipeline.Pipeline;
using KpiPipeline.Pipeline.Compute;

namespace KpiPipeline.Cli;

/// <summary>
/// The pipeline running on this machine: a real Azurite, and the published function app in its own isolated-worker
/// process, started and driven over gRPC by the local stand-in for the Functions host. Used by <c>kpi demo</c> and the
/// ingest benchmark. The fixed development pseudonymisation secrets are used: synthetic data only.
/// </summary>
public sealed class LocalPipeline : IAsyncDisposable
{
    private LocalPipeline(AzuriteProcess azurite, FunctionsHostStandIn host)
    {
        Azurite = azurite;
        Host = host;
        Storage = new BlobServiceClient(azurite.ConnectionString);
    }

    public AzuriteProcess Azurite { get; }

    public BlobServiceClient Storage { get; }

    public FunctionsHostStandIn Host { get; }

    public static async Task<LocalPipeline> StartAsync(
        TextWriter output, string? azuriteFolder, CancellationToken cancellationToken, IReadOnlyDictionary<string, string?>? extraSettings = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.WriteLine("Starting Azurite (local Azure Storage)...");
        var azurite = await AzuriteProcess.StartAsync(azuriteFolder, cancellationToken);
        output.WriteLine($"  blob endpoint http://127.0.0.1:{azurite.BlobPort}/{AzuriteProcess.AccountName}");
        output.WriteLine("Starting the function app: the published isolated worker, driven by the local Functions host stand-in (gRPC)...");
        output.WriteLine("  Using the fixed development pseudonymisation secrets: for synthetic data only, never for real returns.");
        var settings = new Dictionary<string, string?>
        {
            [FunctionsHostStandIn.HostStorageSetting] = azurite.ConnectionString,
            [KpiPipelineOptions.StorageConnectionName] = azurite.ConnectionString,
            ["ComputeKpisSchedule"] = "0 30 2 * * *",
            ["PurgeQuarantineSchedule"] = "0 0 3 * * *",
            ["RecordStalledUploadsSchedule"] = "0 */15 * * * *",
            [$"{KpiPipelineOptions.Section}:{nameof(KpiPipelineOptions.UseDevelopmentSecrets)}"] = "true",
            [$"{KpiPipelineOptions.Section}:{nameof(KpiPipelineOptions.TrustDeclaredUploadTimes)}"] = "true",
            ["Logging:LogLevel:Default"] = "Warning",
            // The KPI run's one line (where its time went: reading, KPIs, publishing) is worth seeing in the demo and benchmarks.
            [$"Logging:LogLevel:{typeof(KpiComputeService).FullName}"] = "Information",
        };
        foreach (var (name, value) in extraSettings ?? new Dictionary<string, string?>())
        {
            settings[name] = value;
        }

        try
        {
            var host = await FunctionsHostStandIn.StartAsync(
                new StandInOptions
                {
                    AppFolder = FunctionAppFolder.Locate(),
                    Settings = settings,
                    Log = line =>
                    {
                        if (line.Level is "Warning" or "Error" or "Critical" || line.Category == typeof(KpiComputeService).FullName)
                        {
                            output.WriteLine($"  {line}");
                        }
                    },
                },
                cancellationToken);
            output.WriteLine($"  worker process {host.WorkerProcessId} loaded {string.Join(", ", host.Functions.Keys.Order(StringComparer.Ordinal))}");
            return new LocalPipeline(azurite, host);
        }
        catch
        {
            await azurite.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        await Azurite.DisposeAsync();
    }
}
