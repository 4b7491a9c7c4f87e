using System.IO.Compression;
using System.Reflection.PortableExecutable;
using System.Security.Cryptography;
using System.Text.Json;
using Azure.Storage.Blobs;
using KpiPipeline.Cli.Packaging;
using KpiPipeline.LocalRun.FunctionsHost;
using KpiPipeline.Pipeline.Compute;
using KpiPipeline.Pipeline.Ingest;
using KpiPipeline.Testing;

namespace KpiPipeline.Deployment.Tests;

/// <summary>
/// The package <c>kpi package</c> builds: the isolated worker's publish output as the host reads it, and that package run by
/// the Functions host stand-in (as the host runs it) ingesting a blob and publishing on a timer against a real Azurite.
/// </summary>
public sealed class FunctionAppPackageTests(PackageFixture fixture, AzuriteFixture azurite)
    : IClassFixture<PackageFixture>, IClassFixture<AzuriteFixture>
{
    private const string BlobName = "PROV1/2024-03/episodes.csv";

    [Fact]
    public void Package_holds_host_json_the_generated_metadata_and_the_worker_it_names()
    {
        var package = fixture.Package;
        Assert.Empty(FunctionAppPackager.Verify(package.Folder));
        Assert.Equal(["ComputeKpis", "IngestReturn", "PurgeQuarantine", "RecordStalledUploads", "RefreshProviderState"], package.Functions);
        Assert.Equal("KpiPipeline.Functions.dll", Path.GetFileName(package.WorkerAssemblyPath));
        Assert.Equal(
            File.ReadAllText(Path.Combine(DeploymentSources.FunctionsProject, "host.json")),
            File.ReadAllText(Path.Combine(package.Folder, "host.json")));
        Assert.True(Directory.Exists(Path.Combine(package.Folder, ".azurefunctions")), "the host-side extensions are missing");
        Assert.False(File.Exists(Path.Combine(package.Folder, "local.settings.json")), "local settings must never be deployed");
    }

    [Fact]
    public void The_app_and_its_libraries_are_compiled_ahead_of_time_and_the_worker_runs_with_the_measured_settings()
    {
        var package = fixture.Package;
        foreach (var assembly in new[] { "KpiPipeline.Functions.dll", "KpiPipeline.Pipeline.dll", "KpiPipeline.Kpis.dll", "KpiPipeline.Core.dll", "KpiPipeline.Parquet.dll", "Azure.Storage.Blobs.dll" })
        {
            using var pe = new PEReader(File.OpenRead(Path.Combine(package.Folder, assembly)));
            Assert.True(pe.PEHeaders.CorHeader!.ManagedNativeHeaderDirectory.Size > 0, $"{assembly} is not ReadyToRun");
        }

        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(package.Folder, "KpiPipeline.Functions.runtimeconfig.json")));
        var settings = config.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");
        Assert.False(settings.GetProperty("System.Runtime.TieredPGO").GetBoolean());
        Assert.False(settings.GetProperty("System.Runtime.TieredCompilation.QuickJitForLoops").GetBoolean());
    }

    [Fact]
    public void Zip_holds_the_same_files()
    {
        var package = fixture.Package;
        using var zip = ZipFile.OpenRead(package.ZipFile!);
        var files = Directory.EnumerateFiles(package.Folder, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(package.Folder, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal);
        Assert.Equal(files, zip.Entries.Select(e => e.FullName).Order(StringComparer.Ordinal));
        Assert.Contains("functions.metadata", zip.Entries.Select(e => e.FullName));
    }

    [Fact]
    public void Verify_names_what_the_host_would_miss()
    {
        var folder = RepoPaths.NewTempFolder("verify");
        File.WriteAllText(Path.Combine(folder, "host.json"), """{ "version": "2.0" }""");
        File.WriteAllText(Path.Combine(folder, "worker.config.json"), """{ "description": { "defaultWorkerPath": "App.dll" } }""");
        File.WriteAllText(Path.Combine(folder, "functions.metadata"), """[ { "name": "Ingest", "bindings": [] } ]""");
        File.WriteAllText(Path.Combine(folder, "extensions.json"), """{ "extensions": [ { "name": "Blobs", "hintPath": "./.azurefunctions/Blobs.dll" } ] }""");

        Assert.Equal(
            [
                "the worker assembly 'App.dll' named by worker.config.json is missing",
                "Ingest in functions.metadata has no bindings",
                "the extension assembly './.azurefunctions/Blobs.dll' listed in extensions.json is missing",
            ],
            FunctionAppPackager.Verify(folder));
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task Packaged_app_run_by_the_host_stand_in_ingests_a_blob_and_publishes_on_the_timer()
    {
        var account = new BlobServiceClient(azurite.ConnectionString);
        var reference = account.GetBlobContainerClient("reference");
        var returns = account.GetBlobContainerClient("returns");
        await reference.CreateIfNotExistsAsync();
        await returns.CreateIfNotExistsAsync();
        await reference.GetBlobClient("providers.csv").UploadAsync(BinaryData.FromString("provider_code,provider_name,area_code\nPROV1,Provider One,A1\nPROV2,Provider Two,A1\n"));
        await reference.GetBlobClient("areas.csv").UploadAsync(BinaryData.FromString("area_code,area_name,nation,estimated_opiate_users,estimated_pwid\nA1,Area One,ENGLAND,900,400\n"));
        await returns.GetBlobClient(BlobName).UploadAsync(BinaryData.FromBytes(await File.ReadAllBytesAsync(Path.Combine(RepoPaths.Corpus, "episodes", "valid_basic.csv"))));

        var logs = new List<HostLog>();
        await using var host = await FunctionsHostStandIn.StartAsync(
            new StandInOptions
            {
                AppFolder = fixture.Package.Folder,
                Settings = new Dictionary<string, string?>
                {
                    ["AzureWebJobsStorage"] = azurite.ConnectionString,
                    ["KpiStorage"] = azurite.ConnectionString,
                    ["KpiPipeline__PseudonymisationSecret"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
                    ["KpiPipeline__RegistrantSecret"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
                    ["ComputeKpisSchedule"] = "0 30 2 * * *",
                    ["PurgeQuarantineSchedule"] = "0 0 3 * * *",
                    ["RecordStalledUploadsSchedule"] = "0 */15 * * * *",
                },
                Log = line => { lock (logs) { logs.Add(line); } },
            },
            CancellationToken.None);

        var ingest = (await host.PollBlobsAsync(CancellationToken.None)).Single();
        Assert.True(ingest.Succeeded, ingest.Last.Exception);
        var outcome = ingest.Last.Outcome<IngestOutcome>();
        Assert.Equal((IngestStatus.Accepted, 3, 0), (outcome.Status, outcome.Rows, outcome.Errors));
        Assert.Contains(await account.GetBlobContainerClient("reports").BlobNamesAsync("PROV1/2024-03/"), name => name.EndsWith(".report.json", StringComparison.Ordinal));
        Assert.NotEmpty(await account.GetBlobContainerClient("curated").BlobNamesAsync());
        Assert.False(await returns.BlobExistsAsync(BlobName), "an accepted upload's raw file is deleted after ingest");

        var refresh = Assert.Single(await host.DrainQueuesAsync(CancellationToken.None));
        Assert.True(refresh.Succeeded, refresh.Invocation?.Exception);
        var compute = await host.FireTimerAsync("ComputeKpis", CancellationToken.None);
        Assert.True(compute.Succeeded, compute.Exception);
        Assert.Equal(1, compute.Outcome<ComputeOutcome>().SourceReturns);
        var published = await account.GetBlobContainerClient("published").BlobNamesAsync();
        Assert.Contains("kpi_catalogue.parquet", published);
        Assert.Contains(published, name => name.StartsWith("restricted/kpi_results/period=", StringComparison.Ordinal) && name.EndsWith("/part-0.parquet", StringComparison.Ordinal));
        Assert.Contains(published, name => name.StartsWith("public/kpi_results/period=", StringComparison.Ordinal) && name.EndsWith("/part-0.parquet", StringComparison.Ordinal));
    }
}
