using KpiPipeline.Core.Dataset;
using static KpiPipeline.Core.Dataset.CompactMeasure;

namespace KpiPipeline.Kpis.Engine;

/// <summary>One review of an episode that exists: its episode (an index into its provider's episodes), date, stage, order in the provider's input and measures.</summary>
internal readonly record struct ReviewFact(int Episode, int Date, ReviewStage Stage, int Order, ReviewMeasures Measures);

/// <summary>
/// The review measures the KPIs read, two bytes each as <see cref="CompactMeasure"/> stores them (<see cref="short.MinValue"/>
/// for blank), not the whole row.
/// </summary>
internal readonly struct ReviewMeasures(
    short goalsSet, short goalsProgressed, short barc10Score, short opiateDays, short injectingDays, short qualityOfLife, short acuteHousingProblem)
{

    public int? GoalsSet => Number(goalsSet);

    public int? GoalsProgressed => Number(goalsProgressed);

    public int? Barc10Score => Number(barc10Score);

    public int? OpiateDays => Number(opiateDays);

    public int? InjectingDays => Number(injectingDays);

    public int? QualityOfLife => Number(qualityOfLife);

    public bool? AcuteHousingProblem => Flag(acuteHousingProblem);
}

/// <summary>
/// Puts one provider's reviews in order per episode (kpis.md section 0, paired reviews): by date, and on one date REVIEW
/// before EXIT, so that the last qualifying review is LATEST; records on each episode where its reviews are and which of
/// them is its earliest START.
/// </summary>
internal static class ReviewIndex
{
    /// <summary>
    /// Sorts <paramref name="reviews"/> (each naming its episode in <paramref name="episodes"/>, and its place in the
    /// provider's input as its order) in place and sets each episode's review range.
    /// </summary>
    public static void Attach(ReviewFact[] reviews, EpisodeFact[] episodes)
    {
        SortByEpisodeDateAndStage(reviews);
        var i = 0;
        while (i < reviews.Length)
        {
            var episode = reviews[i].Episode;
            ref var e = ref episodes[episode];
            e.ReviewFrom = i;
            e.StartReview = -1;
            while (i < reviews.Length && reviews[i].Episode == episode)
            {
                if (e.StartReview < 0 && reviews[i].Stage == ReviewStage.START)
                {
                    e.StartReview = i - e.ReviewFrom;
                }

                i++;
            }

            e.ReviewTo = i;
        }
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
