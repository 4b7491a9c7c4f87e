using KpiPipeline.Testing;

namespace KpiPipeline.Storage.Tests;

public sealed class StorageTableTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private async Task<StorageTable> NewTableAsync()
    {
        var table = new StorageAccount(azurite.ConnectionString).GetTable(AzuriteFixture.UniqueName("t"));
        Assert.True(await table.CreateIfNotExistsAsync());
        return table;
    }

    [Fact]
    public async Task Create_if_not_exists_reports_whether_it_created()
    {
        var table = new StorageAccount(azurite.ConnectionString).GetTable(AzuriteFixture.UniqueName("create"));

        Assert.True(await table.CreateIfNotExistsAsync());
        Assert.False(await table.CreateIfNotExistsAsync());
    }

    [Fact]
    public async Task Typed_properties_round_trip()
    {
        var table = await NewTableAsync();
        var when = new DateTimeOffset(2024, 3, 31, 23, 59, 58, 123, TimeSpan.FromHours(1)).AddTicks(4567);
        var id = Guid.NewGuid();
        var entity = new TableEntity("E09000001", "2024-03")
        {
            ["Name"] = "City of London: O'Brien & co",
            ["Count"] = 42,
            ["Big"] = 9_007_199_254_740_993L,
            ["Rate"] = 0.125,
            ["Whole"] = 2.0,
            ["Active"] = true,
            ["Inactive"] = false,
            ["When"] = when,
            ["Id"] = id,
            ["Blob"] = new byte[] { 0, 1, 2, 250, 255 },
        };

        await table.UpsertAsync(entity);
        var read = await table.GetAsync("E09000001", "2024-03");

        Assert.NotNull(read);
        Assert.Equal("City of London: O'Brien & co", read["Name"]);
        Assert.Equal(42, Assert.IsType<int>(read["Count"]));
        Assert.Equal(9_007_199_254_740_993L, Assert.IsType<long>(read["Big"]));
        Assert.Equal(0.125, Assert.IsType<double>(read["Rate"]));
        Assert.Equal(2.0, Assert.IsType<double>(read["Whole"]));
        Assert.Equal(true, read["Active"]);
        Assert.Equal(false, read["Inactive"]);
        Assert.Equal(when, Assert.IsType<DateTimeOffset>(read["When"]));
        Assert.Equal(TimeSpan.Zero, ((DateTimeOffset)read["When"]!).Offset);
        Assert.Equal(id, Assert.IsType<Guid>(read["Id"]));
        Assert.Equal(new byte[] { 0, 1, 2, 250, 255 }, Assert.IsType<byte[]>(read["Blob"]));
        Assert.Equal(10, read.Properties.Count);
        Assert.False(string.IsNullOrEmpty(read.ETag));
        Assert.NotNull(read.Timestamp);
    }

    [Fact]
    public async Task Keys_with_quotes_spaces_and_unicode_round_trip()
    {
        var table = await NewTableAsync();
        var entity = new TableEntity("O'Neill & Sons (north)", "row 1 – ünïcode") { ["Value"] = "x" };

        await table.UpsertAsync(entity);

        var read = await table.GetAsync("O'Neill & Sons (north)", "row 1 – ünïcode");
        Assert.Equal("x", read?["Value"]);
        var queried = await table.QueryAsync(TableFilter.PartitionKeyEquals("O'Neill & Sons (north)")).ToListAsync();
        Assert.Equal("row 1 – ünïcode", Assert.Single(queried).RowKey);
        Assert.True(await table.DeleteIfExistsAsync("O'Neill & Sons (north)", "row 1 – ünïcode"));
    }

    [Fact]
    public async Task Get_returns_null_for_a_missing_entity()
    {
        var table = await NewTableAsync();

        Assert.Null(await table.GetAsync("nobody", "nothing"));
    }

    [Fact]
    public async Task Upsert_replaces_all_properties_and_merge_keeps_the_others()
    {
        var table = await NewTableAsync();
        await table.UpsertAsync(new TableEntity("p", "r") { ["A"] = "a", ["B"] = "b" });

        await table.UpsertAsync(new TableEntity("p", "r") { ["A"] = "a2" });
        var replaced = await table.GetAsync("p", "r");
        await table.UpsertMergeAsync(new TableEntity("p", "r") { ["C"] = 3 });
        var merged = await table.GetAsync("p", "r");

        Assert.Equal(["A"], replaced!.Properties.Keys);
        Assert.Equal("a2", merged!["A"]);
        Assert.Equal(3, merged["C"]);
    }

    [Fact]
    public async Task Insert_of_an_existing_entity_is_a_conflict()
    {
        var table = await NewTableAsync();
        var etag = await table.InsertAsync(new TableEntity("p", "r") { ["V"] = 1 });

        var conflict = await Assert.ThrowsAsync<StorageConflictException>(() => table.InsertAsync(new TableEntity("p", "r") { ["V"] = 2 }));

        Assert.False(string.IsNullOrEmpty(etag));
        Assert.Equal(409, conflict.Status);
        Assert.Equal("EntityAlreadyExists", conflict.ErrorCode);
        Assert.Equal(1, (await table.GetAsync("p", "r"))!["V"]);
    }

    [Fact]
    public async Task Replace_with_the_current_etag_succeeds_and_with_a_stale_one_conflicts()
    {
        var table = await NewTableAsync();
        await table.UpsertAsync(new TableEntity("run", "latest") { ["Version"] = 1 });
        var read = await table.GetAsync("run", "latest");

        var newEtag = await table.ReplaceAsync(new TableEntity("run", "latest") { ["Version"] = 2 }, read!.ETag!);
        var conflict = await Assert.ThrowsAsync<StorageConflictException>(() =>
            table.ReplaceAsync(new TableEntity("run", "latest") { ["Version"] = 3 }, read.ETag!));

        Assert.Equal(412, conflict.Status);
        var current = await table.GetAsync("run", "latest");
        Assert.Equal(2, current!["Version"]);
        Assert.Equal(newEtag, current.ETag);
    }

    [Fact]
    public async Task Replace_of_a_missing_entity_is_not_found()
    {
        var table = await NewTableAsync();

        var error = await Assert.ThrowsAsync<StorageRequestException>(() => table.ReplaceAsync(new TableEntity("p", "gone"), "*"));

        Assert.Equal(404, error.Status);
    }

    [Fact]
    public async Task Query_follows_continuations_page_by_page()
    {
        var table = await NewTableAsync();
        for (var i = 0; i < 7; i++)
        {
            await table.UpsertAsync(new TableEntity("area", $"row{i:D2}") { ["Index"] = i, ["Even"] = i % 2 == 0 });
        }

        await table.UpsertAsync(new TableEntity("other", "row00") { ["Index"] = 100, ["Even"] = true });

        var pages = new List<TablePage>();
        TableContinuation? continuation = null;
        do
        {
            var page = await table.QueryPageAsync(TableFilter.PartitionKeyEquals("area"), pageSize: 2, continuation);
            pages.Add(page);
            continuation = page.Continuation;
        }
        while (continuation is not null);

        Assert.True(pages.Count >= 4);
        Assert.All(pages, p => Assert.True(p.Entities.Count <= 2));
        Assert.Equal(Enumerable.Range(0, 7).Select(i => $"row{i:D2}"), pages.SelectMany(p => p.Entities).Select(e => e.RowKey));
        Assert.All(pages.SelectMany(p => p.Entities), e => Assert.False(string.IsNullOrEmpty(e.ETag)));

        var evens = await table.QueryAsync("Even eq true and Index lt 100", pageSize: 2).Select(e => (int)e["Index"]!).ToListAsync();
        Assert.Equal([0, 2, 4, 6], evens);
        Assert.Equal(8, await table.QueryAsync().CountAsync());
    }

    [Fact]
    public async Task Delete_removes_the_entity_and_honours_etags()
    {
        var table = await NewTableAsync();
        var first = await table.UpsertAsync(new TableEntity("p", "r") { ["V"] = 1 });
        await table.UpsertAsync(new TableEntity("p", "r") { ["V"] = 2 });

        await Assert.ThrowsAsync<StorageConflictException>(() => table.DeleteAsync("p", "r", first));
        await table.DeleteAsync("p", "r");

        Assert.Null(await table.GetAsync("p", "r"));
        Assert.False(await table.DeleteIfExistsAsync("p", "r"));
        Assert.Equal(404, (await Assert.ThrowsAsync<StorageRequestException>(() => table.DeleteAsync("p", "r"))).Status);
    }

    [Fact]
    public void Rejects_unsupported_property_types_and_bad_keys()
    {
        Assert.Throws<ArgumentException>(() => new TableEntity("a/b", "r"));
        Assert.Throws<ArgumentException>(() => new StorageAccount(azurite.ConnectionString).GetTable("no-hyphens"));
    }

    [Fact]
    public async Task Rejects_an_unsupported_property_type_naming_the_property()
    {
        var table = await NewTableAsync();

        var error = await Assert.ThrowsAsync<ArgumentException>(() => table.UpsertAsync(new TableEntity("p", "r") { ["Amount"] = 1.5m }));

        Assert.Contains("Amount", error.Message, StringComparison.Ordinal);
    }
}
