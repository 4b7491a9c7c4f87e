using KpiPipeline.Core.Dataset;

namespace KpiPipeline.Synthetic.Model;

/// <summary>
/// Every figure the generator is calibrated to, in one place. Sources are in docs/synthetic-data.md
/// ("seed 002" is the NIHR HTA report on OST and NSP services, Appendix 3 study sites).
/// </summary>
public static class Calibration
{
    // ---- Referral and population -------------------------------------------------------------

    /// <summary>Seed 002 site A: self-referral 46%, health and social care 36% (split GP / other here).</summary>
    public static readonly WeightedChoice<ReferralSource> ReferralSources = new(
        (ReferralSource.SELF, 46),
        (ReferralSource.GP, 16),
        (ReferralSource.HEALTH_SOCIAL_CARE, 20),
        (ReferralSource.CRIMINAL_JUSTICE, 8),
        (ReferralSource.PRISON_RELEASE, 3),
        (ReferralSource.NSP, 2),
        (ReferralSource.OUTREACH, 3),
        (ReferralSource.OTHER, 2));

    /// <summary>
    /// Primary substance of new referrals. Opiates are ~half of all clients in treatment (seed 000: 52%), and
    /// more of the caseload than of referrals because OST episodes last longer. Site C: heroin, then
    /// crack/cocaine, cannabis, benzodiazepines.
    /// </summary>
    public static readonly WeightedChoice<Substance> ReferralSubstances = new(
        (Substance.HEROIN, 40),
        (Substance.OTHER_OPIOID, 5),
        (Substance.CRACK, 11),
        (Substance.COCAINE, 9),
        (Substance.BENZODIAZEPINE, 3),
        (Substance.CANNABIS, 10),
        (Substance.ALCOHOL, 19),
        (Substance.OTHER, 3));

    /// <summary>Sex of people in treatment: roughly two-thirds male; a few not stated.</summary>
    public const double MaleShare = 0.68;
    public const double NotStatedShare = 0.006;

    /// <summary>Age at the first reporting month: 21–75, peaking in the forties (seed 000: 48% of opioid starters aged 40+).</summary>
    public const int MinAgeAtAnchor = 21;
    public const int MaxAgeAtAnchor = 75;

    /// <summary>Share of referrals that are people first seen at another provider (moves, transfers in).</summary>
    public const double ImportedPersonShare = 0.10;

    /// <summary>Of imported people, the share from a provider of the same area.</summary>
    public const double ImportSameAreaShare = 0.7;

    /// <summary>Duplicate referral rows keyed in error, withdrawn as DELETED the next month (per referral).</summary>
    public const double DuplicateEntryShare = 0.003;

    /// <summary>Exited episodes whose exit reason is first sent as OTHER and corrected one to three months later.</summary>
    public const double ExitReasonCorrectionShare = 0.015;

    // ---- Waiting -------------------------------------------------------------------------------

    /// <summary>Seed 002 site A: "just under three-quarters ... started treatment within 3 weeks".</summary>
    public const double WaitedThreeWeeksOrLess = 0.73;

    /// <summary>Spread of the three-week share between providers (site B: "just under a half").</summary>
    public const double WaitedThreeWeeksProviderSd = 0.05;

    /// <summary>Same-day starts: rapid-access routes (site A homeless team, site C same-day assessment and start).</summary>
    public const double SameDayStart = 0.05;
    public const double SameDayStartScotland = 0.15;

    /// <summary>Share of started episodes waiting longer than 84 days; of those, a small tail beyond 365 (W01).</summary>
    public const double WaitBeyond84Days = 0.06;
    public const double WaitBeyond365DaysOfLongWaits = 0.04;

    /// <summary>Referrals that never start treatment (declined or disengaged while waiting).</summary>
    public const double NeverStarted = 0.06;

    // ---- Setting and medication ----------------------------------------------------------------

    public static readonly WeightedChoice<TreatmentSetting> OpiateSettings = new(
        (TreatmentSetting.SPECIALIST, 56),
        (TreatmentSetting.SHARED_CARE, 30),
        (TreatmentSetting.OUTREACH, 5),
        (TreatmentSetting.RESIDENTIAL, 3),
        (TreatmentSetting.PRISON, 6));

    public static readonly WeightedChoice<TreatmentSetting> NonOpiateSettings = new(
        (TreatmentSetting.SPECIALIST, 70),
        (TreatmentSetting.SHARED_CARE, 7),
        (TreatmentSetting.OUTREACH, 10),
        (TreatmentSetting.RESIDENTIAL, 8),
        (TreatmentSetting.PRISON, 5));

    /// <summary>
    /// Seed 002 survey: methadone the most commissioned (50–80% of those with opioid dependence), buprenorphine
    /// 9–80%, long-acting injectable buprenorphine under 5%.
    /// </summary>
    public static readonly WeightedChoice<Medication> OpiateMedications = new(
        (Medication.METHADONE, 62),
        (Medication.BUPRENORPHINE, 17),
        (Medication.BUPRENORPHINE_NALOXONE, 8),
        (Medication.BUPRENORPHINE_DEPOT, 4),
        (Medication.NONE, 9));

    // ---- Heroin-assisted treatment (setting HAT_CLINIC, medication DIAMORPHINE) --------------------

    /// <summary>
    /// Places at a HAT clinic. Seed 002 survey: seven areas prescribe HAT, under 1% of the opiate-dependent there, "no more
    /// than 12 people in any one area"; seed 003: 15 people started in the first Scottish service's first year.
    /// </summary>
    public const int HatPlacesMin = 10;
    public const int HatPlacesMax = 14;

    /// <summary>Chance an opiate starter at a HAT provider takes a free HAT place (a waiting list fills places quickly).</summary>
    public const double HatOfferShare = 0.5;

    /// <summary>Seed 003: "nine out of fifteen people who commenced HAT in its first year were still engaged ... after one year".</summary>
    public const double HatEngagedOneYear = 0.6;

    /// <summary>Seed 003: of those who left, "most had left within six months of commencing treatment".</summary>
    public const double HatLeaversWithinSixMonths = 0.8;

    /// <summary>Days in HAT beyond the first year for those still engaged then (exponential; the seeds give no figure).</summary>
    public const double HatStayBeyondOneYearMeanDays = 3 * 365.25;

    /// <summary>Seed 003: leavers "were discharged back to community treatment ... such as methadone"; two of six died later.</summary>
    public static readonly WeightedChoice<ExitReason> HatLeaverExitReasons = new(
        (ExitReason.TRANSFERRED, 80),
        (ExitReason.DROPPED_OUT, 10),
        (ExitReason.RETAINED_IN_CUSTODY, 5),
        (ExitReason.DIED, 5));

    /// <summary>A HAT leaver transferred to community OST starts again at the provider this many days later.</summary>
    public const int HatReturnToCommunityMinDays = 1;
    public const int HatReturnToCommunityMaxDays = 21;

    // ---- Prison release (CJ01) ---------------------------------------------------------------

    /// <summary>
    /// PRISON_RELEASE referrals that start treatment within 21 days of referral. The seeds give no figure: seed 002 names
    /// the transition only as a reason for urgent access (site B sees "a recent prison or hospital release" the same day
    /// outside triage hours) and the brief calls it where people are lost. 45% sits below the catalogue's illustrative
    /// CJ01 target of 50, so that continuity of care reads amber or red at most units, as that reading expects.
    /// </summary>
    public const double PrisonReleaseEngagedThreeWeeks = 0.45;

    /// <summary>PRISON_RELEASE referrals that start later (22–120 days); the rest never start (lost on release).</summary>
    public const double PrisonReleaseStartLater = 0.20;

    /// <summary>Methadone target dose: normal(72, 28) mg clamped to 30–150 (~62% in the 60–120 mg optimal band).</summary>
    public const double MethadoneMeanMg = 72;
    public const double MethadoneSdMg = 28;
    public const int MethadoneMinMg = 30;
    public const int MethadoneMaxMg = 150;

    /// <summary>Seed 002 site A: OST can begin at "the lowest titration point of 30 ml" (1 mg/ml methadone).</summary>
    public const int MethadoneStartMg = 30;

    public const double BuprenorphineMeanMg = 14;
    public const double BuprenorphineSdMg = 6;
    public const int BuprenorphineMinMg = 2;
    public const int BuprenorphineMaxMg = 32;

    public const double DiamorphineMeanMg = 400;
    public const double DiamorphineSdMg = 120;
    public const int DiamorphineMinMg = 100;
    public const int DiamorphineMaxMg = 900;

    /// <summary>Days to titrate to the target dose (site A stabilisation stage is 12 weeks; dose is reached sooner).</summary>
    public const int TitrationDays = 35;

    /// <summary>A planned reduction to zero before a successful exit (site A detox stage "up to 6 months").</summary>
    public const int ReductionDays = 120;

    public const double DoseNotRecorded = 0.03;

    // ---- Naloxone and goals --------------------------------------------------------------------

    /// <summary>Naloxone offered to every OST client (site A stabilisation stage); most accept.</summary>
    public const double NaloxoneOpiate = 0.82;
    public const double NaloxoneOther = 0.08;
    public const double NaloxoneNotRecorded = 0.04;

    // Treatment goals (kpis.md 10.1 breaks the ‡ KPIs down by them). Seed 002 (site pathways): after an initial period of
    // stability on OST, service users "pursue a tailored approach towards abstinence ... or maintenance on an OST
    // prescription"; some are maintained on a prescription while wishing to move towards abstinence. So maintenance is
    // the common goal on OST, above all for long-term OST, abstinence for people leaving OST drug-free and for alcohol
    // and other drugs; a few goals are not recorded.

    /// <summary>OST episodes that are neither long-term nor HAT nor ending in a completion.</summary>
    public static readonly WeightedChoice<TreatmentGoal?> OstGoals = new(
        (TreatmentGoal.MAINTENANCE, 48),
        (TreatmentGoal.ABSTINENCE, 20),
        (TreatmentGoal.HARM_REDUCTION, 16),
        (TreatmentGoal.UNDECIDED, 8),
        (null, 8));

    /// <summary>Long-term OST (<see cref="LongTermOstShare"/>): mostly maintenance.</summary>
    public static readonly WeightedChoice<TreatmentGoal?> LongTermOstGoals = new(
        (TreatmentGoal.MAINTENANCE, 72),
        (TreatmentGoal.HARM_REDUCTION, 10),
        (TreatmentGoal.ABSTINENCE, 6),
        (TreatmentGoal.UNDECIDED, 4),
        (null, 8));

    /// <summary>OST episodes that end in a completion (a reduction to nothing first): mostly abstinence.</summary>
    public static readonly WeightedChoice<TreatmentGoal?> OstCompletionGoals = new(
        (TreatmentGoal.ABSTINENCE, 62),
        (TreatmentGoal.MAINTENANCE, 14),
        (TreatmentGoal.HARM_REDUCTION, 8),
        (TreatmentGoal.UNDECIDED, 6),
        (null, 10));

    /// <summary>
    /// HAT: seed 003, "the primary aim of the service was focussed on reducing harms and maintaining engagement".
    /// </summary>
    public static readonly WeightedChoice<TreatmentGoal?> HatGoals = new(
        (TreatmentGoal.HARM_REDUCTION, 50),
        (TreatmentGoal.MAINTENANCE, 38),
        (TreatmentGoal.UNDECIDED, 5),
        (null, 7));

    /// <summary>Opiate episodes without substitute medication (psychosocial, detox already done).</summary>
    public static readonly WeightedChoice<TreatmentGoal?> OpiateWithoutOstGoals = new(
        (TreatmentGoal.ABSTINENCE, 52),
        (TreatmentGoal.HARM_REDUCTION, 24),
        (TreatmentGoal.UNDECIDED, 12),
        (TreatmentGoal.MAINTENANCE, 2),
        (null, 10));

    /// <summary>Alcohol: abstinence, or controlled drinking (harm reduction).</summary>
    public static readonly WeightedChoice<TreatmentGoal?> AlcoholGoals = new(
        (TreatmentGoal.ABSTINENCE, 58),
        (TreatmentGoal.HARM_REDUCTION, 25),
        (TreatmentGoal.UNDECIDED, 9),
        (null, 8));

    public static readonly WeightedChoice<TreatmentGoal?> NonOpiateGoals = new(
        (TreatmentGoal.ABSTINENCE, 60),
        (TreatmentGoal.HARM_REDUCTION, 22),
        (TreatmentGoal.UNDECIDED, 10),
        (null, 8));

    // ---- Retention and exits -------------------------------------------------------------------

    /// <summary>
    /// Long-term OST maintenance: this share of OST starts stays for an exponential time with a 20-year mean.
    /// With the other OST episodes lasting about a year this gives ~28% of OST clients retained beyond 6 years
    /// and about a third beyond 4 years (seed 002 site A).
    /// </summary>
    public const double LongTermOstShare = 0.06;
    public const double LongTermOstMeanDays = 20 * 365.25;

    /// <summary>Exit reasons of OST episodes (other than long-term ones).</summary>
    public static readonly WeightedChoice<ExitReason> OstExitReasons = new(
        (ExitReason.COMPLETED_DRUG_FREE, 32),
        (ExitReason.COMPLETED_OCCASIONAL_USE, 12),
        (ExitReason.DROPPED_OUT, 21),
        (ExitReason.TRANSFERRED, 13),
        (ExitReason.TRANSFERRED_CUSTODY, 4),
        (ExitReason.WITHDRAWN_BY_PROVIDER, 4),
        (ExitReason.RETAINED_IN_CUSTODY, 3),
        (ExitReason.OTHER, 3),
        (ExitReason.DIED, 2));

    /// <summary>Exit reasons of long-term OST episodes (ageing, transfers, deaths, late completions).</summary>
    public static readonly WeightedChoice<ExitReason> LongTermExitReasons = new(
        (ExitReason.COMPLETED_DRUG_FREE, 25),
        (ExitReason.TRANSFERRED, 30),
        (ExitReason.DROPPED_OUT, 15),
        (ExitReason.DIED, 15),
        (ExitReason.OTHER, 15));

    /// <summary>Exit reasons of non-OST episodes (seed 001: 48% of people complete their treatment plans).</summary>
    public static readonly WeightedChoice<ExitReason> OtherExitReasons = new(
        (ExitReason.COMPLETED_DRUG_FREE, 40),
        (ExitReason.COMPLETED_OCCASIONAL_USE, 15),
        (ExitReason.DROPPED_OUT, 26),
        (ExitReason.TRANSFERRED, 7),
        (ExitReason.TRANSFERRED_CUSTODY, 2),
        (ExitReason.WITHDRAWN_BY_PROVIDER, 3),
        (ExitReason.RETAINED_IN_CUSTODY, 2),
        (ExitReason.OTHER, 4),
        (ExitReason.DIED, 1));

    /// <summary>Exits of referrals that never start.</summary>
    public static readonly WeightedChoice<ExitReason> NeverStartedExitReasons = new(
        (ExitReason.DECLINED, 50),
        (ExitReason.DROPPED_OUT, 40),
        (ExitReason.OTHER, 10));

    /// <summary>Median days to a successful OST exit (after stabilisation, maintenance, a detox of up to 6 months).</summary>
    public const double OstSuccessMedianDays = 450;

    /// <summary>Median days to a successful non-OST exit (structured psychosocial treatment).</summary>
    public const double OtherSuccessMedianDays = 150;

    /// <summary>Mean days to an unplanned OST drop-out (about a third before 12 weeks).</summary>
    public const double OstDropOutMeanDays = 220;

    public const double OtherDropOutMeanDays = 100;

    // ---- Re-presentation -----------------------------------------------------------------------

    /// <summary>
    /// Chance of a later episode for the same person at the same provider, by outcome class. Site A: a relapse
    /// within 3 months of a successful completion can re-enter OST directly; site C: two-thirds of those
    /// assessed had previous contact.
    /// </summary>
    public const double RepresentAfterSuccess = 0.2;
    public const double RepresentAfterUnplanned = 0.45;
    public const double RepresentAfterTransfer = 0.1;

    /// <summary>Of successful-exit re-presentations, the share inside six months (EXT03).</summary>
    public const double RepresentWithinSixMonthsAfterSuccess = 0.45;

    // ---- Reviews -------------------------------------------------------------------------------

    /// <summary>Review interval in days (site C care plans reviewed every 12 weeks; TOP every 3 months).</summary>
    public const int ReviewIntervalDays = 91;
    public const int ReviewJitterDays = 10;

    /// <summary>A review is missed this often (SOFT08 coverage below 100%).</summary>
    public const double ReviewMissed = 0.1;

    public const double ExitReviewAfterPlannedExit = 0.85;
    public const double ExitReviewAfterUnplannedExit = 0.15;
    public const double PostExitReviewAfterSuccess = 0.1;

    /// <summary>BARC-10 at start: normal(29, 7), clamped 10–60; 47+ is the recovery threshold used by SOFT02.</summary>
    public const double Barc10StartMean = 29;
    public const double Barc10StartSd = 7;

    public const double MeasureBlank = 0.04;

    // ---- NSP -------------------------------------------------------------------------------------

    /// <summary>Providers that run needle and syringe outlets (others rely on another provider's NSP).</summary>
    public const double ProvidersWithNsp = 0.85;

    /// <summary>
    /// Needles per opiate client in treatment per year. Site A's area supplied over a million needles a year
    /// for just over 2,000 people in opiate treatment (~500 each) and is described as having "particularly high
    /// levels of injecting"; a typical area here gets half that.
    /// </summary>
    public const double NeedlesPerOpiateClientYear = 250;

    /// <summary>Pharmacy pre-made packs of 10 or 20 needles (seed 002 site A); a few take two packs or none.</summary>
    public static readonly WeightedChoice<int> PharmacyNeedles = new((10, 50), (20, 35), (30, 4), (40, 8), (0, 3));

    /// <summary>Specialist pick-and-mix: log-normal around 30 needles.</summary>
    public const double SpecialistNeedlesMedian = 30;

    /// <summary>Site A: "around half being split between pharmacies and specialist NSPs".</summary>
    public const double PharmacyShareOfTransactions = 0.6;

    public const double AnonymousTransaction = 0.12;
    public const double NewRegistrantPerTransaction = 0.04;
    public const double NspNaloxone = 0.03;
    public const double NspBbvTest = 0.02;
    public const double NspReferredToTreatment = 0.015;

    // ---- Workforce (workforce.csv, CAP01–CAP03) ----------------------------------------------------

    /// <summary>
    /// Caseload per available FTE, a provider's usual level (uniform). Seed 002 site A: 76.3 (2019), 82.9 (2022) and
    /// 67.8 (2023) service users per available FTE; the manager's target 50; "caseloads of up to 40 clients" manageable,
    /// staff reporting "around 45 and 50 even though they're meant to be around 40".
    /// </summary>
    public const double CaseloadPerFteMin = 45;
    public const double CaseloadPerFteMax = 80;

    /// <summary>Month-to-month variation of the caseload per FTE (log-normal sigma), always kept within 40–85.</summary>
    public const double CaseloadPerFteMonthlySigma = 0.04;
    public const double CaseloadPerFteLowest = 40;
    public const double CaseloadPerFteHighest = 85;

    /// <summary>Seed 002 site A: FTE with under two years in the service 22% (2019), 26% (2022), 48% (2023).</summary>
    public const double Under2YearsShareMin = 0.22;
    public const double Under2YearsShareMax = 0.48;
    public const double Under2YearsMonthlySd = 0.015;

    /// <summary>
    /// Chance a member of staff is on long-term leave (sickness, maternity, secondment) at a month end. Seed 002 site A:
    /// long-term leave was 2.5 of 25.2 FTE (2019), 3.0 of 24.4 (2022) and 1.4 of 26.0 (2023), 5–12%.
    /// </summary>
    public const double LongTermLeaveChanceMin = 0.04;
    public const double LongTermLeaveChanceMax = 0.11;

    /// <summary>FTE per member of staff. Seed 002 site A, 2023: 30 shared care workers (14 full-time) and 26.0 FTE.</summary>
    public const double FtePerPersonMin = 0.8;
    public const double FtePerPersonMax = 0.92;

    /// <summary>A provider-month whose workforce.csv is not sent (it is optional; dataset.md section 6).</summary>
    public const double WorkforceMonthNotSent = 0.04;

    // ---- Reference data --------------------------------------------------------------------------

    /// <summary>Unmet need for opiate treatment: site A 42%, site B over 60%.</summary>
    public const double UnmetNeedMin = 0.38;
    public const double UnmetNeedMax = 0.65;

    /// <summary>People who inject as a share of the estimated opiate users (site C: over a quarter of heroin users inject; higher in site A).</summary>
    public const double PwidShareOfOpiateUsers = 0.45;
}
