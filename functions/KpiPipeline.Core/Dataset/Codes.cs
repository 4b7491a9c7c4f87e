#pragma warning disable CA1707 // Enum members are the spec's upper-case codes, underscores included.

namespace KpiPipeline.Core.Dataset;

// The code lists of dataset.md. Enum member names are the upper-case codes providers send, so
// parsing is Enum.TryParse(upperCasedValue) and writing is ToString().

/// <summary>Sex as recorded at referral (dataset.md section 2).</summary>
public enum Sex { M, F, X }

/// <summary>Who referred the person (dataset.md section 2).</summary>
public enum ReferralSource { SELF, GP, HEALTH_SOCIAL_CARE, CRIMINAL_JUSTICE, PRISON_RELEASE, NSP, OUTREACH, OTHER }

/// <summary>The primary substance of the episode (dataset.md section 2).</summary>
public enum Substance { HEROIN, OTHER_OPIOID, CRACK, COCAINE, BENZODIAZEPINE, CANNABIS, ALCOHOL, OTHER }

/// <summary>Substance group derived from the primary substance (dataset.md 2.1).</summary>
public enum SubstanceGroup { OPIATE, NON_OPIATE, ALCOHOL }

/// <summary>Treatment setting (dataset.md section 2).</summary>
public enum TreatmentSetting { SPECIALIST, SHARED_CARE, OUTREACH, RESIDENTIAL, HAT_CLINIC, PRISON }

/// <summary>Substitute medication (dataset.md section 2). Every value except NONE is OST.</summary>
public enum Medication { NONE, METHADONE, BUPRENORPHINE, BUPRENORPHINE_NALOXONE, BUPRENORPHINE_DEPOT, DIAMORPHINE }

/// <summary>The person's treatment goal (dataset.md section 2).</summary>
public enum TreatmentGoal { ABSTINENCE, MAINTENANCE, HARM_REDUCTION, UNDECIDED }

/// <summary>Why an episode ended (dataset.md 2.1).</summary>
public enum ExitReason
{
    COMPLETED_DRUG_FREE,
    COMPLETED_OCCASIONAL_USE,
    TRANSFERRED,
    TRANSFERRED_CUSTODY,
    DROPPED_OUT,
    WITHDRAWN_BY_PROVIDER,
    DECLINED,
    RETAINED_IN_CUSTODY,
    OTHER,
    DIED,
}

/// <summary>The outcome class of an exit reason (dataset.md 2.1).</summary>
public enum OutcomeClass { SUCCESSFUL, TRANSFER, UNPLANNED, DIED }

/// <summary>Whether a row is live or withdraws an episode sent in error (dataset.md section 2, E15).</summary>
public enum RecordStatus { ACTIVE, DELETED }

/// <summary>Outcome review stage (dataset.md section 3).</summary>
public enum ReviewStage { START, REVIEW, EXIT, POST_EXIT }

/// <summary>Needle and syringe programme outlet type (dataset.md section 4).</summary>
public enum OutletType { PHARMACY, SPECIALIST, OUTREACH, OTHER }

/// <summary>UK nation of a commissioning area (dataset.md section 5).</summary>
public enum Nation { ENGLAND, SCOTLAND, WALES, NORTHERN_IRELAND }

/// <summary>The files of a monthly return (workforce.csv from data set version 1.1, dataset.md section 6).</summary>
public enum ReturnFileKind { Episodes, Reviews, Nsp, Workforce }

/// <summary>Derivations the spec defines on the code lists.</summary>
public static class CodeRules
{
    public static SubstanceGroup GroupOf(Substance substance) => substance switch
    {
        Substance.HEROIN or Substance.OTHER_OPIOID => SubstanceGroup.OPIATE,
        Substance.ALCOHOL => SubstanceGroup.ALCOHOL,
        _ => SubstanceGroup.NON_OPIATE,
    };

    public static OutcomeClass ClassOf(ExitReason reason) => reason switch
    {
        ExitReason.COMPLETED_DRUG_FREE or ExitReason.COMPLETED_OCCASIONAL_USE => OutcomeClass.SUCCESSFUL,
        ExitReason.TRANSFERRED or ExitReason.TRANSFERRED_CUSTODY => OutcomeClass.TRANSFER,
        ExitReason.DIED => OutcomeClass.DIED,
        _ => OutcomeClass.UNPLANNED,
    };

    public static bool IsOst(Medication medication) => medication != Medication.NONE;

    /// <summary>Medications with which a daily dose may be recorded (E11).</summary>
    public static bool AllowsDose(Medication medication) => medication is
        Medication.METHADONE or Medication.BUPRENORPHINE or Medication.BUPRENORPHINE_NALOXONE or Medication.DIAMORPHINE;

    public static string FileName(ReturnFileKind kind) => kind switch
    {
        ReturnFileKind.Episodes => "episodes",
        ReturnFileKind.Reviews => "reviews",
        ReturnFileKind.Nsp => "nsp",
        ReturnFileKind.Workforce => "workforce",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a return file kind."),
    };
}
