using System.Text.Json;

namespace KpiPipeline.LocalRun;

/// <summary>One function of the app as its <c>function.json</c> declares it: its trigger type, binding name and settings.</summary>
public sealed record FunctionDefinition(string Name, string TriggerType, string BindingName, string? Path, string? Schedule);

/// <summary>Reads the function folders of a custom-handler app (each <c>{Name}/function.json</c>), as the Functions host does.</summary>
public static class FunctionManifest
{
    public static IReadOnlyList<FunctionDefinition> Load(string appFolder)
    {
        var functions = new List<FunctionDefinition>();
        foreach (var file in Directory.EnumerateFiles(appFolder, "function.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            if (Path.GetRelativePath(appFolder, file).Count(c => c == Path.DirectorySeparatorChar) != 1)
            {
                continue;
            }

            using var doc = JsonDocument.Parse(File.ReadAllText(file));
            var trigger = doc.RootElement.GetProperty("bindings").EnumerateArray()
                .First(b => b.GetProperty("type").GetString()!.EndsWith("Trigger", StringComparison.Ordinal));
            functions.Add(new FunctionDefinition(
                Path.GetFileName(Path.GetDirectoryName(file)!),
                trigger.GetProperty("type").GetString()!,
                trigger.GetProperty("name").GetString()!,
                trigger.TryGetProperty("path", out var path) ? path.GetString() : null,
                trigger.TryGetProperty("schedule", out var schedule) ? schedule.GetString() : null));
        }

        return functions;
    }
}
