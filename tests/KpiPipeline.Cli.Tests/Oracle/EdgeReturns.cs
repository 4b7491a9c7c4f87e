using System.Globalization;
using System.Text;

namespace KpiPipeline.Cli.Tests.Oracle;

/// <summary>A person as the attributor sees them (dataset.md 2.2), written exactly as given (codes in any case).</summary>
internal sealed record EdgePerson(string FirstInitial, string LastInitial, string DateOfBirth, string Sex);

/// <summary>
/// One hand-made episode of <see cref="EdgeReturns"/>: its final state, from which each month's row is derived (dates after
/// the month's end blank, dataset.md rules E06, E09 and E13). It is sent from <see cref="FirstMonth"/> (default: the later
/// of the provider's first month and the referral's month) to the month of its exit, or to <see cref="LastMonth"/> (default:
/// the provider's last month with rows; an earlier month makes it go missing). <see cref="InMonth"/> changes a month's row
/// (a DELETED row, an earlier goal, a row in a month the run must ignore).
/// </summary>
internal sealed record EdgeEpisode(string Provider, string Id, EdgePerson Person, string Referral, string Source, string Substance)
{
    public string? Start { get; init; }

    public string Setting { get; init; } = "SPECIALIST";

    public string Medication { get; init; } = "NONE";

    public string? Dose { get; init; }

    public string? Goal { get; init; }

    public string? Exit { get; init; }

    public string? Reason { get; init; }

    public string Status { get; init; } = "ACTIVE";

    public string? FirstMonth { get; init; }

    public string? LastMonth { get; init; }

    public Func<string, EdgeEpisode, EdgeEpisode>? InMonth { get; init; }
}

/// <summary>One row of a hand-made reviews.csv: sent in <paramref name="Month"/>'s file; a blank opiate_days is null.</summary>
internal sealed record EdgeReview(string Provider, string Month, string EpisodeId, string Date, string Stage, int? OpiateDays);

/// <summary>
/// Hand-made returns of two extra providers (ZZ01, ZZ02) in an extra area, added to the generated returns of
/// <see cref="SpecVersion11OracleTests"/> so that every edge of kpis.md section 10 that generated data rarely reach is in
/// the compared rows: went-missing HAT episodes around day 365, HAT01's cohort either side of the as-of date, CJ01's
/// provisional denominator and starts recorded a month later, EXT07's 83/84-day edge and a never-started SUCCESSFUL exit,
/// re-presentation at 180/182/183 days, EXT08's dose and 365-day edges (decimal doses, 0, blank, a goal changed by a later
/// month), breakdown values (blank goal, sex X, age 29/30 and a 29 February birthday, lower-case codes), SOFT03's
/// pairing (EXIT beating a REVIEW of the same date, START or LATEST without the measure, a review resent with a new value,
/// a review on START's date, reviews of a deleted episode, in a rejected file and in a month after the as-of date),
/// workforce months (a rejected latest month, a provider without one, FTE summing to 0, a half that rounds away from 0),
/// an empty last episodes.csv (every open episode goes missing), a deleted episode that comes back, a deleted 1995
/// referral, and a month after the as-of date whose rows would change many figures if it were read.
/// </summary>
/// <remarks>
/// The expected figures are not written here: the oracle SQL computes them and the project must agree. The comments say
/// what each case is for, as of 2026-07-15 (the test's as-of date).
/// </remarks>
internal static class EdgeReturns
{
    public const string Area = "E06000099";
    private const string Zz01 = "ZZ01";
    private const string Zz02 = "ZZ02";

    private const string EpisodeHeader =
        "provider_code,episode_id,first_initial,last_initial,date_of_birth,sex,referral_date,referral_source,primary_substance," +
        "treatment_start_date,setting,medication,daily_dose_mg,treatment_goal,naloxone_supplied,exit_date,exit_reason,record_status";

    /// <summary>ZZ02 sends its columns in another order and leaves the optional naloxone_supplied out (dataset.md 1).</summary>
    private const string ShuffledEpisodeHeader =
        "episode_id,provider_code,referral_date,date_of_birth,first_initial,last_initial,sex,primary_substance,referral_source," +
        "treatment_goal,treatment_start_date,setting,medication,daily_dose_mg,exit_reason,exit_date,record_status";

    private const string WorkforceHeader =
        "provider_code,staff_headcount,staff_fte,long_term_leave_fte,staff_on_long_term_leave,staff_under_2_years";

    /// <summary>Months each provider sends an episodes.csv; ZZ01's 2026-08 is after the as-of date, ZZ02's 2026-07 is empty.</summary>
    private static readonly Dictionary<string, (string First, string LastWithRows, string LastFile)> Months = new(StringComparer.Ordinal)
    {
        [Zz01] = ("2025-01", "2026-08", "2026-08"),
        [Zz02] = ("2025-01", "2026-06", "2026-07"),
    };

    private static EdgePerson P(int n, string sex = "M") =>
        new(((char)('A' + (n % 26))).ToString(), ((char)('Z' - (n / 26 % 26))).ToString(),
            new DateOnly(1962 + (n * 7 % 36), 1 + (n % 12), 1 + (n % 28)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), sex);

    private static readonly EdgePerson Shared = new("h", "a", "1970-03-15", "m");
    private static readonly EdgePerson Twice = new("W", "T", "1996-05-05", "F");
    private static readonly EdgePerson LowerCase = new("m", "k", "1985-04-04", "f");

    private static IEnumerable<EdgeEpisode> Episodes()
    {
        // HAT01/HAT02/HAT03 (10.4). Cohort of 2025-26-Q4 (final): start + 365 in Jan–Mar 2026.
        yield return Hat(Zz01, "HAT-A1", Shared, "2025-01-03", "2025-01-10") with
        {
            Goal = "MAINTENANCE",
            // A row in a month after the as-of date: ignored, or HAT01 and HAT03 would lose this episode.
            InMonth = (m, e) => m == "2026-08" ? e with { Exit = "2026-08-05", Reason = "DROPPED_OUT" } : e,
        };
        yield return Hat(Zz01, "HAT-A2", P(2), "2025-01-15", "2025-01-20") with { Exit = "2025-06-15", Reason = "DROPPED_OUT" };
        // Went missing after 2025-12: effective end 2025-12-31, before day 365.
        yield return Hat(Zz01, "HAT-A3", P(3), "2025-02-01", "2025-02-05") with { LastMonth = "2025-12" };
        // Went missing after 2026-02: effective end 2026-02-28 = start + 364.
        yield return Hat(Zz01, "HAT-A4", P(4), "2025-02-20", "2025-03-01") with { Setting = "hat_clinic", LastMonth = "2026-02" };
        // Exit exactly 365 days after start: still open at day 365; HAT02 denominator only.
        yield return Hat(Zz01, "HAT-A5", P(5), "2025-02-25", "2025-03-02") with { Exit = "2026-03-02", Reason = "TRANSFERRED" };
        // 2026-27-Q2 (the as-of quarter, provisional): day 365 on 2026-07-05 ≤ as-of is in; 2026-07-20 > as-of is not;
        // day 365 on 2026-07-01, exit on day 374 (in).
        yield return Hat(Zz01, "HAT-A6", P(6), "2025-07-01", "2025-07-05");
        yield return Hat(Zz01, "HAT-A7", P(7), "2025-07-10", "2025-07-20");
        yield return Hat(Zz01, "HAT-A8", P(8), "2025-06-25", "2025-07-01") with { Exit = "2026-07-10", Reason = "DROPPED_OUT" };
        // An exit dated after the as-of date in the as-of month's return.
        yield return Hat(Zz01, "HAT-A9", P(9), "2025-12-01", "2025-12-05") with { Exit = "2026-07-25", Reason = "DROPPED_OUT" };
        // The same person in HAT at the other provider of the area: once in the area's HAT03.
        yield return Hat(Zz02, "HAT-A1B", Shared with { FirstInitial = "H", LastInitial = "A", Sex = "M" }, "2025-03-20", "2025-04-01") with
        {
            Goal = "MAINTENANCE",
        };

        // CJ01 (10.3). 2026-27-Q1 and Q2 are provisional (as-of < P.end + 21).
        yield return new EdgeEpisode(Zz01, "CJ-B1", P(10), "2026-05-10", "PRISON_RELEASE", "HEROIN");
        yield return new EdgeEpisode(Zz01, "CJ-B2", P(11), "2026-07-01", "PRISON_RELEASE", "HEROIN");
        yield return new EdgeEpisode(Zz01, "CJ-B3", P(12), "2026-07-02", "PRISON_RELEASE", "HEROIN")
        {
            Start = "2026-07-10",
            Medication = "METHADONE",
            Dose = "30",
            Goal = "ABSTINENCE",
        };
        // Referred in June, started in July (a later month's return): 19 days, counts for 2026-27-Q1.
        yield return new EdgeEpisode(Zz01, "CJ-B4", P(13), "2026-06-25", "prison_release", "CRACK") { Start = "2026-07-14" };
        yield return new EdgeEpisode(Zz01, "CJ-B5", P(14), "2026-03-01", "PRISON_RELEASE", "HEROIN") { Start = "2026-03-23" };
        yield return new EdgeEpisode(Zz01, "CJ-B6", P(15), "2026-03-10", "PRISON_RELEASE", "ALCOHOL") { Start = "2026-03-31" };
        // Deleted in its latest month: gone.
        yield return new EdgeEpisode(Zz01, "CJ-B7", P(16), "2026-02-10", "PRISON_RELEASE", "HEROIN")
        {
            LastMonth = "2026-03",
            InMonth = (m, e) => m == "2026-03" ? e with { Status = "deleted" } : e,
        };
        yield return new EdgeEpisode(Zz01, "CJ-B8", P(17), "2026-05-20", "PRISON_RELEASE", "HEROIN") { Start = "2026-06-20" };
        yield return new EdgeEpisode(Zz01, "CJ-B9", P(18), "2026-06-30", "PRISON_RELEASE", "COCAINE");
        // Closed without starting 5 days after referral, while the window is open: left out until it is 21 days old.
        yield return new EdgeEpisode(Zz01, "CJ-B12", P(76), "2026-07-03", "PRISON_RELEASE", "HEROIN") { Exit = "2026-07-08", Reason = "DECLINED" };

        // EXT07 and EXT01/EXT02 (10.2, section 0).
        // Never started, SUCCESSFUL exit: in EXT01, outside EXT07.
        yield return new EdgeEpisode(Zz01, "SUC-C1", P(19), "2026-01-05", "GP", "ALCOHOL") { Exit = "2026-02-10", Reason = "COMPLETED_DRUG_FREE" };
        yield return new EdgeEpisode(Zz01, "SUC-C2", P(20), "2025-10-25", "SELF", "CRACK")
        {
            Start = "2025-11-01",
            Goal = "ABSTINENCE",
            Exit = "2026-01-23",
            Reason = "COMPLETED_OCCASIONAL_USE",
        };
        yield return new EdgeEpisode(Zz01, "SUC-C3", P(21), "2025-10-25", "SELF", "CANNABIS")
        {
            Start = "2025-11-02",
            Goal = "ABSTINENCE",
            Exit = "2026-01-25",
            Reason = "COMPLETED_DRUG_FREE",
        };
        // Re-presentation 180 days (at the other provider), 182 days and 183 days after a SUCCESSFUL exit.
        yield return new EdgeEpisode(Zz01, "SUC-C4", P(22), "2025-05-25", "SELF", "ALCOHOL")
        {
            Start = "2025-06-01",
            Exit = "2025-10-10",
            Reason = "COMPLETED_DRUG_FREE",
        };
        yield return new EdgeEpisode(Zz02, "SUC-C4B", P(22), "2026-04-08", "SELF", "ALCOHOL");
        yield return new EdgeEpisode(Zz01, "SUC-C5", P(23), "2025-05-25", "SELF", "COCAINE")
        {
            Start = "2025-06-01",
            Exit = "2025-10-20",
            Reason = "COMPLETED_DRUG_FREE",
        };
        yield return new EdgeEpisode(Zz01, "SUC-C5B", P(23), "2026-04-20", "SELF", "COCAINE");
        yield return new EdgeEpisode(Zz01, "SUC-C6", P(24), "2025-05-25", "SELF", "CANNABIS")
        {
            Start = "2025-06-01",
            Exit = "2025-10-25",
            Reason = "COMPLETED_OCCASIONAL_USE",
        };
        yield return new EdgeEpisode(Zz01, "SUC-C6B", P(24), "2026-04-26", "SELF", "CANNABIS");
        // Not re-presentations: a referral on the exit date itself (the window is (X, X + 182]), and one only in the
        // 2026-08 return (after the as-of date).
        yield return new EdgeEpisode(Zz01, "SUC-C9", P(74), "2025-08-01", "SELF", "CANNABIS")
        {
            Start = "2025-08-05",
            Exit = "2025-11-10",
            Reason = "COMPLETED_DRUG_FREE",
        };
        yield return new EdgeEpisode(Zz01, "SUC-C9B", P(74), "2025-11-10", "SELF", "CANNABIS") { Exit = "2025-11-30", Reason = "DECLINED" };
        yield return new EdgeEpisode(Zz01, "SUC-C10", P(75), "2026-01-10", "SELF", "COCAINE")
        {
            Start = "2026-01-12",
            Exit = "2026-03-01",
            Reason = "COMPLETED_DRUG_FREE",
        };
        yield return new EdgeEpisode(Zz01, "SUC-C10B", P(75), "2026-08-05", "SELF", "COCAINE");

        // Two SUCCESSFUL exits in 2025-26-Q2: the first (ABSTINENCE) re-presented by the second (UNDECIDED), the second
        // not: in EXT02 for all and UNDECIDED, not for ABSTINENCE; in EXT01 for both goals.
        yield return new EdgeEpisode(Zz01, "SUC-C7", P(25), "2025-03-25", "GP", "ALCOHOL")
        {
            Start = "2025-04-01",
            Goal = "ABSTINENCE",
            Exit = "2025-07-05",
            Reason = "COMPLETED_DRUG_FREE",
        };
        yield return new EdgeEpisode(Zz01, "SUC-C7B", P(25), "2025-07-20", "GP", "ALCOHOL")
        {
            Start = "2025-07-25",
            Goal = "UNDECIDED",
            Exit = "2025-09-20",
            Reason = "COMPLETED_DRUG_FREE",
        };

        // EXT08 (10.2): MAINTENANCE on METHADONE/BUPRENORPHINE(_NALOXONE), open at P.end, started by P.end − 365.
        yield return Maintenance(Zz01, "MNT-D1", P(26), "2024-06-01", "METHADONE", "120");
        yield return Maintenance(Zz01, "MNT-D2", P(27), "2024-06-01", "METHADONE", "59.5");
        yield return Maintenance(Zz01, "MNT-D3", P(28), "2024-06-01", "METHADONE", "120.5");
        yield return Maintenance(Zz01, "MNT-D4", P(29), "2024-06-01", "BUPRENORPHINE", "12");
        yield return Maintenance(Zz01, "MNT-D5", P(30), "2024-06-01", "BUPRENORPHINE_NALOXONE", "32.0");
        yield return Maintenance(Zz01, "MNT-D6", P(31), "2024-06-01", "BUPRENORPHINE", "32.5");
        yield return Maintenance(Zz01, "MNT-D7", P(32), "2024-06-01", "METHADONE", "0");
        yield return Maintenance(Zz01, "MNT-D8", P(33), "2024-06-01", "METHADONE", null);
        // Started exactly P.end − 365 for 2025-26-Q4, and a day later.
        yield return Maintenance(Zz01, "MNT-D9", P(34), "2025-03-31", "METHADONE", "80");
        yield return Maintenance(Zz01, "MNT-D10", P(35), "2025-04-01", "METHADONE", "80");
        // Ends on 2026-03-31: not open at the end of 2025-26-Q4.
        yield return Maintenance(Zz01, "MNT-D11", P(36), "2024-09-01", "METHADONE", "80") with { Exit = "2026-03-31", Reason = "DROPPED_OUT" };
        // One person, out of range at ZZ01 and in range at ZZ02: once in the area, in its numerator.
        yield return Maintenance(Zz01, "MNT-D12", P(37), "2024-07-01", "METHADONE", "150");
        yield return Maintenance(Zz02, "MNT-D12B", P(37), "2024-08-01", "BUPRENORPHINE", "16");
        // MAINTENANCE until 2025-12, ABSTINENCE from 2026-01: the combined (latest) goal applies to every period.
        yield return Maintenance(Zz01, "MNT-D13", P(38), "2024-06-01", "METHADONE", "90") with
        {
            Goal = "ABSTINENCE",
            InMonth = (m, e) => string.CompareOrdinal(m, "2025-12") <= 0 ? e with { Goal = "MAINTENANCE" } : e,
        };
        // Sent up to 2026-07 only: the 2026-08 file is after the as-of date, so it is still open at the end of 2026-27-Q2.
        yield return Maintenance(Zz01, "MNT-D14", P(39), "2024-05-01", "METHADONE", "90") with { LastMonth = "2026-07" };
        yield return Maintenance(Zz01, "MNT-D15", P(40), "2024-10-01", "methadone", "60") with { Goal = "maintenance" };
        yield return Maintenance(Zz01, "MNT-D16", P(41), "2024-06-01", "BUPRENORPHINE_DEPOT", null);

        // Breakdowns (10.1): a blank goal, sex X, ages 30 and 29 at referral, a 29 February birthday.
        yield return new EdgeEpisode(Zz01, "BRK-E1", P(42), "2025-09-01", "SELF", "COCAINE") { Start = "2025-09-10" };
        yield return new EdgeEpisode(Zz01, "BRK-E2", new EdgePerson("Q", "Z", "1990-01-01", "X"), "2025-10-01", "SELF", "ALCOHOL")
        {
            Start = "2025-10-02",
            Goal = "UNDECIDED",
        };
        yield return new EdgeEpisode(Zz01, "BRK-E3", new EdgePerson("J", "J", "1996-01-10", "F"), "2026-01-10", "GP", "ALCOHOL")
        {
            Start = "2026-01-12",
            Goal = "harm_reduction",
        };
        yield return new EdgeEpisode(Zz01, "BRK-E4", new EdgePerson("J", "K", "1996-01-11", "M"), "2026-01-10", "GP", "ALCOHOL") { Start = "2026-01-12" };
        yield return new EdgeEpisode(Zz01, "BRK-E5", new EdgePerson("L", "P", "1996-02-29", "M"), "2026-02-28", "SELF", "HEROIN")
        {
            Start = "2026-03-02",
            Medication = "METHADONE",
            Dose = "40",
            Goal = "UNDECIDED",
        };
        // One person in two goals and two age bands (29 and 30 at referral), both in treatment in 2026-27-Q1.
        yield return new EdgeEpisode(Zz01, "BRK-E6", Twice, "2025-06-01", "SELF", "ALCOHOL") { Start = "2025-06-05", Goal = "ABSTINENCE" };
        yield return new EdgeEpisode(Zz01, "BRK-E6B", Twice, "2026-05-10", "SELF", "COCAINE") { Start = "2026-05-12", Goal = "HARM_REDUCTION" };
        // Lower-case initials and sex at ZZ01, upper case at ZZ02: one person.
        yield return new EdgeEpisode(Zz01, "BRK-E7", LowerCase, "2025-08-20", "SELF", "BENZODIAZEPINE") { Start = "2025-09-01" };
        yield return new EdgeEpisode(Zz02, "BRK-E7B", LowerCase with { FirstInitial = "M", LastInitial = "K", Sex = "F" }, "2025-08-25", "SELF", "BENZODIAZEPINE")
        {
            Start = "2025-09-01",
        };

        // SOFT03 (section 0 and 6) reviews, see Reviews().
        yield return Opiate(Zz01, "REV-F1", P(49)) with { Exit = "2026-02-10", Reason = "DROPPED_OUT" };
        yield return Opiate(Zz01, "REV-F2", P(50));
        yield return Opiate(Zz01, "REV-F3", P(51));
        yield return Opiate(Zz01, "REV-F4", P(52));
        yield return Opiate(Zz01, "REV-F5", P(53));
        yield return Opiate(Zz01, "REV-F7", P(55));
        yield return Opiate(Zz02, "REV-F8", P(56));
        // Deleted in its latest month (2026-01): its reviews do not count.
        yield return Opiate(Zz01, "DEL-I2", P(54)) with { LastMonth = "2026-01", InMonth = (m, e) => m == "2026-01" ? e with { Status = "DELETED" } : e };

        // Deleted in 2025-11 and sent again as ACTIVE from 2025-12: it comes back.
        yield return new EdgeEpisode(Zz01, "DEL-I1", P(57), "2025-07-25", "SELF", "ALCOHOL")
        {
            Start = "2025-08-01",
            Goal = "ABSTINENCE",
            InMonth = (m, e) => m == "2025-11" ? e with { Status = "DELETED" } : e,
        };
        // A 1995 referral, deleted in its latest month: the period range must not reach back to it.
        yield return new EdgeEpisode(Zz01, "DEL-I3", new EdgePerson("R", "D", "1960-01-01", "M"), "1995-06-01", "GP", "HEROIN")
        {
            Start = "1995-06-10",
            Medication = "METHADONE",
            Dose = "70",
            LastMonth = "2025-02",
            InMonth = (m, e) => m == "2025-02" ? e with { Status = "DELETED" } : e,
        };
        // Only in the 2026-08 file (after the as-of date): a 1994 referral that would add quarters if it were read.
        yield return new EdgeEpisode(Zz01, "LATE-J1", new EdgePerson("S", "E", "1950-01-01", "F"), "1994-01-01", "GP", "HEROIN")
        {
            Start = "1994-01-10",
            FirstMonth = "2026-08",
        };

        // ZZ02's caseload at 2026-03-31 (CAP01): HAT-A1B, MNT-D12B, BRK-E7B, REV-F8 and this one; a referral not yet
        // started is not in it.
        yield return new EdgeEpisode(Zz02, "CAP-H1", P(60), "2025-09-20", "SELF", "CANNABIS") { Start = "2025-10-01", Goal = "ABSTINENCE" };
        yield return new EdgeEpisode(Zz02, "CAP-H2", P(61), "2026-03-20", "SELF", "ALCOHOL");
        // With HAT-A1B, MNT-D12B, BRK-E7B and REV-F8, ZZ02's 7 clients at 2025-09-30; gone by 2025-12-31.
        foreach (var (id, person) in new[] { ("CAP-H3", P(71)), ("CAP-H4", P(72)), ("CAP-H5", P(73, "F")) })
        {
            yield return new EdgeEpisode(Zz02, id, person, "2025-07-01", "SELF", "CANNABIS")
            {
                Start = "2025-07-10",
                Exit = "2025-10-15",
                Reason = "DROPPED_OUT",
            };
        }

        // A never-started SUCCESSFUL exit of someone of sex X at ZZ02, where no one of sex X is in treatment: EXT01 for
        // sex X at ZZ02 in 2025-26-Q3 is 1 ÷ 0 (blank value).
        yield return new EdgeEpisode(Zz02, "SUC-C8", new EdgePerson("V", "V", "1988-08-08", "X"), "2025-11-01", "SELF", "ALCOHOL")
        {
            Exit = "2025-12-10",
            Reason = "COMPLETED_DRUG_FREE",
        };

        // RET01 (section 3) in the provisional 2026-27-Q1: ZZ02's episodes went missing at 2026-06-30. Started 2026-04-01
        // (day 84 on 2026-06-24 ≤ as-of): in the cohort, open 90 days. Started 2026-05-01 (day 84 after the as-of date),
        // no exit_date recorded: outside the provisional cohort although its effective end is known.
        yield return new EdgeEpisode(Zz02, "RET-G1", P(62), "2026-03-25", "SELF", "CRACK") { Start = "2026-04-01", Goal = "UNDECIDED" };
        yield return new EdgeEpisode(Zz02, "RET-G2", P(63), "2026-04-25", "SELF", "ALCOHOL") { Start = "2026-05-01" };
        // 2025-26-Q4: TRANSFERRED after 74 days is outside the cohort; DIED after 84 days is in it and retained.
        yield return new EdgeEpisode(Zz01, "RET-G3", P(64), "2026-01-02", "SELF", "HEROIN")
        {
            Start = "2026-01-05",
            Exit = "2026-03-20",
            Reason = "TRANSFERRED",
        };
        yield return new EdgeEpisode(Zz01, "RET-G4", P(65), "2026-01-02", "SELF", "ALCOHOL")
        {
            Start = "2026-01-05",
            Exit = "2026-03-30",
            Reason = "DIED",
        };

        // The combined (latest) row decides: referred as SELF in the 2026-04 return, as PRISON_RELEASE from 2026-05 (CJ01
        // 2026-27-Q1); in SPECIALIST until 2025-09, in HAT_CLINIC from 2025-10 (HAT in every period: HAT03 from
        // 2025-26-Q1, HAT01 in 2026-27-Q1).
        yield return new EdgeEpisode(Zz01, "CJ-B10", P(66), "2026-04-10", "PRISON_RELEASE", "HEROIN")
        {
            Start = "2026-04-20",
            InMonth = (m, e) => m == "2026-04" ? e with { Source = "SELF" } : e,
        };
        // On the as-of date itself: referral + 21 (CJ01's provisional denominator keeps it), start + 365 (HAT01's cohort
        // takes it), start + 84 (RET01's provisional cohort takes it).
        yield return new EdgeEpisode(Zz01, "CJ-B11", P(68), "2026-06-24", "PRISON_RELEASE", "HEROIN");
        yield return Hat(Zz01, "HAT-A11", P(69), "2025-07-10", "2025-07-15");
        yield return new EdgeEpisode(Zz01, "RET-G5", P(70), "2026-04-15", "SELF", "CANNABIS") { Start = "2026-04-22" };
        yield return Hat(Zz01, "HAT-A10", P(67), "2025-04-01", "2025-04-03") with
        {
            InMonth = (m, e) => string.CompareOrdinal(m, "2025-09") <= 0 ? e with { Setting = "SPECIALIST" } : e,
        };
    }

    private static EdgeEpisode Maintenance(string provider, string id, EdgePerson person, string start, string medication, string? dose) =>
        new(provider, id, person, DateOnly.ParseExact(start, "yyyy-MM-dd", CultureInfo.InvariantCulture).AddDays(-10).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            "GP", "HEROIN")
        {
            Start = start,
            Medication = medication,
            Dose = dose,
            Goal = "MAINTENANCE",
        };

    private static EdgeEpisode Hat(string provider, string id, EdgePerson person, string referral, string start) =>
        new(provider, id, person, referral, "SELF", "HEROIN") { Start = start, Setting = "HAT_CLINIC", Medication = "DIAMORPHINE", Dose = "200" };

    private static EdgeEpisode Opiate(string provider, string id, EdgePerson person) =>
        new(provider, id, person, "2025-04-20", "SELF", "HEROIN") { Start = "2025-05-01", Medication = "METHADONE", Dose = "70", Goal = "ABSTINENCE" };

    private static IEnumerable<EdgeReview> Reviews()
    {
        // An EXIT review beats a REVIEW of the same date: LATEST opiate_days 0.
        yield return new EdgeReview(Zz01, "2025-05", "REV-F1", "2025-05-01", "START", 10);
        yield return new EdgeReview(Zz01, "2026-02", "REV-F1", "2026-02-10", "REVIEW", 5);
        yield return new EdgeReview(Zz01, "2026-02", "REV-F1", "2026-02-10", "EXIT", 0);
        // The earliest START lacks the measure: not paired, though a later START has it.
        yield return new EdgeReview(Zz01, "2025-06", "REV-F2", "2025-06-01", "START", null);
        yield return new EdgeReview(Zz01, "2025-06", "REV-F2", "2025-06-15", "START", 12);
        yield return new EdgeReview(Zz01, "2026-01", "REV-F2", "2026-01-20", "REVIEW", 0);
        // LATEST in 2025-26-Q4 lacks the measure, an earlier review in the quarter has it.
        yield return new EdgeReview(Zz01, "2025-06", "REV-F3", "2025-06-01", "START", 10);
        yield return new EdgeReview(Zz01, "2026-01", "REV-F3", "2026-01-15", "REVIEW", 0);
        yield return new EdgeReview(Zz01, "2026-03", "REV-F3", "2026-03-10", "REVIEW", null);
        // Resent in a later month with a new value: the later month wins.
        yield return new EdgeReview(Zz01, "2025-06", "REV-F4", "2025-06-01", "START", 10);
        yield return new EdgeReview(Zz01, "2026-02", "REV-F4", "2026-02-01", "REVIEW", 4);
        yield return new EdgeReview(Zz01, "2026-03", "REV-F4", "2026-02-01", "REVIEW", 0);
        // A REVIEW on START's date is not after it.
        yield return new EdgeReview(Zz01, "2026-01", "REV-F5", "2026-01-20", "START", 8);
        yield return new EdgeReview(Zz01, "2026-01", "REV-F5", "2026-01-20", "REVIEW", 0);
        // Deleted episode; unknown episode (W03).
        yield return new EdgeReview(Zz01, "2025-05", "DEL-I2", "2025-05-01", "START", 9);
        yield return new EdgeReview(Zz01, "2025-12", "DEL-I2", "2025-12-15", "REVIEW", 0);
        yield return new EdgeReview(Zz01, "2026-02", "NOPE-1", "2026-02-01", "START", 9);
        yield return new EdgeReview(Zz01, "2026-03", "NOPE-1", "2026-03-01", "REVIEW", 0);
        // 2026-27-Q2: LATEST is 2026-07-14 (3 days); a later review sent in 2026-08 (after the as-of date) is ignored.
        yield return new EdgeReview(Zz01, "2025-06", "REV-F7", "2025-06-01", "START", 7);
        yield return new EdgeReview(Zz01, "2026-07", "REV-F7", "2026-07-14", "REVIEW", 3);
        yield return new EdgeReview(Zz01, "2026-08", "REV-F7", "2026-07-20", "REVIEW", 0);
        // The only later review is in a rejected file (see RejectedReviews).
        yield return new EdgeReview(Zz02, "2025-06", "REV-F8", "2025-06-01", "START", 6);
        yield return new EdgeReview(Zz02, "2026-02", "REV-F8", "2026-02-03", "REVIEW", 0);
    }

    /// <summary>ZZ02's reviews.csv for 2026-02 also holds a review with an unknown stage (R03): the file is rejected.</summary>
    private const string RejectedReviews = "ZZ02/2026-02/reviews.csv";

    /// <summary>workforce.csv rows (headcount, FTE, long-term-leave FTE, on long-term leave, under 2 years), by provider and month.</summary>
    private static readonly (string Provider, string Month, string Row)[] Workforce =
    [
        // 2025-26-Q1: only ZZ01: ZZ02's clients are left out of the area's caseload.
        (Zz01, "2025-06", "4,3.5,0,0,1"),
        // 2025-26-Q2: ZZ02 has 7 clients over 1.12 FTE: 6.25 exactly (6.249999999999999 in binary floating point), 6.3.
        (Zz01, "2025-09", "5,4.0,0,0,1"),
        (Zz02, "2025-08", "3,1.12,0,0,1"),
        // 2025-26-Q3: ZZ01 in October and December (December in force); ZZ02 has no staff: its CAP01 numerator is its
        // real caseload, over 0 FTE (blank); its CAP02/CAP03 are 0 ÷ 0; the area's FTE is ZZ01's alone.
        (Zz01, "2025-10", "5,4.5,0,0,2"),
        (Zz01, "2025-12", "6,5.25,1.00,1,3"),
        (Zz02, "2025-11", "0,0,0,0,0"),
        // 2025-26-Q4: ZZ01's March is rejected (long-term leave over FTE, K04), so February is in force. ZZ02 has 0.16
        // FTE for 5 clients: 31.25, which rounds half away from zero to 31.3 (to even, 31.2).
        (Zz01, "2026-01", "6,5.0,0,0,2"),
        (Zz01, "2026-02", "7,6.10,0.75,1,2"),
        (Zz01, "2026-03", "7,6.0,6.5,1,2"),
        (Zz02, "2026-03", "2,0.16,0,1,1"),
        // 2026-27-Q1: only ZZ02, with no staff (and, its episodes having gone missing at 2026-06-30, no caseload): the
        // area's FTE sums to 0.
        (Zz02, "2026-05", "0,0,0,0,0"),
        // 2026-27-Q2: ZZ01's July; August is after the as-of date.
        (Zz01, "2026-07", "8,7.5,0.5,1,4"),
        (Zz01, "2026-08", "100,1,0,0,0"),
    ];

    private const string RejectedWorkforce = "ZZ01/2026-03/workforce.csv";

    /// <summary>
    /// Registers ZZ01 and ZZ02 in a new area and writes their returns. Returns the files written to be rejected.
    /// </summary>
    public static IReadOnlyList<string> WriteTo(string returns, string reference)
    {
        File.AppendAllText(Path.Combine(reference, "providers.csv"),
            $"{Zz01},Edge Recovery Service,{Area}\n{Zz02},Edge Shared Care,{Area}\n");
        File.AppendAllText(Path.Combine(reference, "areas.csv"), $"{Area},Edge Vale,ENGLAND,,\n");

        var episodes = Episodes().ToList();
        foreach (var (provider, (first, lastWithRows, lastFile)) in Months)
        {
            for (var month = first; string.CompareOrdinal(month, lastFile) <= 0; month = Next(month))
            {
                var shuffled = provider == Zz02;
                var text = new StringBuilder((shuffled ? ShuffledEpisodeHeader : EpisodeHeader) + "\n");
                if (string.CompareOrdinal(month, lastWithRows) <= 0)
                {
                    foreach (var episode in episodes.Where(e => e.Provider == provider && IsSent(e, month, first, lastWithRows)))
                    {
                        text.Append(Row(episode.InMonth?.Invoke(month, episode) ?? episode, month, shuffled)).Append('\n');
                    }
                }

                // ZZ02's files start with a UTF-8 byte order mark and end their lines with CRLF (dataset.md 1).
                Write(returns, $"{provider}/{month}/episodes.csv", shuffled ? "\uFEFF" + text.ToString().Replace("\n", "\r\n", StringComparison.Ordinal) : text.ToString());
            }
        }

        foreach (var file in Reviews().GroupBy(r => $"{r.Provider}/{r.Month}/reviews.csv"))
        {
            var text = new StringBuilder("provider_code,episode_id,review_date,stage,opiate_days\n");
            foreach (var review in file)
            {
                text.Append(CultureInfo.InvariantCulture, $"{review.Provider},{review.EpisodeId},{review.Date},{review.Stage},{review.OpiateDays}\n");
            }

            if (file.Key == RejectedReviews)
            {
                text.Append("ZZ02,REV-F8,2026-02-04,INTERIM,0\n");
            }

            Write(returns, file.Key, text.ToString());
        }

        foreach (var (provider, month, row) in Workforce)
        {
            Write(returns, $"{provider}/{month}/workforce.csv", $"{WorkforceHeader}\n{provider},{row}\n");
        }

        return [RejectedReviews, RejectedWorkforce];
    }

    private static bool IsSent(EdgeEpisode e, string month, string providerFirst, string providerLastWithRows)
    {
        var first = e.FirstMonth ?? Max(providerFirst, e.Referral[..7]);
        var last = e.Exit is { } exit ? exit[..7] : e.LastMonth ?? providerLastWithRows;
        return string.CompareOrdinal(month, first) >= 0 && string.CompareOrdinal(month, last) <= 0;
    }

    /// <summary>The episode's row in a month: dates after the month's end are not known yet.</summary>
    private static string Row(EdgeEpisode e, string month, bool shuffled)
    {
        var monthEnd = month + "-" + DateTime.DaysInMonth(int.Parse(month[..4], CultureInfo.InvariantCulture), int.Parse(month[5..], CultureInfo.InvariantCulture))
            .ToString("00", CultureInfo.InvariantCulture);
        var started = e.Start is { } s && string.CompareOrdinal(s, monthEnd) <= 0;
        var exited = e.Exit is { } x && string.CompareOrdinal(x, monthEnd) <= 0;
        var p = e.Person;
        var fields = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["provider_code"] = e.Provider,
            ["episode_id"] = e.Id,
            ["first_initial"] = p.FirstInitial,
            ["last_initial"] = p.LastInitial,
            ["date_of_birth"] = p.DateOfBirth,
            ["sex"] = p.Sex,
            ["referral_date"] = e.Referral,
            ["referral_source"] = e.Source,
            ["primary_substance"] = e.Substance,
            ["treatment_start_date"] = started ? e.Start : null,
            ["setting"] = started ? e.Setting : null,
            ["medication"] = started ? e.Medication : null,
            ["daily_dose_mg"] = started ? e.Dose : null,
            ["treatment_goal"] = e.Goal,
            ["naloxone_supplied"] = null,
            ["exit_date"] = exited ? e.Exit : null,
            ["exit_reason"] = exited ? e.Reason : null,
            ["record_status"] = e.Status,
        };
        return string.Join(',', (shuffled ? ShuffledEpisodeHeader : EpisodeHeader).Split(',').Select(c => fields[c] ?? ""));
    }

    private static string Max(string a, string b) => string.CompareOrdinal(a, b) >= 0 ? a : b;

    private static string Next(string month)
    {
        var date = DateOnly.ParseExact(month + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture).AddMonths(1);
        return date.ToString("yyyy-MM", CultureInfo.InvariantCulture);
    }

    private static void Write(string root, string relative, string content)
    {
        var path = Path.Combine(root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }
}
