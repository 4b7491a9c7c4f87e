using KpiPipeline.Core.Dataset;

namespace KpiPipeline.Core.Validation;

/// <summary>Keeps the W02 input: which episodes a month's accepted episodes.csv left open.</summary>
public static class OpenEpisodes
{
    /// <summary>
    /// The episode ids of one accepted episodes.csv (its curated rows) that are open at the end of its month:
    /// no exit_date and not DELETED. Pass the result as <see cref="ValidationContext.PreviouslyOpenEpisodeIds"/>
    /// when validating the provider's next episodes.csv.
    /// </summary>
    public static IReadOnlySet<string> AtMonthEnd(IEnumerable<CuratedEpisode> acceptedMonthRows)
    {
        ArgumentNullException.ThrowIfNull(acceptedMonthRows);
        return acceptedMonthRows
            .Where(e => e.ExitDate is null && e.RecordStatus == RecordStatus.ACTIVE)
            .Select(e => e.EpisodeId)
            .ToHashSet(StringComparer.Ordinal);
    }
}
