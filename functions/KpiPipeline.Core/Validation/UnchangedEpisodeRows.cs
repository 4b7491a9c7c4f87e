using KpiPipeline.Core.Dataset;

namespace KpiPipeline.Core.Validation;

/// <summary>
/// One provider's episode rows from its accepted episodes files, by episode id, each with the bytes it was sent as. A
/// provider resends every open episode every month, mostly unchanged; a row whose bytes are exactly those of the same
/// episode's row in an earlier accepted month passed every row rule then and passes them now, so it is not checked or
/// pseudonymised again and its curated record is reused. That holds because a row's rules read only its own fields and
/// the provider, except the bounds at the end of the reporting month, which a later month only widens; the rules that
/// look across rows (an episode id twice in one file, W02) are still applied to every row. Rows that had any issue,
/// even a warning, are not remembered, so their issues are reported again. Not thread-safe: one instance per provider,
/// its files validated one at a time in month order.
/// </summary>
public sealed class UnchangedEpisodeRows
{
    private readonly Dictionary<string, (byte[] Raw, ReportingMonth Month, CuratedEpisode Row)> remembered = new(StringComparer.Ordinal);
    private readonly List<(byte[] Raw, CuratedEpisode Row)> offered = [];

    /// <summary>Rows remembered from accepted files.</summary>
    public int Count => remembered.Count;

    /// <summary>The curated row of <paramref name="episodeId"/> when <paramref name="raw"/> is exactly what an earlier month sent.</summary>
    public bool TryReuse(ReadOnlySpan<char> episodeId, ReadOnlySpan<byte> raw, ReportingMonth month, out CuratedEpisode row)
    {
        if (remembered.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(episodeId, out var earlier)
            && earlier.Month <= month
            && raw.SequenceEqual(earlier.Raw))
        {
            row = earlier.Row;
            return true;
        }

        row = null!;
        return false;
    }

    /// <summary>A row of the file being validated that passed every rule without an issue.</summary>
    public void Offer(ReadOnlySpan<byte> raw, CuratedEpisode row) => offered.Add((raw.ToArray(), row));

    /// <summary>The file was accepted: the rows it offered are remembered as of <paramref name="month"/>.</summary>
    public void FileAccepted(ReportingMonth month)
    {
        foreach (var (raw, row) in offered)
        {
            remembered[row.EpisodeId] = (raw, month, row);
        }

        offered.Clear();
    }

    /// <summary>The file was rejected: nothing it offered is remembered.</summary>
    public void FileRejected() => offered.Clear();
}
