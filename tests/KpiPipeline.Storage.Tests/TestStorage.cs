using KpiPipeline.Core.Dataset;
using KpiPipeline.Pipeline;
using KpiPipeline.Pipeline.Storage;
using KpiPipeline.Testing;

namespace KpiPipeline.Storage.Tests;

/// <summary>The pipeline's storage on the test's Azurite, with container, table and queue names unique to one test.</summary>
internal static class TestStorage
{
    public static KpiPipelineOptions UniqueNames()
    {
        var suffix = AzuriteFixture.UniqueName("s");
        return new KpiPipelineOptions
        {
            ReturnsContainer = $"returns-{suffix}",
            QuarantineContainer = $"quarantine-{suffix}",
            CuratedContainer = $"curated-{suffix}",
            PublishedContainer = $"published-{suffix}",
            ReferenceContainer = $"reference-{suffix}",
            ReportsContainer = $"reports-{suffix}",
            LedgerTable = $"submissions{suffix}",
            AcceptedReturnsTable = $"accepted{suffix}",
            ProviderUploadsTable = $"uploads{suffix}",
            ReportNotificationsQueue = $"notify-{suffix}",
        };
    }

    public static async Task<PipelineStorage> CreateAsync(AzuriteFixture azurite)
    {
        var storage = PipelineStorage.Connect(StorageAccountSettings.FromConnectionString(azurite.ConnectionString), UniqueNames());
        await storage.EnsureCreatedAsync(CancellationToken.None);
        return storage;
    }

    public static ReturnPath Path(string blobName) =>
        ReturnPath.TryParse(blobName, out var path, out var problem) ? path! : throw new ArgumentException(problem, nameof(blobName));
}
