using System.Text.Json;

namespace KpiPipeline.LocalRun.FunctionsHost;

/// <summary>The blob trigger settings of host.json (<c>extensions.blobs</c>) the stand-in honours, with the host's defaults.</summary>
internal sealed record BlobHostSettings(int MaxDegreeOfParallelism, int PoisonBlobThreshold)
{
    public static BlobHostSettings Read(string appFolder)
    {
        var defaults = new BlobHostSettings(8 * Environment.ProcessorCount, 5);
        var file = Path.Combine(appFolder, "host.json");
        if (!File.Exists(file))
        {
            return defaults;
        }

        using var json = JsonDocument.Parse(File.ReadAllText(file), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        if (!json.RootElement.TryGetProperty("extensions", out var extensions) || !extensions.TryGetProperty("blobs", out var blobs))
        {
            return defaults;
        }

        return new BlobHostSettings(
            blobs.TryGetProperty("maxDegreeOfParallelism", out var parallel) ? parallel.GetInt32() : defaults.MaxDegreeOfParallelism,
            blobs.TryGetProperty("poisonBlobThreshold", out var poison) ? poison.GetInt32() : defaults.PoisonBlobThreshold);
    }
}
