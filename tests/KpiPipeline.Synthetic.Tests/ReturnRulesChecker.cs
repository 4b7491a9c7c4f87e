using System.Globalization;
using System.Text;

namespace KpiPipeline.Synthetic.Tests;

/// <summary>
/// A small checker of the key dataset.md rules, written independently of the generator (and of the pipeline's
/// validator) so the tests do not trust the code they test. Returns the rule ids broken, one per finding.
/// </summary>
public static class ReturnRulesChecker
{
    private static readonly HashSet<string> Sexes = ["M", "F", "X"];
    private static readonly HashSet<string> Sources = ["SELF", "GP", "HEALTH_SOCIAL_CARE", "CRIMINAL_JUSTICE", "PRISON_RELEASE", "NSP", "OUTREACH", "OTHER"];
    private static readonly HashSet<string> Substances = ["HEROIN", "OTHER_OPIOID", "CRACK", "COCAINE", "BENZODIAZEPINE", "CANNABIS", "ALCOHOL", "OTHER"];
    private static readonly HashSet<string> Settings = ["SPECIALIST", "SHARED_CARE", "OUTREACH", "RESIDENTIAL", "HAT_CLINIC", "PRISON"];
    private static readonly HashSet<string> Medications = ["NONE", "METHADONE", "BUPRENORPHINE", "BUPRENORPHINE_NALOXONE", "BUPRENORPHINE_DEPOT", "DIAMORPHINE"];
    private static readonly HashSet<string> DoseMedications = ["METHADONE", "BUPRENORPHINE", "BUPRENORPHINE_NALOXONE", "DIAMORPHINE"];
    private static readonly HashSet<string> Goals = ["ABSTINENCE", "MAINTENANCE", "HARM_REDUCTION", "UNDECIDED"];
    private static readonly HashSet<string> ExitReasons = ["COMPLETED_DRUG_FREE", "COMPLETED_OCCASIONAL_USE", "TRANSFERRED", "TRANSFERRED_CUSTODY", "DROPPED_OUT", "WITHDRAWN_BY_PROVIDER", "DECLINED", "RETAINED_IN_CUSTODY", "OTHER", "DIED"];
    private static readonly HashSet<string> Stages = ["START", "REVIEW", "EXIT", "POST_EXIT"];
    private static readonly HashSet<string> OutletTypes = ["PHARMACY", "SPECIALIST", "OUTREACH", "OTHER"];

    public static List<Dictionary<string, string>> Rows(byte[] content, out string[] header)
    {
        var text = Encoding.UTF8.GetString(content);
        var lines = text.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).ToList();
        header = lines[0].Split(',');
        var columns = header;
        return lines.Skip(1).Select(l =>
        {
            var fields = l.Split(',');
            Assert.Equal(columns.Length, fields.Length);
            return columns.Zip(fields).ToDictionary(p => p.First, p => p.Second);
        }).ToList();
    }

    public static List<string> CheckEpisodes(string provider, DateOnly monthEnd, byte[] content)
    {
        var errors = new List<string>();
        var ids = new HashSet<string>();
        foreach (var r in Rows(content, out _))
        {
            if (r["provider_code"] != provider) { errors.Add("E01"); }
            if (!ids.Add(r["episode_id"]) || r["episode_id"].Length is 0 or > 64) { errors.Add("E02"); }
            if (!IsLetter(r["first_initial"]) || !IsLetter(r["last_initial"])) { errors.Add("E03"); }
            var dob = Date(r["date_of_birth"]);
            var referral = Date(r["referral_date"]);
            if (dob is null || referral is null || dob > referral || Age(dob.Value, referral.Value) is < 18 or > 100) { errors.Add("E04"); }
            if (!Sexes.Contains(r["sex"])) { errors.Add("E05"); }
            if (referral is null || referral > monthEnd) { errors.Add("E06"); }
            if (!Sources.Contains(r["referral_source"])) { errors.Add("E07"); }
            if (!Substances.Contains(r["primary_substance"])) { errors.Add("E08"); }
            var start = Date(r["treatment_start_date"]);
            if (r["treatment_start_date"] != "" && (start is null || start < referral || start > monthEnd)) { errors.Add("E09"); }
            if (start is not null && (!Settings.Contains(r["setting"]) || !Medications.Contains(r["medication"]))) { errors.Add("E10"); }
            if (start is null && (r["setting"] != "" || r["medication"] != "")) { errors.Add("E10"); }
            if (r["daily_dose_mg"] != "" && (!decimal.TryParse(r["daily_dose_mg"], NumberStyles.Number, CultureInfo.InvariantCulture, out var dose)
                || dose is < 0 or > 2000 || !DoseMedications.Contains(r["medication"]))) { errors.Add("E11"); }
            if ((r["treatment_goal"] != "" && !Goals.Contains(r["treatment_goal"])) || r["naloxone_supplied"] is not ("" or "Y" or "N")) { errors.Add("E12"); }
            var exit = Date(r["exit_date"]);
            if (r["exit_date"] != "" && (exit is null || exit < (start ?? referral) || exit > monthEnd)) { errors.Add("E13"); }
            if ((r["exit_date"] == "") != (r["exit_reason"] == "") || (r["exit_reason"] != "" && !ExitReasons.Contains(r["exit_reason"]))) { errors.Add("E14"); }
            if (r["record_status"] is not ("" or "ACTIVE" or "DELETED")) { errors.Add("E15"); }
            if (r["exit_reason"].StartsWith("COMPLETED_", StringComparison.Ordinal) && r["daily_dose_mg"] != "" && decimal.Parse(r["daily_dose_mg"], CultureInfo.InvariantCulture) > 0) { errors.Add("E16"); }
        }

        return errors;
    }

    public static List<string> CheckReviews(string provider, DateOnly monthStart, DateOnly monthEnd, byte[] content)
    {
        var errors = new List<string>();
        var keys = new HashSet<(string, string, string)>();
        foreach (var r in Rows(content, out _))
        {
            if (r["provider_code"] != provider) { errors.Add("R01"); }
            var date = Date(r["review_date"]);
            if (date is null || date > monthEnd || date < monthStart) { errors.Add("R02"); }
            if (!Stages.Contains(r["stage"])) { errors.Add("R03"); }
            if (!keys.Add((r["episode_id"], r["review_date"], r["stage"]))) { errors.Add("R04"); }
            foreach (var c in new[] { "opiate_days", "crack_days", "cocaine_days", "benzodiazepine_days", "alcohol_days", "injecting_days", "paid_work_days" })
            {
                if (!InRange(r[c], 0, 28)) { errors.Add("R05"); }
            }

            if (r["shared_equipment"] is not ("" or "Y" or "N") || r["acute_housing_problem"] is not ("" or "Y" or "N")) { errors.Add("R06"); }
            foreach (var c in new[] { "psychological_health", "physical_health", "quality_of_life" })
            {
                if (!InRange(r[c], 0, 20)) { errors.Add("R07"); }
            }

            if (!InRange(r["barc10_score"], 10, 60)) { errors.Add("R08"); }
            if (!InRange(r["goals_set"], 0, 50) || !InRange(r["goals_progressed"], 0, 50)
                || (r["goals_set"] != "" && r["goals_progressed"] != "" && int.Parse(r["goals_progressed"], CultureInfo.InvariantCulture) > int.Parse(r["goals_set"], CultureInfo.InvariantCulture))) { errors.Add("R09"); }
        }

        return errors;
    }

    public static List<string> CheckNsp(string provider, DateOnly monthStart, DateOnly monthEnd, byte[] content)
    {
        var errors = new List<string>();
        foreach (var r in Rows(content, out _))
        {
            if (r["provider_code"] != provider) { errors.Add("N01"); }
            if (r["outlet_code"].Length is 0 or > 32 || !r["outlet_code"].All(c => c is (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_' or '-')) { errors.Add("N02"); }
            if (!OutletTypes.Contains(r["outlet_type"])) { errors.Add("N03"); }
            var date = Date(r["transaction_date"]);
            if (date is null || date < monthStart || date > monthEnd) { errors.Add("N04"); }
            if (r["registrant_token"].Length > 64) { errors.Add("N05"); }
            if (r["needles_supplied"] == "" || !InRange(r["needles_supplied"], 0, 1000)) { errors.Add("N06"); }
        }

        return errors;
    }

    /// <summary>workforce.csv (dataset.md section 6): K01–K07, and W04 as a finding too (generated data should not need it).</summary>
    public static List<string> CheckWorkforce(string provider, byte[] content)
    {
        var errors = new List<string>();
        var rows = Rows(content, out _);
        if (rows.Count != 1) { errors.Add("K07"); }
        foreach (var r in rows)
        {
            if (r["provider_code"] != provider) { errors.Add("K01"); }
            var headcount = WholeNumber(r["staff_headcount"]);
            var fte = Fte(r["staff_fte"]);
            var leaveFte = Fte(r["long_term_leave_fte"]);
            if (headcount is null or > 10000) { errors.Add("K02"); }
            if (fte is null or > 10000) { errors.Add("K03"); }
            if (leaveFte is null || leaveFte > fte) { errors.Add("K04"); }
            if (WholeNumber(r["staff_on_long_term_leave"]) is not { } onLeave || onLeave > headcount) { errors.Add("K05"); }
            if (WholeNumber(r["staff_under_2_years"]) is not { } under2 || under2 > headcount) { errors.Add("K06"); }
            if ((headcount == 0 && fte > 0) || (headcount > 0 && fte == 0)) { errors.Add("W04"); }
        }

        return errors;
    }

    private static int? WholeNumber(string value) =>
        value != "" && value.All(char.IsAsciiDigit) && int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;

    /// <summary>Digits with an optional point and at most two decimal places.</summary>
    private static decimal? Fte(string value) =>
        value.Split('.') is [var whole, .. var rest] && rest.Length <= 1 && whole != "" && whole.All(char.IsAsciiDigit)
        && (rest.Length == 0 || (rest[0].Length is >= 1 and <= 2 && rest[0].All(char.IsAsciiDigit)))
            ? decimal.Parse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture)
            : null;

    private static bool IsLetter(string value) => value.Length == 1 && value[0] is >= 'A' and <= 'Z';

    private static bool InRange(string value, int min, int max) =>
        value == "" || (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max);

    public static DateOnly? Date(string value) =>
        DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;

    private static int Age(DateOnly dob, DateOnly on) =>
        on.Year - dob.Year - (on.Month < dob.Month || (on.Month == dob.Month && on.Day < dob.Day) ? 1 : 0);
}
