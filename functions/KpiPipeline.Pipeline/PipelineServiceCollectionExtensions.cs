using Azure.Identity;
using KpiPipeline.Core.Pseudonymisation;
using KpiPipeline.Pipeline.Compute;
using KpiPipeline.Pipeline.Ingest;
using KpiPipeline.Pipeline.Quarantine;
using KpiPipeline.Pipeline.Storage;
using KpiPipeline.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace KpiPipeline.Pipeline;

/// <summary>Registers the pipeline's services: options, storage, pseudonymisation, ingest and compute.</summary>
public static class PipelineServiceCollectionExtensions
{
    public static IServiceCollection AddKpiPipeline(this IServiceCollection services)
    {
        services.AddOptions<KpiPipelineOptions>().BindConfiguration(KpiPipelineOptions.Section);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IIngestStepObserver, NoIngestFaults>();
        services.AddSingleton(provider => CreateStorageAccount(provider.GetRequiredService<IConfiguration>()));
        services.AddSingleton<PipelineStorage>();
        services.AddSingleton(provider =>
        {
            var options = provider.GetRequiredService<IOptions<KpiPipelineOptions>>().Value;
            return new Pseudonymiser(options.UseDevelopmentSecrets
                ? PseudonymisationSecrets.Development
                : new PseudonymisationSecrets(options.PseudonymisationSecret, options.RegistrantSecret));
        });
        services.AddSingleton<ReturnIngestService>();
        services.AddSingleton<KpiComputeService>();
        services.AddSingleton<QuarantinePurgeService>();
        return services;
    }

    /// <summary>
    /// The storage account from the <c>KpiStorage</c> setting: a connection string (Azurite, or an account key), or, in
    /// Azure, identity-based settings <c>KpiStorage__blobServiceUri</c>, <c>__queueServiceUri</c>, <c>__tableServiceUri</c>
    /// and <c>__clientId</c> (the user-assigned managed identity) — the same convention the Functions host uses.
    /// </summary>
    public static StorageAccount CreateStorageAccount(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var name = KpiPipelineOptions.StorageConnectionName;
        var connectionString = configuration[name];
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            return new StorageAccount(connectionString);
        }

        var section = configuration.GetSection(name);
        var blob = section["blobServiceUri"];
        var queue = section["queueServiceUri"];
        var table = section["tableServiceUri"];
        if (blob is null || queue is null || table is null)
        {
            throw new InvalidOperationException(
                $"Storage is not configured: set '{name}' to a connection string, or '{name}__blobServiceUri', " +
                $"'{name}__queueServiceUri' and '{name}__tableServiceUri' (with '{name}__clientId' for a user-assigned identity).");
        }

        var blobUri = new Uri(blob);
        var accountName = blobUri.Host.Split('.')[0];
        var clientId = section["clientId"];
        var credential = clientId is null
            ? new DefaultAzureCredential()
            : new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = clientId });
        return new StorageAccount(StorageConnection.FromEndpoints(accountName, blobUri, new Uri(queue), new Uri(table)), credential);
    }
}
