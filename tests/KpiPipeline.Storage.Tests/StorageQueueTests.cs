using KpiPipeline.Testing;

namespace KpiPipeline.Storage.Tests;

public sealed class StorageQueueTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private async Task<StorageQueue> NewQueueAsync()
    {
        var queue = new StorageAccount(azurite.ConnectionString).GetQueue(AzuriteFixture.UniqueName("q-"));
        Assert.True(await queue.CreateIfNotExistsAsync());
        return queue;
    }

    [Fact]
    public async Task Create_if_not_exists_reports_whether_it_created()
    {
        var queue = new StorageAccount(azurite.ConnectionString).GetQueue(AzuriteFixture.UniqueName("create-"));

        Assert.True(await queue.CreateIfNotExistsAsync());
        Assert.False(await queue.CreateIfNotExistsAsync());
    }

    [Fact]
    public async Task Sends_receives_and_deletes_a_message()
    {
        var queue = await NewQueueAsync();
        const string text = "{\"area\":\"E09000001\",\"period\":\"2024-03\",\"note\":\"<ünïcode & xml>\"}";

        var receipt = await queue.SendAsync(text);
        var received = Assert.Single(await queue.ReceiveAsync(visibilityTimeout: TimeSpan.FromMinutes(1)));

        Assert.Equal(receipt.MessageId, received.MessageId);
        Assert.Equal(text, received.Text);
        Assert.Equal(1, received.DequeueCount);
        Assert.False(string.IsNullOrEmpty(received.PopReceipt));
        Assert.True(received.NextVisibleOn > DateTimeOffset.UtcNow.AddSeconds(30));
        Assert.True(received.ExpiresOn > received.InsertedOn);
        Assert.Empty(await queue.ReceiveAsync()); // hidden while being processed

        await queue.DeleteAsync(received);
        Assert.Empty(await queue.ReceiveAsync());
    }

    [Fact]
    public async Task A_message_not_deleted_reappears_after_its_visibility_timeout()
    {
        var queue = await NewQueueAsync();
        await queue.SendAsync("retry me");

        var first = Assert.Single(await queue.ReceiveAsync(visibilityTimeout: TimeSpan.FromSeconds(1)));
        await Task.Delay(TimeSpan.FromSeconds(2));
        var second = Assert.Single(await queue.ReceiveAsync(visibilityTimeout: TimeSpan.FromSeconds(30)));

        Assert.Equal(first.MessageId, second.MessageId);
        Assert.Equal(2, second.DequeueCount);
        var stale = await Assert.ThrowsAsync<StorageRequestException>(() => queue.DeleteAsync(first));
        Assert.Equal(400, stale.Status);
        Assert.Equal("PopReceiptMismatch", stale.ErrorCode);
        await queue.DeleteAsync(second);
    }

    [Fact]
    public async Task Receives_several_messages_at_once_and_honours_an_initial_delay()
    {
        var queue = await NewQueueAsync();
        await queue.SendAsync("one");
        await queue.SendAsync("two");
        await queue.SendAsync("later", initialVisibilityDelay: TimeSpan.FromMinutes(5));

        var received = await queue.ReceiveAsync(maxMessages: 10);

        Assert.Equal(["one", "two"], received.Select(m => m.Text).Order());
    }
}
