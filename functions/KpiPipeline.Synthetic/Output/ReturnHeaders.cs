namespace KpiPipeline.Synthetic.Output;

/// <summary>The exact column names of dataset.md, in the order the generator writes them.</summary>
public static class ReturnHeaders
{
    public static IReadOnlyList<string> Episodes { get; } =
    [
        "provider_code", "episode_id", "first_initial", "last_initial", "date_of_birth", "sex", "referral_date",
        "referral_source", "primary_substance", "treatment_start_date", "setting", "medication", "daily_dose_mg",
        "treatment_goal", "naloxone_supplied", "exit_date", "exit_reason", "record_status",
    ];

    public static IReadOnlyList<string> Reviews { get; } =
    [
        "provider_code", "episode_id", "review_date", "stage", "opiate_days", "crack_days", "cocaine_days",
        "benzodiazepine_days", "alcohol_days", "injecting_days", "shared_equipment", "psychological_health",
        "physical_health", "quality_of_life", "acute_housing_problem", "paid_work_days", "barc10_score",
        "goals_set", "goals_progressed",
    ];

    public static IReadOnlyList<string> Nsp { get; } =
    [
        "provider_code", "outlet_code", "outlet_type", "transaction_date", "registrant_token", "new_registration",
        "needles_supplied", "used_returned", "naloxone_supplied", "bbv_test", "referred_to_treatment",
    ];

    public static IReadOnlyList<string> Workforce { get; } =
    [
        "provider_code", "staff_headcount", "staff_fte", "long_term_leave_fte", "staff_on_long_term_leave", "staff_under_2_years",
    ];

    public static IReadOnlyList<string> Providers { get; } = ["provider_code", "provider_name", "area_code"];

    public static IReadOnlyList<string> Areas { get; } =
        ["area_code", "area_name", "nation", "estimated_opiate_users", "estimated_pwid"];

    public static IReadOnlyList<string> Targets { get; } = ["area_code", "kpi_id", "target", "amber_margin"];
}
