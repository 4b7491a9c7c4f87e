using System.IO.Compression;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Azure.Storage.Blobs;
using KpiPipeline.Cli.Packaging;
using KpiPipeline.LocalRun;
using KpiPipeline.Testing;

namespace KpiPipeline.Deployment.Tests;

/// <summary>
/// The package <c>kpi package</c> builds: its layout, and its handler started as the Functions host starts it, answering a
/// blob-trigger and a timer-trigger payload against a real Azurite.
/// </summary>
public sealed class FunctionAppPackageTests(PackageFixture fixture, AzuriteFixture azurite)
    : IClassFixture<PackageFixture>, IClassFixture<AzuriteFixture>
{
    private const string BlobName = "PROV1/2024-03/episodes.csv";

    [Fact]
    public void Package_holds_host_json_every_function_and_the_executable_host_json_names()
    {
        var package = fixture.Package;
        Assert.Empty(FunctionAppPackager.Verify(package.Folder));
        Assert.Equal(FunctionAppPackager.FunctionFolders(DeploymentSources.FunctionsProject), package.Functions);
        Assert.Equal(
            FunctionAppPackager.ExecutableNameOf(File.ReadAllText(Path.Combine(DeploymentSources.FunctionsProject, "host.json"))),
            Path.GetFileName(package.ExecutablePath));
        foreach (var function in package.Functions)
        {
            Assert.Equal(
                File.ReadAllText(Path.Combine(DeploymentSources.FunctionsProject, function, "function.json")),
                File.ReadAllText(Path.Combine(package.Folder, function, "function.json")));
        }

        if (!OperatingSystem.IsWindows())
        {
            Assert.True((File.GetUnixFileMode(package.ExecutablePath) & UnixFileMode.UserExecute) != 0, "the handler is not executable");
        }
    }

    [Fact]
    public void Zip_holds_the_same_files_with_the_handler_marked_executable()
    {
        var package = fixture.Package;
        using var zip = ZipFile.OpenRead(package.ZipFile!);
        var entries = zip.Entries.ToDictionary(e => e.FullName, StringComparer.Ordinal);
        var files = Directory.EnumerateFiles(package.Folder, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(package.Folder, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal);
        Assert.Equal(files, entries.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("host.json", entries.Keys);
        Assert.All(package.Functions, f => Assert.Contains($"{f}/function.json", entries.Keys));
        var mode = (UnixFileMode)(entries[Path.GetFileName(package.ExecutablePath)].ExternalAttributes >> 16);
        Assert.True((mode & UnixFileMode.UserExecute) != 0, $"the handler's zip entry has mode {mode}");
    }

    [Fact]
    public void Package_is_self_contained_for_linux_x64()
    {
        var folder = fixture.Package.Folder;
        Assert.True(File.Exists(Path.Combine(folder, "libhostfxr.so")), "no bundled .NET host: the Functions image has no ASP.NET Core 10 runtime");
        Assert.True(File.Exists(Path.Combine(folder, "Microsoft.AspNetCore.dll")), "ASP.NET Core is not bundled");
        Assert.False(File.Exists(Path.Combine(folder, "local.settings.json")), "local settings must never be deployed");
    }

    [Fact]
    public void Verify_names_what_the_host_would_miss()
    {
        var folder = RepoPaths.NewTempFolder("verify");
        File.WriteAllText(Path.Combine(folder, "host.json"), """{ "version": "2.0", "customHandler": { "description": { "defaultExecutablePath": "Handler" } } }""");
        File.WriteAllText(Path.Combine(folder, "Handler.dll"), string.Empty);
        Directory.CreateDirectory(Path.Combine(folder, "Ingest"));
        File.WriteAllText(Path.Combine(folder, "Ingest", "function.json"), """{ "bindings": [] }""");

        Assert.Equal(
            ["the handler executable 'Handler' named by host.json is missing", "Ingest/function.json has no bindings"],
            FunctionAppPackager.Verify(folder));
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task Packaged_handler_ingests_a_blob_trigger_payload_and_publishes_on_a_timer_payload()
    {
        var account = new BlobServiceClient(azurite.ConnectionString);
        var reference = account.GetBlobContainerClient("reference");
        var returns = account.GetBlobContainerClient("returns");
        await reference.CreateIfNotExistsAsync();
        await returns.CreateIfNotExistsAsync();
        await reference.GetBlobClient("providers.csv").UploadAsync(BinaryData.FromString("provider_code,provider_name,area_code\nPROV1,Provider One,A1\nPROV2,Provider Two,A1\n"));
        await reference.GetBlobClient("areas.csv").UploadAsync(BinaryData.FromString("area_code,area_name,nation,estimated_opiate_users,estimated_pwid\nA1,Area One,ENGLAND,900,400\n"));
        var episodes = await File.ReadAllBytesAsync(Path.Combine(RepoPaths.Corpus, "episodes", "valid_basic.csv"));
        var upload = (await returns.GetBlobClient(BlobName).UploadAsync(BinaryData.FromBytes(episodes))).Value;

        await using var handler = await HandlerProcess.StartAsync(fixture.Package.Folder, fixture.Package.ExecutablePath, new Dictionary<string, string>
        {
            ["KpiStorage"] = azurite.ConnectionString,
            ["KpiPipeline__PseudonymisationSecret"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["KpiPipeline__RegistrantSecret"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["ComputeKpisSchedule"] = "0 30 2 * * *",
        });

        var now = DateTimeOffset.UtcNow;
        var blobTrigger = HostPayloads.BlobTrigger(
            "IngestReturn", "returnFile", "returns", BlobName, new Uri(returns.Uri, "returns/" + BlobName), episodes, upload.ETag.ToString(), upload.LastModified, now);
        var ingest = await PostAsync(handler, "IngestReturn", blobTrigger);
        var ingestSummary = ingest.GetProperty("ReturnValue").GetString();
        Assert.StartsWith($"{BlobName}: accepted (3 rows, 0 errors", ingestSummary, StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Object, ingest.GetProperty("Outputs").ValueKind);
        Assert.Contains(ingest.GetProperty("Logs").EnumerateArray(), log => log.GetString() == ingestSummary);
        var reports = await account.GetBlobContainerClient("reports").BlobNamesAsync("PROV1/2024-03/");
        Assert.Contains(reports, name => name.EndsWith(".report.json", StringComparison.Ordinal));
        Assert.NotEmpty(await account.GetBlobContainerClient("curated").BlobNamesAsync());
        Assert.False(await returns.BlobExistsAsync(BlobName), "an accepted upload's raw file is deleted after ingest");

        var timer = HostPayloads.TimerTrigger("ComputeKpis", "timer", now.AddDays(-1), now.AddDays(1), now);
        var compute = await PostAsync(handler, "ComputeKpis", timer);
        var computeSummary = compute.GetProperty("ReturnValue").GetString()!;
        Assert.Contains("1 source returns", computeSummary, StringComparison.Ordinal);
        Assert.Contains(compute.GetProperty("Logs").EnumerateArray(), log => log.GetString() == computeSummary);
        var published = await account.GetBlobContainerClient("published").BlobNamesAsync();
        Assert.Contains("kpi_catalogue.parquet", published);
        Assert.Contains(published, name => name.StartsWith("restricted/kpi_results/period=", StringComparison.Ordinal) && name.EndsWith("/part-0.parquet", StringComparison.Ordinal));
        Assert.Contains(published, name => name.StartsWith("public/kpi_results/period=", StringComparison.Ordinal) && name.EndsWith("/part-0.parquet", StringComparison.Ordinal));
    }

    private static async Task<JsonElement> PostAsync(HandlerProcess handler, string function, System.Text.Json.Nodes.JsonObject payload)
    {
        using var response = await handler.Client.PostAsJsonAsync(new Uri("/" + function, UriKind.Relative), payload);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST /{function} answered {(int)response.StatusCode}: {body}\nHandler output:\n{handler.Output}");
        using var document = JsonDocument.Parse(body);
        return document.RootElement.Clone();
    }
}
