using System.Diagnostics;

namespace KpiPipeline.LocalRun;

/// <summary>
/// Finds the repository's Node tools folder (the one with package.json naming <c>kpipipeline-tools</c>)
/// and runs <c>npm install</c> there on first use.
/// </summary>
public static class NodeTools
{
    private static readonly SemaphoreSlim InstallLock = new(1, 1);

    /// <summary>The folder holding the tools' package.json, searched upward from the working folder and the program's folder.</summary>
    public static string FindToolsRoot()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var package = Path.Combine(dir.FullName, "package.json");
                if (File.Exists(package) && File.ReadAllText(package).Contains("\"kpipipeline-tools\"", StringComparison.Ordinal))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException(
            "Cannot find the KpiPipeline repository (package.json of kpipipeline-tools) above the working folder or the program.");
    }

    /// <summary>Makes sure <paramref name="packageDir"/> (relative to node_modules) is installed; runs npm install once if not.</summary>
    public static async Task<string> EnsureInstalledAsync(string packageDir, CancellationToken cancellationToken)
    {
        var root = FindToolsRoot();
        var path = Path.Combine(root, "node_modules", packageDir);
        if (Directory.Exists(path))
        {
            return path;
        }

        await InstallLock.WaitAsync(cancellationToken);
        try
        {
            if (!Directory.Exists(path))
            {
                await RunAsync("npm", ["install", "--no-audit", "--no-fund"], root, cancellationToken);
            }
        }
        finally
        {
            InstallLock.Release();
        }

        return Directory.Exists(path)
            ? path
            : throw new InvalidOperationException($"npm install in {root} did not install {packageDir}.");
    }

    private static async Task RunAsync(string file, string[] args, string workingDirectory, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = workingDirectory, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed with exit code {process.ExitCode}.");
        }
    }
}
