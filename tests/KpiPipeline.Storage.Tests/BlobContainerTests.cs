using System.Security.Cryptography;
using System.Text;
using KpiPipeline.Testing;

namespace KpiPipeline.Storage.Tests;

public sealed class BlobContainerTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private StorageAccount Account => new(azurite.ConnectionString);

    private async Task<BlobContainer> NewContainerAsync()
    {
        var container = Account.GetBlobContainer(AzuriteFixture.UniqueName("blobs"));
        Assert.True(await container.CreateIfNotExistsAsync());
        return container;
    }

    [Fact]
    public async Task Create_if_not_exists_reports_whether_it_created()
    {
        var container = Account.GetBlobContainer(AzuriteFixture.UniqueName("create"));

        Assert.True(await container.CreateIfNotExistsAsync());
        Assert.False(await container.CreateIfNotExistsAsync());
        Assert.True(await container.DeleteIfExistsAsync());
        Assert.False(await container.DeleteIfExistsAsync());
    }

    [Fact]
    public async Task Uploads_and_downloads_a_small_blob_with_content_type_and_metadata()
    {
        var container = await NewContainerAsync();
        var content = Encoding.UTF8.GetBytes("area,period\nE09000001,2024-03\n");

        var uploaded = await container.UploadAsync(
            "returns/2024/march.csv",
            content,
            new BlobUploadOptions { ContentType = "text/csv", Metadata = new Dictionary<string, string> { ["source"] = "ndtms", ["rows"] = "1" } });

        Assert.Equal(0, uploaded.BlockCount);
        Assert.Equal(content.Length, uploaded.Length);
        Assert.False(string.IsNullOrEmpty(uploaded.ETag));

        await using var download = await container.DownloadAsync("returns/2024/march.csv");
        Assert.Equal(content.Length, download.Properties.Length);
        Assert.Equal(uploaded.ETag, download.Properties.ETag);
        Assert.Equal("text/csv", download.Properties.ContentType);
        Assert.Equal("ndtms", download.Properties.Metadata["source"]);
        Assert.Equal("1", download.Properties.Metadata["rows"]);
        Assert.True(download.Properties.LastModified > DateTimeOffset.UtcNow.AddMinutes(-5));
        using var read = new MemoryStream();
        await download.Content.CopyToAsync(read);
        Assert.Equal(content, read.ToArray());
    }

    [Fact]
    public async Task Names_with_spaces_quotes_and_unicode_round_trip()
    {
        var container = await NewContainerAsync();
        const string name = "returns/north east/ünïcode's file + more (1).csv";

        await container.UploadAsync(name, [1, 2, 3]);

        Assert.Equal(new byte[] { 1, 2, 3 }, await container.DownloadBytesAsync(name));
        var listed = await container.ListBlobsAsync("returns/north east/").ToListAsync();
        Assert.Equal(name, Assert.Single(listed).Name);
    }

    [Fact]
    public async Task Uploads_an_empty_blob()
    {
        var container = await NewContainerAsync();

        await container.UploadAsync("empty.bin", new MemoryStream());

        Assert.Empty(await container.DownloadBytesAsync("empty.bin"));
        Assert.Equal(0, (await container.GetPropertiesAsync("empty.bin"))!.Length);
    }

    [Fact]
    public async Task Streams_a_large_upload_through_blocks_and_downloads_it_intact()
    {
        var container = await NewContainerAsync();
        const long length = (20L * 1024 * 1024) + 12345; // > 16 MB and not a whole number of blocks
        var expected = await Sha256Async(new GeneratedStream(length, seed: 42));

        var uploaded = await container.UploadAsync(
            "large/generated.bin",
            new GeneratedStream(length, seed: 42),
            new BlobUploadOptions { ContentType = "application/octet-stream", Metadata = new Dictionary<string, string> { ["kind"] = "generated" } });

        Assert.Equal(3, uploaded.BlockCount); // 8 MiB blocks
        Assert.Equal(length, uploaded.Length);
        await using var download = await container.DownloadAsync("large/generated.bin");
        Assert.Equal(length, download.Properties.Length);
        Assert.Equal("generated", download.Properties.Metadata["kind"]);
        Assert.Equal("application/octet-stream", download.Properties.ContentType);
        Assert.Equal(expected, await Sha256Async(download.Content));
    }

    [Fact]
    public async Task Content_of_exactly_one_block_goes_in_a_single_put()
    {
        var account = new StorageAccount(StorageConnection.Parse(azurite.ConnectionString), credential: null, new StorageClientOptions { BlobBlockSize = 64 * 1024 });
        var container = account.GetBlobContainer(AzuriteFixture.UniqueName("oneblock"));
        await container.CreateIfNotExistsAsync();

        var single = await container.UploadAsync("exact.bin", new GeneratedStream(64 * 1024, seed: 1));
        var twoBlocks = await container.UploadAsync("over.bin", new GeneratedStream((64 * 1024) + 1, seed: 1));

        Assert.Equal(0, single.BlockCount);
        Assert.Equal(2, twoBlocks.BlockCount);
        Assert.Equal(
            await Sha256Async(new GeneratedStream((64 * 1024) + 1, seed: 1)),
            SHA256.HashData(await container.DownloadBytesAsync("over.bin")));
    }

    [Fact]
    public async Task Only_if_absent_refuses_to_overwrite_an_existing_blob()
    {
        var container = await NewContainerAsync();
        await container.UploadAsync("report.json", Encoding.UTF8.GetBytes("first"), new BlobUploadOptions { Condition = BlobCondition.IfAbsent });

        var conflict = await Assert.ThrowsAsync<StorageConflictException>(() =>
            container.UploadAsync("report.json", Encoding.UTF8.GetBytes("second"), new BlobUploadOptions { Condition = BlobCondition.IfAbsent }));

        Assert.Contains(conflict.Status, new[] { 409, 412 });
        Assert.Contains("report.json", conflict.Message, StringComparison.Ordinal);
        Assert.Equal("first", Encoding.UTF8.GetString(await container.DownloadBytesAsync("report.json")));
    }

    [Fact]
    public async Task Only_if_absent_applies_to_block_uploads_too()
    {
        var account = new StorageAccount(StorageConnection.Parse(azurite.ConnectionString), credential: null, new StorageClientOptions { BlobBlockSize = 4096 });
        var container = account.GetBlobContainer(AzuriteFixture.UniqueName("blockcond"));
        await container.CreateIfNotExistsAsync();
        await container.UploadAsync("big.bin", new GeneratedStream(10_000, seed: 3));

        await Assert.ThrowsAsync<StorageConflictException>(() =>
            container.UploadAsync("big.bin", new GeneratedStream(10_000, seed: 4), new BlobUploadOptions { Condition = BlobCondition.IfAbsent }));

        Assert.Equal(await Sha256Async(new GeneratedStream(10_000, seed: 3)), SHA256.HashData(await container.DownloadBytesAsync("big.bin")));
    }

    [Fact]
    public async Task Only_if_unchanged_succeeds_with_the_current_etag_and_fails_with_a_stale_one()
    {
        var container = await NewContainerAsync();
        var first = await container.UploadAsync("state.json", Encoding.UTF8.GetBytes("v1"));
        var second = await container.UploadAsync("state.json", Encoding.UTF8.GetBytes("v2"), new BlobUploadOptions { Condition = BlobCondition.IfUnchanged(first.ETag) });

        var conflict = await Assert.ThrowsAsync<StorageConflictException>(() =>
            container.UploadAsync("state.json", Encoding.UTF8.GetBytes("v3"), new BlobUploadOptions { Condition = BlobCondition.IfUnchanged(first.ETag) }));

        Assert.Equal(412, conflict.Status);
        Assert.NotEqual(first.ETag, second.ETag);
        Assert.Equal("v2", Encoding.UTF8.GetString(await container.DownloadBytesAsync("state.json")));
    }

    [Fact]
    public async Task Get_properties_and_exists_report_absent_blobs_as_null_and_false()
    {
        var container = await NewContainerAsync();
        await container.UploadAsync("present.txt", Encoding.UTF8.GetBytes("here"), new BlobUploadOptions { Metadata = new Dictionary<string, string> { ["owner"] = "kpi" } });

        var properties = await container.GetPropertiesAsync("present.txt");

        Assert.NotNull(properties);
        Assert.Equal(4, properties.Length);
        Assert.Equal("kpi", properties.Metadata["owner"]);
        Assert.True(await container.ExistsAsync("present.txt"));
        Assert.Null(await container.GetPropertiesAsync("absent.txt"));
        Assert.False(await container.ExistsAsync("absent.txt"));
    }

    [Fact]
    public async Task Downloading_a_missing_blob_is_a_404_with_the_service_error_code()
    {
        var container = await NewContainerAsync();

        var error = await Assert.ThrowsAsync<StorageRequestException>(() => container.DownloadAsync("missing.csv"));

        Assert.Equal(404, error.Status);
        Assert.Equal("BlobNotFound", error.ErrorCode);
        Assert.Contains("missing.csv", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lists_by_prefix_across_pages_with_properties_and_metadata()
    {
        var container = await NewContainerAsync();
        var names = new[] { "returns/a.csv", "returns/b.csv", "returns/c.csv", "returns/d.csv", "returns/e.csv", "other/x.csv" };
        foreach (var name in names)
        {
            await container.UploadAsync(name, Encoding.UTF8.GetBytes(name), new BlobUploadOptions { Metadata = new Dictionary<string, string> { ["name"] = name.Replace('/', '_') } });
        }

        var first = await container.ListBlobsPageAsync("returns/", marker: null, pageSize: 2);
        Assert.Equal(["returns/a.csv", "returns/b.csv"], first.Blobs.Select(b => b.Name));
        Assert.NotNull(first.NextMarker);

        var pages = 1;
        var all = new List<BlobProperties>(first.Blobs);
        for (var marker = first.NextMarker; marker is not null; pages++)
        {
            var page = await container.ListBlobsPageAsync("returns/", marker, pageSize: 2);
            all.AddRange(page.Blobs);
            marker = page.NextMarker;
        }

        Assert.Equal(3, pages);
        Assert.Equal(names[..5], all.Select(b => b.Name));
        Assert.All(all, b =>
        {
            Assert.Equal(b.Name.Length, b.Length);
            Assert.False(string.IsNullOrEmpty(b.ETag));
            Assert.True(b.LastModified > DateTimeOffset.UtcNow.AddMinutes(-5));
            Assert.Equal(b.Name.Replace('/', '_'), b.Metadata["name"]);
        });
        Assert.Equal(names[..5], await container.ListBlobsAsync("returns/", pageSize: 2).Select(b => b.Name).ToListAsync());
        Assert.Equal(6, await container.ListBlobsAsync().CountAsync());
    }

    [Fact]
    public async Task Deletes_blobs_and_reports_absent_ones()
    {
        var container = await NewContainerAsync();
        var uploaded = await container.UploadAsync("old.csv", [1]);
        await container.UploadAsync("other.csv", [2]);

        await container.DeleteAsync("old.csv", BlobCondition.IfUnchanged(uploaded.ETag));

        Assert.False(await container.ExistsAsync("old.csv"));
        Assert.True(await container.DeleteIfExistsAsync("other.csv"));
        Assert.False(await container.DeleteIfExistsAsync("other.csv"));
        var error = await Assert.ThrowsAsync<StorageRequestException>(() => container.DeleteAsync("old.csv"));
        Assert.Equal(404, error.Status);
    }

    [Fact]
    public async Task Rejects_invalid_container_and_blob_names_before_sending()
    {
        Assert.Throws<ArgumentException>(() => Account.GetBlobContainer("Upper_Case"));
        var container = await NewContainerAsync();
        await Assert.ThrowsAsync<ArgumentException>(() => container.UploadAsync("a/../b", [1]));
    }

    private static async Task<byte[]> Sha256Async(Stream stream)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(buffer)) > 0)
        {
            hash.AppendData(buffer, 0, read);
        }

        return hash.GetHashAndReset();
    }
}
