using System.Globalization;
using System.Text.Json;

namespace KpiPipeline.LocalRun.FunctionsHost;

/// <summary>The queue trigger settings of host.json (<c>extensions.queues</c>) the stand-in honours, with the host's defaults.</summary>
internal sealed record QueueHostSettings(int BatchSize, int NewBatchThreshold, int MaxDequeueCount, TimeSpan VisibilityTimeout, TimeSpan MaxPollingInterval)
{
    public static QueueHostSettings Read(string appFolder)
    {
        var defaults = new QueueHostSettings(16, 8 * Environment.ProcessorCount, 5, TimeSpan.Zero, TimeSpan.FromMinutes(1));
        var file = Path.Combine(appFolder, "host.json");
        if (!File.Exists(file))
        {
            return defaults;
        }

        using var json = JsonDocument.Parse(File.ReadAllText(file), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        if (!json.RootElement.TryGetProperty("extensions", out var extensions) || !extensions.TryGetProperty("queues", out var queues))
        {
            return defaults;
        }

        var batchSize = queues.TryGetProperty("batchSize", out var batch) ? batch.GetInt32() : defaults.BatchSize;
        return new QueueHostSettings(
            batchSize,
            queues.TryGetProperty("newBatchThreshold", out var threshold) ? threshold.GetInt32() : batchSize / 2 * Environment.ProcessorCount,
            queues.TryGetProperty("maxDequeueCount", out var dequeues) ? dequeues.GetInt32() : defaults.MaxDequeueCount,
            queues.TryGetProperty("visibilityTimeout", out var visibility) ? Time(visibility) : defaults.VisibilityTimeout,
            queues.TryGetProperty("maxPollingInterval", out var polling) ? Time(polling) : defaults.MaxPollingInterval);
    }

    private static TimeSpan Time(JsonElement value) => value.ValueKind == JsonValueKind.Number
        ? TimeSpan.FromMilliseconds(value.GetDouble())
        : TimeSpan.Parse(value.GetString()!, CultureInfo.InvariantCulture);
}
