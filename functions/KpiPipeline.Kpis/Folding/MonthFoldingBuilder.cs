using KpiPipeline.Core.Dataset;
using KpiPipeline.Kpis.Returns;

namespace KpiPipeline.Kpis.Folding;

/// <summary>
/// Folds accepted files as they arrive (dataset.md 2.3 and sections 3 and 4), so that a run never holds every month's
/// rows: per provider it keeps the latest row of each episode, the ids its latest episodes file left open (for DQ03), and
/// the latest version of each review. Each provider's files of one kind must be added in month order; different
/// providers may be added from different threads at once, but one provider's files from one thread at a time.
/// </summary>
public sealed class MonthFoldingBuilder(DateOnly asOf)
{
    private readonly Dictionary<string, ProviderFold> providers = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<string>[] warnings = [[], [], []];
    private readonly Lock gate = new();

    public void AddEpisodesFile(ReturnPath path, IReadOnlyList<CuratedEpisode> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (InForce(path, ReturnFileKind.Episodes) is { } fold)
        {
            fold.AddEpisodes(path, rows);
        }
    }

    public void AddReviewsFile(ReturnPath path, IReadOnlyList<CuratedReview> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (InForce(path, ReturnFileKind.Reviews) is { } fold)
        {
            fold.AddReviews(rows);
        }
    }

    public void AddNspFile(ReturnPath path, IReadOnlyList<NspMonthTotals> totals)
    {
        ArgumentNullException.ThrowIfNull(totals);
        if (InForce(path, ReturnFileKind.Nsp) is { } fold)
        {
            fold.Nsp.AddRange(totals);
        }
    }

    /// <summary>
    /// Declares that a provider will send no more files: its reviews are kept as a compact array from then on rather than
    /// in the de-duplicating dictionary. Optional; <see cref="Build"/> does the same for every provider.
    /// </summary>
    public void CompleteProvider(string providerCode)
    {
        ProviderFold? fold;
        lock (gate)
        {
            providers.TryGetValue(providerCode, out fold);
        }

        fold?.CompleteReviews();
    }

    /// <summary>The fold of every file added, providers in code order (ordinal, ignoring case). Empties the builder.</summary>
    public FoldedReturns Build()
    {
        var ordered = providers.OrderBy(p => p.Key, StringComparer.OrdinalIgnoreCase).Select(p => p.Value).ToList();
        var episodes = new List<FoldedEpisode>(ordered.Sum(p => p.EpisodeCount));
        var missing = new List<MissingEpisodeEvent>();
        foreach (var fold in ordered)
        {
            fold.FoldEpisodes(episodes);
            missing.AddRange(fold.Missing);
        }

        // A review counts when an episode of its file's provider exists; rows carry their file's provider code, so the
        // episodes filed under another provider's path are only a fallback.
        var foreign = episodes
            .Where(e => !providers.TryGetValue(e.Row.ProviderCode, out var own) || !own.Holds(e.Row))
            .Select(e => (e.Row.ProviderCode.ToUpperInvariant(), e.Row.EpisodeId))
            .ToHashSet();
        var reviewBlocks = new List<StoredReview[]>(providers.Count);
        foreach (var (code, fold) in providers.OrderBy(p => p.Key, StringComparer.OrdinalIgnoreCase))
        {
            var provider = code.ToUpperInvariant();
            reviewBlocks.Add(fold.KeepReviews(id => fold.HasFoldedEpisode(provider, id) || foreign.Contains((provider, id))));
        }

        var used = Enumerable.Range(0, 3).SelectMany(kind => ordered.SelectMany(p => p.Used[kind])).ToList();
        var nsp = ordered.SelectMany(p => p.Nsp).ToList();
        var folded = new FoldedReturns(episodes, new StoredReviewList(reviewBlocks), nsp, missing, used, [.. warnings.SelectMany(w => w)]);
        providers.Clear();
        foreach (var list in warnings)
        {
            list.Clear();
        }

        return folded;
    }

    /// <summary>The provider's fold when the file counts; files for months starting after the as-of date are left out with a warning.</summary>
    private ProviderFold? InForce(ReturnPath path, ReturnFileKind kind)
    {
        ArgumentNullException.ThrowIfNull(path);
        lock (gate)
        {
            if (path.Month.FirstDay > asOf)
            {
                warnings[(int)kind].Add($"Ignored {path.BlobName}: the month starts after the as-of date {asOf:yyyy-MM-dd}.");
                return null;
            }

            if (!providers.TryGetValue(path.ProviderCode, out var fold))
            {
                fold = new ProviderFold();
                providers.Add(path.ProviderCode, fold);
            }

            fold.Use(path, kind);
            return fold;
        }
    }

    private sealed class ProviderFold
    {
        private readonly Dictionary<string, (CuratedEpisode Row, ReportingMonth Month)> latest = new(StringComparer.Ordinal);
        private readonly ReportingMonth?[] lastMonth = new ReportingMonth?[3];
        private Dictionary<(string Episode, int Day, byte Stage), int>? reviewIndex = [];
        private List<StoredReview> reviews = [];
        private StoredReview[]? completedReviews;
        private List<string> previousOpen = [];
        private ReportingMonth previousMonth;

        public List<ReturnPath>[] Used { get; } = [[], [], []];

        public List<MissingEpisodeEvent> Missing { get; } = [];

        public List<NspMonthTotals> Nsp { get; } = [];

        public int EpisodeCount => latest.Count;

        public void Use(ReturnPath path, ReturnFileKind kind)
        {
            if (lastMonth[(int)kind] is { } last && path.Month <= last)
            {
                throw new InvalidOperationException(
                    $"{path.BlobName} was added after the provider's file for {last}: a provider's files must be added in month order.");
            }

            if (kind == ReturnFileKind.Reviews && reviewIndex is null)
            {
                throw new InvalidOperationException($"{path.BlobName} was added after the provider was completed.");
            }

            lastMonth[(int)kind] = path.Month;
            Used[(int)kind].Add(path);
        }

        /// <summary>Takes the month's rows as the latest, and records the episodes the previous file left open that this one left out.</summary>
        public void AddEpisodes(ReturnPath path, IReadOnlyList<CuratedEpisode> rows)
        {
            var month = path.Month;
            foreach (var row in rows)
            {
                latest[row.EpisodeId] = (row, month);
            }

            foreach (var id in previousOpen)
            {
                if (latest[id].Month != month)
                {
                    Missing.Add(new MissingEpisodeEvent(path.ProviderCode, id, previousMonth, month));
                }
            }

            previousOpen = [.. rows.Where(r => r.RecordStatus == RecordStatus.ACTIVE && r.ExitDate is null).Select(r => r.EpisodeId)];
            previousMonth = month;
        }

        public void AddReviews(IReadOnlyList<CuratedReview> rows)
        {
            foreach (var row in rows)
            {
                var review = new StoredReview(row);
                if (reviewIndex!.TryGetValue(review.Key, out var at))
                {
                    reviews[at] = review;
                }
                else
                {
                    reviewIndex.Add(review.Key, reviews.Count);
                    reviews.Add(review);
                }
            }
        }

        /// <summary>Ends de-duplication: the latest version of each review, in first-seen order, as one array.</summary>
        public void CompleteReviews()
        {
            if (completedReviews is null)
            {
                completedReviews = [.. reviews];
                reviews = [];
                reviewIndex = null;
            }
        }

        /// <summary>The completed reviews whose episode <paramref name="exists"/>.</summary>
        public StoredReview[] KeepReviews(Func<string, bool> exists)
        {
            CompleteReviews();
            var all = completedReviews!;
            completedReviews = null;
            return all.All(r => exists(r.EpisodeId)) ? all : [.. all.Where(r => exists(r.EpisodeId))];
        }

        public void FoldEpisodes(List<FoldedEpisode> into)
        {
            if (lastMonth[(int)ReturnFileKind.Episodes] is not { } lastFileMonth)
            {
                return;
            }

            foreach (var (row, month) in latest.Values)
            {
                if (row.RecordStatus == RecordStatus.DELETED)
                {
                    continue;
                }

                var wentMissing = row.ExitDate is null && month < lastFileMonth;
                var effectiveEnd = row.ExitDate ?? (wentMissing ? month.LastDay : null);
                into.Add(new FoldedEpisode(row, month, effectiveEnd, wentMissing));
            }
        }

        /// <summary>Whether <paramref name="row"/> is this provider's latest row of its episode.</summary>
        public bool Holds(CuratedEpisode row) => latest.TryGetValue(row.EpisodeId, out var kept) && ReferenceEquals(kept.Row, row);

        /// <summary>Whether this fold kept a live episode <paramref name="episodeId"/> whose rows carry <paramref name="provider"/>.</summary>
        public bool HasFoldedEpisode(string provider, string episodeId) =>
            latest.TryGetValue(episodeId, out var kept)
            && kept.Row.RecordStatus != RecordStatus.DELETED
            && string.Equals(kept.Row.ProviderCode, provider, StringComparison.OrdinalIgnoreCase);
    }
}
