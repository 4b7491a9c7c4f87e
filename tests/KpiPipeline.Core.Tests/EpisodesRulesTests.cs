using KpiPipeline.Core.Dataset;
using KpiPipeline.Core.Validation;
using static KpiPipeline.Core.Tests.Fixture;

namespace KpiPipeline.Core.Tests;

/// <summary>episodes.csv (dataset.md section 2): E01–E17, W01 and W02 at the boundaries the spec states, and the curated row.</summary>
public class EpisodesRulesTests
{
    [Fact]
    public async Task Accepts_a_good_episode_and_emits_its_curated_row()
    {
        var (report, sink) = await Episodes(GoodEpisode);

        Assert.True(report.Accepted);
        var row = Assert.Single(sink.Episodes);
        Assert.Equal(new CuratedEpisode("PROV1", "EP1", row.ClientKey, 43, Sex.M, new DateOnly(2024, 1, 10), ReferralSource.GP, Substance.HEROIN,
            new DateOnly(2024, 1, 20), TreatmentSetting.SPECIALIST, Medication.METHADONE, 60m, TreatmentGoal.MAINTENANCE, true, null, null, RecordStatus.ACTIVE), row);
        Assert.Equal(64, row.ClientKey.Length);
    }

    // E01
    [Theory]
    [InlineData("PROV1", null)]
    [InlineData("prov1", null)]
    [InlineData("PROV2", "E01")]
    [InlineData(" PROV1", "E01")]
    [InlineData("", "E01")]
    public async Task E01_provider_code_equals_the_path_provider_case_insensitively(string value, string? rule) =>
        await Expect(rule, EpisodeRow(("provider_code", value)));

    // E02
    [Theory]
    [InlineData(64, null)]
    [InlineData(65, "E02")]
    [InlineData(1, null)]
    public async Task E02_episode_id_is_1_to_64_characters(int length, string? rule) =>
        await Expect(rule, EpisodeRow(("episode_id", new string('a', length))));

    [Theory]
    [InlineData("Ab_-09", null)]
    [InlineData("", "E02")]
    [InlineData("EP 1", "E02")]
    [InlineData("EP.1", "E02")]
    [InlineData("EP1 ", "E02")]
    [InlineData("ÉP1", "E02")]
    public async Task E02_episode_id_uses_only_letters_digits_underscore_and_hyphen(string value, string? rule) =>
        await Expect(rule, EpisodeRow(("episode_id", value)));

    [Fact]
    public async Task E02_rejects_an_episode_id_that_appears_twice_naming_the_first_row()
    {
        var (report, _) = await Episodes(EpisodeRow(), EpisodeRow(("first_initial", "K")));

        AssertRejectedBy(report, "E02");
        var issue = report.Issues.Single();
        Assert.Equal(2, issue.Row);
        Assert.Contains("row 1", issue.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task E02_rejects_a_DELETED_row_that_repeats_an_episode_id_because_deleted_rows_are_validated_like_any_other()
    {
        var (report, _) = await Episodes(EpisodeRow(), EpisodeRow(("record_status", "DELETED")));

        AssertRejectedBy(report, "E02");
    }

    // E03
    [Theory]
    [InlineData("J", null)]
    [InlineData("j", null)]
    [InlineData("Z", null)]
    [InlineData("JS", "E03")]
    [InlineData("1", "E03")]
    [InlineData("É", "E03")]
    [InlineData("-", "E03")]
    [InlineData("", "E03")]
    [InlineData(" J", "E03")]
    public async Task E03_initials_are_one_letter_A_to_Z(string value, string? rule)
    {
        await Expect(rule, EpisodeRow(("first_initial", value)));
        await Expect(rule, EpisodeRow(("last_initial", value)));
    }

    // E04
    [Theory]
    [InlineData("2006-01-10", null)] // 18th birthday on the referral day
    [InlineData("2006-01-11", "E04")] // 17, one day short of 18
    [InlineData("1924-01-10", null)] // 100th birthday on the referral day
    [InlineData("1923-01-11", null)] // 100, the day before the 101st birthday
    [InlineData("1923-01-10", "E04")] // 101st birthday on the referral day
    [InlineData("2024-01-11", "E04")] // after referral_date
    [InlineData("2024-01-10", "E04")] // born on the referral day: age 0
    public async Task E04_age_at_referral_is_18_to_100(string dob, string? rule) =>
        await Expect(rule, EpisodeRow(("date_of_birth", dob)));

    [Theory]
    [InlineData("1980-02-30")]
    [InlineData("1981-02-29")]
    [InlineData("1980-5-17")]
    [InlineData(" 1980-05-17")]
    [InlineData("1980-05-17 ")]
    [InlineData("17/05/1980")]
    [InlineData("19800517")]
    [InlineData("1980-13-01")]
    [InlineData("")]
    public async Task E04_date_of_birth_must_be_a_real_YYYY_MM_DD_date(string dob) =>
        await Expect("E04", EpisodeRow(("date_of_birth", dob)));

    [Fact]
    public async Task E04_accepts_a_leap_day_birth()
    {
        var (report, _) = await Episodes(EpisodeRow(("date_of_birth", "1980-02-29")));

        AssertClean(report);
    }

    [Theory]
    [InlineData("2022-02-28", "E04")] // born 2004-02-29: still 17 on 28 February of a non-leap year (documented: counts from 1 March)
    [InlineData("2022-03-01", null)] // 18 on 1 March
    public async Task E04_a_leap_day_birthday_counts_from_1_March_in_a_non_leap_year(string referral, string? rule) =>
        await Expect(rule, EpisodeRow([("date_of_birth", "2004-02-29"), ("referral_date", referral), .. NotStarted]));

    // E05
    [Theory]
    [InlineData("M", Sex.M)]
    [InlineData("f", Sex.F)]
    [InlineData("x", Sex.X)]
    public async Task E05_sex_codes_are_case_insensitive_and_stored_upper_case(string value, Sex expected)
    {
        var (report, sink) = await Episodes(EpisodeRow(("sex", value)));

        AssertClean(report);
        Assert.Equal(expected, sink.Episodes.Single().Sex);
    }

    [Theory]
    [InlineData("U")]
    [InlineData("")]
    [InlineData("M ")]
    [InlineData(" M")]
    [InlineData("MALE")]
    [InlineData("0")]
    public async Task E05_rejects_other_sex_values(string value) => await Expect("E05", EpisodeRow(("sex", value)));

    // E06
    [Theory]
    [InlineData("2024-03-31", null)]
    [InlineData("2024-04-01", "E06")]
    [InlineData("2024-02-29", null)]
    [InlineData("2023-02-29", "E06")]
    [InlineData("2024-02-30", "E06")]
    [InlineData("2024-3-01", "E06")]
    [InlineData(" 2024-03-01", "E06")]
    [InlineData("", "E06")]
    public async Task E06_referral_date_is_a_date_not_after_the_end_of_the_reporting_month(string referral, string? rule) =>
        await Expect(rule, EpisodeRow([("referral_date", referral), .. NotStarted]));

    /// <summary>A report often withholds a date's value (it could be a date of birth), so its message must say what is wrong.</summary>
    [Theory]
    [InlineData("2024-02-30", "referral_date is in the form YYYY-MM-DD but is not a real calendar date")]
    [InlineData("2024-13-01", "referral_date is in the form YYYY-MM-DD but is not a real calendar date")]
    [InlineData("30/01/2024", "referral_date is not a date in the form YYYY-MM-DD: it is written day, month and year as a spreadsheet shows dates.")]
    [InlineData("1.3.24", "referral_date is not a date in the form YYYY-MM-DD: it is written day, month and year as a spreadsheet shows dates.")]
    [InlineData("2024/01/30", "referral_date is not a date in the form YYYY-MM-DD.")]
    [InlineData("01302024", "referral_date is not a date in the form YYYY-MM-DD.")]
    public async Task E06_says_whether_a_date_has_the_wrong_form_or_is_not_in_the_calendar(string referral, string message)
    {
        var (report, _) = await Episodes(EpisodeRow([("referral_date", referral), .. NotStarted]));

        Assert.StartsWith(message, Assert.Single(report.Issues, i => i.RuleId == "E06").Message, StringComparison.Ordinal);
    }

    // E07, E08
    [Theory]
    [InlineData("SELF", null)]
    [InlineData("health_social_care", null)]
    [InlineData("Criminal_Justice", null)]
    [InlineData("PRISON_RELEASE", null)]
    [InlineData("NSP", null)]
    [InlineData("OUTREACH", null)]
    [InlineData("OTHER", null)]
    [InlineData("GP ", "E07")]
    [InlineData("DOCTOR", "E07")]
    [InlineData("", "E07")]
    [InlineData("1", "E07")]
    public async Task E07_referral_source_is_a_code_of_the_list(string value, string? rule) =>
        await Expect(rule, EpisodeRow(("referral_source", value)));

    [Theory]
    [InlineData("OTHER_OPIOID", null)]
    [InlineData("crack", null)]
    [InlineData("COCAINE", null)]
    [InlineData("BENZODIAZEPINE", null)]
    [InlineData("CANNABIS", null)]
    [InlineData("ALCOHOL", null)]
    [InlineData("OTHER", null)]
    [InlineData("KETAMINE", "E08")]
    [InlineData("", "E08")]
    public async Task E08_primary_substance_is_a_code_of_the_list(string value, string? rule) =>
        await Expect(rule, EpisodeRow(("primary_substance", value)));

    [Fact]
    public async Task Rejects_numeric_and_combined_enum_text_as_codes()
    {
        var (report, _) = await Episodes(EpisodeRow(("referral_source", "1")), EpisodeRow(("episode_id", "EP2"), ("primary_substance", "\"HEROIN, CRACK\"")));

        Assert.Equal(["E07", "E08"], Rules(report));
    }

    // E09
    [Theory]
    [InlineData("2024-01-10", null)] // on the referral day
    [InlineData("2024-01-09", "E09")] // before referral_date
    [InlineData("2024-03-31", null)] // last day of the month
    [InlineData("2024-04-01", "E09")] // after month end
    [InlineData("2024-02-30", "E09")]
    [InlineData("2024-2-01", "E09")]
    [InlineData("2024-01-20 ", "E09")]
    public async Task E09_treatment_start_is_not_before_referral_and_not_after_month_end(string start, string? rule) =>
        await Expect(rule, EpisodeRow(("treatment_start_date", start)));

    // E10
    [Theory]
    [InlineData("setting")]
    [InlineData("medication")]
    public async Task E10_setting_and_medication_are_required_once_started(string column) =>
        await Expect("E10", EpisodeRow((column, ""), ("daily_dose_mg", "")));

    [Fact]
    public async Task E10_setting_and_medication_may_be_blank_before_treatment_starts()
    {
        var (report, sink) = await Episodes(EpisodeRow(NotStarted));

        AssertClean(report);
        Assert.Null(sink.Episodes.Single().TreatmentStartDate);
    }

    [Theory]
    [InlineData("setting", "shared_care", null)]
    [InlineData("setting", "RESIDENTIAL", null)]
    [InlineData("setting", "HAT_CLINIC", null)]
    [InlineData("setting", "PRISON", null)]
    [InlineData("setting", "OUTREACH", null)]
    [InlineData("setting", "HOSPITAL", "E10")]
    [InlineData("medication", "HEROIN", "E10")]
    public async Task E10_setting_and_medication_are_codes_of_their_lists(string column, string value, string? rule) =>
        await Expect(rule, EpisodeRow((column, value), ("daily_dose_mg", "")));

    // E11
    [Theory]
    [InlineData("0", null)]
    [InlineData("2000", null)]
    [InlineData("2000.0", null)]
    [InlineData("12.5", null)]
    [InlineData("2000.01", "E11")]
    [InlineData("2001", "E11")]
    [InlineData("-1", "E11")]
    [InlineData("-0", "E11")]
    [InlineData("1e3", "E11")]
    [InlineData("abc", "E11")]
    [InlineData(" 60", "E11")]
    [InlineData("60 ", "E11")]
    [InlineData("\"1,000\"", "E11")]
    public async Task E11_daily_dose_is_a_decimal_from_0_to_2000(string dose, string? rule) =>
        await Expect(rule, EpisodeRow(("daily_dose_mg", dose)));

    [Theory]
    [InlineData("0060")]
    [InlineData("60.00000000000")] // eleven decimal places: still the decimal 60
    [InlineData("0.000000000001")]
    [InlineData("0000000000000000060")]
    public async Task E11_any_plain_decimal_within_0_to_2000_is_accepted_however_it_is_written(string dose) =>
        await Expect(null, EpisodeRow(("daily_dose_mg", dose)));

    [Fact]
    public async Task Accepts_a_dose_with_forty_trailing_zeros_after_the_decimal_point_as_the_same_dose()
    {
        var (padded, sink) = await Episodes(EpisodeRow(("daily_dose_mg", "60." + new string('0', 40))));
        var (tooHigh, _) = await Episodes(EpisodeRow(("daily_dose_mg", "2000." + new string('0', 39) + "1")));

        Assert.True(padded.Accepted, string.Join("; ", Rules(padded)));
        Assert.Equal(60m, sink.Episodes[0].DailyDoseMg);
        Assert.Equal(["E11"], Rules(tooHigh));
    }

    [Theory]
    [InlineData("METHADONE", null)]
    [InlineData("BUPRENORPHINE", null)]
    [InlineData("buprenorphine_naloxone", null)]
    [InlineData("DIAMORPHINE", null)]
    [InlineData("NONE", "E11")]
    [InlineData("BUPRENORPHINE_DEPOT", "E11")]
    public async Task E11_daily_dose_only_with_the_four_dosed_medications(string medication, string? rule) =>
        await Expect(rule, EpisodeRow(("medication", medication), ("daily_dose_mg", "8")));

    [Fact]
    public async Task E11_a_dose_without_any_medication_is_rejected()
    {
        var (report, _) = await Episodes(EpisodeRow([.. NotStarted, ("daily_dose_mg", "30")]));

        AssertRejectedBy(report, "E11");
    }

    [Fact]
    public async Task E11_a_decimal_dose_is_stored_with_its_value()
    {
        var (report, sink) = await Episodes(EpisodeRow(("daily_dose_mg", "12.5")));

        AssertClean(report);
        Assert.Equal(12.5m, sink.Episodes.Single().DailyDoseMg);
    }

    // E12
    [Theory]
    [InlineData("treatment_goal", "abstinence", null)]
    [InlineData("treatment_goal", "HARM_REDUCTION", null)]
    [InlineData("treatment_goal", "UNDECIDED", null)]
    [InlineData("treatment_goal", "", null)]
    [InlineData("treatment_goal", "RECOVERY", "E12")]
    [InlineData("naloxone_supplied", "y", null)]
    [InlineData("naloxone_supplied", "n", null)]
    [InlineData("naloxone_supplied", "", null)]
    [InlineData("naloxone_supplied", "YES", "E12")]
    [InlineData("naloxone_supplied", "1", "E12")]
    [InlineData("naloxone_supplied", "Y ", "E12")]
    public async Task E12_treatment_goal_and_naloxone_flag(string column, string value, string? rule) =>
        await Expect(rule, EpisodeRow((column, value)));

    // E13
    [Theory]
    [InlineData("2024-01-20", null)] // on the start day
    [InlineData("2024-01-19", "E13")] // before treatment_start_date (after referral)
    [InlineData("2024-03-31", null)] // month end
    [InlineData("2024-04-01", "E13")] // after month end
    [InlineData("2024-02-30", "E13")]
    public async Task E13_exit_is_not_before_start_and_not_after_month_end(string exit, string? rule) =>
        await Expect(rule, EpisodeRow(("exit_date", exit), ("exit_reason", "DROPPED_OUT")));

    [Fact]
    public async Task Rejects_exit_before_start()
    {
        var (report, _) = await Episodes(EpisodeRow(("exit_date", "2024-01-19"), ("exit_reason", "DROPPED_OUT")));

        var issue = Assert.Single(report.Issues);
        // A date is never shown: under a mislabelled header it could be a date of birth.
        Assert.Equal(("E13", 1L, "exit_date", null, true), (issue.RuleId, issue.Row!.Value, issue.Column!, issue.Value, issue.ValueWithheld));
        Assert.False(report.Accepted);
    }

    [Theory]
    [InlineData("2024-01-10", null)] // on the referral day
    [InlineData("2024-01-09", "E13")] // before referral_date
    [InlineData("2024-04-01", "E13")]
    public async Task E13_exit_of_a_never_started_episode_is_not_before_referral(string exit, string? rule) =>
        await Expect(rule, EpisodeRow([.. NotStarted, ("exit_date", exit), ("exit_reason", "DECLINED")]));

    // E14
    [Fact]
    public async Task E14_exit_reason_is_required_with_exit_date() =>
        await Expect("E14", EpisodeRow(("exit_date", "2024-03-01")));

    [Fact]
    public async Task E14_exit_reason_is_forbidden_without_exit_date() =>
        await Expect("E14", EpisodeRow(("exit_reason", "DROPPED_OUT")));

    [Theory]
    [InlineData("COMPLETED_DRUG_FREE")]
    [InlineData("COMPLETED_OCCASIONAL_USE")]
    [InlineData("TRANSFERRED")]
    [InlineData("transferred_custody")]
    [InlineData("DROPPED_OUT")]
    [InlineData("WITHDRAWN_BY_PROVIDER")]
    [InlineData("DECLINED")]
    [InlineData("RETAINED_IN_CUSTODY")]
    [InlineData("OTHER")]
    [InlineData("DIED")]
    public async Task E14_accepts_every_exit_reason_of_2_1(string reason) =>
        await Expect(null, EpisodeRow(("exit_date", "2024-03-01"), ("exit_reason", reason), ("daily_dose_mg", "0")));

    [Fact]
    public async Task E14_rejects_an_unknown_exit_reason() =>
        await Expect("E14", EpisodeRow(("exit_date", "2024-03-01"), ("exit_reason", "COMPLETED")));

    // E15
    [Theory]
    [InlineData("", RecordStatus.ACTIVE)]
    [InlineData("active", RecordStatus.ACTIVE)]
    [InlineData("Deleted", RecordStatus.DELETED)]
    public async Task E15_record_status_defaults_to_ACTIVE_and_is_case_insensitive(string value, RecordStatus expected)
    {
        var (report, sink) = await Episodes(EpisodeRow(("record_status", value)));

        AssertClean(report);
        Assert.Equal(expected, sink.Episodes.Single().RecordStatus);
    }

    [Theory]
    [InlineData("REMOVED")]
    [InlineData("DELETED ")]
    public async Task E15_rejects_other_record_status_values(string value) => await Expect("E15", EpisodeRow(("record_status", value)));

    [Fact]
    public async Task A_DELETED_row_with_a_bad_value_is_rejected_like_any_other_row() =>
        await Expect("E05", EpisodeRow(("record_status", "DELETED"), ("sex", "Q")));

    // E16
    [Theory]
    [InlineData("COMPLETED_DRUG_FREE", "0.01", "E16")]
    [InlineData("COMPLETED_OCCASIONAL_USE", "60", "E16")]
    [InlineData("COMPLETED_DRUG_FREE", "0", null)]
    [InlineData("COMPLETED_DRUG_FREE", "", null)]
    [InlineData("DROPPED_OUT", "60", null)]
    [InlineData("TRANSFERRED", "60", null)]
    public async Task E16_a_completed_exit_cannot_have_a_dose_above_0(string reason, string dose, string? rule) =>
        await Expect(rule, EpisodeRow(("exit_date", "2024-03-01"), ("exit_reason", reason), ("daily_dose_mg", dose)));

    [Fact]
    public async Task Referrals_before_1960_are_rejected_with_E17_and_1960_01_01_is_accepted()
    {
        var (yearThirty, _) = await Episodes(EpisodeRow(("date_of_birth", "0005-03-17"), ("referral_date", "0030-01-01"), ("treatment_start_date", "0030-01-05")));
        var (dayBefore, _) = await Episodes(EpisodeRow(("date_of_birth", "1930-04-12"), ("referral_date", "1959-12-31"), ("treatment_start_date", "1960-01-02")));
        var (firstDay, sink) = await Episodes(EpisodeRow(("date_of_birth", "1930-04-12"), ("referral_date", "1960-01-01"), ("treatment_start_date", "1960-01-02")));

        Assert.Equal(["E17"], Rules(yearThirty));
        Assert.Equal(["E17"], Rules(dayBefore));
        Assert.Equal("referral_date", dayBefore.Issues.Single().Column);
        Assert.Contains("1960-01-01", dayBefore.Issues.Single().Message, StringComparison.Ordinal);
        Assert.True(firstDay.Accepted);
        Assert.Equal(new DateOnly(1960, 1, 1), sink.Episodes.Single().ReferralDate);
    }

    [Fact]
    public async Task Accepts_a_methadone_client_referred_in_1989_and_still_in_treatment()
    {
        // An independent check found the bound of 1990 rejecting a provider's whole file for one real long-term client.
        var (result, sink) = await Episodes(EpisodeRow(("date_of_birth", "1950-06-01"), ("referral_date", "1989-12-31"), ("treatment_start_date", "1990-01-02")));
        Assert.True(result.Accepted, string.Join("; ", result.Issues.Select(i => i.RuleId)));
        Assert.Equal(new DateOnly(1989, 12, 31), sink.Episodes.Single().ReferralDate);
    }

    // W01
    [Theory]
    [InlineData("2024-01-01", false)] // 365 days after 2023-01-01
    [InlineData("2024-01-02", true)] // 366 days
    public async Task W01_warns_for_a_wait_over_365_days_without_rejecting(string start, bool warned)
    {
        var (report, sink) = await Episodes(EpisodeRow(("date_of_birth", "1980-05-17"), ("referral_date", "2023-01-01"), ("treatment_start_date", start)));

        Assert.True(report.Accepted, Describe(report));
        Assert.Equal(warned ? ["W01"] : [], Rules(report));
        Assert.Single(sink.Episodes);
    }

    [Fact]
    public async Task W01_counts_the_leap_day_in_the_wait()
    {
        // 2023-03-01 to 2024-03-01 is 366 days (2024-02-29 in between).
        var (report, _) = await Episodes(EpisodeRow(("referral_date", "2023-03-01"), ("treatment_start_date", "2024-03-01")));

        Assert.True(report.Accepted);
        Assert.Equal(["W01"], Rules(report));
    }

    // W02
    [Fact]
    public async Task W02_warns_for_each_previously_open_episode_missing_from_this_month()
    {
        var context = Context(previouslyOpen: new HashSet<string>(StringComparer.Ordinal) { "EP1", "EP9", "EP7" });
        var (report, _) = await Upload("PROV1/2024-03/episodes.csv", Lines(EpisodesHeader, [EpisodeRow()]), context);

        Assert.True(report.Accepted);
        Assert.Equal(["W02"], Rules(report));
        Assert.Equal(["EP7", "EP9"], report.Issues.Select(i => i.Value!).Order(StringComparer.Ordinal));
        Assert.All(report.Issues, i => Assert.Equal((IssueSeverity.Warning, null, "episode_id"), (i.Severity, i.Row, i.Column)));
    }

    [Fact]
    public async Task W02_says_what_leaving_an_episode_out_does_once_accepted_and_that_a_rejected_file_changes_nothing()
    {
        var context = Context(previouslyOpen: new HashSet<string>(StringComparer.Ordinal) { "EP1", "EP9" });
        var (accepted, _) = await Upload("PROV1/2024-03/episodes.csv", Lines(EpisodesHeader, [EpisodeRow()]), context);
        var (rejected, _) = await Upload("PROV1/2024-03/episodes.csv", Lines(EpisodesHeader, [EpisodeRow(("sex", "Q"))]), context);

        var onAccepted = Assert.Single(accepted.Issues, i => i.RuleId == "W02").Message;
        Assert.EndsWith("It will stop counting as in treatment after the last month it appeared in.", onAccepted, StringComparison.Ordinal);
        Assert.False(rejected.Accepted);
        var onRejected = Assert.Single(rejected.Issues, i => i.RuleId == "W02").Message;
        Assert.Contains("This file is rejected for its errors, so nothing changes yet; if the corrected file leaves it out too", onRejected, StringComparison.Ordinal);
    }

    [Fact]
    public async Task W02_warns_once_for_an_episode_the_previous_month_list_names_twice()
    {
        // The fold hands the list of the month before, not a set: only gone through, never looked up.
        var context = Context(previouslyOpen: ["EP9", "EP1", "EP9"]);
        var (report, _) = await Upload("PROV1/2024-03/episodes.csv", Lines(EpisodesHeader, [EpisodeRow()]), context);

        Assert.Equal(["EP9"], report.Issues.Where(i => i.RuleId == "W02").Select(i => i.Value!));
    }

    [Fact]
    public async Task W02_does_not_warn_when_the_previously_open_episode_is_present_even_as_DELETED()
    {
        var context = Context(previouslyOpen: new HashSet<string>(StringComparer.Ordinal) { "EP1", "EP2" });
        var rows = new[] { EpisodeRow(), EpisodeRow(("episode_id", "EP2"), ("record_status", "DELETED")) };
        var (report, _) = await Upload("PROV1/2024-03/episodes.csv", Lines(EpisodesHeader, rows), context);

        AssertClean(report);
    }

    [Fact]
    public async Task W02_input_lists_episodes_open_at_the_previous_month_end_only_with_the_rows_they_stood_on()
    {
        var (_, previous) = await Episodes(
            EpisodeRow(("episode_id", "EXITED"), ("exit_date", "2024-03-05"), ("exit_reason", "DROPPED_OUT")),
            EpisodeRow(("episode_id", "OPEN")),
            EpisodeRow(("episode_id", "GONE"), ("record_status", "DELETED")));

        var open = OpenEpisodes.AtMonthEnd(new ReportingMonth(2024, 3), previous.Episodes);

        Assert.Equal([new OpenEpisode("OPEN", new ReportingMonth(2024, 3), 2)], open);
    }

    /// <summary>
    /// A W02 has no row of this file, and an id whose digits read as a date is withheld (E0001248: 000124 reads as
    /// 2000-01-24), so it names the row and month of the previous file the episode stood on.
    /// </summary>
    [Fact]
    public async Task W02_names_the_row_and_month_of_the_previous_file_for_an_episode_whose_id_is_withheld()
    {
        var context = Context(previouslyOpenEpisodes: [new OpenEpisode("EP1", PreviousMonth, 1), new OpenEpisode("E0001248", PreviousMonth, 17)]);
        var (report, _) = await Upload("PROV1/2024-03/episodes.csv", Lines(EpisodesHeader, [EpisodeRow()]), context);

        var issue = Assert.Single(report.Issues);
        Assert.Equal(("W02", (string?)null, true), (issue.RuleId, issue.Value, issue.ValueWithheld));
        Assert.Contains("row 17 of the provider's accepted episodes.csv for 2024-02", issue.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("1248", issue.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// A row with a CSV problem is not checked, but the episode whose id is on it is not missing (until 2026-12-06 such a
    /// report also warned W02 that the episode was missing from the file).
    /// </summary>
    [Theory]
    [InlineData("an extra field", "F10")]
    [InlineData("a field too few", "F10")]
    [InlineData("a stray quote", "F03")]
    public async Task W02_does_not_call_missing_an_episode_whose_id_is_on_a_row_with_a_CSV_problem(string problem, string rule)
    {
        var row = EpisodeRow(("episode_id", "EP2"));
        var broken = problem switch
        {
            "an extra field" => row + ",EXTRA",
            "a field too few" => row[..row.LastIndexOf(',')],
            _ => row.Replace("HEROIN", "HER\"OIN", StringComparison.Ordinal),
        };
        var (report, _) = await Upload("PROV1/2024-03/episodes.csv", Lines(EpisodesHeader, [EpisodeRow(), broken]), Context(previouslyOpen: ["EP1", "EP2"]));

        Assert.Equal([rule], Rules(report));
    }

    [Fact]
    public async Task W02_is_not_checked_when_reading_stopped_before_the_end_of_the_file()
    {
        // An unclosed quote on row 1: the rest of the file, which holds EP2, cannot be read.
        var context = Context(previouslyOpen: ["EP1", "EP2"]);
        var rows = new[] { EpisodeRow(("primary_substance", "\"HEROIN")), EpisodeRow(("episode_id", "EP2")) };
        var (report, _) = await Upload("PROV1/2024-03/episodes.csv", Lines(EpisodesHeader, rows), context);

        Assert.Equal(["F03"], Rules(report));
    }

    [Fact]
    public async Task Any_error_in_one_row_rejects_the_whole_file()
    {
        var (report, _) = await Episodes(EpisodeRow(), EpisodeRow(("episode_id", "EP2"), ("sex", "Q")), EpisodeRow(("episode_id", "EP3")));

        Assert.False(report.Accepted);
        Assert.Equal(2, report.Issues.Single().Row);
    }

    /// <summary>
    /// A value refused for a space at its start or end, or for an invisible character, says so: the value often looks right,
    /// and is withheld when it could be an identifier (found by an adversarial check: "sex must be one of: M, F, X" for " M").
    /// </summary>
    [Theory]
    [InlineData("sex", " M", "E05", "starts or ends with a space")]
    [InlineData("primary_substance", "HEROIN\u00A0", "E08", "starts or ends with a space")]
    [InlineData("naloxone_supplied", "Y\t", "E12", "starts or ends with a space")]
    [InlineData("primary_substance", "HER\u200BOIN", "E08", "invisible character")]
    [InlineData("provider_code", "\uFEFFPROV1", "E01", "invisible character")]
    public async Task A_value_refused_for_a_character_no_one_sees_says_so(string column, string value, string rule, string hint)
    {
        var (report, _) = await Episodes(EpisodeRow((column, value)));

        var issue = Assert.Single(report.Issues);
        Assert.Equal((rule, column), (issue.RuleId, issue.Column));
        Assert.Contains(hint, issue.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_value_refused_for_what_it_shows_gets_no_hint()
    {
        var (report, _) = await Episodes(EpisodeRow(("sex", "Q")));

        Assert.DoesNotContain("The value", Assert.Single(report.Issues).Message, StringComparison.Ordinal);
    }

    private static async Task Expect(string? rule, string row) => AssertOneRow(rule, await Episodes(row));
}
