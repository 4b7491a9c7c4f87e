using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Azure.Storage.Queues;
using KpiPipeline.LocalRun;
using KpiPipeline.Pipeline;
using KpiPipeline.Pipeline.Storage;
using KpiPipeline.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KpiPipeline.Storage.Tests;

/// <summary>The pipeline's containers, tables and queue on the Azure SDK clients that <c>AddKpiPipeline</c> registers.</summary>
public sealed class PipelineStorageTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private const string Providers = "provider_code,provider_name,area_code\nP1,Provider One,A1\n";
    private const string Areas = "area_code,area_name,nation\nA1,Area One,ENGLAND\n";

    private ServiceProvider Services(KpiPipelineOptions names, ConcurrentQueue<string>? logs = null, IDictionary<string, string?>? settings = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [KpiPipelineOptions.StorageConnectionName] = azurite.ConnectionString,
            ["KpiPipeline:ReturnsContainer"] = names.ReturnsContainer,
            ["KpiPipeline:QuarantineContainer"] = names.QuarantineContainer,
            ["KpiPipeline:CuratedContainer"] = names.CuratedContainer,
            ["KpiPipeline:PublishedContainer"] = names.PublishedContainer,
            ["KpiPipeline:ReferenceContainer"] = names.ReferenceContainer,
            ["KpiPipeline:ReportsContainer"] = names.ReportsContainer,
            ["KpiPipeline:LedgerTable"] = names.LedgerTable,
            ["KpiPipeline:AcceptedReturnsTable"] = names.AcceptedReturnsTable,
            ["KpiPipeline:ReportNotificationsQueue"] = names.ReportNotificationsQueue,
            ["Logging:LogLevel:Default"] = "Trace",
        }.Concat(settings ?? new Dictionary<string, string?>())).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging(logging =>
        {
            logging.AddConfiguration(configuration.GetSection("Logging"));
            if (logs is not null)
            {
                logging.AddProvider(new CapturingLoggerProvider(logs));
            }
        });
        services.AddKpiPipeline();
        return services.BuildServiceProvider();
    }

    [Fact]
    public async Task The_registered_clients_create_every_container_table_and_queue_and_creating_again_is_harmless()
    {
        var names = TestStorage.UniqueNames();
        await using var services = Services(names);
        var storage = services.GetRequiredService<PipelineStorage>();

        await storage.EnsureCreatedAsync(CancellationToken.None);
        await PipelineStorage.Connect(StorageAccountSettings.FromConnectionString(azurite.ConnectionString), names).EnsureCreatedAsync(CancellationToken.None);

        Assert.Same(services.GetRequiredService<BlobServiceClient>(), services.GetRequiredService<BlobServiceClient>());
        Assert.StartsWith($"http://127.0.0.1:{azurite.Azurite.BlobPort}/", storage.Returns.Uri.ToString(), StringComparison.Ordinal);
        foreach (var container in new[] { storage.Returns, storage.Quarantine, storage.Curated, storage.Published, storage.Reference, storage.Reports })
        {
            Assert.True((await container.ExistsAsync()).Value, container.Name);
        }

        Assert.Equal(names.ReportsContainer, storage.Reports.Name);
        foreach (var table in new[] { storage.Ledger, storage.AcceptedReturns })
        {
            Assert.Empty(await table.ContentsAsync());
        }

        Assert.True((await storage.ReportNotifications.ExistsAsync()).Value);
    }

    [Fact]
    public async Task Report_notifications_are_base64_text_as_the_Functions_queue_trigger_reads_them()
    {
        var storage = await TestStorage.CreateAsync(azurite);
        const string text = """{"blob":"P1/2025-04/épisodes.csv","accepted":true}""";

        await storage.ReportNotifications.SendMessageAsync(text);

        var raw = new QueueClient(azurite.ConnectionString, storage.ReportNotifications.Name);
        var message = Assert.Single((await raw.ReceiveMessagesAsync(10)).Value);
        Assert.Equal(Convert.ToBase64String(Encoding.UTF8.GetBytes(text)), message.Body.ToString());
    }

    [Fact]
    public async Task Reference_data_loads_without_the_optional_targets_and_a_missing_providers_file_is_named()
    {
        var storage = await TestStorage.CreateAsync(azurite);
        await storage.Reference.GetBlobClient("areas.csv").UploadAsync(BinaryData.FromString(Areas));

        var missing = await Assert.ThrowsAsync<InvalidOperationException>(() => storage.LoadReferenceAsync(CancellationToken.None));
        Assert.Contains(storage.Reference.Name, missing.Message, StringComparison.Ordinal);
        Assert.Contains("providers.csv", missing.Message, StringComparison.Ordinal);

        await storage.Reference.GetBlobClient("providers.csv").UploadAsync(BinaryData.FromString(Providers));
        var reference = await storage.LoadReferenceAsync(CancellationToken.None);
        Assert.NotNull(reference.FindProvider("P1"));
        Assert.Null(reference.FindProvider("P2"));
    }

    [Fact]
    public async Task A_large_stream_of_unknown_length_uploads_in_blocks_and_downloads_intact()
    {
        var storage = await TestStorage.CreateAsync(azurite);
        const long length = (24L << 20) + 12345;
        var blob = storage.Quarantine.GetBlobClient("P1/2025-04/episodes.csv.0x1");
        using (var expected = SHA256.Create())
        {
            await using var source = new GeneratedStream(length, seed: 42);
            await blob.UploadAsync(source, new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = "text/csv" } });
            await using var again = new GeneratedStream(length, seed: 42);
            var expectedHash = await expected.ComputeHashAsync(again);

            using var download = (await blob.DownloadStreamingAsync()).Value;
            Assert.Equal(length, download.Details.ContentLength);
            Assert.Equal("text/csv", download.Details.ContentType);
            Assert.Equal(expectedHash, await SHA256.HashDataAsync(download.Content));
        }

        var blocks = (await storage.Quarantine.GetBlockBlobClient(blob.Name).GetBlockListAsync()).Value;
        Assert.True(blocks.CommittedBlocks.Count() > 1, "a stream of unknown length is sent in blocks");
    }

    [Fact]
    public async Task A_wrong_account_key_is_refused_and_the_error_never_shows_a_key()
    {
        var wrongKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(64));
        var connection = azurite.ConnectionString.Replace(AzuriteProcess.AccountKey, wrongKey, StringComparison.Ordinal);
        var settings = StorageAccountSettings.FromConnectionString(connection);
        var storage = PipelineStorage.Connect(settings, TestStorage.UniqueNames());

        var refused = await Assert.ThrowsAsync<RequestFailedException>(() => storage.EnsureCreatedAsync(CancellationToken.None));

        Assert.Equal(403, refused.Status);
        foreach (var key in new[] { wrongKey, AzuriteProcess.AccountKey })
        {
            Assert.DoesNotContain(key, refused.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain(key, settings.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Expected_absences_are_not_logged_as_warnings_unless_the_configuration_asks_for_the_sdk_log()
    {
        var quiet = new ConcurrentQueue<string>();
        await using (var services = Services(TestStorage.UniqueNames(), quiet))
        {
            var storage = services.GetRequiredService<PipelineStorage>();
            await storage.EnsureCreatedAsync(CancellationToken.None);
            await storage.EnsureCreatedAsync(CancellationToken.None);
            Assert.Null(await storage.Returns.GetBlobClient("P1/2025-04/absent.csv").GetPropertiesOrNullAsync(CancellationToken.None));
        }

        var verbose = new ConcurrentQueue<string>();
        await using (var services = Services(TestStorage.UniqueNames(), verbose, new Dictionary<string, string?> { ["Logging:LogLevel:Azure.Core"] = "Warning" }))
        {
            var storage = services.GetRequiredService<PipelineStorage>();
            await storage.EnsureCreatedAsync(CancellationToken.None);
            Assert.Null(await storage.Returns.GetBlobClient("P1/2025-04/absent.csv").GetPropertiesOrNullAsync(CancellationToken.None));
        }

        Assert.DoesNotContain(quiet, line => line.StartsWith("Warning Azure.Core", StringComparison.Ordinal));
        Assert.Contains(verbose, line => line.StartsWith("Warning Azure.Core", StringComparison.Ordinal) && line.Contains("404", StringComparison.Ordinal));
        Assert.DoesNotContain(verbose, line => line.Contains(AzuriteProcess.AccountKey, StringComparison.Ordinal));
    }

    [Fact]
    public void Identity_based_settings_reach_the_configured_endpoints_with_no_account_key()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["KpiStorage:blobServiceUri"] = "https://kpistore.blob.core.windows.net/",
            ["KpiStorage:queueServiceUri"] = "https://kpistore.queue.core.windows.net/",
            ["KpiStorage:tableServiceUri"] = "https://kpistore.table.core.windows.net/",
            ["KpiStorage:credential"] = "managedidentity",
            ["KpiStorage:clientId"] = "00000000-1111-2222-3333-444444444444",
        }).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging().AddKpiPipeline().BuildServiceProvider();

        var settings = services.GetRequiredService<StorageAccountSettings>();
        var storage = services.GetRequiredService<PipelineStorage>();

        Assert.False(settings.UsesConnectionString);
        Assert.Equal("00000000-1111-2222-3333-444444444444", settings.ManagedIdentityClientId);
        Assert.Equal("https://kpistore.blob.core.windows.net/returns", storage.Returns.Uri.ToString());
        Assert.Equal("https://kpistore.table.core.windows.net/", services.GetRequiredService<Azure.Data.Tables.TableServiceClient>().Uri.ToString());
        Assert.Equal("https://kpistore.queue.core.windows.net/report-notifications", storage.ReportNotifications.Uri.ToString());
        Assert.Equal("kpistore", storage.Returns.AccountName);
        Assert.False(storage.Returns.CanGenerateSasUri, "no account key: requests carry the identity's token");
    }

    [Theory]
    [InlineData(null, "https://a.queue.core.windows.net/", "https://a.table.core.windows.net/", "KpiStorage__blobServiceUri")]
    [InlineData("http://a.blob.core.windows.net/", "https://a.queue.core.windows.net/", "https://a.table.core.windows.net/", "must be an absolute https URI")]
    public void Incomplete_or_insecure_storage_settings_are_refused_with_the_setting_named(string? blob, string queue, string table, string expected)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["KpiStorage:blobServiceUri"] = blob,
            ["KpiStorage:queueServiceUri"] = queue,
            ["KpiStorage:tableServiceUri"] = table,
        }).Build();

        var refused = Assert.Throws<InvalidOperationException>(() => StorageAccountSettings.FromConfiguration(configuration));

        Assert.Contains(expected, refused.Message, StringComparison.Ordinal);
    }

    /// <summary>Captures every log line with its level and category.</summary>
    private sealed class CapturingLoggerProvider(ConcurrentQueue<string> lines) : ILoggerProvider
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
                lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)}");
        }
    }
}
