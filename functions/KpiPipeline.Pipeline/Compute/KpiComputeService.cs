using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using KpiPipeline.Core.Reference;
using KpiPipeline.Kpis.Engine;
using KpiPipeline.Kpis.Folding;
using KpiPipeline.Kpis.Returns;
using KpiPipeline.Pipeline.Memory;
using KpiPipeline.Pipeline.Publishing;
using KpiPipeline.Pipeline.Publishing.Scorecards;
using KpiPipeline.Pipeline.State;
using KpiPipeline.Pipeline.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KpiPipeline.Pipeline.Compute;

/// <summary>
/// Recomputes the KPIs from the providers' compact states (<see cref="ProviderStates"/>) and publishes both datasets and
/// the catalogue to the <c>published</c> container, when something changed since its last run: a state (an accepted or
/// rejected upload), the reference data, or the as-of date. The states are downloaded a few at a time and folded as they
/// are read, the engine counts on every core, and the cost grows with providers, not with months of history. KPIs reach
/// across periods (re-presentation windows, provisional cohorts, went-missing episodes), so a run recomputes every period
/// and then replaces only the files whose content changed. <see cref="KpiRunHooks"/> (registered by the function app: its
/// memory policy) are called between the phases.
/// </summary>
public sealed class KpiComputeService(
    PipelineStorage storage, ProviderStates states, IOptions<KpiPipelineOptions> options, TimeProvider time, KpiRunHooks hooks,
    ILogger<KpiComputeService> logger)
{
    /// <summary>The fingerprint of the inputs of the last completed run (in the curated container, beside the data).</summary>
    public const string LastRunBlob = "_state/compute-kpis.fingerprint";

    /// <summary>States downloaded and read at once: enough to keep storage busy, few enough that their bytes stay small.</summary>
    public const int StateDownloads = 8;

    public async Task<ComputeOutcome> RunAsync(DateOnly? asOf, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        var day = asOf ?? ConfiguredAsOf() ?? DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var stored = await states.ListAsync(cancellationToken);
        var fingerprint = await FingerprintAsync(day, stored, cancellationToken);
        if (await LastFingerprintAsync(cancellationToken) == fingerprint)
        {
            logger.LogInformation("KPI run skipped: inputs unchanged since the last run");
            return new ComputeOutcome(day, false, 0, 0, 0, 0, [], 0, []);
        }

        var pending = (await storage.ProviderStateRefreshes.GetPropertiesAsync(cancellationToken)).Value.ApproximateMessagesCount;
        if (pending > 0)
        {
            logger.LogWarning("KPI run: {Pending} provider state refreshes are still queued; uploads they bring are in the next run", pending);
        }

        hooks.Starting();
        var clock = Stopwatch.StartNew();
        var reference = await storage.LoadReferenceAsync(cancellationToken);
        var builder = new MonthFoldingBuilder(day, keepRows: false);
        var read = await states.ReadAllAsync(stored, day, builder, StateDownloads, cancellationToken, hooks);
        var reading = clock.Elapsed;
        var parallelism = Environment.ProcessorCount;
        var computation = hooks.FoldAndCompute(builder, read.Uploads, reference, day, parallelism);
        var computing = clock.Elapsed - reading;
        using var store = new BlobPublicationStore(storage.Published);
        var published = await KpiPublisher.PublishAsync(
            computation, new PublicationMetadata(day, read.SourceFiles), hooks.Publishing(store),
            cancellationToken, parallelism, ScorecardNames.From(reference));
        var publishing = clock.Elapsed - reading - computing;
        await storage.Curated.GetBlobClient(LastRunBlob).UploadAsync(BinaryData.FromString(fingerprint), overwrite: true, cancellationToken);
        foreach (var warning in computation.Warnings)
        {
            logger.LogWarning("KPI run warning: {Warning}", warning);
        }

        var outcome = new ComputeOutcome(day, true, read.SourceFiles, computation.Periods.Count, published.RestrictedRows,
            published.PublicRows, published.Files, published.UnchangedFiles, computation.Warnings)
        {
            RemovedFiles = published.Removed,
        };
        logger.LogInformation(
            "KPI run {Summary} ({Providers} provider states read, {Refolded} folded again for the as-of date; reading {Reading:0.00} s, KPIs {Computing:0.00} s, publishing {Publishing:0.00} s)",
            outcome.Summary, read.Providers, read.RefoldedProviders, reading.TotalSeconds, computing.TotalSeconds, publishing.TotalSeconds);
        return outcome;
    }

    private DateOnly? ConfiguredAsOf() =>
        options.Value.ComputeAsOf is { Length: > 0 } text
            ? DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
                ? day
                : throw new InvalidOperationException($"KpiPipeline__ComputeAsOf is '{text}', not a date (yyyy-MM-dd).")
            : null;

    private async Task<string> FingerprintAsync(DateOnly asOf, IReadOnlyList<StateBlob> stored, CancellationToken cancellationToken)
    {
        var lines = new List<string> { "as_of " + asOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) };
        lines.AddRange(stored.Select(s => $"state {s.Name} {s.ETag}"));
        await foreach (var blob in storage.Reference.GetBlobsAsync(cancellationToken: cancellationToken))
        {
            lines.Add($"reference {blob.Name} {blob.Properties.ETag}");
        }

        lines.Sort(StringComparer.Ordinal);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', lines))));
    }

    private async Task<string?> LastFingerprintAsync(CancellationToken cancellationToken) =>
        (await storage.Curated.GetBlobClient(LastRunBlob).DownloadContentOrNullAsync(cancellationToken))?.ToString();
}
