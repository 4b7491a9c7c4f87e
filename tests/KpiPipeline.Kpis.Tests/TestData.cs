using KpiPipeline.Core.Dataset;
using KpiPipeline.Core.Reference;
using KpiPipeline.Kpis;
using KpiPipeline.Kpis.Engine;
using KpiPipeline.Kpis.Returns;

namespace KpiPipeline.Kpis.Tests;

/// <summary>
/// Builds a curated episode with sensible defaults: a heroin client (male, 40 at referral, self-referred, no goal
/// recorded) referred 2025-04-01, started 2025-04-08 in a specialist setting, open.
/// </summary>
public sealed record EpisodeBuilder
{
    private static int next;

    public string Provider { get; init; } = "P1";
    /// <summary>The episode_id; when not set, each <see cref="Build"/> gives a fresh one.</summary>
    public string? Id { get; init; }
    public string Client { get; init; } = "client-1";
    public DateOnly Referral { get; init; } = D("2025-04-01");
    public DateOnly? Start { get; init; } = D("2025-04-08");
    public Substance Substance { get; init; } = Substance.HEROIN;
    public Medication? Medication { get; init; } = Core.Dataset.Medication.NONE;
    public decimal? Dose { get; init; }
    public bool? Naloxone { get; init; }
    public DateOnly? Exit { get; init; }
    public ExitReason? Reason { get; init; }
    public RecordStatus Status { get; init; } = RecordStatus.ACTIVE;
    public TreatmentGoal? Goal { get; init; }
    public Sex Sex { get; init; } = Sex.M;
    public int Age { get; init; } = 40;
    public ReferralSource Source { get; init; } = ReferralSource.SELF;
    public TreatmentSetting Setting { get; init; } = TreatmentSetting.SPECIALIST;

    public EpisodeBuilder WithId(string id) => this with { Id = id };
    public EpisodeBuilder AtProvider(string provider) => this with { Provider = provider };
    public EpisodeBuilder ForClient(string client) => this with { Client = client };
    public EpisodeBuilder Referred(string date) => this with { Referral = D(date) };
    public EpisodeBuilder Started(string? date) => this with { Start = date is null ? null : D(date) };
    public EpisodeBuilder NotStarted() => this with { Start = null, Medication = null };
    public EpisodeBuilder WithSubstance(Substance substance) => this with { Substance = substance };
    public EpisodeBuilder OnMedication(Medication medication, decimal? dose = null) => this with { Medication = medication, Dose = dose };
    public EpisodeBuilder WithNaloxone(bool supplied = true) => this with { Naloxone = supplied };
    public EpisodeBuilder Exited(string date, ExitReason reason) => this with { Exit = D(date), Reason = reason };
    public EpisodeBuilder Deleted() => this with { Status = RecordStatus.DELETED };
    public EpisodeBuilder WithGoal(TreatmentGoal? goal) => this with { Goal = goal };
    public EpisodeBuilder OfSex(Sex sex) => this with { Sex = sex };
    public EpisodeBuilder AgedAtReferral(int age) => this with { Age = age };
    public EpisodeBuilder ReferredFrom(ReferralSource source) => this with { Source = source };
    public EpisodeBuilder InSetting(TreatmentSetting setting) => this with { Setting = setting };

    public CuratedEpisode Build() => new(
        Provider, Id ?? "E" + Interlocked.Increment(ref next), Client, Age, Sex, Referral, Source, Substance, Start,
        Start is null ? null : Setting, Medication, Dose, Goal, Naloxone, Exit, Reason, Status);

    public static DateOnly D(string date) => DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>Builds a review with no measures recorded.</summary>
public sealed record ReviewBuilder
{
    public string Provider { get; init; } = "P1";
    public string EpisodeId { get; init; } = "";
    public DateOnly Date { get; init; }
    public ReviewStage Stage { get; init; } = ReviewStage.REVIEW;
    public int? OpiateDays { get; init; }
    public int? InjectingDays { get; init; }
    public int? QualityOfLife { get; init; }
    public bool? Housing { get; init; }
    public int? Barc10 { get; init; }
    public int? GoalsSet { get; init; }
    public int? GoalsProgressed { get; init; }

    public static ReviewBuilder For(CuratedEpisode episode, string date, ReviewStage stage) =>
        new() { Provider = episode.ProviderCode, EpisodeId = episode.EpisodeId, Date = EpisodeBuilder.D(date), Stage = stage };

    public ReviewBuilder WithBarc10(int score) => this with { Barc10 = score };
    public ReviewBuilder WithOpiateDays(int days) => this with { OpiateDays = days };
    public ReviewBuilder WithInjectingDays(int days) => this with { InjectingDays = days };
    public ReviewBuilder WithQualityOfLife(int score) => this with { QualityOfLife = score };
    public ReviewBuilder WithHousingProblem(bool problem) => this with { Housing = problem };
    public ReviewBuilder WithGoals(int? set, int? progressed) => this with { GoalsSet = set, GoalsProgressed = progressed };

    public CuratedReview Build() => new(
        Provider, EpisodeId, Date, Stage, OpiateDays, null, null, null, null, InjectingDays, null, null, null,
        QualityOfLife, Housing, null, Barc10, GoalsSet, GoalsProgressed);
}

/// <summary>Builds a ReturnSet month by month.</summary>
public sealed class ReturnsBuilder
{
    private readonly List<AcceptedEpisodesFile> episodes = [];
    private readonly List<AcceptedReviewsFile> reviews = [];
    private readonly List<AcceptedNspFile> nsp = [];
    private readonly List<AcceptedWorkforceFile> workforce = [];
    private readonly List<UploadOutcome> uploads = [];

    public ReturnsBuilder Episodes(string provider, string month, params CuratedEpisode[] rows)
    {
        episodes.Add(new AcceptedEpisodesFile(PathOf(provider, month, ReturnFileKind.Episodes), rows));
        return this;
    }

    public ReturnsBuilder Reviews(string provider, string month, params CuratedReview[] rows)
    {
        reviews.Add(new AcceptedReviewsFile(PathOf(provider, month, ReturnFileKind.Reviews), rows));
        return this;
    }

    public ReturnsBuilder Nsp(string provider, string month, params CuratedNspTransaction[] rows)
    {
        nsp.Add(AcceptedNspFile.FromRows(PathOf(provider, month, ReturnFileKind.Nsp), rows));
        return this;
    }

    /// <summary>An accepted workforce.csv: its one row (dataset.md section 6).</summary>
    public ReturnsBuilder Workforce(
        string provider, string month, int headcount, decimal fte, decimal longTermLeaveFte = 0m, int onLongTermLeave = 0, int underTwoYears = 0)
    {
        workforce.Add(new AcceptedWorkforceFile(
            PathOf(provider, month, ReturnFileKind.Workforce),
            new CuratedWorkforce(provider, headcount, fte, longTermLeaveFte, onLongTermLeave, underTwoYears)));
        return this;
    }

    public ReturnsBuilder Upload(string provider, string month, ReturnFileKind kind, string firstUploaded, bool accepted, bool registered = true)
    {
        var at = DateTimeOffset.Parse(firstUploaded, System.Globalization.CultureInfo.InvariantCulture);
        var path = PathOf(provider, month, kind);
        uploads.Add(new UploadOutcome(path.BlobName, path, registered, at, accepted));
        return this;
    }

    public ReturnsBuilder UploadWithBadPath(string blobName, string at)
    {
        var when = DateTimeOffset.Parse(at, System.Globalization.CultureInfo.InvariantCulture);
        uploads.Add(new UploadOutcome(blobName, null, false, when, false));
        return this;
    }

    public ReturnSet Build() => new(episodes, reviews, nsp, uploads) { Workforce = workforce };

    public static ReturnPath PathOf(string provider, string month, ReturnFileKind kind)
    {
        return ReportingMonth.TryParse(month, out var m)
            ? new ReturnPath(provider, m, kind)
            : throw new ArgumentException($"Not a month: {month}", nameof(month));
    }

    public static CuratedNspTransaction Transaction(
        string provider, string date, int needles, bool newRegistration = false, bool naloxone = false, bool referred = false) =>
        new(provider, "OUT1", OutletType.PHARMACY, EpisodeBuilder.D(date), null, newRegistration, needles, null, naloxone, null, referred);
}

/// <summary>
/// Reference data: area A1 (ENGLAND, 100 opiate users, 50 PWID) with providers P1 and P2; area A2 (SCOTLAND, no
/// estimates) with provider P3.
/// </summary>
public static class TestReference
{
    public static ReferenceData Standard(params TargetOverride[] targets) => new(
        [new ProviderInfo("P1", "Provider one", "A1"), new ProviderInfo("P2", "Provider two", "A1"), new ProviderInfo("P3", "Provider three", "A2")],
        [new AreaInfo("A1", "Area one", Nation.ENGLAND, 100, 50), new AreaInfo("A2", "Area two", Nation.SCOTLAND, null, null)],
        targets);

    /// <summary>B1 (ENGLAND, 8 opiate users, 800 PWID) with PX; B2 (ENGLAND, no estimates) with PY; B3 (WALES, 3 and 3) with PZ.</summary>
    public static ReferenceData ThreeAreas() => new(
        [new ProviderInfo("PX", "Provider X", "B1"), new ProviderInfo("PY", "Provider Y", "B2"), new ProviderInfo("PZ", "Provider Z", "B3")],
        [new AreaInfo("B1", "Area B1", Nation.ENGLAND, 8, 800), new AreaInfo("B2", "Area B2", Nation.ENGLAND, null, null),
            new AreaInfo("B3", "Area B3", Nation.WALES, 3, 3)],
        []);
}

/// <summary>Finding rows in a computation.</summary>
public static class Rows
{
    // KpiResultTable builds rows when read; tests look rows up many times, so each run's rows are materialised once.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<KpiComputation, List<KpiResult>> Materialised = [];

    public static IReadOnlyList<KpiResult> All(this KpiComputation computation) =>
        Materialised.GetValue(computation, c => [.. c.Results]);

    public static KpiComputation Compute(ReturnSet returns, string asOf, ReferenceData? reference = null) =>
        KpiEngine.Compute(returns, reference ?? TestReference.Standard(), EpisodeBuilder.D(asOf));

    public static KpiComputation ComputeEpisodes(string asOf, params EpisodeBuilder[] episodes) =>
        Compute(new ReturnsBuilder().Episodes("P1", "2025-04", episodes.Where(e => e.Provider == "P1").Select(e => e.Build()).ToArray())
            .Episodes("P2", "2025-04", episodes.Where(e => e.Provider == "P2").Select(e => e.Build()).ToArray())
            .Episodes("P3", "2025-04", episodes.Where(e => e.Provider == "P3").Select(e => e.Build()).ToArray())
            .Build(), asOf);

    public static KpiResult Find(
        this KpiComputation computation, string kpiId, string unit = "P1", string period = "2025-26-Q1", string dimensionValue = "ALL") =>
        computation.All().Single(r => r.KpiId == kpiId && r.UnitCode == unit && r.Period == period && r.DimensionValue == dimensionValue);

    public static (long? Numerator, long? Denominator, double? Value) Figures(
        this KpiComputation computation, string kpiId, string unit = "P1", string period = "2025-26-Q1", string dimensionValue = "ALL")
    {
        var row = computation.Find(kpiId, unit, period, dimensionValue);
        return (row.Numerator, row.Denominator, row.Value);
    }
}
