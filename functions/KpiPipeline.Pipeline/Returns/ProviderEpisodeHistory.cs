using KpiPipeline.Core.Dataset;
using KpiPipeline.Core.Validation;

namespace KpiPipeline.Pipeline.Returns;

/// <summary>
/// What validation needs to know of a provider's earlier accepted episodes: the episodes open at the end of the previous
/// accepted month (W02) and every episode id the provider has sent (W03). Built from the accepted episodes files.
/// </summary>
public sealed class ProviderEpisodeHistory
{
    private readonly SortedDictionary<ReportingMonth, IReadOnlyList<CuratedEpisode>> acceptedByMonth = [];

    public void SetAccepted(ReportingMonth month, IReadOnlyList<CuratedEpisode> rows) => acceptedByMonth[month] = rows;

    /// <summary>Episode ids open (no exit, not deleted) at the end of the latest accepted month before <paramref name="month"/>.</summary>
    public IReadOnlySet<string> OpenBefore(ReportingMonth month)
    {
        var previous = acceptedByMonth.Keys.Where(m => m < month).DefaultIfEmpty().Max();
        return previous != default && acceptedByMonth.TryGetValue(previous, out var rows)
            ? OpenEpisodes.AtMonthEnd(rows)
            : new HashSet<string>();
    }

    /// <summary>Every episode id in any accepted episodes file of the provider.</summary>
    public IReadOnlySet<string> KnownEpisodeIds() =>
        acceptedByMonth.Values.SelectMany(rows => rows).Select(e => e.EpisodeId).ToHashSet(StringComparer.Ordinal);
}
