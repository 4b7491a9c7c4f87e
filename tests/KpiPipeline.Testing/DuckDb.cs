using System.Diagnostics;
using System.Text.Json;

namespace KpiPipeline.Testing;

/// <summary>The result of a DuckDB query: column names, DuckDB type names and rows as JSON values.</summary>
public sealed record DuckDbResult(IReadOnlyList<string> Columns, IReadOnlyList<string> Types, IReadOnlyList<JsonElement> Rows)
{
    public int Count => Rows.Count;

    public JsonElement this[int row, string column] => Rows[row].GetProperty(column);
}

/// <summary>
/// Runs SQL in a real DuckDB (the repo's <c>@duckdb/node-api</c>, via node), so Parquet files are read back by an
/// independent reader.
/// </summary>
public static class DuckDb
{
    public static async Task<DuckDbResult> QueryAsync(string sql, CancellationToken cancellationToken = default)
    {
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = RepoPaths.Root,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(RepoPaths.Root, "scripts", "node", "duckdb-query.mjs"));
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start node.");
        await process.StandardInput.WriteAsync(sql);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"DuckDB failed: {await stderr}\nSQL: {sql}");
        }

        using var doc = JsonDocument.Parse(await stdout);
        var root = doc.RootElement;
        return new DuckDbResult(
            root.GetProperty("columns").EnumerateArray().Select(e => e.GetString()!).ToList(),
            root.GetProperty("types").EnumerateArray().Select(e => e.GetString()!).ToList(),
            root.GetProperty("rows").EnumerateArray().Select(e => e.Clone()).ToList());
    }

    /// <summary>Quotes a path as a DuckDB string literal.</summary>
    public static string Literal(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";
}
