using KpiPipeline.Core.Dataset;

namespace KpiPipeline.Core.Validation;

/// <summary>reviews.csv (dataset.md section 3): R01–R10, W03.</summary>
internal sealed class ReviewsRules : ReturnFileRules
{
    private const int ProviderCode = 0;
    private const int EpisodeId = 1;
    private const int ReviewDate = 2;
    private const int Stage = 3;
    private const int OpiateDays = 4;
    private const int CrackDays = 5;
    private const int CocaineDays = 6;
    private const int BenzodiazepineDays = 7;
    private const int AlcoholDays = 8;
    private const int InjectingDays = 9;
    private const int SharedEquipment = 10;
    private const int PsychologicalHealth = 11;
    private const int PhysicalHealth = 12;
    private const int QualityOfLife = 13;
    private const int AcuteHousingProblem = 14;
    private const int PaidWorkDays = 15;
    private const int Barc10Score = 16;
    private const int GoalsSet = 17;
    private const int GoalsProgressed = 18;

    private static readonly ColumnSpec[] Spec =
    [
        new("provider_code", true), new("episode_id", true), new("review_date", true), new("stage", true),
        new("opiate_days", false), new("crack_days", false), new("cocaine_days", false), new("benzodiazepine_days", false),
        new("alcohol_days", false), new("injecting_days", false), new("shared_equipment", false),
        new("psychological_health", false), new("physical_health", false), new("quality_of_life", false),
        new("acute_housing_problem", false), new("paid_work_days", false), new("barc10_score", false),
        new("goals_set", false), new("goals_progressed", false),
    ];

    private readonly Dictionary<(string, DateOnly, ReviewStage), long> firstRowOfReview = [];

    public ReviewsRules(ReturnPath path, ValidationContext context, ICuratedRowSink sink, IssueCollector issues)
        : base(Spec, path, context, sink, issues)
    {
    }

    public static IReadOnlyList<string> ColumnNames { get; } = Spec.Select(c => c.Name).ToArray();

    protected override void CheckRow()
    {
        ProviderMatches(ProviderCode, Rules.R01, FilePath.ProviderCode);
        string? episodeId = null;
        if (!Blank(EpisodeId, Rules.R10))
        {
            if (FieldParsers.IsIdentifier(this[EpisodeId], 64))
            {
                episodeId = Context.EpisodeIdString(this[EpisodeId]);
            }
            else
            {
                Report(Rules.R10, EpisodeId, "episode_id must be 1 to 64 characters of A-Z, a-z, 0-9, _ and -.");
            }
        }

        Date(ReviewDate, Rules.R02, out var reviewDate);
        if (reviewDate > MonthEnd)
        {
            Report(Rules.R02, ReviewDate, "review_date is after the end of the reporting month.");
        }

        Code<ReviewStage>(Stage, Rules.R03, out var stage);
        if (episodeId is not null && reviewDate is { } date && stage is { } st
            && !firstRowOfReview.TryAdd((episodeId, date, st), Row))
        {
            Report(Rules.R04, Stage, $"(episode_id, review_date, stage) appears more than once in the file (first on row {firstRowOfReview[(episodeId, date, st)]}).");
        }

        Integer(OpiateDays, Rules.R05, 0, 28, out var opiate);
        Integer(CrackDays, Rules.R05, 0, 28, out var crack);
        Integer(CocaineDays, Rules.R05, 0, 28, out var cocaine);
        Integer(BenzodiazepineDays, Rules.R05, 0, 28, out var benzodiazepine);
        Integer(AlcoholDays, Rules.R05, 0, 28, out var alcohol);
        Integer(InjectingDays, Rules.R05, 0, 28, out var injecting);
        YesNo(SharedEquipment, Rules.R06, out var shared);
        Integer(PsychologicalHealth, Rules.R07, 0, 20, out var psychological);
        Integer(PhysicalHealth, Rules.R07, 0, 20, out var physical);
        Integer(QualityOfLife, Rules.R07, 0, 20, out var quality);
        YesNo(AcuteHousingProblem, Rules.R06, out var housing);
        Integer(PaidWorkDays, Rules.R05, 0, 28, out var work);
        Integer(Barc10Score, Rules.R08, 10, 60, out var barc10);
        Integer(GoalsSet, Rules.R09, 0, 50, out var goalsSet);
        Integer(GoalsProgressed, Rules.R09, 0, 50, out var goalsProgressed);
        if (goalsProgressed > goalsSet)
        {
            Report(Rules.R09, GoalsProgressed, "goals_progressed cannot be more than goals_set.");
        }

        if (episodeId is not null && !Context.KnownEpisodeIds.Contains(episodeId))
        {
            Report(Rules.W03, EpisodeId, "No episode with this episode_id is known for this provider: the review is left out of KPIs until the episode arrives.");
        }
        else if (episodeId is not null && Context.DeletedEpisodeIds.Contains(episodeId))
        {
            Report(Rules.W03, EpisodeId, "This episode is deleted (record_status DELETED in the provider's latest episodes file that sent it): the review is left out of KPIs unless the episode is sent again as ACTIVE.");
        }

        if (Issues.HasErrors)
        {
            return;
        }

        Sink.Add(new CuratedReview(
            FilePath.ProviderCode, episodeId!, reviewDate!.Value, stage!.Value,
            opiate, crack, cocaine, benzodiazepine, alcohol, injecting, shared,
            psychological, physical, quality, housing, work, barc10, goalsSet, goalsProgressed));
    }
}
