using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace KpiPipeline.LocalRun;

/// <summary>
/// A real Azurite (blob, queue and table) started from the repository's npm install on free loopback ports,
/// in memory, with telemetry off, accepting the newer service versions the Azure SDKs send. Disposing it stops the process.
/// </summary>
/// <remarks>
/// A free port is only free when it is chosen: another process (the test assemblies start Azurites, workers and hosts side
/// by side) can take it before Azurite binds it, and Azurite then exits (EADDRINUSE). Azurite counts as started only once it
/// has said that each of its three services is listening on its port (a connection alone could reach the other process),
/// and a start that fails that way is tried again on other ports.
/// </remarks>
public sealed class AzuriteProcess : IAsyncDisposable
{
    /// <summary>Azurite's well-known development account (public, documented; not a secret).</summary>
    public const string AccountName = "devstoreaccount1";

    /// <summary>Azurite's well-known development key (public, documented; not a secret).</summary>
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    /// <summary>How many times a start is tried on new ports when Azurite exits while starting.</summary>
    public const int StartAttempts = 5;

    private readonly Process process;
    private readonly TaskCompletionSource listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Queue<string> lastLines = new();
    private readonly HashSet<int> portsListening = [];

    private AzuriteProcess(Process process, int blobPort, int queuePort, int tablePort)
    {
        this.process = process;
        BlobPort = blobPort;
        QueuePort = queuePort;
        TablePort = tablePort;
    }

    public int BlobPort { get; }

    public int QueuePort { get; }

    public int TablePort { get; }

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{BlobPort}/{AccountName};" +
        $"QueueEndpoint=http://127.0.0.1:{QueuePort}/{AccountName};" +
        $"TableEndpoint=http://127.0.0.1:{TablePort}/{AccountName};";

    /// <summary>Starts Azurite, installing it with npm first if the repository has no node_modules yet.</summary>
    /// <param name="location">A folder for Azurite's data; null keeps everything in memory.</param>
    public static Task<AzuriteProcess> StartAsync(string? location, CancellationToken cancellationToken) =>
        StartAsync(location, FreePorts, cancellationToken);

    /// <summary>
    /// Starts Azurite on the blob, queue and table ports <paramref name="choosePorts"/> gives, asked again for each new
    /// attempt when Azurite exits while starting (up to <see cref="StartAttempts"/> attempts; then the last error, with what
    /// Azurite said).
    /// </summary>
    public static async Task<AzuriteProcess> StartAsync(
        string? location, Func<(int Blob, int Queue, int Table)> choosePorts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(choosePorts);
        var azurite = await NodeTools.EnsureInstalledAsync("azurite", cancellationToken);
        var entry = Path.Combine(azurite, "dist", "src", "azurite.js");
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await StartOnPortsAsync(entry, location, choosePorts(), cancellationToken);
            }
            catch (AzuriteExitedException) when (attempt < StartAttempts)
            {
                // Most likely a port taken by another process between choosing and binding it: new ports.
            }
        }
    }

    private static async Task<AzuriteProcess> StartOnPortsAsync(
        string entry, string? location, (int Blob, int Queue, int Table) ports, CancellationToken cancellationToken)
    {
        var (blobPort, queuePort, tablePort) = ports;

        var start = new ProcessStartInfo("node")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[]
                 {
                     entry, "--blobHost", "127.0.0.1", "--blobPort", $"{blobPort}", "--queueHost", "127.0.0.1",
                     "--queuePort", $"{queuePort}", "--tableHost", "127.0.0.1", "--tablePort", $"{tablePort}",
                     "--disableTelemetry", "--silent", "--skipApiVersionCheck", "--loose",
                 })
        {
            start.ArgumentList.Add(arg);
        }

        if (location is null)
        {
            start.ArgumentList.Add("--inMemoryPersistence");
        }
        else
        {
            Directory.CreateDirectory(location);
            start.ArgumentList.Add("--location");
            start.ArgumentList.Add(location);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start node for Azurite.");
        var server = new AzuriteProcess(process, blobPort, queuePort, tablePort);
        process.OutputDataReceived += (_, line) => server.Saw(line.Data);
        process.ErrorDataReceived += (_, line) => server.Saw(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await server.WaitUntilListeningAsync(cancellationToken);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    /// <summary>
    /// Waits until Azurite has said that each service is listening on its port ("… successfully listening at
    /// http://127.0.0.1:port"); throws <see cref="AzuriteExitedException"/>, with its last lines, if it exits first.
    /// </summary>
    private async Task WaitUntilListeningAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(120));   // generous: the machine may be busy building
        var exited = process.WaitForExitAsync(timeout.Token);
        if (await Task.WhenAny(listening.Task, exited) == listening.Task)
        {
            return;
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (!process.HasExited)
        {
            throw new TimeoutException($"Azurite did not start listening within 120 s. It said: {LastLines()}");
        }

        // The last lines are read on another thread: give them a moment to arrive.
        process.WaitForExit();
        throw new AzuriteExitedException($"Azurite exited with code {process.ExitCode} while starting. It said: {LastLines()}");
    }

    /// <summary>Notes a line Azurite wrote; its last lines go into any error, and a service listening on its port is counted.</summary>
    private void Saw(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (lastLines)
        {
            lastLines.Enqueue(line);
            if (lastLines.Count > 10)
            {
                lastLines.Dequeue();
            }

            foreach (var port in new[] { BlobPort, QueuePort, TablePort })
            {
                if (line.Contains("successfully listening", StringComparison.Ordinal)
                    && line.EndsWith(FormattableString.Invariant($":{port}"), StringComparison.Ordinal)
                    && portsListening.Add(port) && portsListening.Count == 3)
                {
                    listening.TrySetResult();
                }
            }
        }
    }

    private string LastLines()
    {
        lock (lastLines)
        {
            return lastLines.Count == 0 ? "(nothing)" : string.Join(" | ", lastLines);
        }
    }

    /// <summary>Three different ports free at the moment they are chosen (each held until all three are).</summary>
    public static (int Blob, int Queue, int Table) FreePorts()
    {
        var listeners = new[] { new TcpListener(IPAddress.Loopback, 0), new TcpListener(IPAddress.Loopback, 0), new TcpListener(IPAddress.Loopback, 0) };
        try
        {
            foreach (var listener in listeners)
            {
                listener.Start();
            }

            var ports = listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
            return (ports[0], ports[1], ports[2]);
        }
        finally
        {
            foreach (var listener in listeners)
            {
                listener.Stop();
                listener.Dispose();
            }
        }
    }

    /// <summary>Azurite exited before it was listening (most often: one of its ports was taken meanwhile).</summary>
    private sealed class AzuriteExitedException(string message) : InvalidOperationException(message);

    /// <summary>Stops Azurite by its process id: SIGTERM first, SIGKILL when it has not exited after a few seconds (it can linger).</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!process.HasExited)
            {
                await SignalTerminateAsync(process.Id);
                using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(3));
                try
                {
                    await process.WaitForExitAsync(grace.Token);
                }
                catch (OperationCanceledException)
                {
                    process.Kill();
                    await process.WaitForExitAsync();
                }
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        process.Dispose();
    }

    private static async Task SignalTerminateAsync(int pid)
    {
        var kill = new ProcessStartInfo("kill") { UseShellExecute = false, RedirectStandardError = true };
        kill.ArgumentList.Add("-TERM");
        kill.ArgumentList.Add(pid.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var signal = Process.Start(kill);
        if (signal is not null)
        {
            await signal.WaitForExitAsync();
        }
    }
}
