using Azure.Storage.Blobs;
using Azure.Storage.Sas;
using KpiPipeline.Pipeline.Publishing;
using KpiPipeline.Testing;

namespace KpiPipeline.Scorecards.Tests;

/// <summary>
/// A page as ComputeKpis publishes it, gzip-encoded in the <c>published</c> container, opened from Blob Storage (Azurite) in
/// Chromium: the browser decodes it and shows the same page as the file <c>kpi process</c> wrote.
/// </summary>
[Collection(ScorecardRunCollection.Name)]
public sealed class PageFromBlobStorageTests(ScorecardRun run, AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task A_gzip_encoded_page_from_blob_storage_reads_as_the_page_written_to_a_folder()
    {
        var path = run.AreaPage(run.Areas[0]);
        var html = await File.ReadAllBytesAsync(path);
        var container = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient(AzuriteFixture.UniqueName("published"));
        await container.CreateAsync();
        const string blobName = "restricted/scorecards/period=" + ScorecardRun.Period + "/area.html";
        using (var store = new BlobPublicationStore(container))
        {
            await store.WriteAsync(blobName, (stream, token) => stream.WriteAsync(html, token).AsTask(), CancellationToken.None);
            await store.FlushAsync(CancellationToken.None);
        }

        Assert.True((await container.GetBlobClient(blobName).GetPropertiesAsync()).Value.ContentLength < html.Length / 3);
        var fromFolder = await run.Browser.NewPageAsync();
        await fromFolder.GotoAsync(new Uri(path).AbsoluteUri);
        var fromBlob = await run.Browser.NewPageAsync();
        var response = await fromBlob.GotoAsync(container.GetBlobClient(blobName).GenerateSasUri(BlobSasPermissions.Read, DateTimeOffset.UtcNow.AddMinutes(5)).AbsoluteUri);

        Assert.NotNull(response);
        Assert.Equal(BlobPublicationStore.GzipEncoding, (await response.AllHeadersAsync())["content-encoding"]);
        Assert.Equal(await fromFolder.TitleAsync(), await fromBlob.TitleAsync());
        Assert.Equal(await fromFolder.Locator("body").InnerTextAsync(), await fromBlob.Locator("body").InnerTextAsync());
        Assert.Equal(await fromFolder.Locator("td").CountAsync(), await fromBlob.Locator("td").CountAsync());
        await fromFolder.CloseAsync();
        await fromBlob.CloseAsync();
    }
}
