using KpiPipeline.Core.Dataset;

namespace KpiPipeline.Synthetic.Model;

/// <summary>One reviews.csv row. Null measures are written blank.</summary>
public readonly record struct ReviewRow(
    string EpisodeId,
    DateOnly ReviewDate,
    ReviewStage Stage,
    int? OpiateDays,
    int? CrackDays,
    int? CocaineDays,
    int? BenzodiazepineDays,
    int? AlcoholDays,
    int? InjectingDays,
    bool? SharedEquipment,
    int? PsychologicalHealth,
    int? PhysicalHealth,
    int? QualityOfLife,
    bool? AcuteHousingProblem,
    int? PaidWorkDays,
    int? Barc10Score,
    int? GoalsSet,
    int? GoalsProgressed);

/// <summary>
/// Outcome reviews: START near the treatment start, REVIEW about every 3 months while open, EXIT at most planned
/// exits, occasionally POST_EXIT. Measures move from a baseline towards improvement at a pace set by how the
/// episode ends (successful exits improve most).
/// </summary>
public static class ReviewModel
{
    /// <summary>Generates the reviews of every episode and keeps those dated in the window, by window month.</summary>
    public static List<ReviewRow>[] BucketByMonth(SyntheticWorld world, IReadOnlyList<SyntheticEpisode> episodes)
    {
        ArgumentNullException.ThrowIfNull(world);
        ArgumentNullException.ThrowIfNull(episodes);
        var buckets = new List<ReviewRow>[world.Options.Months];
        for (var i = 0; i < buckets.Length; i++)
        {
            buckets[i] = [];
        }

        foreach (var episode in episodes)
        {
            foreach (var review in ReviewsOf(episode, world.WindowEnd))
            {
                if (review.ReviewDate >= world.Anchor)
                {
                    buckets[ProviderSimulation.WindowMonth(world, review.ReviewDate)].Add(review);
                }
            }
        }

        return buckets;
    }

    /// <summary>All reviews of an episode dated on or before <paramref name="until"/>, in date order.</summary>
    public static IEnumerable<ReviewRow> ReviewsOf(SyntheticEpisode episode, DateOnly until)
    {
        ArgumentNullException.ThrowIfNull(episode);
        if (episode.IsDuplicate || episode.StartDate is not { } start || start > until)
        {
            yield break;
        }

        var random = new SeededRandom(episode.ReviewSeed);
        var person = Baseline.Draw(random, episode);
        var exit = episode.ExitDate;
        var startReview = start.AddDays(random.Next(8));
        if (exit is { } e && startReview > e)
        {
            startReview = e;
        }

        if (startReview <= until)
        {
            yield return person.Review(random, episode, startReview, ReviewStage.START, start);
        }

        for (var k = 1; ; k++)
        {
            var date = startReview.AddDays(k * Calibration.ReviewIntervalDays
                + random.Between(-Calibration.ReviewJitterDays, Calibration.ReviewJitterDays));
            if (date > until || (exit is { } end && date >= end))
            {
                break;
            }

            var missed = random.Chance(Calibration.ReviewMissed);
            var review = person.Review(random, episode, date, ReviewStage.REVIEW, start);
            if (!missed)
            {
                yield return review;
            }
        }

        if (exit is not { } exitDate || exitDate > until || episode.ExitReason is not { } reason)
        {
            yield break;
        }

        var outcome = CodeRules.ClassOf(reason);
        var planned = outcome is OutcomeClass.SUCCESSFUL or OutcomeClass.TRANSFER;
        if (outcome != OutcomeClass.DIED
            && random.Chance(planned ? Calibration.ExitReviewAfterPlannedExit : Calibration.ExitReviewAfterUnplannedExit))
        {
            yield return person.Review(random, episode, exitDate, ReviewStage.EXIT, start);
        }

        if (outcome == OutcomeClass.SUCCESSFUL && random.Chance(Calibration.PostExitReviewAfterSuccess))
        {
            var after = exitDate.AddDays(random.Between(160, 200));
            if (after <= until)
            {
                yield return person.Review(random, episode, after, ReviewStage.POST_EXIT, start);
            }
        }
    }

    /// <summary>A person's state at the start of treatment.</summary>
    private sealed record Baseline(
        int Opiate, int Crack, int Cocaine, int Benzodiazepine, int Alcohol, int Injecting,
        int Psychological, int Physical, int QualityOfLife, bool Housing, int PaidWork, int Barc10, int Barc10Gain, double Response)
    {
        public static Baseline Draw(SeededRandom random, SyntheticEpisode episode)
        {
            var substance = episode.Substance;
            var opiate = episode.Group == SubstanceGroup.OPIATE;
            var response = episode.ExitReason is not { } reason ? 0.6
                : episode.LongTermOst ? 0.7
                : CodeRules.ClassOf(reason) switch
                {
                    OutcomeClass.SUCCESSFUL => 1.0,
                    OutcomeClass.TRANSFER => 0.6,
                    OutcomeClass.DIED => 0.2,
                    _ => 0.3,
                };
            return new Baseline(
                Opiate: opiate ? random.Between(12, 28) : random.Chance(0.1) ? random.Between(1, 10) : 0,
                Crack: substance == Substance.CRACK ? random.Between(10, 28) : random.Chance(opiate ? 0.35 : 0.05) ? random.Between(2, 20) : 0,
                Cocaine: substance == Substance.COCAINE ? random.Between(8, 24) : random.Chance(0.08) ? random.Between(1, 8) : 0,
                Benzodiazepine: substance == Substance.BENZODIAZEPINE ? random.Between(10, 28) : random.Chance(opiate ? 0.15 : 0.03) ? random.Between(1, 14) : 0,
                Alcohol: substance == Substance.ALCOHOL ? random.Between(16, 28) : random.Chance(0.3) ? random.Between(1, 12) : 0,
                Injecting: opiate && random.Chance(0.35) ? random.Between(4, 28) : substance == Substance.CRACK && random.Chance(0.05) ? random.Between(2, 12) : 0,
                Psychological: random.Between(4, 12),
                Physical: random.Between(5, 13),
                QualityOfLife: random.Between(4, 12),
                Housing: random.Chance(0.22),
                PaidWork: random.Chance(0.1) ? random.Between(5, 20) : 0,
                Barc10: Math.Clamp((int)Math.Round(random.Normal(Calibration.Barc10StartMean, Calibration.Barc10StartSd)), 10, 60),
                Barc10Gain: (int)Math.Round(random.Normal(16 * response, 5)),
                Response: response);
        }

        public ReviewRow Review(SeededRandom random, SyntheticEpisode episode, DateOnly date, ReviewStage stage, DateOnly start)
        {
            var progress = stage == ReviewStage.START ? 0.0
                : stage is ReviewStage.EXIT or ReviewStage.POST_EXIT && episode.Successful ? 1.0
                : 1.0 - Math.Exp(-(date.DayNumber - start.DayNumber) / 180.0);
            var improve = Response * progress;
            var injecting = Use(random, Injecting, improve);
            var goalsSet = stage == ReviewStage.START ? random.Between(1, 5) : random.Between(0, 6);
            var goalsProgressed = stage == ReviewStage.START ? 0 : Binomial(random, goalsSet, 0.2 + 0.5 * improve);
            var goalsRecorded = !random.Chance(Calibration.MeasureBlank);
            return new ReviewRow(
                episode.EpisodeId,
                date,
                stage,
                Blankable(random, Use(random, Opiate, improve)),
                Blankable(random, Use(random, Crack, improve)),
                Blankable(random, Use(random, Cocaine, improve)),
                Blankable(random, Use(random, Benzodiazepine, improve)),
                Blankable(random, Use(random, Alcohol, improve)),
                Blankable(random, injecting),
                random.Chance(Calibration.MeasureBlank) ? null : injecting > 0 && random.Chance(stage == ReviewStage.START ? 0.2 : 0.1),
                Blankable(random, Score(random, Psychological, improve)),
                Blankable(random, Score(random, Physical, improve)),
                Blankable(random, Score(random, QualityOfLife, improve)),
                random.Chance(Calibration.MeasureBlank) ? null : Housing && !random.Chance(0.6 * improve),
                Blankable(random, PaidWork > 0 || random.Chance(0.2 * improve) ? Math.Max(PaidWork, random.Between(5, 20)) : 0),
                Blankable(random, Math.Clamp((int)Math.Round(Barc10 + Barc10Gain * progress + random.Normal(0, 2.5)), 10, 60)),
                goalsRecorded ? goalsSet : null,
                goalsRecorded ? goalsProgressed : null);
        }

        private static int Use(SeededRandom random, int baseline, double improve)
        {
            if (baseline == 0 || random.Chance(0.85 * improve))
            {
                return 0;
            }

            return Math.Clamp((int)Math.Round(baseline * (1 - 0.5 * improve) + random.Normal(0, 3)), 0, 28);
        }

        private static int Score(SeededRandom random, int baseline, double improve) =>
            Math.Clamp((int)Math.Round(baseline + 6 * improve + random.Normal(0, 1.5)), 0, 20);

        private static int? Blankable(SeededRandom random, int value) => random.Chance(Calibration.MeasureBlank) ? null : value;

        private static int Binomial(SeededRandom random, int trials, double p)
        {
            var successes = 0;
            for (var i = 0; i < trials; i++)
            {
                if (random.Chance(p))
                {
                    successes++;
                }
            }

            return successes;
        }
    }
}
