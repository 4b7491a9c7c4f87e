namespace KpiPipeline.Core.Dataset;

// Curated (pseudonymised) records: what is stored after ingest and what the KPI engine reads.
// Initials and dates of birth never appear here (dataset.md 2.2).

/// <summary>One row of an accepted episodes.csv after pseudonymisation.</summary>
public sealed record CuratedEpisode(
        string ProviderCode,
    string EpisodeId,
    string ClientKey,
    int AgeAtReferral,
    Sex Sex,
    DateOnly ReferralDate,
    ReferralSource ReferralSource,
    Substance PrimarySubstance,
    DateOnly? TreatmentStartDate,
    TreatmentSetting? Setting,
    Medication? Medication,
    decimal? DailyDoseMg,
    TreatmentGoal? TreatmentGoal,
    bool? NaloxoneSupplied,
    DateOnly? ExitDate,
    ExitReason? ExitReason,
    RecordStatus RecordStatus);

/// <summary>
/// One row of an accepted reviews.csv (dataset.md section 3). Blank measures are null. The fifteen measures are small
/// numbers and flags, stored in two bytes each rather than eight (a national batch holds millions of reviews).
/// </summary>
public sealed record CuratedReview
{
    private readonly short opiateDays;
    private readonly short crackDays;
    private readonly short cocaineDays;
    private readonly short benzodiazepineDays;
    private readonly short alcoholDays;
    private readonly short injectingDays;
    private readonly short sharedEquipment;
    private readonly short psychologicalHealth;
    private readonly short physicalHealth;
    private readonly short qualityOfLife;
    private readonly short acuteHousingProblem;
    private readonly short paidWorkDays;
    private readonly short barc10Score;
    private readonly short goalsSet;
    private readonly short goalsProgressed;

    public CuratedReview(
        string providerCode,
        string episodeId,
        DateOnly reviewDate,
        ReviewStage stage,
        int? opiateDays,
        int? crackDays,
        int? cocaineDays,
        int? benzodiazepineDays,
        int? alcoholDays,
        int? injectingDays,
        bool? sharedEquipment,
        int? psychologicalHealth,
        int? physicalHealth,
        int? qualityOfLife,
        bool? acuteHousingProblem,
        int? paidWorkDays,
        int? barc10Score,
        int? goalsSet,
        int? goalsProgressed)
    {
        ProviderCode = providerCode;
        EpisodeId = episodeId;
        ReviewDate = reviewDate;
        Stage = stage;
        OpiateDays = opiateDays;
        CrackDays = crackDays;
        CocaineDays = cocaineDays;
        BenzodiazepineDays = benzodiazepineDays;
        AlcoholDays = alcoholDays;
        InjectingDays = injectingDays;
        SharedEquipment = sharedEquipment;
        PsychologicalHealth = psychologicalHealth;
        PhysicalHealth = physicalHealth;
        QualityOfLife = qualityOfLife;
        AcuteHousingProblem = acuteHousingProblem;
        PaidWorkDays = paidWorkDays;
        Barc10Score = barc10Score;
        GoalsSet = goalsSet;
        GoalsProgressed = goalsProgressed;
    }

    public string ProviderCode { get; init; }

    public string EpisodeId { get; init; }

    public DateOnly ReviewDate { get; init; }

    public ReviewStage Stage { get; init; }

    public int? OpiateDays { get => CompactMeasure.Number(opiateDays); init => opiateDays = CompactMeasure.Of(value); }

    public int? CrackDays { get => CompactMeasure.Number(crackDays); init => crackDays = CompactMeasure.Of(value); }

    public int? CocaineDays { get => CompactMeasure.Number(cocaineDays); init => cocaineDays = CompactMeasure.Of(value); }

    public int? BenzodiazepineDays { get => CompactMeasure.Number(benzodiazepineDays); init => benzodiazepineDays = CompactMeasure.Of(value); }

    public int? AlcoholDays { get => CompactMeasure.Number(alcoholDays); init => alcoholDays = CompactMeasure.Of(value); }

    public int? InjectingDays { get => CompactMeasure.Number(injectingDays); init => injectingDays = CompactMeasure.Of(value); }

    public bool? SharedEquipment { get => CompactMeasure.Flag(sharedEquipment); init => sharedEquipment = CompactMeasure.Of(value); }

    public int? PsychologicalHealth { get => CompactMeasure.Number(psychologicalHealth); init => psychologicalHealth = CompactMeasure.Of(value); }

    public int? PhysicalHealth { get => CompactMeasure.Number(physicalHealth); init => physicalHealth = CompactMeasure.Of(value); }

    public int? QualityOfLife { get => CompactMeasure.Number(qualityOfLife); init => qualityOfLife = CompactMeasure.Of(value); }

    public bool? AcuteHousingProblem { get => CompactMeasure.Flag(acuteHousingProblem); init => acuteHousingProblem = CompactMeasure.Of(value); }

    public int? PaidWorkDays { get => CompactMeasure.Number(paidWorkDays); init => paidWorkDays = CompactMeasure.Of(value); }

    public int? Barc10Score { get => CompactMeasure.Number(barc10Score); init => barc10Score = CompactMeasure.Of(value); }

    public int? GoalsSet { get => CompactMeasure.Number(goalsSet); init => goalsSet = CompactMeasure.Of(value); }

    public int? GoalsProgressed { get => CompactMeasure.Number(goalsProgressed); init => goalsProgressed = CompactMeasure.Of(value); }
}

/// <summary>
/// A review measure in two bytes: null as <see cref="short.MinValue"/>, a flag as 0 or 1. Shared by the curated review,
/// the fold's stored reviews and the KPI engine's review index.
/// </summary>
public static class CompactMeasure
{
    private const short Blank = short.MinValue;

    public static short Of(int? value) => value switch
    {
        null => Blank,
        > short.MaxValue or <= short.MinValue => throw new ArgumentOutOfRangeException(nameof(value), value, "A review measure must fit in 16 bits."),
        _ => (short)value.Value,
    };

    public static short Of(bool? value) => value switch
    {
        null => Blank,
        true => 1,
        false => 0,
    };

    public static int? Number(short stored) => stored == Blank ? null : stored;

    public static bool? Flag(short stored) => stored == Blank ? null : stored == 1;
}

/// <summary>
/// One row of an accepted nsp.csv (dataset.md section 4). The registrant token is stored only as a keyed hash. A value,
/// not an object: a national run reads ten million of them and keeps only their sums.
/// </summary>
public readonly record struct CuratedNspTransaction(
    string ProviderCode,
    string OutletCode,
    OutletType OutletType,
    DateOnly TransactionDate,
    string? RegistrantHash,
    bool? NewRegistration,
    int NeedlesSupplied,
    bool? UsedReturned,
    bool? NaloxoneSupplied,
    bool? BbvTest,
    bool? ReferredToTreatment);

/// <summary>
/// The one data row of an accepted workforce.csv (dataset.md section 6, version 1.1): the staff who deliver treatment at the
/// end of the reporting month. It holds no identifiers.
/// </summary>
public sealed record CuratedWorkforce(
    string ProviderCode,
    int StaffHeadcount,
    decimal StaffFte,
    decimal LongTermLeaveFte,
    int StaffOnLongTermLeave,
    int StaffUnder2Years)
{
    /// <summary>staff_fte − long_term_leave_fte: the FTE that carries the caseload (kpis.md 10.5, CAP01).</summary>
    public decimal AvailableFte => StaffFte - LongTermLeaveFte;
}
