using KpiPipeline.Core.Dataset;
using KpiPipeline.Kpis.Returns;

namespace KpiPipeline.Kpis.Folding;

/// <summary>The state of one episode after the months are combined (dataset.md 2.3).</summary>
/// <param name="Row">The row from the latest reporting month in which the episode appears (never DELETED).</param>
/// <param name="LastMonth">The latest reporting month in which the episode appears.</param>
/// <param name="EffectiveEnd">The exit date, or the last day of <paramref name="LastMonth"/> for an episode that went missing; null while open.</param>
/// <param name="WentMissing">True when the episode has no exit and the provider has an accepted episodes.csv for a later month.</param>
public sealed record FoldedEpisode(CuratedEpisode Row, ReportingMonth LastMonth, DateOnly? EffectiveEnd, bool WentMissing);

/// <summary>
/// An episode open at the end of the provider's previous accepted month that the file for <paramref name="Month"/> left out
/// (the W02 situation), counted by DQ03 in <paramref name="Month"/>.
/// </summary>
public sealed record MissingEpisodeEvent(string ProviderCode, string EpisodeId, ReportingMonth LastSeenMonth, ReportingMonth Month);

/// <summary>The accepted returns combined across months, ready for the KPI engine.</summary>
public sealed record FoldedReturns(
    IReadOnlyList<FoldedEpisode> Episodes,
    IReadOnlyList<CuratedReview> Reviews,
    IReadOnlyList<NspMonthTotals> Nsp,
    IReadOnlyList<MissingEpisodeEvent> MissingEvents,
    IReadOnlyList<ReturnPath> UsedFiles,
    IReadOnlyList<string> Warnings);

/// <summary>Combines the accepted monthly files into one state (dataset.md 2.3 and sections 3 and 4). Pure; no I/O.</summary>
public static class MonthFolding
{
    public static FoldedReturns Fold(ReturnSet returns, DateOnly asOf)
    {
        ArgumentNullException.ThrowIfNull(returns);
        var warnings = new List<string>();
        var used = new List<ReturnPath>();

        var episodeFiles = InForce(returns.Episodes, f => f.Path, asOf, warnings, used);
        var reviewFiles = InForce(returns.Reviews, f => f.Path, asOf, warnings, used);
        var nspFiles = InForce(returns.Nsp, f => f.Path, asOf, warnings, used);

        var (episodes, missing) = FoldEpisodes(episodeFiles);
        var reviews = FoldReviews(reviewFiles, episodes);
        var nsp = nspFiles.SelectMany(f => f.Totals).ToList();
        return new FoldedReturns(episodes, reviews, nsp, missing, used, warnings);
    }

    /// <summary>
    /// The files that count, in month order per provider: files for months starting after the as-of date are dropped
    /// with a warning, and where one path appears twice the later entry (the latest accepted upload) wins.
    /// </summary>
    private static List<T> InForce<T>(
        IReadOnlyList<T> files, Func<T, ReturnPath> pathOf, DateOnly asOf, List<string> warnings, List<ReturnPath> used)
    {
        var byPath = new Dictionary<string, (int Order, T File)>(StringComparer.Ordinal);
        for (var i = 0; i < files.Count; i++)
        {
            var path = pathOf(files[i]);
            if (path.Month.FirstDay > asOf)
            {
                warnings.Add($"Ignored {path.BlobName}: the month starts after the as-of date {asOf:yyyy-MM-dd}.");
                continue;
            }

            byPath[path.BlobName.ToUpperInvariant()] = (i, files[i]);
        }

        var inForce = byPath.Values
            .OrderBy(v => pathOf(v.File).ProviderCode, StringComparer.OrdinalIgnoreCase)
            .ThenBy(v => pathOf(v.File).Month)
            .ThenBy(v => v.Order)
            .Select(v => v.File)
            .ToList();
        used.AddRange(inForce.Select(pathOf));
        return inForce;
    }

    private static (List<FoldedEpisode> Episodes, List<MissingEpisodeEvent> Missing) FoldEpisodes(List<AcceptedEpisodesFile> files)
    {
        var episodes = new List<FoldedEpisode>(files.Count == 0 ? 0 : files.Max(f => f.Rows.Count) * 2);
        var missing = new List<MissingEpisodeEvent>();
        foreach (var provider in files.GroupBy(f => f.Path.ProviderCode, StringComparer.OrdinalIgnoreCase))
        {
            var months = provider.ToList();
            var latest = new Dictionary<string, (CuratedEpisode Row, ReportingMonth Month)>(
                months.Max(f => f.Rows.Count), StringComparer.Ordinal);
            AcceptedEpisodesFile? previous = null;
            foreach (var file in months)
            {
                var idsInFile = new HashSet<string>(file.Rows.Count, StringComparer.Ordinal);
                foreach (var row in file.Rows)
                {
                    idsInFile.Add(row.EpisodeId);
                    latest[row.EpisodeId] = (row, file.Path.Month);
                }

                if (previous is not null)
                {
                    foreach (var row in previous.Rows)
                    {
                        if (row.RecordStatus == RecordStatus.ACTIVE && row.ExitDate is null && !idsInFile.Contains(row.EpisodeId))
                        {
                            missing.Add(new MissingEpisodeEvent(file.Path.ProviderCode, row.EpisodeId, previous.Path.Month, file.Path.Month));
                        }
                    }
                }

                previous = file;
            }

            var lastFileMonth = months[^1].Path.Month;
            foreach (var (row, month) in latest.Values)
            {
                if (row.RecordStatus == RecordStatus.DELETED)
                {
                    continue;
                }

                var wentMissing = row.ExitDate is null && month < lastFileMonth;
                var effectiveEnd = row.ExitDate ?? (wentMissing ? month.LastDay : null);
                episodes.Add(new FoldedEpisode(row, month, effectiveEnd, wentMissing));
            }
        }

        return (episodes, missing);
    }

    private static List<CuratedReview> FoldReviews(List<AcceptedReviewsFile> files, List<FoldedEpisode> episodes)
    {
        var existing = new HashSet<(string, string)>(
            episodes.Select(e => (e.Row.ProviderCode.ToUpperInvariant(), e.Row.EpisodeId)));
        var latest = new Dictionary<(string Provider, string Episode, DateOnly Date, ReviewStage Stage), CuratedReview>(
            files.Sum(f => f.Rows.Count));
        foreach (var file in files)
        {
            var provider = file.Path.ProviderCode.ToUpperInvariant();
            foreach (var row in file.Rows)
            {
                latest[(provider, row.EpisodeId, row.ReviewDate, row.Stage)] = row;
            }
        }

        return latest
            .Where(kv => existing.Contains((kv.Key.Provider, kv.Key.Episode)))
            .Select(kv => kv.Value)
            .ToList();
    }
}
