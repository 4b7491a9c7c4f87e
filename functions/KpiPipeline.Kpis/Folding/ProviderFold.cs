using System.Runtime.InteropServices;
using KpiPipeline.Core.Dataset;
using KpiPipeline.Core.Validation;
using KpiPipeline.Kpis.Engine;
using KpiPipeline.Kpis.Returns;

namespace KpiPipeline.Kpis.Folding;

/// <summary>
/// One provider's accepted files folded as they arrive (dataset.md 2.3 and sections 3, 4 and 6): the latest row of each
/// episode with its month, the episode-missing events (DQ03), the latest version of each review, the NSP sums of each
/// month and the workforce months, with the files they came from. It is also the provider's validation history: every
/// episode id it has sent (W03) and the episodes its latest episodes file left open, with their rows (W02). <c>kpi process</c> builds one per
/// provider while it validates; the function app keeps one per provider in storage (its per-kind parts written as Parquet)
/// and brings it up to date when a month is accepted. Files of one kind must be added in month order; one thread at a time.
/// </summary>
public sealed class ProviderFold
{
    private static readonly int Kinds = Enum.GetValues<ReturnFileKind>().Length;

    private readonly DateOnly? asOf;
    // Each episode's latest row, its month and its row number in that month's file, and the episode's rank in the order
    // episodes first appeared.
    private readonly Dictionary<string, (CuratedEpisode Row, ReportingMonth Month, int RowInFile, int Rank)> latest = new(StringComparer.Ordinal);
    private readonly ReportingMonth?[] lastMonth = new ReportingMonth?[Kinds];
    private readonly ReportingMonth?[] lastAdded = new ReportingMonth?[Kinds];
    private readonly List<ReturnPath>[] used = [.. Enumerable.Range(0, Kinds).Select(_ => new List<ReturnPath>())];
    private readonly List<MissingEpisodeEvent> missing = [];
    private readonly List<NspMonthTotals> nsp = [];
    private readonly List<WorkforceMonth> workforce = [];
    private readonly List<(ReturnFileKind Kind, ReportingMonth Month, string Text)> warnings = [];
    private Dictionary<(string Episode, int Day, byte Stage), int>? reviewIndex = [];
    private List<StoredReview> reviews = [];
    private StoredReview[]? completedReviews;
    private HashSet<string>? knownEpisodeIds = new(StringComparer.Ordinal);
    private HashSet<string>? deletedEpisodeIds = new(StringComparer.Ordinal);
    private List<OpenEpisode>? openAtLatest;

    // The episodes open at the end of the latest episodes month folded, in first-seen order, as that month's file left them;
    // null when not known (a restored fold), when they are read from the rows.
    private List<OpenEpisode>? openAtLastFolded;

    /// <param name="providerCode">The provider (upper case, as in a <see cref="ReturnPath"/>).</param>
    /// <param name="asOf">
    /// Files for months starting after this day are left out of the fold with a warning (dataset.md 2.3); they still count
    /// as validation history. Null: every month counts (the state kept in storage, cut at the as-of date of each KPI run).
    /// </param>
    public ProviderFold(string providerCode, DateOnly? asOf = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(providerCode);
        ProviderCode = providerCode;
        this.asOf = asOf;
    }

    public string ProviderCode { get; }

    /// <summary>Every episode id of every accepted episodes file (W03), one string per episode shared with the rows.</summary>
    /// <exception cref="InvalidOperationException">After <see cref="Complete"/>.</exception>
    public HashSet<string> KnownEpisodeIds => knownEpisodeIds ?? throw CompletedError();

    /// <summary>
    /// The known episodes whose latest accepted row is <c>DELETED</c> (W03: their reviews are left out of the KPIs), kept as
    /// rows are added: a set changed only when an episode's status changes, not made for every month.
    /// </summary>
    /// <exception cref="InvalidOperationException">After <see cref="Complete"/>.</exception>
    public IReadOnlySet<string> DeletedEpisodeIds => deletedEpisodeIds ?? throw CompletedError();

    /// <summary>The month of the latest accepted episodes file, months after the as-of date included.</summary>
    public ReportingMonth? LatestEpisodesMonth => lastAdded[(int)ReturnFileKind.Episodes];

    /// <summary>The latest month of any file folded (months after the as-of date left out); null when none.</summary>
    public ReportingMonth? LatestMonth => lastMonth.Max();

    /// <summary>The number of episodes with a latest row (deleted ones included).</summary>
    public int EpisodeCount => latest.Count;

    /// <summary>
    /// W02: the episodes open (no exit, not deleted) at the end of the latest accepted episodes month before
    /// <paramref name="month"/>, each once with that month and the row it stood on in that month's file, in the order they
    /// first appeared; empty when there is none. Null when that month is not the latest episodes month this fold holds (a
    /// resubmission of an older month): the caller reads the file of that month instead. The fold's own list, not a set
    /// made for each month: W02 only goes through it.
    /// </summary>
    public IReadOnlyCollection<OpenEpisode>? OpenBefore(ReportingMonth month)
    {
        if (LatestEpisodesMonth is not { } latestMonth)
        {
            return EmptyIds;
        }

        return latestMonth < month ? openAtLatest ??= OpenAtLatestFolded(latestMonth) : null;
    }

    private static readonly IReadOnlyCollection<OpenEpisode> EmptyIds = [];

    /// <summary>The files folded of one kind, in month order.</summary>
    public IReadOnlyList<ReturnPath> FilesOf(ReturnFileKind kind) => used[(int)kind];

    /// <summary>
    /// Each episode's latest row (DELETED ones included) with its month and its row number in that month's file (1 = the
    /// first row under the header: the files are added with all their rows in file order), in the order the episodes first appeared.
    /// </summary>
    public IEnumerable<(CuratedEpisode Row, ReportingMonth Month, int RowInFile)> LatestEpisodes => latest.Values.Select(e => (e.Row, e.Month, e.RowInFile));

    /// <summary>The DQ03 events: episodes a later episodes file left out, in the order they were found.</summary>
    public IReadOnlyList<MissingEpisodeEvent> MissingEvents => missing;

    /// <summary>The latest version of each review (dataset.md section 3), in the order the reviews first appeared.</summary>
    public IEnumerable<CuratedReview> Reviews => (completedReviews ?? (IEnumerable<StoredReview>)reviews).Select(r => r.ToRow());

    /// <summary>The NSP sums per transaction month of every nsp.csv folded, in file order.</summary>
    public IReadOnlyList<NspMonthTotals> Nsp => nsp;

    /// <summary>Every accepted workforce month, in month order.</summary>
    public IReadOnlyList<WorkforceMonth> Workforce => workforce;

    /// <summary>Lines for the run log: files left out because their month starts after the as-of date.</summary>
    public IEnumerable<(ReturnFileKind Kind, ReportingMonth Month, string Text)> Warnings => warnings;

    /// <summary>
    /// Folds an accepted episodes.csv: <paramref name="rows"/> are all its rows in file order (its curated copy), so that the
    /// n-th is the row a W02 names as row n.
    /// </summary>
    public void AddEpisodes(ReturnPath path, IReadOnlyList<CuratedEpisode> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var counts = Use(path, ReturnFileKind.Episodes);
        var known = KnownEpisodeIds;
        if (!counts)
        {
            // A month after the as-of date: history for validation only, its open episodes those of its own rows.
            known.UnionWith(rows.Select(r => r.EpisodeId));
            foreach (var row in rows)
            {
                NoteDeleted(row.EpisodeId, row.RecordStatus == RecordStatus.DELETED);
            }

            openAtLatest = [.. rows.Select((r, i) => (Row: r, Number: i + 1)).Where(r => IsOpen(r.Row))
                .Select(r => new OpenEpisode(r.Row.EpisodeId, path.Month, r.Number)).DistinctBy(e => e.EpisodeId, StringComparer.Ordinal)];
            return;
        }

        var files = used[(int)ReturnFileKind.Episodes];
        var previous = files.Count > 1 ? files[^2].Month : (ReportingMonth?)null;
        var previousOpen = previous is { } month ? OpenAtLatestFolded(month) : [];
        // Each row sent, keyed by its episode's rank and then its place in the file (both unique together).
        var sentKeys = new long[rows.Count];
        var sentRows = new CuratedEpisode[rows.Count];
        var sentCount = 0;
        foreach (var row in rows)
        {
            ref var entry = ref CollectionsMarshal.GetValueRefOrAddDefault(latest, row.EpisodeId, out var seen);
            if (!seen)
            {
                // Every episode with a latest row is known already; only a new one is added.
                known.Add(row.EpisodeId);
                entry.Rank = latest.Count - 1;
            }

            var deleted = row.RecordStatus == RecordStatus.DELETED;
            if (deleted != (seen && entry.Row.RecordStatus == RecordStatus.DELETED))
            {
                NoteDeleted(row.EpisodeId, deleted);
            }

            entry = (row, path.Month, sentCount + 1, entry.Rank);
            sentKeys[sentCount] = SentKey(entry.Rank, sentCount);
            sentRows[sentCount++] = row;
        }

        openAtLastFolded = OpenInFirstSeenOrder(sentKeys, sentRows, path.Month);

        foreach (var open in previousOpen)
        {
            if (latest[open.EpisodeId].Month != path.Month)
            {
                missing.Add(new MissingEpisodeEvent(path.ProviderCode, open.EpisodeId, previous!.Value, path.Month));
            }
        }

        openAtLatest = null;
    }

    public void AddReviews(ReturnPath path, IReadOnlyList<CuratedReview> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (Use(path, ReturnFileKind.Reviews))
        {
            AddReviewRows(rows);
        }
    }

    public void AddNsp(ReturnPath path, IReadOnlyList<NspMonthTotals> totals)
    {
        ArgumentNullException.ThrowIfNull(totals);
        if (Use(path, ReturnFileKind.Nsp))
        {
            nsp.AddRange(totals);
        }
    }

    /// <summary>A provider's accepted workforce.csv of one month (its one row).</summary>
    public void AddWorkforce(ReturnPath path, CuratedWorkforce row)
    {
        ArgumentNullException.ThrowIfNull(row);
        if (Use(path, ReturnFileKind.Workforce))
        {
            workforce.Add(new WorkforceMonth(path.ProviderCode, path.Month, row));
        }
    }

    /// <summary>
    /// Restores the episodes part of a fold kept elsewhere (<see cref="FilesOf"/>, <see cref="LatestEpisodes"/> and
    /// <see cref="MissingEvents"/> of an earlier fold, in their order): the fold then goes on as if it had added those files.
    /// </summary>
    public void RestoreEpisodes(
        IReadOnlyList<ReturnPath> files, IEnumerable<(CuratedEpisode Row, ReportingMonth Month, int RowInFile)> latestRows, IEnumerable<MissingEpisodeEvent> events)
    {
        ArgumentNullException.ThrowIfNull(latestRows);
        ArgumentNullException.ThrowIfNull(events);
        Restore(files, ReturnFileKind.Episodes);
        var known = KnownEpisodeIds;
        foreach (var (row, month, rowInFile) in latestRows)
        {
            latest.Add(row.EpisodeId, (row, month, rowInFile, latest.Count));
            known.Add(row.EpisodeId);
            if (row.RecordStatus == RecordStatus.DELETED)
            {
                NoteDeleted(row.EpisodeId, deleted: true);
            }
        }

        missing.AddRange(events);
    }

    /// <summary>Restores the reviews part of a fold kept elsewhere (<see cref="Reviews"/> in its order).</summary>
    public void RestoreReviews(IReadOnlyList<ReturnPath> files, IEnumerable<CuratedReview> latestReviews)
    {
        ArgumentNullException.ThrowIfNull(latestReviews);
        Restore(files, ReturnFileKind.Reviews);
        AddReviewRows(latestReviews);
    }

    /// <summary>Restores the NSP part of a fold kept elsewhere.</summary>
    public void RestoreNsp(IReadOnlyList<ReturnPath> files, IEnumerable<NspMonthTotals> totals)
    {
        ArgumentNullException.ThrowIfNull(totals);
        Restore(files, ReturnFileKind.Nsp);
        nsp.AddRange(totals);
    }

    /// <summary>Restores the workforce part of a fold kept elsewhere.</summary>
    public void RestoreWorkforce(IReadOnlyList<ReturnPath> files, IEnumerable<WorkforceMonth> months)
    {
        ArgumentNullException.ThrowIfNull(months);
        Restore(files, ReturnFileKind.Workforce);
        workforce.AddRange(months);
    }

    /// <summary>
    /// Declares that no more files will come: the validation history is dropped and the reviews are kept as one compact
    /// array rather than in the de-duplicating index. Optional; the fold's consumers call it.
    /// </summary>
    public void Complete()
    {
        knownEpisodeIds = null;
        deletedEpisodeIds = null;
        openAtLatest = null;
        openAtLastFolded = null;
        if (completedReviews is null)
        {
            completedReviews = [.. reviews];
            reviews = [];
            reviewIndex = null;
        }
    }

    /// <summary>The episodes to fold into the KPI input: every latest row but the DELETED, with its end (dataset.md 2.3).</summary>
    internal void FoldEpisodes(List<FoldedEpisode> into) =>
        into.AddRange(LiveEpisodes().Select(e => new FoldedEpisode(e.Row, e.Month, e.EffectiveEnd, e.WentMissing)));

    /// <summary>
    /// Every latest row but the DELETED, with its month and its end: the exit, or for an episode that went missing (no exit
    /// and a later episodes file) the last day of its month.
    /// </summary>
    private IEnumerable<(CuratedEpisode Row, ReportingMonth Month, DateOnly? EffectiveEnd, bool WentMissing)> LiveEpisodes()
    {
        if (lastMonth[(int)ReturnFileKind.Episodes] is not { } lastFileMonth)
        {
            yield break;
        }

        foreach (var (row, month, _, _) in latest.Values)
        {
            if (row.RecordStatus != RecordStatus.DELETED)
            {
                var wentMissing = row.ExitDate is null && month < lastFileMonth;
                yield return (row, month, row.ExitDate ?? (wentMissing ? month.LastDay : null), wentMissing);
            }
        }
    }

    /// <summary>The completed reviews of this provider's live episodes (<see cref="HasFoldedEpisode"/>); the fold gives them up.</summary>
    internal StoredReview[] KeepReviews()
    {
        Complete();
        var all = completedReviews!;
        completedReviews = [];
        return all.All(IsOfLiveEpisode) ? all : [.. all.Where(IsOfLiveEpisode)];
    }

    /// <summary>
    /// The facts the KPIs read of this completed fold (<see cref="FoldEpisodes"/> and <see cref="KeepReviews"/>, as values).
    /// With <paramref name="release"/> the fold lets its episodes and reviews go once they are made: <see cref="Facts"/>
    /// holds them, and the fold keeps only its files, NSP totals, workforce months, events and warnings.
    /// </summary>
    internal ProviderFacts ToFacts(bool release)
    {
        Complete();
        if (Facts is { } made)
        {
            return made;
        }

        var episodes = new List<EpisodeFact>(latest.Count);
        var clients = new List<ClientKey>(latest.Count);
        var live = new Dictionary<string, int>(latest.Count, StringComparer.Ordinal);
        foreach (var (row, _, effectiveEnd, _) in LiveEpisodes())
        {
            if (string.Equals(row.ProviderCode, ProviderCode, StringComparison.OrdinalIgnoreCase))
            {
                live[row.EpisodeId] = episodes.Count;
            }

            episodes.Add(EpisodeIndex.FactOf(row, effectiveEnd));
            clients.Add(new ClientKey(row.ClientKey));
        }

        var stored = completedReviews!;
        var reviews = new List<ReviewFact>(stored.Length);
        for (var i = 0; i < stored.Length; i++)
        {
            var review = stored[i];
            if (string.Equals(review.ProviderCode, ProviderCode, StringComparison.OrdinalIgnoreCase)
                && live.TryGetValue(review.EpisodeId, out var at))
            {
                reviews.Add(new ReviewFact(at, review.Day, review.Stage, i, review.Measures));
            }
        }

        var episodeFacts = episodes.ToArray();
        var reviewFacts = reviews.ToArray();
        ReviewIndex.Attach(reviewFacts, episodeFacts);
        var facts = new ProviderFacts(episodeFacts, [.. clients], reviewFacts);
        if (release)
        {
            Facts = facts;
            latest.Clear();
            latest.TrimExcess();
            completedReviews = [];
        }

        return facts;
    }

    /// <summary>The facts made by <see cref="ToFacts"/> when it let the rows go; null before.</summary>
    internal ProviderFacts? Facts { get; private set; }

    /// <summary>Whether <paramref name="review"/> is of this provider and of a live episode this fold kept for it.</summary>
    private bool IsOfLiveEpisode(StoredReview review) =>
        string.Equals(review.ProviderCode, ProviderCode, StringComparison.OrdinalIgnoreCase) && HasFoldedEpisode(ProviderCode, review.EpisodeId);

    /// <summary>Whether this fold kept a live episode <paramref name="episodeId"/> whose rows carry <paramref name="provider"/>.</summary>
    private bool HasFoldedEpisode(string provider, string episodeId) =>
        latest.TryGetValue(episodeId, out var kept)
        && kept.Row.RecordStatus != RecordStatus.DELETED
        && string.Equals(kept.Row.ProviderCode, provider, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The episodes open at the end of <paramref name="month"/>, the latest episodes month folded: its file's rows with no exit
    /// and not deleted, with their row numbers, in first-seen order. Kept from the file as it was added; read from every
    /// episode's latest row after a restore.
    /// </summary>
    private List<OpenEpisode> OpenAtLatestFolded(ReportingMonth month) =>
        openAtLastFolded ?? [.. latest.Values.Where(e => e.Month == month && IsOpen(e.Row)).Select(e => new OpenEpisode(e.Row.EpisodeId, month, e.RowInFile))];

    /// <summary>
    /// The episodes open at the end of <paramref name="month"/>, whose rows were just sent (<paramref name="rows"/>, each
    /// under its <see cref="SentKey"/>): each episode by its last row (an id sent twice counts once), with no exit and not
    /// deleted, with that row's number, in first-seen order. The keys are sorted as numbers with the rows beside them:
    /// sorting tuples through a comparison delegate cost 1 % of a fifth-size run's processor time.
    /// </summary>
    private static List<OpenEpisode> OpenInFirstSeenOrder(long[] keys, CuratedEpisode[] rows, ReportingMonth month)
    {
        Array.Sort(keys, rows);
        var open = new List<OpenEpisode>(keys.Length);
        for (var i = 0; i < keys.Length; i++)
        {
            var lastOfEpisode = i + 1 == keys.Length || RankOf(keys[i + 1]) != RankOf(keys[i]);
            if (lastOfEpisode && IsOpen(rows[i]))
            {
                open.Add(new OpenEpisode(rows[i].EpisodeId, month, OrderOf(keys[i]) + 1));
            }
        }

        return open;
    }

    /// <summary>A row's sort key: its episode's first-seen rank, then its place in the file (both from 0).</summary>
    private static long SentKey(int rank, int order) => ((long)rank << 32) | (uint)order;

    private static int RankOf(long key) => (int)(key >> 32);

    private static int OrderOf(long key) => (int)(uint)key;

    /// <summary>What asking a completed fold for its validation history throws.</summary>
    private InvalidOperationException CompletedError() => new($"The fold of {ProviderCode} is completed.");

    private void NoteDeleted(string episodeId, bool deleted)
    {
        var ids = deletedEpisodeIds ?? throw CompletedError();
        if (deleted)
        {
            ids.Add(episodeId);
        }
        else
        {
            ids.Remove(episodeId);
        }
    }

    private static bool IsOpen(CuratedEpisode row) => row.RecordStatus == RecordStatus.ACTIVE && row.ExitDate is null;

    private void AddReviewRows(IEnumerable<CuratedReview> rows)
    {
        if (reviewIndex is null)
        {
            throw new InvalidOperationException($"Reviews of {ProviderCode} were added after the fold was completed.");
        }

        foreach (var row in rows)
        {
            var review = new StoredReview(row);
            if (reviewIndex.TryGetValue(review.Key, out var at))
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

    /// <summary>Records the file; false when its month starts after the as-of date (left out of the fold, with a warning).</summary>
    private bool Use(ReturnPath path, ReturnFileKind kind)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!string.Equals(path.ProviderCode, ProviderCode, StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"{path.BlobName} is not a file of {ProviderCode}.", nameof(path));
        }

        if (kind == ReturnFileKind.Reviews && reviewIndex is null)
        {
            throw new InvalidOperationException($"{path.BlobName} was added after the provider was completed.");
        }

        if (lastAdded[(int)kind] is { } month && path.Month <= month)
        {
            throw new InvalidOperationException(
                $"{path.BlobName} was added after the provider's file for {month}: a provider's files must be added in month order.");
        }

        lastAdded[(int)kind] = path.Month;
        if (asOf is { } day && !path.Month.IsReadAsOf(day))
        {
            warnings.Add((kind, path.Month, $"Ignored {path.BlobName}: the month starts after the as-of date {asOf:yyyy-MM-dd}."));
            return false;
        }

        lastMonth[(int)kind] = path.Month;
        used[(int)kind].Add(path);
        return true;
    }

    private void Restore(IReadOnlyList<ReturnPath> files, ReturnFileKind kind)
    {
        ArgumentNullException.ThrowIfNull(files);
        if (asOf is not null)
        {
            throw new InvalidOperationException("Only a fold without an as-of date is restored: a stored state keeps every month.");
        }

        if (lastAdded[(int)kind] is not null)
        {
            throw new InvalidOperationException($"The {kind} part of the fold of {ProviderCode} is already filled.");
        }

        foreach (var file in files)
        {
            if (file.Kind != kind)
            {
                throw new ArgumentException($"{file.BlobName} is not a {kind} file.", nameof(files));
            }

            Use(file, kind);
        }
    }
}
