using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json;

namespace KpiPipeline.Cli.Packaging;

/// <summary>What to package: the function app project, where to put the package, and how to publish it.</summary>
/// <param name="FunctionsProject">The folder of KpiPipeline.Functions (the isolated-worker app).</param>
/// <param name="OutputFolder">The package folder to create (replaced if it exists).</param>
/// <param name="Zip">Also write <c>{OutputFolder}.zip</c>, the file a Flex Consumption app is deployed from.</param>
/// <param name="Runtime">The runtime identifier of the Functions instances (Linux x64).</param>
/// <param name="SelfContained">Bundle the .NET runtime (not needed: Flex Consumption's dotnet-isolated 10.0 stack has it).</param>
/// <param name="BuildFolder">Where the publish keeps its own obj/bin (kept apart from the developers' builds); a temp folder by default.</param>
public sealed record PackageOptions(
    string FunctionsProject,
    string OutputFolder,
    bool Zip = false,
    string Runtime = FunctionAppPackager.DefaultRuntime,
    bool SelfContained = false,
    string? BuildFolder = null);

/// <summary>A built package: its folder, the zip if one was asked for, the worker assembly and the functions it holds.</summary>
public sealed record FunctionAppPackage(string Folder, string? ZipFile, string WorkerAssemblyPath, IReadOnlyList<string> Functions);

/// <summary>The package could not be built or is not what the Functions host needs.</summary>
public sealed class PackagingException(string message) : Exception(message);

/// <summary>
/// Builds the deployable function app: the <c>dotnet publish</c> output of the isolated-worker app, as the host reads it —
/// <c>host.json</c>, the SDK-generated <c>functions.metadata</c> and <c>worker.config.json</c>, the worker assembly that
/// worker.config.json names, and the host-side extensions under <c>.azurefunctions/</c> that <c>extensions.json</c> lists.
/// </summary>
public static class FunctionAppPackager
{
    public const string DefaultRuntime = "linux-x64";
    public const string HostFile = "host.json";
    public const string MetadataFile = "functions.metadata";
    public const string WorkerConfigFile = "worker.config.json";
    public const string ExtensionsFile = "extensions.json";

    public static async Task<FunctionAppPackage> BuildAsync(PackageOptions options, TextWriter log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(log);
        var project = Path.GetFullPath(options.FunctionsProject);
        RequireFile(project, HostFile);
        var buildFolder = options.BuildFolder ?? DefaultBuildFolder(project);
        var publishFolder = Path.Combine(buildFolder, "publish");
        DeleteFolder(publishFolder);
        await PublishAsync(project, publishFolder, Path.Combine(buildFolder, "artifacts"), options, log, cancellationToken);

        var output = Path.GetFullPath(options.OutputFolder);
        DeleteFolder(output);
        CopyFolder(publishFolder, output);
        var problems = Verify(output);
        if (problems.Count > 0)
        {
            throw new PackagingException("The package is incomplete: " + string.Join("; ", problems));
        }

        var functions = FunctionsOf(File.ReadAllText(Path.Combine(output, MetadataFile)));
        var worker = Path.Combine(output, WorkerAssemblyOf(File.ReadAllText(Path.Combine(output, WorkerConfigFile))));
        string? zip = null;
        if (options.Zip)
        {
            zip = output.TrimEnd(Path.DirectorySeparatorChar) + ".zip";
            File.Delete(zip);
            ZipFile.CreateFromDirectory(output, zip, CompressionLevel.Optimal, includeBaseDirectory: false);
        }

        await log.WriteLineAsync($"Packaged {functions.Count} functions ({string.Join(", ", functions)}), worker {Path.GetFileName(worker)}, in {output}" +
                                 (zip is null ? string.Empty : $" and {zip}"));
        return new FunctionAppPackage(output, zip, worker, functions);
    }

    /// <summary>The worker assembly worker.config.json names (<c>description.defaultWorkerPath</c>).</summary>
    public static string WorkerAssemblyOf(string workerConfigJson)
    {
        using var document = JsonDocument.Parse(workerConfigJson);
        if (document.RootElement.TryGetProperty("description", out var description) &&
            description.TryGetProperty("defaultWorkerPath", out var path) &&
            path.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(path.GetString()))
        {
            return path.GetString()!;
        }

        throw new PackagingException($"{WorkerConfigFile} has no description.defaultWorkerPath.");
    }

    /// <summary>The function names in functions.metadata, sorted.</summary>
    public static IReadOnlyList<string> FunctionsOf(string metadataJson)
    {
        using var document = JsonDocument.Parse(metadataJson);
        return [.. document.RootElement.EnumerateArray().Select(f => f.GetProperty("name").GetString()!).Order(StringComparer.Ordinal)];
    }

    /// <summary>
    /// What a Functions host would miss in a package folder: host.json, worker.config.json and the worker assembly it names,
    /// functions.metadata with bindings for every function, and every extension assembly extensions.json points at. Empty when complete.
    /// </summary>
    public static IReadOnlyList<string> Verify(string packageFolder)
    {
        var problems = new List<string>();
        foreach (var file in new[] { HostFile, WorkerConfigFile, MetadataFile, ExtensionsFile })
        {
            if (!File.Exists(Path.Combine(packageFolder, file)))
            {
                problems.Add($"{file} is missing");
            }
        }

        if (problems.Count > 0)
        {
            return problems;
        }

        try
        {
            var worker = WorkerAssemblyOf(File.ReadAllText(Path.Combine(packageFolder, WorkerConfigFile)));
            if (!File.Exists(Path.Combine(packageFolder, worker)))
            {
                problems.Add($"the worker assembly '{worker}' named by {WorkerConfigFile} is missing");
            }

            using var metadata = JsonDocument.Parse(File.ReadAllText(Path.Combine(packageFolder, MetadataFile)));
            if (metadata.RootElement.GetArrayLength() == 0)
            {
                problems.Add($"{MetadataFile} lists no functions");
            }

            foreach (var function in metadata.RootElement.EnumerateArray())
            {
                if (!function.TryGetProperty("bindings", out var bindings) || bindings.GetArrayLength() == 0)
                {
                    problems.Add($"{function.GetProperty("name").GetString()} in {MetadataFile} has no bindings");
                }
            }

            using var extensions = JsonDocument.Parse(File.ReadAllText(Path.Combine(packageFolder, ExtensionsFile)));
            foreach (var extension in extensions.RootElement.GetProperty("extensions").EnumerateArray())
            {
                if (extension.TryGetProperty("hintPath", out var hint) && hint.GetString() is { } path &&
                    !File.Exists(Path.Combine(packageFolder, path.Replace('/', Path.DirectorySeparatorChar))))
                {
                    problems.Add($"the extension assembly '{path}' listed in {ExtensionsFile} is missing");
                }
            }
        }
        catch (Exception e) when (e is JsonException or PackagingException or KeyNotFoundException or InvalidOperationException)
        {
            problems.Add($"unreadable app files: {e.Message}");
        }

        return problems;
    }

    private static async Task PublishAsync(
        string project, string publishFolder, string artifactsFolder, PackageOptions options, TextWriter log, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
                 {
                     "publish", project, "-c", "Release", "-r", options.Runtime,
                     "--self-contained", options.SelfContained ? "true" : "false",
                     "--artifacts-path", artifactsFolder, "-o", publishFolder, "-nologo",
                 })
        {
            start.ArgumentList.Add(argument);
        }

        await log.WriteLineAsync($"dotnet {string.Join(' ', start.ArgumentList)}");
        using var process = Process.Start(start) ?? throw new PackagingException("Could not start dotnet.");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        if (process.ExitCode != 0)
        {
            var output = (await stdout) + (await stderr);
            var errors = output.Split('\n').Where(line => line.Contains("error", StringComparison.OrdinalIgnoreCase)).Distinct().Take(20);
            throw new PackagingException($"dotnet publish failed (exit code {process.ExitCode}):\n{string.Join('\n', errors)}");
        }
    }

    /// <summary>A build folder per project path under the temp folder, so repeated packaging builds incrementally.</summary>
    private static string DefaultBuildFolder(string project)
    {
        var hash = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(project)))[..12];
        return Path.Combine(Path.GetTempPath(), "kpi-package-build", hash.ToLowerInvariant());
    }

    private static string RequireFile(string folder, string name)
    {
        var path = Path.Combine(folder, name);
        return File.Exists(path) ? path : throw new PackagingException($"{name} not found in {folder}.");
    }

    private static void DeleteFolder(string folder)
    {
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static void CopyFolder(string source, string target)
    {
        foreach (var dir in Directory.EnumerateDirectories(source, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(Path.Combine(target, Path.GetRelativePath(source, dir)));
        }

        Directory.CreateDirectory(target);
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(source, file));
            File.Copy(file, destination, overwrite: true);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(destination, File.GetUnixFileMode(file));
            }
        }
    }
}
