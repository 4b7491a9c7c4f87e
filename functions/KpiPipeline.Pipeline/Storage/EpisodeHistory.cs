using System.Collections.Concurrent;
using KpiPipeline.Core.Dataset;
using KpiPipeline.Core.Validation;

namespace KpiPipeline.Pipeline.Storage;

/// <summary>What one accepted episodes file tells validation: its episode ids, and those still open at its month end.</summary>
public sealed record EpisodeFileSummary(IReadOnlySet<string> EpisodeIds, IReadOnlySet<string> OpenAtMonthEnd);

/// <summary>
/// What validation needs to know of a provider's earlier accepted episodes files: the episodes open at the end of the
/// latest accepted month before the upload's (W02, episodes.csv), and every episode id the provider has sent (W03,
/// reviews.csv). Curated copies are immutable and named by upload, so their summaries are cached by blob name: a warm
/// process reads each accepted file once, and an upload reads only the files its kind needs.
/// </summary>
public sealed class EpisodeHistory(CuratedReturns curated)
{
    private const int MaxCachedFiles = 4096;

    private readonly ConcurrentDictionary<string, EpisodeFileSummary> summaries = new(StringComparer.Ordinal);

    /// <summary>Episode ids open (no exit, not deleted) at the end of the latest accepted month before <paramref name="month"/>.</summary>
    public async Task<IReadOnlySet<string>> OpenBeforeAsync(
        IReadOnlyList<AcceptedVersion> providerVersions, ReportingMonth month, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(providerVersions);
        var previous = providerVersions
            .Where(v => v.Path.Kind == ReturnFileKind.Episodes && v.Path.Month < month)
            .MaxBy(v => v.Path.Month);
        return previous is null ? new HashSet<string>() : (await SummaryOfAsync(previous, cancellationToken)).OpenAtMonthEnd;
    }

    /// <summary>Every episode id in any accepted episodes file of the provider.</summary>
    public async Task<IReadOnlySet<string>> KnownEpisodeIdsAsync(IReadOnlyList<AcceptedVersion> providerVersions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(providerVersions);
        var known = new HashSet<string>(StringComparer.Ordinal);
        foreach (var version in providerVersions.Where(v => v.Path.Kind == ReturnFileKind.Episodes))
        {
            known.UnionWith((await SummaryOfAsync(version, cancellationToken)).EpisodeIds);
        }

        return known;
    }

    private async Task<EpisodeFileSummary> SummaryOfAsync(AcceptedVersion version, CancellationToken cancellationToken)
    {
        if (summaries.TryGetValue(version.CuratedBlob, out var cached))
        {
            return cached;
        }

        var rows = await curated.ReadEpisodesAsync(version, cancellationToken);
        var summary = new EpisodeFileSummary(rows.Select(r => r.EpisodeId).ToHashSet(StringComparer.Ordinal), OpenEpisodes.AtMonthEnd(rows));
        if (summaries.Count >= MaxCachedFiles)
        {
            summaries.Clear();
        }

        summaries[version.CuratedBlob] = summary;
        return summary;
    }
}
