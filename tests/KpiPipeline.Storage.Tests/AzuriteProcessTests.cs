using System.Net;
using System.Net.Sockets;
using Azure.Storage.Blobs;
using KpiPipeline.LocalRun;

namespace KpiPipeline.Storage.Tests;

/// <summary>
/// Starting the local Azurite the tests and the demo use: a port chosen free can be taken by another process before Azurite
/// binds it (two fresh-clone test runs lost a class of tests that way), so a start Azurite exits from is tried again on new
/// ports, and one that cannot succeed says why.
/// </summary>
public sealed class AzuriteProcessTests
{
    [Fact]
    public async Task Starts_again_on_new_ports_when_a_chosen_port_is_taken()
    {
        using var taken = TakenPort(out var takenPort);
        var attempts = 0;

        await using var azurite = await AzuriteProcess.StartAsync(location: null, () =>
        {
            var free = AzuriteProcess.FreePorts();
            return ++attempts == 1 ? (takenPort, free.Queue, free.Table) : free;
        }, CancellationToken.None);

        Assert.Equal(2, attempts);
        Assert.NotEqual(takenPort, azurite.BlobPort);
        var container = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient("started");
        await container.CreateAsync();
        Assert.True(await container.ExistsAsync());
    }

    [Fact]
    public async Task Says_what_Azurite_said_when_every_start_fails()
    {
        using var taken = TakenPort(out var takenPort);
        var attempts = 0;

        var failure = await Assert.ThrowsAnyAsync<InvalidOperationException>(() => AzuriteProcess.StartAsync(location: null, () =>
        {
            attempts++;
            var free = AzuriteProcess.FreePorts();
            return (free.Blob, takenPort, free.Table);
        }, CancellationToken.None));

        Assert.Equal(AzuriteProcess.StartAttempts, attempts);
        Assert.Contains("exited with code 1 while starting", failure.Message, StringComparison.Ordinal);
        Assert.Contains("EADDRINUSE", failure.Message, StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{takenPort}", failure.Message, StringComparison.Ordinal);
    }

    /// <summary>A loopback port held by this process, as another process might hold one Azurite was given.</summary>
    private static TcpListener TakenPort(out int port)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        port = ((IPEndPoint)listener.LocalEndpoint).Port;
        return listener;
    }
}
