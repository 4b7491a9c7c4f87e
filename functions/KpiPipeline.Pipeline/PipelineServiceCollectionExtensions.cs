using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using KpiPipeline.Core.Pseudonymisation;
using KpiPipeline.Pipeline.Compute;
using KpiPipeline.Pipeline.Ingest;
using KpiPipeline.Pipeline.Memory;
using KpiPipeline.Pipeline.Quarantine;
using KpiPipeline.Pipeline.State;
using KpiPipeline.Pipeline.Storage;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KpiPipeline.Pipeline;

/// <summary>Registers the pipeline's services: options, storage, pseudonymisation, ingest and compute.</summary>
public static class PipelineServiceCollectionExtensions
{
    private const string AzureCoreLogCategory = "Azure.Core";

    public static IServiceCollection AddKpiPipeline(this IServiceCollection services)
    {
        services.AddOptions<KpiPipelineOptions>().BindConfiguration(KpiPipelineOptions.Section);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IIngestStepObserver, NoIngestFaults>();
        services.TryAddSingleton<IStateWriteObserver, NoStateWriteFaults>();
        services.TryAddSingleton<KpiRunHooks>();
        services.AddKpiStorageClients();
        services.AddSingleton<PipelineStorage>();
        services.AddSingleton(provider =>
        {
            var options = provider.GetRequiredService<IOptions<KpiPipelineOptions>>().Value;
            return new Pseudonymiser(options.UseDevelopmentSecrets
                ? PseudonymisationSecrets.Development
                : new PseudonymisationSecrets(options.PseudonymisationSecret, options.RegistrantSecret));
        });
        services.AddSingleton<ReturnIngestService>();
        services.AddSingleton<ProviderStates>();
        services.AddSingleton<KpiComputeService>();
        services.AddSingleton<QuarantinePurgeService>();
        return services;
    }

    /// <summary>
    /// The Blob, Queue and Table service clients of the data storage account, registered with Microsoft.Extensions.Azure
    /// (one shared instance each, SDK retries, SDK logs forwarded to ILogger) from the <c>KpiStorage</c> setting, read when
    /// the first client is needed (see <see cref="StorageAccountSettings.FromConfiguration"/>).
    /// The SDK logs every 404 and 409 response as a warning, but to the pipeline "not there" and "already exists" are
    /// answers (absence checks, create-if-not-exists, conditional writes): unless the configuration sets a level for
    /// <c>Azure.Core</c>, its log starts at Error; failures reach the pipeline as exceptions and are logged there.
    /// </summary>
    public static IServiceCollection AddKpiStorageClients(this IServiceCollection services)
    {
        services.TryAddSingleton(provider => StorageAccountSettings.FromConfiguration(provider.GetRequiredService<IConfiguration>()));
        services.Configure<LoggerFilterOptions>(filters =>
        {
            if (!filters.Rules.Any(rule => rule.CategoryName?.StartsWith(AzureCoreLogCategory, StringComparison.Ordinal) == true))
            {
                filters.AddFilter(AzureCoreLogCategory, LogLevel.Error);
            }
        });
        services.AddAzureClients(clients =>
        {
            clients.UseCredential(provider => provider.GetRequiredService<StorageAccountSettings>().CreateCredential());
            clients.AddClient<BlobServiceClient, BlobClientOptions>((options, credential, provider) =>
                provider.GetRequiredService<StorageAccountSettings>().CreateBlobServiceClient(options, credential));
            clients.AddClient<QueueServiceClient, QueueClientOptions>((options, credential, provider) =>
                provider.GetRequiredService<StorageAccountSettings>().CreateQueueServiceClient(options, credential));
            clients.AddClient<TableServiceClient, TableClientOptions>((options, credential, provider) =>
                provider.GetRequiredService<StorageAccountSettings>().CreateTableServiceClient(options, credential));
        });
        return services;
    }
}
