using System.Security.Cryptography;
using KpiPipeline.Pipeline.Publishing;
using KpiPipeline.Testing;

namespace KpiPipeline.Storage.Tests;

/// <summary>Publishing into a blob container: whole-file replacement, the content hash that skips unchanged files, parallel writes.</summary>
public sealed class BlobPublicationStoreTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private const string File = "restricted/kpi_results/period=2025-26-Q1/part-0.parquet";

    private static Func<Stream, CancellationToken, Task> Content(byte[] bytes) => (stream, cancellationToken) => stream.WriteAsync(bytes, cancellationToken).AsTask();

    [Fact]
    public async Task Writes_the_file_with_its_content_type_and_content_hash()
    {
        var published = (await TestStorage.CreateAsync(azurite)).Published;
        var store = new BlobPublicationStore(published);
        var bytes = RandomNumberGenerator.GetBytes(100_000);

        Assert.True(await store.WriteAsync(File, Content(bytes), CancellationToken.None));

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
        var store = new BlobPublicationStore(published);
        await store.WriteAsync(File, Content([1, 2, 3]), CancellationToken.None);
        var first = (await published.GetBlobClient(File).GetPropertiesAsync()).Value.ETag;

        Assert.False(await store.WriteAsync(File, Content([1, 2, 3]), CancellationToken.None));
        Assert.Equal(first, (await published.GetBlobClient(File).GetPropertiesAsync()).Value.ETag);

        Assert.True(await store.WriteAsync(File, Content([1, 2, 4]), CancellationToken.None));
        Assert.NotEqual(first, (await published.GetBlobClient(File).GetPropertiesAsync()).Value.ETag);
        Assert.Equal([1, 2, 4], await published.DownloadBytesAsync(File));
    }

    [Fact]
    public async Task A_later_run_finds_the_hashes_an_earlier_run_published_and_a_deleted_file_is_written_again()
    {
        var published = (await TestStorage.CreateAsync(azurite)).Published;
        await new BlobPublicationStore(published).WriteAsync(File, Content([1, 2, 3]), CancellationToken.None);
        var first = (await published.GetBlobClient(File).GetPropertiesAsync()).Value.ETag;

        var later = new BlobPublicationStore(published);
        Assert.False(await later.WriteAsync(File, Content([1, 2, 3]), CancellationToken.None));
        Assert.Equal(first, (await published.GetBlobClient(File).GetPropertiesAsync()).Value.ETag);

        await later.DeleteAsync(File, CancellationToken.None);
        Assert.True(await later.WriteAsync(File, Content([1, 2, 3]), CancellationToken.None));
        Assert.Equal([1, 2, 3], await published.DownloadBytesAsync(File));
    }

    [Fact]
    public async Task Concurrent_writes_of_different_files_all_land()
    {
        var published = (await TestStorage.CreateAsync(azurite)).Published;
        var store = new BlobPublicationStore(published);
        var files = Enumerable.Range(0, 16).Select(i => ($"public/kpi_results/period=20{i:D2}-Q1/part-0.parquet", RandomNumberGenerator.GetBytes(20_000 + i))).ToList();

        var written = await Task.WhenAll(files.Select(f => Task.Run(() => store.WriteAsync(f.Item1, Content(f.Item2), CancellationToken.None))));

        Assert.All(written, Assert.True);
        Assert.Equal(files.Select(f => f.Item1).Order(StringComparer.Ordinal), await published.BlobNamesAsync("public/"));
        foreach (var (name, bytes) in files)
        {
            Assert.Equal(bytes, await published.DownloadBytesAsync(name));
        }
    }
}
