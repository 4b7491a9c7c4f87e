using KpiPipeline.Core.Dataset;
using static KpiPipeline.Core.Dataset.CompactMeasure;

namespace KpiPipeline.Kpis.Engine;

/// <summary>One review of an episode that exists: its episode (an index into <see cref="EpisodeIndex.Episodes"/>), date, stage and measures.</summary>
internal readonly record struct ReviewFact(int Episode, int Date, ReviewStage Stage, int Order, ReviewMeasures Measures);

/// <summary>The review measures the KPIs read, two bytes each (<see cref="short.MinValue"/> for blank), not the whole row.</summary>
internal readonly struct ReviewMeasures(CuratedReview row)
{
    private readonly short goalsSet = Of(row.GoalsSet);
    private readonly short goalsProgressed = Of(row.GoalsProgressed);
    private readonly short barc10Score = Of(row.Barc10Score);
    private readonly short opiateDays = Of(row.OpiateDays);
    private readonly short injectingDays = Of(row.InjectingDays);
    private readonly short qualityOfLife = Of(row.QualityOfLife);
    private readonly short acuteHousingProblem = Of(row.AcuteHousingProblem);

    public int? GoalsSet => Number(goalsSet);

    public int? GoalsProgressed => Number(goalsProgressed);

    public int? Barc10Score => Number(barc10Score);

    public int? OpiateDays => Number(opiateDays);

    public int? InjectingDays => Number(injectingDays);

    public int? QualityOfLife => Number(qualityOfLife);

    public bool? AcuteHousingProblem => Flag(acuteHousingProblem);
}

/// <summary>
/// Puts the reviews in order per episode (kpis.md section 0, paired reviews): by date, and on one date REVIEW before EXIT,
/// so that the last qualifying review is LATEST; records on each episode where its reviews are and which of them is its
/// earliest START.
/// </summary>
internal static class ReviewIndex
{
    private const int NoEpisode = -1;

    public static ReviewFact[] Build(IReadOnlyList<CuratedReview> folded, EpisodeFact[] episodes, int parallelism)
    {
        // Episodes by provider, then by episode id: a review is looked up with one string hash, and reviews come in provider
        // blocks, so the provider's table is found again only when the provider changes.
        var episodesByProvider = new Dictionary<string, Dictionary<string, int>>(StringComparer.Ordinal);
        for (var i = 0; i < episodes.Length; i++)
        {
            if (!episodesByProvider.TryGetValue(episodes[i].ProviderCode, out var ofProvider))
            {
                episodesByProvider[episodes[i].ProviderCode] = ofProvider = new Dictionary<string, int>(StringComparer.Ordinal);
            }

            ofProvider[episodes[i].EpisodeId] = i;
        }

        // Each review is looked up on its own (the tables are only read), so ranges of reviews go to different threads.
        var sorted = new ReviewFact[folded.Count];
        const int Chunk = 16_384;
        Parallel.For(
            0,
            (sorted.Length + Chunk - 1) / Chunk,
            new ParallelOptions { MaxDegreeOfParallelism = parallelism },
            chunk =>
            {
                string? provider = null;
                Dictionary<string, int>? ofProvider = null;
                for (var i = chunk * Chunk; i < Math.Min(sorted.Length, (chunk + 1) * Chunk); i++)
                {
                    var review = folded[i];
                    if (!ReferenceEquals(review.ProviderCode, provider))
                    {
                        provider = review.ProviderCode;
                        ofProvider = episodesByProvider.GetValueOrDefault(provider.ToUpperInvariant());
                    }

                    sorted[i] = ofProvider is not null && ofProvider.TryGetValue(review.EpisodeId, out var episode)
                        ? new ReviewFact(episode, review.ReviewDate.DayNumber, review.Stage, i, new ReviewMeasures(review))
                        : new ReviewFact(NoEpisode, 0, default, i, default);
                }
            });

        // A review whose episode the fold does not hold is left out; the others keep their input order.
        var count = 0;
        foreach (var review in sorted)
        {
            if (review.Episode != NoEpisode)
            {
                sorted[count++] = review;
            }
        }

        // Per episode by date; on one date REVIEW sorts before EXIT, so the last qualifying review is LATEST. Sorted in
        // place (a national run has millions of reviews), ties in input order.
        Array.Resize(ref sorted, count);
        SortByEpisodeDateAndStage(sorted);
        var i2 = 0;
        while (i2 < sorted.Length)
        {
            var episode = sorted[i2].Episode;
            ref var e = ref episodes[episode];
            e.ReviewFrom = i2;
            e.StartReview = -1;
            while (i2 < sorted.Length && sorted[i2].Episode == episode)
            {
                if (e.StartReview < 0 && sorted[i2].Stage == ReviewStage.START)
                {
                    e.StartReview = i2 - e.ReviewFrom;
                }

                i2++;
            }

            e.ReviewTo = i2;
        }

        return sorted;
    }

    /// <summary>
    /// Sorts by episode, date, stage order and input order. When the four fit one 64-bit number (always, short of
    /// billions of reviews) the reviews are sorted by that number, several times faster than comparing them field by field.
    /// </summary>
    private static void SortByEpisodeDateAndStage(ReviewFact[] reviews)
    {
        if (reviews.Length == 0)
        {
            return;
        }

        var firstDate = int.MaxValue;
        var lastDate = int.MinValue;
        var lastEpisode = 0;
        var lastOrder = 0;
        foreach (var review in reviews)
        {
            firstDate = Math.Min(firstDate, review.Date);
            lastDate = Math.Max(lastDate, review.Date);
            lastEpisode = Math.Max(lastEpisode, review.Episode);
            lastOrder = Math.Max(lastOrder, review.Order);
        }

        var orderBits = BitsFor(lastOrder + 1);
        var dateBits = BitsFor(lastDate - firstDate + 1);
        const int StageBits = 2;
        if (BitsFor(lastEpisode + 1) + dateBits + StageBits + orderBits > 63)
        {
            Array.Sort(reviews, static (a, b) =>
                a.Episode != b.Episode ? a.Episode.CompareTo(b.Episode)
                : a.Date != b.Date ? a.Date.CompareTo(b.Date)
                : a.Stage != b.Stage ? StageOrder(a.Stage).CompareTo(StageOrder(b.Stage))
                : a.Order.CompareTo(b.Order));
            return;
        }

        var keys = new long[reviews.Length];
        for (var i = 0; i < reviews.Length; i++)
        {
            var r = reviews[i];
            long key = r.Episode;
            key = (key << dateBits) | (long)(r.Date - firstDate);
            key = (key << StageBits) | (long)StageOrder(r.Stage);
            keys[i] = (key << orderBits) | (long)r.Order;
        }

        Array.Sort(keys, reviews);
    }

    private static int BitsFor(int values) => values <= 1 ? 0 : 32 - int.LeadingZeroCount(values - 1);

    private static int StageOrder(ReviewStage stage) => stage switch
    {
        ReviewStage.START => 0,
        ReviewStage.REVIEW => 1,
        ReviewStage.EXIT => 2,
        _ => 3,
    };
}
