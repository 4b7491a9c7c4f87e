using System.Net;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Storage.Sas;
using KpiPipeline.Pipeline.Publishing;
using KpiPipeline.Testing;

namespace KpiPipeline.Storage.Tests;

/// <summary>
/// Publishing into a blob container: whole-file replacement, the content hash that skips unchanged files, uploads that go on
/// in the background until the store is flushed, gzip-encoded pages, parallel writes.
/// </summary>
public sealed class BlobPublicationStoreTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private const string File = "restricted/kpi_results/period=2025-26-Q1/part-0.parquet";

    private static Func<Stream, CancellationToken, Task> Content(byte[] bytes) => (stream, cancellationToken) => stream.WriteAsync(bytes, cancellationToken).AsTask();

    [Fact]
    public async Task Writes_the_file_with_its_content_type_and_content_hash()
    {
        var published = (await TestStorage.CreateAsync(azurite)).Published;
        using var store = new BlobPublicationStore(published);
        var bytes = RandomNumberGenerator.GetBytes(100_000);

        Assert.True(await store.WriteAsync(File, Content(bytes), CancellationToken.None));
        await store.FlushAsync(CancellationToken.None);

        var properties = (await published.GetBlobClient(File).GetPropertiesAsync()).Value;
        Assert.Equal("application/vnd.apache.parquet", properties.ContentType);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), properties.Metadata[BlobPublicationStore.ContentHashMetadata]);
        Assert.Equal(bytes, await published.DownloadBytesAsync(File));
        Assert.Equal($"{published.Uri}/{File}", store.Describe(File));
    }

    [Fact]
    public async Task An_identical_file_is_not_written_again_and_a_changed_one_replaces_it()
    {
        var published = (await TestStorage.CreateAsync(azurite)).Published;
        using var store = new BlobPublicationStore(published);
        await store.WriteAsync(File, Content([1, 2, 3]), CancellationToken.None);
        await store.FlushAsync(CancellationToken.None);
        var first = (await published.GetBlobClient(File).GetPropertiesAsync()).Value.ETag;

        Assert.False(await store.WriteAsync(File, Content([1, 2, 3]), CancellationToken.None));
        Assert.Equal(first, (await published.GetBlobClient(File).GetPropertiesAsync()).Value.ETag);

        Assert.True(await store.WriteAsync(File, Content([1, 2, 4]), CancellationToken.None));
        await store.FlushAsync(CancellationToken.None);
        Assert.NotEqual(first, (await published.GetBlobClient(File).GetPropertiesAsync()).Value.ETag);
        Assert.Equal([1, 2, 4], await published.DownloadBytesAsync(File));
    }

    [Fact]
    public async Task A_later_run_finds_the_hashes_an_earlier_run_published_and_a_deleted_file_is_written_again()
    {
        var published = (await TestStorage.CreateAsync(azurite)).Published;
        using (var earlier = new BlobPublicationStore(published))
        {
            await earlier.WriteAsync(File, Content([1, 2, 3]), CancellationToken.None);
            await earlier.FlushAsync(CancellationToken.None);
        }

        var first = (await published.GetBlobClient(File).GetPropertiesAsync()).Value.ETag;

        using var later = new BlobPublicationStore(published);
        Assert.False(await later.WriteAsync(File, Content([1, 2, 3]), CancellationToken.None));
        Assert.Equal(first, (await published.GetBlobClient(File).GetPropertiesAsync()).Value.ETag);

        await later.DeleteAsync(File, CancellationToken.None);
        Assert.True(await later.WriteAsync(File, Content([1, 2, 3]), CancellationToken.None));
        await later.FlushAsync(CancellationToken.None);
        Assert.Equal([1, 2, 3], await published.DownloadBytesAsync(File));
    }

    [Fact]
    public async Task Concurrent_writes_of_different_files_all_land()
    {
        var published = (await TestStorage.CreateAsync(azurite)).Published;
        using var store = new BlobPublicationStore(published);
        var files = Enumerable.Range(0, 40).Select(i => ($"public/kpi_results/period=20{i:D2}-Q1/part-0.parquet", RandomNumberGenerator.GetBytes(20_000 + i))).ToList();

        var written = await Task.WhenAll(files.Select(f => Task.Run(() => store.WriteAsync(f.Item1, Content(f.Item2), CancellationToken.None))));
        await store.FlushAsync(CancellationToken.None);

        Assert.All(written, Assert.True);
        Assert.Equal(files.Select(f => f.Item1).Order(StringComparer.Ordinal), await published.BlobNamesAsync("public/"));
        foreach (var (name, bytes) in files)
        {
            Assert.Equal(bytes, await published.DownloadBytesAsync(name));
        }
    }

    [Fact]
    public async Task Stores_a_page_gzip_encoded_and_an_http_client_that_asks_for_gzip_gets_the_page()
    {
        var published = (await TestStorage.CreateAsync(azurite)).Published;
        using var store = new BlobPublicationStore(published);
        const string page = "restricted/scorecards/period=2025-26-Q1/area=E06000001.html";
        var html = Encoding.UTF8.GetBytes("<!DOCTYPE html><title>Stonebury</title>" + string.Concat(Enumerable.Repeat("<tr><td>69.6%</td></tr>", 2_000)));

        Assert.True(await store.WriteAsync(page, Content(html), CancellationToken.None));
        await store.FlushAsync(CancellationToken.None);

        var properties = (await published.GetBlobClient(page).GetPropertiesAsync()).Value;
        Assert.Equal("text/html; charset=utf-8", properties.ContentType);
        Assert.Equal(BlobPublicationStore.GzipEncoding, properties.ContentEncoding);
        Assert.True(properties.ContentLength < html.Length / 5, $"{properties.ContentLength} bytes stored for a {html.Length}-byte page");
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(html)), properties.Metadata[BlobPublicationStore.ContentHashMetadata]);

        var url = published.GetBlobClient(page).GenerateSasUri(BlobSasPermissions.Read, DateTimeOffset.UtcNow.AddMinutes(5));
        using var http = new HttpClient(new HttpClientHandler { AutomaticDecompression = DecompressionMethods.GZip });
        using var response = await http.GetAsync(url);
        response.EnsureSuccessStatusCode();
        Assert.Equal(html, await response.Content.ReadAsByteArrayAsync());
        Assert.False(await store.WriteAsync(page, Content(html), CancellationToken.None));
    }

    [Fact]
    public async Task Copies_the_container_to_a_folder_with_pages_decoded_and_parquet_as_stored()
    {
        var published = (await TestStorage.CreateAsync(azurite)).Published;
        using var store = new BlobPublicationStore(published);
        const string page = "public/scorecards/period=2025-26-Q1/national.html";
        var html = Encoding.UTF8.GetBytes("<!DOCTYPE html><title>England</title>");
        var parquet = RandomNumberGenerator.GetBytes(5_000);
        await store.WriteAsync(page, Content(html), CancellationToken.None);
        await store.WriteAsync(File, Content(parquet), CancellationToken.None);
        await store.FlushAsync(CancellationToken.None);
        var folder = Path.Combine(RepoPaths.NewTempFolder("copy"), "published");

        await BlobPublicationStore.CopyToFolderAsync(published, folder, CancellationToken.None);

        Assert.Equal(html, await System.IO.File.ReadAllBytesAsync(Path.Combine(folder, page)));
        Assert.Equal(parquet, await System.IO.File.ReadAllBytesAsync(Path.Combine(folder, File)));
    }

    [Fact]
    public async Task A_failed_upload_is_thrown_by_the_flush_and_by_the_next_write()
    {
        var published = (await TestStorage.CreateAsync(azurite)).Published;
        using var store = new BlobPublicationStore(published);
        await store.WriteAsync(File, Content([1, 2, 3]), CancellationToken.None);
        await store.FlushAsync(CancellationToken.None);
        await published.DeleteAsync();

        Assert.True(await store.WriteAsync("public/kpi_results/period=2025-26-Q1/part-0.parquet", Content([4, 5, 6]), CancellationToken.None));

        var failed = await Assert.ThrowsAsync<RequestFailedException>(() => store.FlushAsync(CancellationToken.None));
        Assert.Equal(404, failed.Status);
        await Assert.ThrowsAsync<RequestFailedException>(() => store.WriteAsync(File, Content([7]), CancellationToken.None));
    }
}
