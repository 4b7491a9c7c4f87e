namespace KpiPipeline.Core.Validation;

/// <summary>
/// One validation rule: its id (what reports carry), its severity, the file and column it is about, and what it checks.
/// Each rule is one instance, a field of <see cref="Rules"/>; code names it (<c>Rules.E06</c>) rather than spelling its id.
/// </summary>
public sealed class Rule
{
    internal Rule(string id, IssueSeverity severity, string file, string column, string description)
    {
        Id = id;
        Severity = severity;
        File = file;
        Column = column;
        Description = description;
    }

    /// <summary>The id reports carry (<c>E06</c>).</summary>
    public string Id { get; }

    /// <summary>An error rejects the file; a warning never does.</summary>
    public IssueSeverity Severity { get; }

    public string File { get; }

    public string Column { get; }

    public string Description { get; }

    public override string ToString() => Id;
}

/// <summary>
/// Every rule a validation report can carry: the spec's (dataset.md E01–E16, W01–W04, R01–R09, N01–N06, K01–K07) and the
/// ones this project adds for what the spec does not number (F.., E17, R10, N07, W05, REF..). docs/validation.md lists them.
/// </summary>
public static class Rules
{
    private const string Any = "any";
    private const string Episodes = "episodes.csv";
    private const string Reviews = "reviews.csv";
    private const string Nsp = "nsp.csv";
    private const string Workforce = "workforce.csv";
    private const string Reference = "reference/*.csv";

    public static readonly Rule F01 = new("F01", IssueSeverity.Error, Any, "", "The upload path is {provider_code}/{YYYY-MM}/episodes.csv, reviews.csv, nsp.csv or workforce.csv.");
    public static readonly Rule F02 = new("F02", IssueSeverity.Error, Any, "", "The provider code of the path is registered in reference/providers.csv.");
    public static readonly Rule F03 = new("F03", IssueSeverity.Error, Any, "", "The file is well-formed CSV (RFC 4180 quoting; rows at most 1 MiB).");
    public static readonly Rule F04 = new("F04", IssueSeverity.Error, Any, "(header)", "Every required column is in the header.");
    public static readonly Rule F05 = new("F05", IssueSeverity.Error, Any, "(header)", "No column appears twice in the header.");
    public static readonly Rule F06 = new("F06", IssueSeverity.Error, Any, "(header)", "Every column in the header is one the file defines (no blank names).");
    public static readonly Rule F07 = new("F07", IssueSeverity.Error, Any, "", "The file is valid UTF-8.");
    public static readonly Rule F08 = new("F08", IssueSeverity.Error, Any, "", "The file has a header row (it is not empty).");
    public static readonly Rule F09 = new("F09", IssueSeverity.Error, Any, "", "The file is not larger than the size limit (16 MiB by default).");
    public static readonly Rule F10 = new("F10", IssueSeverity.Error, Any, "", "Each row has as many fields as the header.");
    public static readonly Rule F11 = new("F11", IssueSeverity.Error, Any, "", "kpi process: one file per provider, month and file name (no two folders differing only in case).");
    public static readonly Rule F12 = new("F12", IssueSeverity.Error, Any, "", "kpi process: the file can be read (not a link to a folder, a broken link or unreadable).");

    public static readonly Rule E01 = new("E01", IssueSeverity.Error, Episodes, "provider_code", "Equals the provider in the upload path.");
    public static readonly Rule E02 = new("E02", IssueSeverity.Error, Episodes, "episode_id", "1–64 of A-Z a-z 0-9 _ -, unique within the file.");
    public static readonly Rule E03 = new("E03", IssueSeverity.Error, Episodes, "first_initial, last_initial", "One letter A–Z.");
    public static readonly Rule E04 = new("E04", IssueSeverity.Error, Episodes, "date_of_birth", "A date, not after referral_date, age at referral 18–100.");
    public static readonly Rule E05 = new("E05", IssueSeverity.Error, Episodes, "sex", "M, F or X.");
    public static readonly Rule E06 = new("E06", IssueSeverity.Error, Episodes, "referral_date", "A date, not after the end of the reporting month.");
    public static readonly Rule E07 = new("E07", IssueSeverity.Error, Episodes, "referral_source", "A referral source code.");
    public static readonly Rule E08 = new("E08", IssueSeverity.Error, Episodes, "primary_substance", "A substance code.");
    public static readonly Rule E09 = new("E09", IssueSeverity.Error, Episodes, "treatment_start_date", "Blank or a date, not before referral_date, not after month end.");
    public static readonly Rule E10 = new("E10", IssueSeverity.Error, Episodes, "setting, medication", "Codes; required when treatment has started.");
    public static readonly Rule E11 = new("E11", IssueSeverity.Error, Episodes, "daily_dose_mg", "Blank or a decimal 0–2000, only with METHADONE, BUPRENORPHINE, BUPRENORPHINE_NALOXONE or DIAMORPHINE.");
    public static readonly Rule E12 = new("E12", IssueSeverity.Error, Episodes, "treatment_goal, naloxone_supplied", "Blank or a goal code; blank or Y/N.");
    public static readonly Rule E13 = new("E13", IssueSeverity.Error, Episodes, "exit_date", "Blank or a date, not before treatment_start_date (or referral_date if never started), not after month end.");
    public static readonly Rule E14 = new("E14", IssueSeverity.Error, Episodes, "exit_reason", "An exit reason code, required with exit_date and forbidden without it.");
    public static readonly Rule E15 = new("E15", IssueSeverity.Error, Episodes, "record_status", "Blank (ACTIVE), ACTIVE or DELETED.");
    public static readonly Rule E16 = new("E16", IssueSeverity.Error, Episodes, "daily_dose_mg", "No COMPLETED_* exit with a daily dose above 0.");
    public static readonly Rule E17 = new("E17", IssueSeverity.Error, Episodes, "referral_date", "Not before 1960-01-01 (the earliest period published).");
    public static readonly Rule W01 = new("W01", IssueSeverity.Warning, Episodes, "treatment_start_date", "Waiting time (treatment_start_date − referral_date) over 365 days.");
    public static readonly Rule W02 = new("W02", IssueSeverity.Warning, Episodes, "episode_id", "An episode open at the end of the previous accepted month is missing from this file.");

    public static readonly Rule R01 = new("R01", IssueSeverity.Error, Reviews, "provider_code", "Equals the provider in the upload path.");
    public static readonly Rule R02 = new("R02", IssueSeverity.Error, Reviews, "review_date", "A date, not after the end of the reporting month.");
    public static readonly Rule R03 = new("R03", IssueSeverity.Error, Reviews, "stage", "START, REVIEW, EXIT or POST_EXIT.");
    public static readonly Rule R04 = new("R04", IssueSeverity.Error, Reviews, "episode_id, review_date, stage", "(episode_id, review_date, stage) unique within the file.");
    public static readonly Rule R05 = new("R05", IssueSeverity.Error, Reviews, "*_days", "Blank or a whole number 0–28.");
    public static readonly Rule R06 = new("R06", IssueSeverity.Error, Reviews, "shared_equipment, acute_housing_problem", "Blank or Y/N.");
    public static readonly Rule R07 = new("R07", IssueSeverity.Error, Reviews, "psychological_health, physical_health, quality_of_life", "Blank or a whole number 0–20.");
    public static readonly Rule R08 = new("R08", IssueSeverity.Error, Reviews, "barc10_score", "Blank or a whole number 10–60.");
    public static readonly Rule R09 = new("R09", IssueSeverity.Error, Reviews, "goals_set, goals_progressed", "Blank or a whole number 0–50; goals_progressed ≤ goals_set.");
    public static readonly Rule R10 = new("R10", IssueSeverity.Error, Reviews, "episode_id", "1–64 of A-Z a-z 0-9 _ - (required).");
    public static readonly Rule W03 = new("W03", IssueSeverity.Warning, Reviews, "episode_id", "The episode is not known for this provider, or is deleted; the review is left out of KPIs until it arrives (or is sent again as ACTIVE).");

    public static readonly Rule N01 = new("N01", IssueSeverity.Error, Nsp, "provider_code", "Equals the provider in the upload path.");
    public static readonly Rule N02 = new("N02", IssueSeverity.Error, Nsp, "outlet_code", "1–32 of A-Z 0-9 _ - (letters case-insensitive).");
    public static readonly Rule N03 = new("N03", IssueSeverity.Error, Nsp, "outlet_type", "PHARMACY, SPECIALIST, OUTREACH or OTHER.");
    public static readonly Rule N04 = new("N04", IssueSeverity.Error, Nsp, "transaction_date", "A date inside the reporting month.");
    public static readonly Rule N05 = new("N05", IssueSeverity.Error, Nsp, "registrant_token", "Blank or 1–64 characters.");
    public static readonly Rule N06 = new("N06", IssueSeverity.Error, Nsp, "needles_supplied", "A whole number 0–1000.");
    public static readonly Rule N07 = new("N07", IssueSeverity.Error, Nsp, "new_registration, used_returned, naloxone_supplied, bbv_test, referred_to_treatment", "Blank or Y/N.");

    public static readonly Rule K01 = new("K01", IssueSeverity.Error, Workforce, "provider_code", "Equals the provider in the upload path.");
    public static readonly Rule K02 = new("K02", IssueSeverity.Error, Workforce, "staff_headcount", "A whole number 0–10000.");
    public static readonly Rule K03 = new("K03", IssueSeverity.Error, Workforce, "staff_fte", "A decimal 0–10000, at most 2 decimal places.");
    public static readonly Rule K04 = new("K04", IssueSeverity.Error, Workforce, "long_term_leave_fte", "A decimal, at most 2 decimal places, 0 to staff_fte.");
    public static readonly Rule K05 = new("K05", IssueSeverity.Error, Workforce, "staff_on_long_term_leave", "A whole number 0 to staff_headcount.");
    public static readonly Rule K06 = new("K06", IssueSeverity.Error, Workforce, "staff_under_2_years", "A whole number 0 to staff_headcount.");
    public static readonly Rule K07 = new("K07", IssueSeverity.Error, Workforce, "", "Exactly one data row.");
    public static readonly Rule W04 = new("W04", IssueSeverity.Warning, Workforce, "staff_fte", "staff_fte above 0 with staff_headcount 0, or staff_headcount above 0 with staff_fte 0.");

    public static readonly Rule W05 = new("W05", IssueSeverity.Warning, Any, "", "The reporting month starts after the upload time.");

    public static readonly Rule REF01 = new("REF01", IssueSeverity.Error, "reference/providers.csv", "provider_code", "1–64 of A-Z a-z 0-9 _ -, unique.");
    public static readonly Rule REF02 = new("REF02", IssueSeverity.Error, "reference/providers.csv", "provider_name", "Not blank.");
    public static readonly Rule REF03 = new("REF03", IssueSeverity.Error, "reference/providers.csv", "area_code", "An area of areas.csv.");
    public static readonly Rule REF04 = new("REF04", IssueSeverity.Error, "reference/areas.csv", "area_code", "1–64 of A-Z a-z 0-9 _ -, unique.");
    public static readonly Rule REF05 = new("REF05", IssueSeverity.Error, "reference/areas.csv", "area_name", "Not blank.");
    public static readonly Rule REF06 = new("REF06", IssueSeverity.Error, "reference/areas.csv", "nation", "ENGLAND, SCOTLAND, WALES or NORTHERN_IRELAND.");
    public static readonly Rule REF07 = new("REF07", IssueSeverity.Error, "reference/areas.csv", "estimated_opiate_users, estimated_pwid", "Blank or a whole number 0 or more.");
    public static readonly Rule REF08 = new("REF08", IssueSeverity.Error, "reference/targets.csv", "area_code", "* or an area of areas.csv.");
    public static readonly Rule REF09 = new("REF09", IssueSeverity.Error, "reference/targets.csv", "kpi_id", "Not blank; a KPI of the catalogue when the caller supplies it.");
    public static readonly Rule REF10 = new("REF10", IssueSeverity.Error, "reference/targets.csv", "target", "A decimal number.");
    public static readonly Rule REF11 = new("REF11", IssueSeverity.Error, "reference/targets.csv", "amber_margin", "Blank (5) or a decimal 0 or more.");
    public static readonly Rule REF12 = new("REF12", IssueSeverity.Error, "reference/targets.csv", "area_code, kpi_id", "(area_code, kpi_id) unique.");
    public static readonly Rule REF13 = new("REF13", IssueSeverity.Error, Reference, "", "providers.csv and areas.csv are present (targets.csv is optional).");

    /// <summary>Every rule, in the order docs/validation.md gives them.</summary>
    public static IReadOnlyList<Rule> All { get; } =
    [
        F01, F02, F03, F04, F05, F06, F07, F08, F09, F10, F11, F12,
        E01, E02, E03, E04, E05, E06, E07, E08, E09, E10, E11, E12, E13, E14, E15, E16, E17, W01, W02,
        R01, R02, R03, R04, R05, R06, R07, R08, R09, R10, W03,
        N01, N02, N03, N04, N05, N06, N07,
        K01, K02, K03, K04, K05, K06, K07, W04,
        W05,
        REF01, REF02, REF03, REF04, REF05, REF06, REF07, REF08, REF09, REF10, REF11, REF12, REF13,
    ];

    public static Rule Find(string id) => All.First(r => r.Id == id);
}
