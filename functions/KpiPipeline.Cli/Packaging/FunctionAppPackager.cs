using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json;

namespace KpiPipeline.Cli.Packaging;

/// <summary>What to package: the custom handler project, where to put the package, and how to publish the handler.</summary>
/// <param name="FunctionsProject">The folder of KpiPipeline.Functions (holds host.json, the function folders and the csproj).</param>
/// <param name="OutputFolder">The package folder to create (replaced if it exists).</param>
/// <param name="Zip">Also write <c>{OutputFolder}.zip</c>, the file a Flex Consumption app is deployed from.</param>
/// <param name="Runtime">The runtime identifier of the Functions workers (Linux x64).</param>
/// <param name="SelfContained">Bundle the .NET and ASP.NET Core runtimes (the Functions Linux images do not ship ASP.NET Core 10).</param>
/// <param name="BuildFolder">Where the publish keeps its own obj/bin (kept apart from the developers' builds); a temp folder by default.</param>
public sealed record PackageOptions(
    string FunctionsProject,
    string OutputFolder,
    bool Zip = false,
    string Runtime = FunctionAppPackager.DefaultRuntime,
    bool SelfContained = true,
    string? BuildFolder = null);

/// <summary>A built package: its folder, the zip if one was asked for, the handler executable and the functions it holds.</summary>
public sealed record FunctionAppPackage(string Folder, string? ZipFile, string ExecutablePath, IReadOnlyList<string> Functions);

/// <summary>The package could not be built or is not what the Functions host needs.</summary>
public sealed class PackagingException(string message) : Exception(message);

/// <summary>
/// Builds the deployable function app: <c>dotnet publish</c> of the custom handler for Linux, then the layout the Functions host
/// reads: <c>host.json</c> at the root, one folder per function with its <c>function.json</c>, and the handler executable that
/// <c>customHandler.description.defaultExecutablePath</c> names.
/// </summary>
public static class FunctionAppPackager
{
    public const string DefaultRuntime = "linux-x64";
    public const string HostFile = "host.json";
    public const string FunctionFile = "function.json";

    /// <summary>Unix mode rwxr-xr-x, for the handler executable in the folder and in the zip.</summary>
    private const UnixFileMode ExecutableMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
                                                UnixFileMode.GroupRead | UnixFileMode.GroupExecute |
                                                UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    /// <summary>Unix mode rw-r--r--, for the other files when the package is zipped on Windows.</summary>
    private const UnixFileMode RegularFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    public static async Task<FunctionAppPackage> BuildAsync(PackageOptions options, TextWriter log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(log);
        var project = Path.GetFullPath(options.FunctionsProject);
        var executableName = ExecutableNameOf(File.ReadAllText(RequireFile(project, HostFile)));
        var functions = FunctionFolders(project);
        if (functions.Count == 0)
        {
            throw new PackagingException($"No function folders (*/{FunctionFile}) in {project}.");
        }

        var buildFolder = options.BuildFolder ?? DefaultBuildFolder(project);
        var publishFolder = Path.Combine(buildFolder, "publish");
        DeleteFolder(publishFolder);
        await PublishAsync(project, publishFolder, Path.Combine(buildFolder, "artifacts"), options, log, cancellationToken);

        var output = Path.GetFullPath(options.OutputFolder);
        DeleteFolder(output);
        CopyFolder(publishFolder, output);
        File.Copy(Path.Combine(project, HostFile), Path.Combine(output, HostFile), overwrite: true);
        foreach (var function in functions)
        {
            Directory.CreateDirectory(Path.Combine(output, function));
            File.Copy(Path.Combine(project, function, FunctionFile), Path.Combine(output, function, FunctionFile), overwrite: true);
        }

        var executable = Path.Combine(output, executableName);
        if (!File.Exists(executable))
        {
            throw new PackagingException($"The publish did not produce the handler executable '{executableName}' that {HostFile} points at.");
        }

        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(executable, ExecutableMode);
        }

        var problems = Verify(output);
        if (problems.Count > 0)
        {
            throw new PackagingException("The package is incomplete: " + string.Join("; ", problems));
        }

        string? zip = null;
        if (options.Zip)
        {
            zip = output.TrimEnd(Path.DirectorySeparatorChar) + ".zip";
            WriteZip(output, zip, executableName);
        }

        await log.WriteLineAsync($"Packaged {functions.Count} functions ({string.Join(", ", functions)}) with handler '{executableName}' in {output}" +
                                 (zip is null ? string.Empty : $" and {zip}"));
        return new FunctionAppPackage(output, zip, executable, functions);
    }

    /// <summary>The handler executable host.json names (<c>customHandler.description.defaultExecutablePath</c>).</summary>
    public static string ExecutableNameOf(string hostJson)
    {
        using var document = JsonDocument.Parse(hostJson, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        if (document.RootElement.TryGetProperty("customHandler", out var handler) &&
            handler.TryGetProperty("description", out var description) &&
            description.TryGetProperty("defaultExecutablePath", out var path) &&
            path.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(path.GetString()))
        {
            return path.GetString()!;
        }

        throw new PackagingException($"{HostFile} has no customHandler.description.defaultExecutablePath.");
    }

    /// <summary>The function names in an app folder: every direct subfolder holding a function.json, sorted.</summary>
    public static IReadOnlyList<string> FunctionFolders(string appFolder) =>
        Directory.EnumerateDirectories(appFolder)
            .Where(dir => File.Exists(Path.Combine(dir, FunctionFile)))
            .Select(Path.GetFileName)
            .OfType<string>()
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>
    /// What a Functions host would miss in a package folder: host.json, the executable it points at (and, for an apphost,
    /// the managed assembly beside it), and a readable function.json with bindings in every function folder. Empty when complete.
    /// </summary>
    public static IReadOnlyList<string> Verify(string packageFolder)
    {
        var problems = new List<string>();
        var host = Path.Combine(packageFolder, HostFile);
        if (!File.Exists(host))
        {
            return [$"{HostFile} is missing"];
        }

        string executable;
        try
        {
            executable = ExecutableNameOf(File.ReadAllText(host));
        }
        catch (Exception e) when (e is JsonException or PackagingException)
        {
            return [$"{HostFile} is not a custom handler host file: {e.Message}"];
        }

        if (!File.Exists(Path.Combine(packageFolder, executable)))
        {
            problems.Add($"the handler executable '{executable}' named by {HostFile} is missing");
        }

        var assembly = (executable.EndsWith(".exe", StringComparison.OrdinalIgnoreCase) ? executable[..^4] : executable) + ".dll";
        if (!File.Exists(Path.Combine(packageFolder, assembly)))
        {
            problems.Add($"the handler assembly '{assembly}' is missing");
        }

        var functions = FunctionFolders(packageFolder);
        if (functions.Count == 0)
        {
            problems.Add($"no function folder holds a {FunctionFile}");
        }

        foreach (var function in functions)
        {
            try
            {
                using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(packageFolder, function, FunctionFile)));
                if (!document.RootElement.TryGetProperty("bindings", out var bindings) || bindings.GetArrayLength() == 0)
                {
                    problems.Add($"{function}/{FunctionFile} has no bindings");
                }
            }
            catch (JsonException e)
            {
                problems.Add($"{function}/{FunctionFile} is not valid JSON: {e.Message}");
            }
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

    private static void WriteZip(string folder, string zipPath, string executableName)
    {
        File.Delete(zipPath);
        using var archive = ZipFile.Open(zipPath, ZipArchiveMode.Create);
        foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var entryName = Path.GetRelativePath(folder, file).Replace(Path.DirectorySeparatorChar, '/');
            var entry = archive.CreateEntryFromFile(file, entryName, CompressionLevel.Optimal);
            var mode = ExecutableMode;
            if (entryName != executableName)
            {
                mode = OperatingSystem.IsWindows() ? RegularFileMode : File.GetUnixFileMode(file);
            }

            entry.ExternalAttributes = (int)mode << 16;
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
