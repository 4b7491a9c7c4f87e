using KpiPipeline.Core.Dataset;

namespace KpiPipeline.Core.Validation;

/// <summary>
/// An episode open (no exit_date, not DELETED) at the end of <paramref name="Month"/>, and the data row of that month's
/// accepted episodes.csv it stood on (1 = the first row under the header, as a report counts rows). A W02 about it names
/// that row and month, so that the provider can find the episode when its id is withheld (it reads as a date).
/// </summary>
public readonly record struct OpenEpisode(string EpisodeId, ReportingMonth Month, int Row);

/// <summary>Keeps the W02 input: which episodes a month's accepted episodes.csv left open, and on which rows.</summary>
public static class OpenEpisodes
{
    /// <summary>
    /// The episodes of one accepted episodes.csv of <paramref name="month"/> (its curated rows, all of them in file order,
    /// so that the n-th is data row n) that are open at the end of its month: no exit_date and not DELETED. Pass the result
    /// as <see cref="ValidationContext.PreviouslyOpenEpisodes"/> when validating the provider's next episodes.csv.
    /// </summary>
    public static IReadOnlyList<OpenEpisode> AtMonthEnd(ReportingMonth month, IEnumerable<CuratedEpisode> acceptedFileRows)
    {
        ArgumentNullException.ThrowIfNull(acceptedFileRows);
        return acceptedFileRows
            .Select((e, index) => (Episode: e, Row: index + 1))
            .Where(e => e.Episode.ExitDate is null && e.Episode.RecordStatus == RecordStatus.ACTIVE)
            .Select(e => new OpenEpisode(e.Episode.EpisodeId, month, e.Row))
            .ToList();
    }
}
