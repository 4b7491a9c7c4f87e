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

/// <summary>One row of an accepted reviews.csv (dataset.md section 3). Blank measures are null.</summary>
public sealed record CuratedReview(
    string ProviderCode,
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

/// <summary>One row of an accepted nsp.csv (dataset.md section 4). The registrant token is stored only as a keyed hash.</summary>
public sealed record CuratedNspTransaction(
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
