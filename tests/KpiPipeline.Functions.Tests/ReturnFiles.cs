namespace KpiPipeline.Functions.Tests;

/// <summary>Test data builder for raw provider returns and reference files (dataset.md), as CSV text.</summary>
public static class ReturnFiles
{
    public const string Providers = "provider_code,provider_name,area_code\nP1,Provider One,A1\nP2,Provider Two,A1\nP3,Provider Three,A2\n";

    public const string Areas = "area_code,area_name,nation,estimated_opiate_users,estimated_pwid\nA1,Area One,ENGLAND,1000,400\nA2,Area Two,SCOTLAND,,\n";

    public const string EpisodesHeader =
        "provider_code,episode_id,first_initial,last_initial,date_of_birth,sex,referral_date,referral_source,primary_substance," +
        "treatment_start_date,setting,medication,daily_dose_mg,treatment_goal,naloxone_supplied,exit_date,exit_reason,record_status";

    public const string ReviewsHeader =
        "provider_code,episode_id,review_date,stage,opiate_days,injecting_days,quality_of_life,barc10_score,goals_set,goals_progressed";

    public const string NspHeader = "provider_code,outlet_code,outlet_type,transaction_date,registrant_token,new_registration,needles_supplied";

    /// <summary>One episode row; the defaults describe a person on methadone who started 10 days after referral.</summary>
    public static string Episode(
        string provider = "P1",
        string id = "E1",
        string initials = "JS",
        string dateOfBirth = "1980-05-17",
        string sex = "M",
        string referral = "2025-04-02",
        string substance = "HEROIN",
        string start = "2025-04-12",
        string medication = "METHADONE",
        string dose = "80",
        string exit = "",
        string exitReason = "",
        string status = "ACTIVE") =>
        $"{provider},{id},{initials[0]},{initials[1]},{dateOfBirth},{sex},{referral},GP,{substance},{start}," +
        $"{(start.Length == 0 ? "" : "SPECIALIST")},{(start.Length == 0 ? "" : medication)},{dose},MAINTENANCE,Y,{exit},{exitReason},{status}";

    public static string EpisodesCsv(params string[] rows) => string.Join("\n", [EpisodesHeader, .. rows]) + "\n";

    public static string Review(string provider = "P1", string episode = "E1", string date = "2025-04-12", string stage = "START", int barc = 30) =>
        $"{provider},{episode},{date},{stage},20,10,8,{barc},3,1";

    public static string ReviewsCsv(params string[] rows) => string.Join("\n", [ReviewsHeader, .. rows]) + "\n";

    public static string Nsp(string provider = "P1", string date = "2025-04-03", int needles = 20) =>
        $"{provider},OUT-1,PHARMACY,{date},token-1,N,{needles}";

    public static string NspCsv(params string[] rows) => string.Join("\n", [NspHeader, .. rows]) + "\n";

    public const string WorkforceHeader = "provider_code,staff_headcount,staff_fte,long_term_leave_fte,staff_on_long_term_leave,staff_under_2_years";

    /// <summary>One workforce row: 12 people, 10.5 FTE, 1 of them (0.5 FTE) on long-term leave, 4 with under two years' service.</summary>
    public static string Workforce(string provider = "P1", int headcount = 12, string fte = "10.5", string leaveFte = "0.5", int onLeave = 1, int under2Years = 4) =>
        $"{provider},{headcount},{fte},{leaveFte},{onLeave},{under2Years}";

    public static string WorkforceCsv(params string[] rows) => string.Join("\n", [WorkforceHeader, .. rows]) + "\n";
}
