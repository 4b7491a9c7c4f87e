using Azure.Storage.Blobs;
using KpiPipeline.Functions;
using KpiPipeline.LocalRun;
using KpiPipeline.Pipeline;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace KpiPipeline.Cli;

/// <summary>
/// The pipeline running on this machine: a real Azurite, the real function app (custom handler) on a loopback port, and
/// the local stand-in for the Functions host that posts the host's payloads to it. Used by <c>kpi demo</c> and the ingest
/// benchmark. The fixed development pseudonymisation secrets are used: synthetic data only.
/// </summary>
public sealed class LocalPipeline : IAsyncDisposable
{
    private LocalPipeline(AzuriteProcess azurite, WebApplication app, Uri handler, HttpClient http)
    {
        Azurite = azurite;
        App = app;
        Handler = handler;
        Http = http;
        Storage = new BlobServiceClient(azurite.ConnectionString);
        Host = new LocalFunctionsHost(handler, Storage, FunctionManifest.Load(AppContext.BaseDirectory), http);
    }

    public AzuriteProcess Azurite { get; }

    public WebApplication App { get; }

    public Uri Handler { get; }

    public HttpClient Http { get; }

    public BlobServiceClient Storage { get; }

    public LocalFunctionsHost Host { get; }

    public static async Task<LocalPipeline> StartAsync(TextWriter output, string? azuriteFolder, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.WriteLine("Starting Azurite (local Azure Storage)...");
        var azurite = await AzuriteProcess.StartAsync(azuriteFolder, cancellationToken);
        output.WriteLine($"  blob endpoint http://127.0.0.1:{azurite.BlobPort}/{AzuriteProcess.AccountName}");
        output.WriteLine("Starting the function app (custom handler)...");
        output.WriteLine("  Using the fixed development pseudonymisation secrets: for synthetic data only, never for real returns.");
        var app = FunctionsApp.Build([], builder =>
        {
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                [KpiPipelineOptions.StorageConnectionName] = azurite.ConnectionString,
                [$"{KpiPipelineOptions.Section}:{nameof(KpiPipelineOptions.UseDevelopmentSecrets)}"] = "true",
                ["Logging:LogLevel:Default"] = "Warning",
            });
        });
        await app.StartAsync(cancellationToken);
        var handler = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");
        output.WriteLine($"  listening on {handler}");
        return new LocalPipeline(azurite, app, handler, new HttpClient { Timeout = TimeSpan.FromMinutes(30) });
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        await Azurite.DisposeAsync();
    }
}
