using System.Buffers;
using System.Text;
using KpiPipeline.Core.Dataset;

namespace KpiPipeline.Core.Validation;

/// <summary>
/// One provider's episode rows from its accepted episodes files, by episode id, each with the text it was sent as and
/// the header layout it was read under (which field of the row each column is). A provider resends every open episode
/// every month, mostly unchanged; a row whose text is exactly that of the same episode's row in an earlier accepted
/// month, read under the same layout, has exactly the same value in every column, so it passed every row rule then and
/// passes them now: it is not checked or pseudonymised again and its curated record is reused. The same text under
/// another layout (a header that swaps two column names) are different values and are checked in full. That holds
/// because a row's rules read only its own columns and the provider, except the bounds at the end of the reporting
/// month, which a later month only widens; the rules that look across rows (an episode id twice in one file, W02) are
/// still applied to every row. Rows that had any issue, even a warning, are not remembered, so their issues are reported
/// again. Not thread-safe: one instance per provider, its files validated one at a time in month order.
/// </summary>
public sealed class UnchangedEpisodeRows
{
    private readonly Dictionary<string, Remembered> remembered = new(StringComparer.Ordinal);
    private readonly List<(byte[] Raw, CuratedEpisode Row)> offered = [];
    private int[] offeredLayout = [];

    /// <summary>Rows remembered from accepted files.</summary>
    public int Count => remembered.Count;

    /// <summary>
    /// The curated row of <paramref name="episodeId"/> when <paramref name="raw"/> is exactly what an earlier month sent and
    /// <paramref name="layout"/> (for each column of the file, the index of the field it is read from, -1 when absent) is
    /// the layout it was read under then.
    /// </summary>
    public bool TryReuse(ReadOnlySpan<char> episodeId, ReadOnlySpan<int> layout, ReadOnlySpan<char> raw, ReportingMonth month, out CuratedEpisode row)
    {
        if (remembered.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(episodeId, out var earlier)
            && earlier.Month <= month
            && layout.SequenceEqual(earlier.Layout)
            && SameText(earlier.Raw, raw))
        {
            row = earlier.Row;
            return true;
        }

        row = null!;
        return false;
    }

    /// <summary>A row of the file being validated, read under <paramref name="layout"/>, that passed every rule without an issue.</summary>
    public void Offer(ReadOnlySpan<int> layout, ReadOnlySpan<char> raw, CuratedEpisode row)
    {
        if (!layout.SequenceEqual(offeredLayout))
        {
            // One copy per file: every row of a file is read under its one header.
            offeredLayout = layout.ToArray();
        }

        // Kept as UTF-8, half the memory of the text for the ASCII rows returns are made of.
        var utf8 = new byte[Encoding.UTF8.GetByteCount(raw)];
        Encoding.UTF8.GetBytes(raw, utf8);
        offered.Add((utf8, row));
    }

    /// <summary>The file was accepted: the rows it offered are remembered as of <paramref name="month"/>.</summary>
    public void FileAccepted(ReportingMonth month)
    {
        foreach (var (raw, row) in offered)
        {
            remembered[row.EpisodeId] = new Remembered(raw, offeredLayout, month, row);
        }

        offered.Clear();
    }

    /// <summary>The file was rejected: nothing it offered is remembered.</summary>
    public void FileRejected() => offered.Clear();

    private static bool SameText(byte[] utf8, ReadOnlySpan<char> text)
    {
        if (utf8.Length == text.Length)
        {
            // Equal lengths: the same text only if both are ASCII (one non-ASCII character takes two or more bytes).
            return Ascii.Equals(utf8, text);
        }

        if (utf8.Length < text.Length || Encoding.UTF8.GetByteCount(text) != utf8.Length)
        {
            return false;
        }

        var bytes = ArrayPool<byte>.Shared.Rent(utf8.Length);
        try
        {
            var written = Encoding.UTF8.GetBytes(text, bytes);
            return bytes.AsSpan(0, written).SequenceEqual(utf8);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    private sealed record Remembered(byte[] Raw, int[] Layout, ReportingMonth Month, CuratedEpisode Row);
}
