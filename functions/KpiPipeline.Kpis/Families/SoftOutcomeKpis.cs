using KpiPipeline.Core.Dataset;
using KpiPipeline.Kpis.Catalogue;
using KpiPipeline.Kpis.Engine;

namespace KpiPipeline.Kpis.Families;

/// <summary>
/// Soft outcomes (kpis.md section 6): SOFT01–SOFT06 from paired reviews of episodes in treatment (START = the episode's
/// earliest START review; LATEST = its latest REVIEW or EXIT review dated in P and after START, EXIT winning a shared
/// date; a pair counts for a measure when both hold it), SOFT07 from the goals of every review in P and SOFT08 from review
/// coverage of open episodes. The reviews of each episode come in date order from the shared <see cref="ReviewIndex"/>.
/// </summary>
internal sealed class SoftOutcomeKpis(CounterSpace space)
{
    /// <summary>SOFT02: a BARC-10 recovery capital score counted as high, inclusive.</summary>
    public const int HighRecoveryCapital = 47;

    /// <summary>SOFT08: an open episode is due a review once it started at least this many days before P.end.</summary>
    public const int ReviewDueAfterDays = 84;

    /// <summary>SOFT08: a REVIEW dated in (P.end − 112, P.end] counts.</summary>
    public const int ReviewWindowDays = 112;

    private enum Counter
    {
        /// <summary>SOFT01/SOFT02 denominator: episodes paired on barc10_score.</summary>
        Barc10Paired,

        /// <summary>SOFT01 numerator: the sum of LATEST − START barc10_score.</summary>
        Barc10ChangeSum,

        /// <summary>SOFT02 numerator: LATEST barc10_score at least <see cref="HighRecoveryCapital"/>.</summary>
        Barc10High,

        /// <summary>SOFT03 denominator: paired on opiate_days with START above 0.</summary>
        OpiateUsersPaired,

        /// <summary>SOFT03 numerator: LATEST opiate_days 0.</summary>
        OpiateAbstinent,

        /// <summary>SOFT04 denominator: paired on injecting_days with START above 0.</summary>
        InjectorsPaired,

        /// <summary>SOFT04 numerator: LATEST injecting_days 0.</summary>
        StoppedInjecting,

        /// <summary>SOFT05 denominator: episodes paired on quality_of_life.</summary>
        QualityOfLifePaired,

        /// <summary>SOFT05 numerator: the sum of LATEST − START quality_of_life.</summary>
        QualityOfLifeChangeSum,

        /// <summary>SOFT06 denominator: paired on acute_housing_problem with START Y.</summary>
        HousingProblemPaired,

        /// <summary>SOFT06 numerator: LATEST N.</summary>
        HousingResolved,

        /// <summary>SOFT07 denominator: REVIEW/EXIT reviews in P with goals_set ≥ 1.</summary>
        GoalReviews,

        /// <summary>SOFT07 numerator: those with goals_progressed ≥ 1.</summary>
        GoalsProgressed,

        /// <summary>SOFT08 denominator: episodes open at P.end that started at least <see cref="ReviewDueAfterDays"/> before it.</summary>
        ReviewDue,

        /// <summary>SOFT08 numerator: those with a REVIEW in the last <see cref="ReviewWindowDays"/> days of P.</summary>
        ReviewDone,
    }

    private readonly Counters<Counter> counters = space.Create(Counter.OpiateUsersPaired, Counter.OpiateAbstinent);

    public static IReadOnlyList<KpiEntry> Kpis { get; } =
    [
        new(
            new KpiDefinition(
                Id: KpiIds.Soft01,
                Title: "Recovery capital change",
                Category: KpiCategory.Soft,
                Unit: KpiUnit.Score,
                Polarity: KpiPolarity.HigherIsBetter,
                Definition: "The average change in recovery capital (BARC-10 score) from the start review to the latest review in the quarter."),
            Formula: static (run, at) => Figures.Mean(run.SoftOutcomes.counters[at, Counter.Barc10ChangeSum], run.SoftOutcomes.counters[at, Counter.Barc10Paired])),
        new(
            new KpiDefinition(
                Id: KpiIds.Soft02,
                Title: "Recovery capital 47 or more",
                Category: KpiCategory.Soft,
                Unit: KpiUnit.Percent,
                Polarity: KpiPolarity.HigherIsBetter,
                Definition: "Of the episodes with a start and a latest BARC-10 score, the percentage whose latest score is 47 or more."),
            Formula: static (run, at) => Figures.Percent(run.SoftOutcomes.counters[at, Counter.Barc10High], run.SoftOutcomes.counters[at, Counter.Barc10Paired])),
        new(
            new KpiDefinition(
                Id: KpiIds.Soft03,
                Title: "Opiate abstinent",
                Category: KpiCategory.Soft,
                Unit: KpiUnit.Percent,
                Polarity: KpiPolarity.HigherIsBetter,
                DefaultTarget: 50m,
                HasBreakdowns: true,
                Definition: "Of the episodes using opiates at the start review, the percentage using none in the 28 days before the latest review in the quarter."),
            Formula: static (run, at) => Figures.Percent(run.SoftOutcomes.counters[at, Counter.OpiateAbstinent], run.SoftOutcomes.counters[at, Counter.OpiateUsersPaired])),
        new(
            new KpiDefinition(
                Id: KpiIds.Soft04,
                Title: "Stopped injecting",
                Category: KpiCategory.Soft,
                Unit: KpiUnit.Percent,
                Definition: "Of the episodes injecting at the start review, the percentage not injecting in the 28 days before the latest review in the quarter."),
            Formula: static (run, at) => Figures.Percent(run.SoftOutcomes.counters[at, Counter.StoppedInjecting], run.SoftOutcomes.counters[at, Counter.InjectorsPaired])),
        new(
            new KpiDefinition(
                Id: KpiIds.Soft05,
                Title: "Quality of life change",
                Category: KpiCategory.Soft,
                Unit: KpiUnit.Score,
                Polarity: KpiPolarity.HigherIsBetter,
                Definition: "The average change in self-rated quality of life from the start review to the latest review in the quarter."),
            Formula: static (run, at) => Figures.Mean(run.SoftOutcomes.counters[at, Counter.QualityOfLifeChangeSum], run.SoftOutcomes.counters[at, Counter.QualityOfLifePaired])),
        new(
            new KpiDefinition(
                Id: KpiIds.Soft06,
                Title: "Housing problem resolved",
                Category: KpiCategory.Soft,
                Unit: KpiUnit.Percent,
                Definition: "Of the episodes with an acute housing problem at the start review, the percentage without one at the latest review in the quarter."),
            Formula: static (run, at) => Figures.Percent(run.SoftOutcomes.counters[at, Counter.HousingResolved], run.SoftOutcomes.counters[at, Counter.HousingProblemPaired])),
        new(
            new KpiDefinition(
                Id: KpiIds.Soft07,
                Title: "Goals progressed",
                Category: KpiCategory.Soft,
                Unit: KpiUnit.Percent,
                Definition: "Of the reviews in the quarter that set at least one goal, the percentage recording progress on at least one goal."),
            Formula: static (run, at) => Figures.Percent(run.SoftOutcomes.counters[at, Counter.GoalsProgressed], run.SoftOutcomes.counters[at, Counter.GoalReviews])),
        new(
            new KpiDefinition(
                Id: KpiIds.Soft08,
                Title: "Outcome review coverage",
                Category: KpiCategory.Soft,
                Unit: KpiUnit.Percent,
                Polarity: KpiPolarity.HigherIsBetter,
                DefaultTarget: 80m,
                Definition: "Of the episodes open at the quarter end that started at least 12 weeks before it, the percentage with a review in the last 16 weeks of the quarter."),
            Formula: static (run, at) => Figures.Percent(run.SoftOutcomes.counters[at, Counter.ReviewDone], run.SoftOutcomes.counters[at, Counter.ReviewDue])),
    ];

    /// <summary>An episode in treatment in the quarter: its reviews (SOFT01–SOFT07) and whether it was due one (SOFT08).</summary>
    public void CountInTreatment(in EpisodeInQuarter x)
    {
        ref readonly var e = ref x.Episode;
        var reviews = x.Reviews;
        var due = e.EffectiveEnd > x.PeriodEnd && e.Start <= x.PeriodEnd - ReviewDueAfterDays;
        if (reviews.IsEmpty)
        {
            if (due)
            {
                counters.Add(x.Period, Counter.ReviewDue, x.Chain);
            }

            return;
        }

        // Every review that matters in P is dated in (P.end − 112, P.end], which holds all of P: a review counts for SOFT08 in
        // that window and for SOFT01–SOFT07 in P. The episode's reviews are in date order, so only that window is read.
        var latest = -1;
        var reviewedRecently = false;
        var startDate = e.StartReview >= 0 ? reviews[e.StartReview].Date : EpisodeFact.Blank;
        for (var r = FirstAfter(reviews, x.PeriodEnd - ReviewWindowDays); r < reviews.Length && reviews[r].Date <= x.PeriodEnd; r++)
        {
            ref readonly var review = ref reviews[r];
            if (review.Stage == ReviewStage.REVIEW)
            {
                reviewedRecently = true;
            }

            if (review.Stage is not (ReviewStage.REVIEW or ReviewStage.EXIT) || review.Date < x.PeriodStart)
            {
                continue;
            }

            if (review.Measures.GoalsSet >= 1)
            {
                counters.Add(x.Period, Counter.GoalReviews, x.Chain);
                if (review.Measures.GoalsProgressed >= 1)
                {
                    counters.Add(x.Period, Counter.GoalsProgressed, x.Chain);
                }
            }

            if (review.Date > startDate && startDate != EpisodeFact.Blank)
            {
                latest = r;
            }
        }

        if (due)
        {
            counters.Add(x.Period, Counter.ReviewDue, x.Chain);
            if (reviewedRecently)
            {
                counters.Add(x.Period, Counter.ReviewDone, x.Chain);
            }
        }

        if (latest >= 0)
        {
            CountPaired(in x, reviews[e.StartReview].Measures, reviews[latest].Measures);
        }
    }

    /// <summary>The first review dated after <paramref name="day"/> (reviews in date order), or the count when there is none.</summary>
    private static int FirstAfter(ReadOnlySpan<ReviewFact> reviews, int day)
    {
        var (low, high) = (0, reviews.Length);
        while (low < high)
        {
            var middle = (low + high) >>> 1;
            (low, high) = reviews[middle].Date <= day ? (middle + 1, high) : (low, middle);
        }

        return low;
    }

    private void CountPaired(in EpisodeInQuarter x, in ReviewMeasures start, in ReviewMeasures latest)
    {
        var q = x.Period;
        if (start.Barc10Score is { } barcStart && latest.Barc10Score is { } barcLatest)
        {
            counters.Add(q, Counter.Barc10Paired, x.Chain);
            counters.Add(q, Counter.Barc10ChangeSum, x.Chain, barcLatest - barcStart);
            if (barcLatest >= HighRecoveryCapital)
            {
                counters.Add(q, Counter.Barc10High, x.Chain);
            }
        }

        if (start.OpiateDays > 0 && latest.OpiateDays is { } opiateLatest)
        {
            counters.Add(q, Counter.OpiateUsersPaired, x.Chain, in x.Episode.Cells);
            if (opiateLatest == 0)
            {
                counters.Add(q, Counter.OpiateAbstinent, x.Chain, in x.Episode.Cells);
            }
        }

        if (start.InjectingDays > 0 && latest.InjectingDays is { } injectingLatest)
        {
            counters.Add(q, Counter.InjectorsPaired, x.Chain);
            if (injectingLatest == 0)
            {
                counters.Add(q, Counter.StoppedInjecting, x.Chain);
            }
        }

        if (start.QualityOfLife is { } qolStart && latest.QualityOfLife is { } qolLatest)
        {
            counters.Add(q, Counter.QualityOfLifePaired, x.Chain);
            counters.Add(q, Counter.QualityOfLifeChangeSum, x.Chain, qolLatest - qolStart);
        }

        if (start.AcuteHousingProblem == true && latest.AcuteHousingProblem is { } housingLatest)
        {
            counters.Add(q, Counter.HousingProblemPaired, x.Chain);
            if (!housingLatest)
            {
                counters.Add(q, Counter.HousingResolved, x.Chain);
            }
        }
    }
}
