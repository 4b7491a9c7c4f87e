using System.Text.RegularExpressions;
using KpiPipeline.Testing;

namespace KpiPipeline.Functions.Tests;

/// <summary>
/// A snapshot of everything the pipeline stores, for comparing two runs: blob names and contents, and table entities. Upload
/// ids and timestamps are masked (they differ between two uploads of the same bytes), and so is the ledger's attempt count
/// (a retry is an extra attempt by definition). Report notifications are left out: they are at-least-once.
/// </summary>
public sealed partial record StorageState(string Text)
{
    private static readonly HashSet<string> UnstableProperties = ["Attempts", "UploadedAt"];

    public static async Task<StorageState> CaptureAsync(PipelineHarness harness, params string[] uploadIds)
    {
        ArgumentNullException.ThrowIfNull(harness);
        var storage = harness.Storage;
        var parts = new List<string>();
        foreach (var (label, container) in new[]
                 {
                     ("returns", storage.Returns), ("curated", storage.Curated), ("reports", storage.Reports),
                     ("quarantine", storage.Quarantine), ("published", storage.Published),
                 })
        {
            foreach (var (name, content) in await StorageReads.ContentsAsync(container))
            {
                parts.Add($"blob {label}/{name}:\n{content}");
            }
        }

        foreach (var (label, table) in new[] { ("ledger", storage.Ledger), ("accepted", storage.AcceptedReturns), ("uploads", storage.ProviderUploads) })
        {
            foreach (var (key, properties) in await StorageReads.ContentsAsync(table, UnstableProperties))
            {
                parts.Add($"entity {label}/{key}: {properties}");
            }
        }

        var text = string.Join("\n", parts);
        foreach (var id in uploadIds)
        {
            text = text.Replace(id.Trim('"'), "<upload>", StringComparison.Ordinal);
        }

        return new StorageState(Timestamp().Replace(text, "<time>"));
    }

    [GeneratedRegex(@"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?")]
    private static partial Regex Timestamp();
}
