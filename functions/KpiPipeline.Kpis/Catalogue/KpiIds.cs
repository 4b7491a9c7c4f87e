namespace KpiPipeline.Kpis.Catalogue;

/// <summary>The kpi_id of every KPI in kpis.md.</summary>
public static class KpiIds
{
    public const string Acc01 = "ACC01_waited_3_weeks_or_less";
    public const string Acc02 = "ACC02_median_wait_days";
    public const string Acc03 = "ACC03_same_day_start";
    public const string Acc04 = "ACC04_waiting_over_3_weeks_at_period_end";
    public const string Vol01 = "VOL01_in_treatment";
    public const string Vol02 = "VOL02_new_presentations";
    public const string Ret01 = "RET01_retained_12_weeks";
    public const string Ret02 = "RET02_early_unplanned_exit";
    public const string Ret03 = "RET03_ost_over_4_years";
    public const string Ret04 = "RET04_ost_over_6_years";
    public const string Ext01 = "EXT01_successful_completions";
    public const string Ext02 = "EXT02_successful_no_representation";
    public const string Ext03 = "EXT03_representation_6_months";
    public const string Ext04 = "EXT04_dropped_out";
    public const string Ext05 = "EXT05_withdrawn_by_provider";
    public const string Ext06 = "EXT06_deaths_in_treatment";
    public const string Ext07 = "EXT07_early_successful_exit";
    public const string Ext08 = "EXT08_stable_maintenance";
    public const string Dos01 = "DOS01_methadone_optimal_dose";
    public const string Dos02 = "DOS02_buprenorphine_optimal_dose";
    public const string Hrm01 = "HRM01_naloxone_supplied";
    public const string Soft01 = "SOFT01_recovery_capital_change";
    public const string Soft02 = "SOFT02_recovery_capital_47_plus";
    public const string Soft03 = "SOFT03_opiate_abstinent";
    public const string Soft04 = "SOFT04_stopped_injecting";
    public const string Soft05 = "SOFT05_quality_of_life_change";
    public const string Soft06 = "SOFT06_housing_problem_resolved";
    public const string Soft07 = "SOFT07_goals_progressed";
    public const string Soft08 = "SOFT08_outcome_review_coverage";
    public const string Nsp01 = "NSP01_transactions";
    public const string Nsp02 = "NSP02_needles_supplied";
    public const string Nsp03 = "NSP03_new_registrations";
    public const string Nsp04 = "NSP04_needles_per_pwid_per_year";
    public const string Nsp05 = "NSP05_naloxone_supplied";
    public const string Nsp06 = "NSP06_referred_to_treatment";
    public const string Pop01 = "POP01_unmet_need_opiate";
    public const string Dq01 = "DQ01_returns_on_time";
    public const string Dq02 = "DQ02_rejected_uploads";
    public const string Dq03 = "DQ03_missing_open_episodes";
    public const string Cj01 = "CJ01_prison_release_engaged_3_weeks";
    public const string Hat01 = "HAT01_engaged_12_months";
    public const string Hat02 = "HAT02_left_within_6_months";
    public const string Hat03 = "HAT03_in_treatment";
    public const string Cap01 = "CAP01_caseload_per_fte";
    public const string Cap02 = "CAP02_staff_under_2_years_service";
    public const string Cap03 = "CAP03_staff_on_long_term_leave";
}
