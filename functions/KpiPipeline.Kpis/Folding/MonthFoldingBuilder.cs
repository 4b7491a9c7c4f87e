using KpiPipeline.Core.Dataset;
using KpiPipeline.Kpis.Returns;

namespace KpiPipeline.Kpis.Folding;

/// <summary>
/// Folds accepted files as they arrive (dataset.md 2.3 and sections 3 and 4), so that a run never holds every month's
/// rows: one <see cref="ProviderFold"/> per provider. Each provider's files of one kind must be added in month order;
/// different providers may be added from different threads at once, but one provider's files from one thread at a time.
/// Folds made elsewhere (a provider's state read from storage) are added whole with <see cref="Add"/>.
/// </summary>
/// <param name="asOf">Months starting after this day are left out (dataset.md 2.3).</param>
/// <param name="keepRows">
/// True: <see cref="Build"/> gives the folded rows (<see cref="FoldedReturns.Episodes"/>, <see cref="FoldedReturns.Reviews"/>)
/// as well as what the KPI engine reads. False (a run over many providers): a provider's rows are let go when it is
/// completed (<see cref="CompleteProvider"/>, <see cref="Add"/>), once the values the engine reads are made, so that the run
/// never holds every provider's rows; the built returns then have no rows to show, only the engine's input.
/// </param>
public sealed class MonthFoldingBuilder(DateOnly asOf, bool keepRows = true)
{
    private readonly Dictionary<string, ProviderFold> providers = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock gate = new();

    /// <summary>The fold of <paramref name="providerCode"/>, made (with this builder's as-of date) when it has none yet.</summary>
    public ProviderFold Provider(string providerCode)
    {
        lock (gate)
        {
            if (!providers.TryGetValue(providerCode, out var fold))
            {
                fold = new ProviderFold(providerCode.ToUpperInvariant(), asOf);
                providers.Add(providerCode, fold);
            }

            return fold;
        }
    }

    /// <summary>
    /// Adds a provider's fold made elsewhere, complete (<see cref="CompleteProvider"/>). It must hold no month starting
    /// after this builder's as-of date (such a provider is folded again from its files with the date): a fold cannot leave
    /// a month out once it has taken it.
    /// </summary>
    public void Add(ProviderFold fold)
    {
        ArgumentNullException.ThrowIfNull(fold);
        if (fold.LatestMonth is { } latest && !latest.IsReadAsOf(asOf))
        {
            throw new ArgumentException(
                $"The fold of {fold.ProviderCode} holds {latest}, after the as-of date {asOf:yyyy-MM-dd}: fold its files with the date instead.", nameof(fold));
        }

        lock (gate)
        {
            if (!providers.TryAdd(fold.ProviderCode, fold))
            {
                throw new InvalidOperationException($"The builder already has a fold of {fold.ProviderCode}.");
            }
        }

        Complete(fold);
    }

    public void AddEpisodesFile(ReturnPath path, IReadOnlyList<CuratedEpisode> rows)
    {
        ArgumentNullException.ThrowIfNull(path);
        Provider(path.ProviderCode).AddEpisodes(path, rows);
    }

    public void AddReviewsFile(ReturnPath path, IReadOnlyList<CuratedReview> rows)
    {
        ArgumentNullException.ThrowIfNull(path);
        Provider(path.ProviderCode).AddReviews(path, rows);
    }

    public void AddNspFile(ReturnPath path, IReadOnlyList<NspMonthTotals> totals)
    {
        ArgumentNullException.ThrowIfNull(path);
        Provider(path.ProviderCode).AddNsp(path, totals);
    }

    /// <summary>A provider's accepted workforce.csv of one month (its one row); months in order, as for the other kinds.</summary>
    public void AddWorkforceFile(ReturnPath path, CuratedWorkforce row)
    {
        ArgumentNullException.ThrowIfNull(path);
        Provider(path.ProviderCode).AddWorkforce(path, row);
    }

    /// <summary>
    /// Declares that a provider will send no more files: its reviews are kept as a compact array from then on rather than
    /// in the de-duplicating dictionary, and without <c>keepRows</c> its rows are let go once the engine's values are made.
    /// Optional; <see cref="Build"/> does the same for every provider.
    /// </summary>
    public void CompleteProvider(string providerCode)
    {
        ProviderFold? fold;
        lock (gate)
        {
            providers.TryGetValue(providerCode, out fold);
        }

        if (fold is not null)
        {
            Complete(fold);
        }
    }

    /// <summary>Completes a provider's fold; without <c>keepRows</c> its rows go once the engine's values are made.</summary>
    private void Complete(ProviderFold fold)
    {
        if (keepRows)
        {
            fold.Complete();
        }
        else
        {
            fold.ToFacts(release: true);
        }
    }

    /// <summary>The fold of every file added, providers in code order (ordinal, ignoring case). Empties the builder.</summary>
    public FoldedReturns Build()
    {
        var ordered = providers.OrderBy(p => p.Key, StringComparer.OrdinalIgnoreCase).Select(p => p.Value).ToList();
        var facts = ordered.Select(fold => fold.ToFacts(release: !keepRows)).ToList();
        var episodes = new List<FoldedEpisode>(ordered.Sum(p => p.EpisodeCount));
        var missing = new List<MissingEpisodeEvent>();
        var reviewBlocks = new List<StoredReview[]>(ordered.Count);
        foreach (var fold in ordered)
        {
            fold.FoldEpisodes(episodes);
            missing.AddRange(fold.MissingEvents);
            reviewBlocks.Add(fold.KeepReviews());
        }

        var kinds = Enum.GetValues<ReturnFileKind>();
        var used = kinds.SelectMany(kind => ordered.SelectMany(p => p.FilesOf(kind))).ToList();
        var nsp = ordered.SelectMany(p => p.Nsp).ToList();
        var warnings = ordered.SelectMany(p => p.Warnings).OrderBy(w => w.Kind).Select(w => w.Text);
        var folded = new FoldedReturns(episodes, new StoredReviewList(reviewBlocks), nsp, missing, used, [.. warnings])
        {
            Workforce = [.. ordered.SelectMany(p => p.Workforce)],
            Facts = facts,
        };
        providers.Clear();
        return folded;
    }
}
