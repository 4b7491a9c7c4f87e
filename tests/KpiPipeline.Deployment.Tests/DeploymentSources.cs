using System.Text.Json;
using System.Text.RegularExpressions;
using KpiPipeline.LocalRun.FunctionsHost;
using KpiPipeline.Testing;

namespace KpiPipeline.Deployment.Tests;

/// <summary>
/// The texts the drift checker compares, read from the repository: the C# of every project the function app is built from,
/// each function's entry of the SDK-generated functions.metadata (of the built app), the Bicep files and local.settings.sample.json. Tests copy and edit them freely.
/// </summary>
public sealed record DeploymentSources
{
    /// <summary>C# files of the function app and the projects it references, by repository-relative path.</summary>
    public required IReadOnlyDictionary<string, string> CSharp { get; init; }

    /// <summary>Each function's functions.metadata entry (JSON with its <c>bindings</c>) by function name.</summary>
    public required IReadOnlyDictionary<string, string> Functions { get; init; }

    /// <summary>Bicep files by repository-relative path (infra/main.bicep and infra/modules/*.bicep).</summary>
    public required IReadOnlyDictionary<string, string> Bicep { get; init; }

    public required string LocalSettingsSample { get; init; }

    public static string FunctionsProject => Path.Combine(RepoPaths.Root, "functions", "KpiPipeline.Functions");

    public static DeploymentSources FromRepository()
    {
        var root = RepoPaths.Root;
        var csharp = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var project in ProjectClosure(Path.Combine(FunctionsProject, "KpiPipeline.Functions.csproj")))
        {
            var folder = Path.GetDirectoryName(project)!;
            foreach (var file in Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories))
            {
                var relative = Path.GetRelativePath(folder, file);
                if (!relative.StartsWith("bin" + Path.DirectorySeparatorChar, StringComparison.Ordinal) &&
                    !relative.StartsWith("obj" + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                {
                    csharp[Path.GetRelativePath(root, file)] = File.ReadAllText(file);
                }
            }
        }

        using var metadata = JsonDocument.Parse(File.ReadAllText(Path.Combine(FunctionAppFolder.Locate(), "functions.metadata")));
        var functions = metadata.RootElement.EnumerateArray()
            .ToDictionary(f => f.GetProperty("name").GetString()!, f => f.GetRawText(), StringComparer.Ordinal);
        var bicep = Directory.EnumerateFiles(Path.Combine(root, "infra"), "*.bicep", SearchOption.AllDirectories)
            .ToDictionary(file => Path.GetRelativePath(root, file).Replace('\\', '/'), File.ReadAllText, StringComparer.Ordinal);
        return new DeploymentSources
        {
            CSharp = csharp,
            Functions = functions,
            Bicep = bicep,
            LocalSettingsSample = File.ReadAllText(Path.Combine(root, "local.settings.sample.json")),
        };
    }

    /// <summary>A csproj and every project it references, directly or not.</summary>
    private static List<string> ProjectClosure(string csproj)
    {
        var seen = new List<string>();
        var pending = new Stack<string>([Path.GetFullPath(csproj)]);
        while (pending.TryPop(out var project))
        {
            if (seen.Contains(project))
            {
                continue;
            }

            seen.Add(project);
            foreach (Match reference in Regex.Matches(File.ReadAllText(project), @"<ProjectReference\s+Include=""([^""]+)"""))
            {
                var path = reference.Groups[1].Value.Replace('\\', Path.DirectorySeparatorChar);
                pending.Push(Path.GetFullPath(Path.Combine(Path.GetDirectoryName(project)!, path)));
            }
        }

        return seen;
    }
}
