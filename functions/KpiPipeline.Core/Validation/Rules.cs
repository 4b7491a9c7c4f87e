namespace KpiPipeline.Core.Validation;

/// <summary>One validation rule: its id, severity, the file and column it is about, and what it checks.</summary>
public sealed record RuleInfo(string Id, IssueSeverity Severity, string File, string Column, string Description);

/// <summary>
/// Every rule id a validation report can carry: the spec's (dataset.md E01–E16, W01–W03, R01–R09, N01–N06) and the
/// ones this project adds for what the spec does not number (F.., E17, R10, N07, W04, REF..). docs/validation.md lists them.
/// </summary>
public static class Rules
{
    private const string Any = "any";
    private const string Episodes = "episodes.csv";
    private const string Reviews = "reviews.csv";
    private const string Nsp = "nsp.csv";
    private const string Reference = "reference/*.csv";

    public static IReadOnlyList<RuleInfo> All { get; } =
    [
        new("F01", IssueSeverity.Error, Any, "", "The upload path is {provider_code}/{YYYY-MM}/episodes.csv, reviews.csv or nsp.csv."),
        new("F02", IssueSeverity.Error, Any, "", "The provider code of the path is registered in reference/providers.csv."),
        new("F03", IssueSeverity.Error, Any, "", "The file is well-formed CSV (RFC 4180 quoting; rows at most 1 MiB)."),
        new("F04", IssueSeverity.Error, Any, "(header)", "Every required column is in the header."),
        new("F05", IssueSeverity.Error, Any, "(header)", "No column appears twice in the header."),
        new("F06", IssueSeverity.Error, Any, "(header)", "Every column in the header is one the file defines (no blank names)."),
        new("F07", IssueSeverity.Error, Any, "", "The file is valid UTF-8."),
        new("F08", IssueSeverity.Error, Any, "", "The file has a header row (it is not empty)."),
        new("F09", IssueSeverity.Error, Any, "", "The file is not larger than the size limit (512 MiB by default)."),
        new("F10", IssueSeverity.Error, Any, "", "Each row has as many fields as the header."),
        new("F11", IssueSeverity.Error, Any, "", "kpi process: one file per provider, month and file name (no two folders differing only in case)."),
        new("F12", IssueSeverity.Error, Any, "", "kpi process: the file can be read (not a link to a folder, a broken link or unreadable)."),
        new("E01", IssueSeverity.Error, Episodes, "provider_code", "Equals the provider in the upload path."),
        new("E02", IssueSeverity.Error, Episodes, "episode_id", "1–64 of A-Z a-z 0-9 _ -, unique within the file."),
        new("E03", IssueSeverity.Error, Episodes, "first_initial, last_initial", "One letter A–Z."),
        new("E04", IssueSeverity.Error, Episodes, "date_of_birth", "A date, not after referral_date, age at referral 18–100."),
        new("E05", IssueSeverity.Error, Episodes, "sex", "M, F or X."),
        new("E06", IssueSeverity.Error, Episodes, "referral_date", "A date, not after the end of the reporting month."),
        new("E07", IssueSeverity.Error, Episodes, "referral_source", "A referral source code."),
        new("E08", IssueSeverity.Error, Episodes, "primary_substance", "A substance code."),
        new("E09", IssueSeverity.Error, Episodes, "treatment_start_date", "Blank or a date, not before referral_date, not after month end."),
        new("E10", IssueSeverity.Error, Episodes, "setting, medication", "Codes; required when treatment has started."),
        new("E11", IssueSeverity.Error, Episodes, "daily_dose_mg", "Blank or a decimal 0–2000, only with METHADONE, BUPRENORPHINE, BUPRENORPHINE_NALOXONE or DIAMORPHINE."),
        new("E12", IssueSeverity.Error, Episodes, "treatment_goal, naloxone_supplied", "Blank or a goal code; blank or Y/N."),
        new("E13", IssueSeverity.Error, Episodes, "exit_date", "Blank or a date, not before treatment_start_date (or referral_date if never started), not after month end."),
        new("E14", IssueSeverity.Error, Episodes, "exit_reason", "An exit reason code, required with exit_date and forbidden without it."),
        new("E15", IssueSeverity.Error, Episodes, "record_status", "Blank (ACTIVE), ACTIVE or DELETED."),
        new("E16", IssueSeverity.Error, Episodes, "daily_dose_mg", "No COMPLETED_* exit with a daily dose above 0."),
        new("E17", IssueSeverity.Error, Episodes, "referral_date", "Not before 1990-01-01 (the earliest period published)."),
        new("W01", IssueSeverity.Warning, Episodes, "treatment_start_date", "Waiting time (treatment_start_date − referral_date) over 365 days."),
        new("W02", IssueSeverity.Warning, Episodes, "episode_id", "An episode open at the end of the previous accepted month is missing from this file."),
        new("R01", IssueSeverity.Error, Reviews, "provider_code", "Equals the provider in the upload path."),
        new("R02", IssueSeverity.Error, Reviews, "review_date", "A date, not after the end of the reporting month."),
        new("R03", IssueSeverity.Error, Reviews, "stage", "START, REVIEW, EXIT or POST_EXIT."),
        new("R04", IssueSeverity.Error, Reviews, "episode_id, review_date, stage", "(episode_id, review_date, stage) unique within the file."),
        new("R05", IssueSeverity.Error, Reviews, "*_days", "Blank or a whole number 0–28."),
        new("R06", IssueSeverity.Error, Reviews, "shared_equipment, acute_housing_problem", "Blank or Y/N."),
        new("R07", IssueSeverity.Error, Reviews, "psychological_health, physical_health, quality_of_life", "Blank or a whole number 0–20."),
        new("R08", IssueSeverity.Error, Reviews, "barc10_score", "Blank or a whole number 10–60."),
        new("R09", IssueSeverity.Error, Reviews, "goals_set, goals_progressed", "Blank or a whole number 0–50; goals_progressed ≤ goals_set."),
        new("R10", IssueSeverity.Error, Reviews, "episode_id", "1–64 of A-Z a-z 0-9 _ - (required)."),
        new("W03", IssueSeverity.Warning, Reviews, "episode_id", "The episode is not known for this provider; the review is left out of KPIs until it arrives."),
        new("N01", IssueSeverity.Error, Nsp, "provider_code", "Equals the provider in the upload path."),
        new("N02", IssueSeverity.Error, Nsp, "outlet_code", "1–32 of A-Z 0-9 _ - (letters case-insensitive)."),
        new("N03", IssueSeverity.Error, Nsp, "outlet_type", "PHARMACY, SPECIALIST, OUTREACH or OTHER."),
        new("N04", IssueSeverity.Error, Nsp, "transaction_date", "A date inside the reporting month."),
        new("N05", IssueSeverity.Error, Nsp, "registrant_token", "Blank or 1–64 characters."),
        new("N06", IssueSeverity.Error, Nsp, "needles_supplied", "A whole number 0–1000."),
        new("N07", IssueSeverity.Error, Nsp, "new_registration, used_returned, naloxone_supplied, bbv_test, referred_to_treatment", "Blank or Y/N."),
        new("W04", IssueSeverity.Warning, Any, "", "The reporting month starts after the upload time."),
        new("REF01", IssueSeverity.Error, "reference/providers.csv", "provider_code", "1–64 of A-Z a-z 0-9 _ -, unique."),
        new("REF02", IssueSeverity.Error, "reference/providers.csv", "provider_name", "Not blank."),
        new("REF03", IssueSeverity.Error, "reference/providers.csv", "area_code", "An area of areas.csv."),
        new("REF04", IssueSeverity.Error, "reference/areas.csv", "area_code", "1–64 of A-Z a-z 0-9 _ -, unique."),
        new("REF05", IssueSeverity.Error, "reference/areas.csv", "area_name", "Not blank."),
        new("REF06", IssueSeverity.Error, "reference/areas.csv", "nation", "ENGLAND, SCOTLAND, WALES or NORTHERN_IRELAND."),
        new("REF07", IssueSeverity.Error, "reference/areas.csv", "estimated_opiate_users, estimated_pwid", "Blank or a whole number 0 or more."),
        new("REF08", IssueSeverity.Error, "reference/targets.csv", "area_code", "* or an area of areas.csv."),
        new("REF09", IssueSeverity.Error, "reference/targets.csv", "kpi_id", "Not blank; a KPI of the catalogue when the caller supplies it."),
        new("REF10", IssueSeverity.Error, "reference/targets.csv", "target", "A decimal number."),
        new("REF11", IssueSeverity.Error, "reference/targets.csv", "amber_margin", "Blank (5) or a decimal 0 or more."),
        new("REF12", IssueSeverity.Error, "reference/targets.csv", "area_code, kpi_id", "(area_code, kpi_id) unique."),
        new("REF13", IssueSeverity.Error, Reference, "", "providers.csv and areas.csv are present (targets.csv is optional)."),
    ];

    public static RuleInfo Find(string id) => All.First(r => r.Id == id);
}
