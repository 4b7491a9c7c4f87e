using System.Diagnostics;

namespace KpiPipeline.LocalRun.FunctionsHost;

/// <summary>
/// The worker process, started as the Functions host starts a dotnet-isolated worker: <c>dotnet App.dll</c> in the app
/// folder with the host's <c>--functions-*</c> arguments, <c>FUNCTIONS_WORKER_DIRECTORY</c> and
/// <c>FUNCTIONS_APPLICATION_DIRECTORY</c>, and the app settings as environment variables.
/// </summary>
internal sealed class WorkerProcess : IAsyncDisposable
{
    private readonly Process process;

    private WorkerProcess(Process process)
    {
        this.process = process;
        Id = process.Id;
        Exited = process.WaitForExitAsync();
    }

    public int Id { get; }

    /// <summary>Completes when the process has exited, for whatever reason.</summary>
    public Task Exited { get; }

    /// <summary>Kills the process (SIGKILL on Linux), with no chance to finish what it was doing.</summary>
    public void Kill()
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    public bool HasExited => process.HasExited;

    public int ExitCode => process.ExitCode;

    public static WorkerProcess Start(
        string appFolder, string assembly, Uri hostUri, string workerId, IReadOnlyDictionary<string, string?> settings, Action<HostLog> log)
    {
        var start = new ProcessStartInfo(DotnetExecutable())
        {
            WorkingDirectory = appFolder,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[]
                 {
                     assembly, "--functions-uri", hostUri.ToString(), "--functions-worker-id", workerId,
                     "--functions-request-id", Guid.NewGuid().ToString(), "--functions-grpc-max-message-length", $"{int.MaxValue}",
                 })
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in settings)
        {
            start.Environment[name.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        start.Environment["FUNCTIONS_WORKER_DIRECTORY"] = appFolder;
        start.Environment["FUNCTIONS_APPLICATION_DIRECTORY"] = appFolder;
        start.Environment["FUNCTIONS_WORKER_RUNTIME"] = "dotnet-isolated";

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the worker process.");
        process.OutputDataReceived += (_, e) => Forward(e.Data, "Information");
        process.ErrorDataReceived += (_, e) => Forward(e.Data, "Error");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new WorkerProcess(process);

        void Forward(string? line, string level)
        {
            if (!string.IsNullOrWhiteSpace(line))
            {
                log(new HostLog(DateTimeOffset.UtcNow, HostLog.ConsoleSource, level, "Worker.Console", line, null));
            }
        }
    }

    /// <summary>The <c>dotnet</c> running this process when there is one (so the worker gets the same runtime), else the one on PATH.</summary>
    private static string DotnetExecutable()
    {
        var current = Environment.ProcessPath;
        if (current is not null && Path.GetFileNameWithoutExtension(current) == "dotnet")
        {
            return current;
        }

        return Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
    }

    public async Task WaitForExitAsync(TimeSpan timeout)
    {
        using var wait = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(wait.Token);
        }
        catch (OperationCanceledException)
        {
            // Still running: the caller kills it.
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        process.Dispose();
    }
}
