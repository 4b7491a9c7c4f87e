using System.Diagnostics.Tracing;
using Azure.Core.Diagnostics;
using KpiPipeline.LocalRun;
using KpiPipeline.Testing;

namespace KpiPipeline.Storage.Tests;

public sealed class StorageAccountTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    // A syntactically valid key that is not the account's.
    private const string WrongKey = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==";

    private string WrongKeyConnectionString => azurite.ConnectionString.Replace(AzuriteProcess.AccountKey, WrongKey, StringComparison.Ordinal);

    [Fact]
    public async Task A_wrong_key_is_rejected_with_403_for_blobs_without_leaking_the_key()
    {
        var container = new StorageAccount(WrongKeyConnectionString).GetBlobContainer(AzuriteFixture.UniqueName("auth"));

        var error = await Assert.ThrowsAsync<StorageRequestException>(() => container.CreateIfNotExistsAsync());

        Assert.Equal(403, error.Status);
        Assert.Contains(error.ErrorCode, new[] { "AuthorizationFailure", "AuthenticationFailed" }); // Azurite's, Azure's
        Assert.Contains("403", error.Message, StringComparison.Ordinal);
        Assert.Contains("Server failed to authenticate the request", error.Message, StringComparison.Ordinal);
        Assert.Contains("check the account key", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(WrongKey[..16], error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("SharedKey", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_key_is_rejected_with_403_for_tables_and_queues()
    {
        var account = new StorageAccount(WrongKeyConnectionString);

        var table = await Assert.ThrowsAsync<StorageRequestException>(() => account.GetTable(AzuriteFixture.UniqueName("auth")).CreateIfNotExistsAsync());
        var queue = await Assert.ThrowsAsync<StorageRequestException>(() => account.GetQueue(AzuriteFixture.UniqueName("auth-")).CreateIfNotExistsAsync());

        Assert.Equal(403, table.Status);
        Assert.Equal(403, queue.Status);
    }

    [Fact]
    public async Task One_account_reaches_containers_tables_and_queues()
    {
        var account = new StorageAccount(azurite.ConnectionString);

        Assert.True(await account.GetBlobContainer(AzuriteFixture.UniqueName("all")).CreateIfNotExistsAsync());
        Assert.True(await account.GetTable(AzuriteFixture.UniqueName("all")).CreateIfNotExistsAsync());
        Assert.True(await account.GetQueue(AzuriteFixture.UniqueName("all-")).CreateIfNotExistsAsync());
        Assert.Equal(AzuriteProcess.AccountName, account.Connection.AccountName);
    }

    [Fact]
    public async Task Request_logs_redact_the_authorization_header_and_never_hold_the_key()
    {
        var logs = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var container = new StorageAccount(azurite.ConnectionString).GetBlobContainer(AzuriteFixture.UniqueName("logs"));
        using (new AzureEventSourceListener((_, message) => logs.Enqueue(message), EventLevel.Verbose))
        {
            await container.CreateIfNotExistsAsync();
            await container.UploadAsync("logged.txt", [1, 2, 3]);
        }

        var text = string.Join('\n', logs);
        Assert.Contains("Authorization:REDACTED", text, StringComparison.Ordinal);
        Assert.DoesNotContain(AzuriteProcess.AccountKey[..16], text, StringComparison.Ordinal);
        Assert.DoesNotContain("SharedKey devstoreaccount1:", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Endpoint_only_connections_need_a_token_credential()
    {
        var connection = StorageConnection.ForAccount("kpistore");

        var error = Assert.Throws<ArgumentException>(() => new StorageAccount(connection, credential: null));

        Assert.Contains("TokenCredential", error.Message, StringComparison.Ordinal);
        Assert.Equal(new Uri("https://kpistore.blob.core.windows.net"), connection.BlobEndpoint);
        Assert.Null(connection.SharedKey);
    }

    [Fact]
    public async Task Operations_honour_cancellation()
    {
        var container = new StorageAccount(azurite.ConnectionString).GetBlobContainer(AzuriteFixture.UniqueName("cancel"));
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => container.CreateIfNotExistsAsync(cancelled.Token));
    }
}
