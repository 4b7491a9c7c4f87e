using System.Diagnostics;
using System.Text.Json;

namespace KpiPipeline.Testing;

/// <summary>One file as hyparquet (a pure-JS Parquet reader) read it.</summary>
public sealed record HyparquetFile(
    string Path,
    long NumRows,
    int RowGroups,
    IReadOnlyDictionary<string, string> KeyValueMetadata,
    IReadOnlyList<string> Columns,
    IReadOnlyList<JsonElement[]> Rows);

/// <summary>Runs scripts/node/hyparquet-read.mjs on several files in one node process.</summary>
public static class Hyparquet
{
    public static async Task<IReadOnlyList<HyparquetFile>> ReadAsync(params string[] paths)
    {
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = RepoPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(RepoPaths.Root, "scripts", "node", "hyparquet-read.mjs"));
        foreach (var path in paths)
        {
            start.ArgumentList.Add(path);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start node.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"hyparquet failed: {await stderr}");
        }

        using var document = JsonDocument.Parse(await stdout);
        return [.. document.RootElement.EnumerateArray().Select(file => new HyparquetFile(
            file.GetProperty("path").GetString()!,
            file.GetProperty("numRows").GetInt64(),
            file.GetProperty("rowGroups").GetInt32(),
            file.GetProperty("keyValueMetadata").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!),
            [.. file.GetProperty("columns").EnumerateArray().Select(c => c.GetString()!)],
            [.. file.GetProperty("rows").EnumerateArray().Select(row => row.EnumerateArray().Select(v => v.Clone()).ToArray())]))];
    }
}
