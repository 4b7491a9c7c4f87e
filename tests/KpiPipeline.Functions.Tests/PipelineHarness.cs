using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using KpiPipeline.Functions;
using KpiPipeline.Functions.Hosting;
using KpiPipeline.LocalRun;
using KpiPipeline.Pipeline;
using KpiPipeline.Pipeline.Ingest;
using KpiPipeline.Pipeline.Storage;
using KpiPipeline.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KpiPipeline.Functions.Tests;

/// <summary>
/// The real function app (custom handler) on a loopback port, over a real Azurite, with storage names unique to one
/// test. Tests talk to it only as the Functions host does: by POSTing invocation payloads over HTTP.
/// </summary>
public sealed class PipelineHarness : IAsyncDisposable
{
    public const string ClientKeySecret = "functions-tests-client-key-secret";
    public const string RegistrantSecret = "functions-tests-registrant-secret";

    private readonly WebApplication app;

    private PipelineHarness(WebApplication app, Uri handler, BlobServiceClient account, ConcurrentQueue<string> logs)
    {
        this.app = app;
        Handler = handler;
        Account = account;
        Logs = logs;
        Storage = app.Services.GetRequiredService<PipelineStorage>();
        Http = new HttpClient { BaseAddress = handler, Timeout = TimeSpan.FromMinutes(5) };
    }

    public Uri Handler { get; }

    public BlobServiceClient Account { get; }

    public PipelineStorage Storage { get; }

    public HttpClient Http { get; }

    /// <summary>Every log line the app wrote (all categories, all levels).</summary>
    public ConcurrentQueue<string> Logs { get; }

    public static async Task<PipelineHarness> StartAsync(
        AzuriteFixture azurite,
        IIngestStepObserver? observer = null,
        IDictionary<string, string?>? extraSettings = null,
        Action<IServiceCollection>? configureServices = null)
    {
        ArgumentNullException.ThrowIfNull(azurite);
        var suffix = AzuriteFixture.UniqueName("t");
        var settings = new Dictionary<string, string?>
        {
            [KpiPipelineOptions.StorageConnectionName] = azurite.ConnectionString,
            ["KpiPipeline:PseudonymisationSecret"] = ClientKeySecret,
            ["KpiPipeline:RegistrantSecret"] = RegistrantSecret,
            ["KpiPipeline:ReturnsContainer"] = $"returns-{suffix}",
            ["KpiPipeline:QuarantineContainer"] = $"quarantine-{suffix}",
            ["KpiPipeline:CuratedContainer"] = $"curated-{suffix}",
            ["KpiPipeline:PublishedContainer"] = $"published-{suffix}",
            ["KpiPipeline:ReferenceContainer"] = $"reference-{suffix}",
            ["KpiPipeline:ReportsContainer"] = $"reports-{suffix}",
            ["KpiPipeline:LedgerTable"] = $"submissions{suffix}",
            ["KpiPipeline:AcceptedReturnsTable"] = $"accepted{suffix}",
            ["KpiPipeline:ReportNotificationsQueue"] = $"reports-{suffix}",
            ["Logging:LogLevel:Default"] = "Trace",
        };
        foreach (var (key, value) in extraSettings ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var logs = new ConcurrentQueue<string>();
        var app = FunctionsApp.Build([], builder =>
        {
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Configuration.AddInMemoryCollection(settings);
            builder.Logging.ClearProviders();
            builder.Logging.AddProvider(new CapturingLoggerProvider(logs));
            if (observer is not null)
            {
                builder.Services.AddSingleton(observer);
            }

            configureServices?.Invoke(builder.Services);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new PipelineHarness(app, new Uri(address + "/"), new BlobServiceClient(azurite.ConnectionString), logs);
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

    /// <summary>POSTs the blob-trigger payload the Functions host would send for <paramref name="blobName"/>.</summary>
    public async Task<HandlerAnswer> TriggerIngestAsync(string blobName)
    {
        var properties = await Storage.Returns.GetBlobClient(blobName).GetPropertiesOrNullAsync(CancellationToken.None);
        var content = properties is null ? [] : await Storage.Returns.DownloadBytesAsync(blobName);
        var payload = HostPayloads.BlobTrigger(FunctionNames.IngestReturn, "returnFile", Storage.Returns.Name, blobName,
            new Uri($"{Storage.Returns.Uri}/{blobName}"), content, properties?.ETag.ToString(), properties?.LastModified ?? DateTimeOffset.UtcNow,
            DateTimeOffset.UtcNow);
        return await PostAsync(FunctionNames.IngestReturn, payload);
    }

    /// <summary>POSTs the timer payload the Functions host would send for ComputeKpis.</summary>
    public Task<HandlerAnswer> TriggerComputeAsync() => TriggerTimerAsync(FunctionNames.ComputeKpis);

    /// <summary>POSTs the timer payload the Functions host would send for a timer-triggered function.</summary>
    public Task<HandlerAnswer> TriggerTimerAsync(string functionName)
    {
        var now = DateTimeOffset.UtcNow;
        return PostAsync(functionName, HostPayloads.TimerTrigger(functionName, "timer", now.AddDays(-1), now.AddDays(1), now));
    }

    public async Task<HandlerAnswer> PostAsync(string functionName, object payload)
    {
        using var response = await Http.PostAsJsonAsync(functionName, payload);
        var text = await response.Content.ReadAsStringAsync();
        return new HandlerAnswer((int)response.StatusCode, text);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
    }
}

/// <summary>The handler's HTTP answer: status and the JSON body (Outputs, Logs, ReturnValue).</summary>
public sealed record HandlerAnswer(int StatusCode, string Body)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;

    public IReadOnlyList<string> Logs => [.. Json.GetProperty(nameof(Logs)).EnumerateArray().Select(l => l.GetString()!)];
}

/// <summary>Captures every log line, so tests can prove what never reaches the logs.</summary>
internal sealed class CapturingLoggerProvider(ConcurrentQueue<string> lines) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, lines);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception}");
    }
}
