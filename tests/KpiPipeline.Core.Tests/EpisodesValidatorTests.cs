using KpiPipeline.Core.Dataset;
using KpiPipeline.Core.Validation;
using static KpiPipeline.Core.Tests.TestData;

namespace KpiPipeline.Core.Tests;

public class EpisodesValidatorTests
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

    [Fact]
    public async Task Rejects_exit_before_start()
    {
        var (report, _) = await Episodes(Episode(("exit_date", "2024-01-19"), ("exit_reason", "DROPPED_OUT")));

        var issue = Assert.Single(report.Issues);
        // A date is never shown: under a mislabelled header it could be a date of birth.
        Assert.Equal(("E13", 1L, "exit_date", null, true), (issue.RuleId, issue.Row!.Value, issue.Column!, issue.Value, issue.ValueWithheld));
        Assert.False(report.Accepted);
    }

    [Fact]
    public async Task Rejects_a_value_with_a_leading_space_because_values_are_not_trimmed()
    {
        var (report, _) = await Episodes(Episode(("sex", " M")));

        Assert.Equal(["E05"], RulesOf(report));
    }

    [Fact]
    public async Task Stores_codes_upper_case_whatever_case_they_arrive_in()
    {
        var (report, sink) = await Episodes(Episode(("provider_code", "prov1"), ("referral_source", "gp"), ("setting", "Shared_Care"), ("naloxone_supplied", "n")));

        Assert.True(report.Accepted);
        Assert.Equal((ReferralSource.GP, TreatmentSetting.SHARED_CARE, (bool?)false), (sink.Episodes[0].ReferralSource, sink.Episodes[0].Setting, sink.Episodes[0].NaloxoneSupplied));
    }

    [Fact]
    public async Task Rejects_numeric_and_combined_enum_text_as_codes()
    {
        var (report, _) = await Episodes(Episode(("referral_source", "1")), Episode(("episode_id", "EP2"), ("primary_substance", "\"HEROIN, CRACK\"")));

        Assert.Equal(["E07", "E08"], RulesOf(report));
    }

    [Fact]
    public async Task Rejects_a_referral_after_the_month_end()
    {
        var (report, _) = await Episodes(Episode(("referral_date", "2024-04-01"), ("treatment_start_date", ""), ("setting", ""), ("medication", ""), ("daily_dose_mg", "")));

        Assert.Equal(["E06"], RulesOf(report));
    }

    [Fact]
    public async Task Rejects_age_under_18_at_referral_but_accepts_the_18th_birthday()
    {
        var (young, _) = await Episodes(Episode(("date_of_birth", "2006-01-11")));
        var (adult, sink) = await Episodes(Episode(("date_of_birth", "2006-01-10")));

        Assert.Equal(["E04"], RulesOf(young));
        Assert.True(adult.Accepted);
        Assert.Equal(18, sink.Episodes[0].AgeAtReferral);
    }

    [Fact]
    public async Task Rejects_a_dose_with_a_medication_that_takes_none()
    {
        var (report, _) = await Episodes(Episode(("medication", "BUPRENORPHINE_DEPOT")));

        Assert.Equal(["E11"], RulesOf(report));
    }

    [Fact]
    public async Task Accepts_a_dose_with_forty_trailing_zeros_after_the_decimal_point_as_the_same_dose()
    {
        var (padded, sink) = await Episodes(Episode(("daily_dose_mg", "60." + new string('0', 40))));
        var (tooHigh, _) = await Episodes(Episode(("daily_dose_mg", "2000." + new string('0', 39) + "1")));

        Assert.True(padded.Accepted, string.Join("; ", RulesOf(padded)));
        Assert.Equal(60m, sink.Episodes[0].DailyDoseMg);
        Assert.Equal(["E11"], RulesOf(tooHigh));
    }

    [Fact]
    public async Task Rejects_a_successful_exit_still_on_a_dose_but_accepts_a_zero_dose()
    {
        var (onDose, _) = await Episodes(Episode(("exit_date", "2024-03-01"), ("exit_reason", "COMPLETED_DRUG_FREE")));
        var (zero, _) = await Episodes(Episode(("exit_date", "2024-03-01"), ("exit_reason", "COMPLETED_DRUG_FREE"), ("daily_dose_mg", "0")));

        Assert.Equal(["E16"], RulesOf(onDose));
        Assert.True(zero.Accepted);
    }

    [Fact]
    public async Task Referrals_before_1990_are_rejected_with_E17_and_1990_01_01_is_accepted()
    {
        var (yearThirty, _) = await Episodes(Episode(("date_of_birth", "0005-03-17"), ("referral_date", "0030-01-01"), ("treatment_start_date", "0030-01-05")));
        var (dayBefore, _) = await Episodes(Episode(("date_of_birth", "1960-04-12"), ("referral_date", "1989-12-31"), ("treatment_start_date", "1990-01-02")));
        var (firstDay, sink) = await Episodes(Episode(("date_of_birth", "1960-04-12"), ("referral_date", "1990-01-01"), ("treatment_start_date", "1990-01-02")));

        Assert.Equal(["E17"], RulesOf(yearThirty));
        Assert.Equal(["E17"], RulesOf(dayBefore));
        Assert.Equal("referral_date", dayBefore.Issues.Single().Column);
        Assert.Contains("1990-01-01", dayBefore.Issues.Single().Message, StringComparison.Ordinal);
        Assert.True(firstDay.Accepted);
        Assert.Equal(new DateOnly(1990, 1, 1), sink.Episodes.Single().ReferralDate);
    }

    [Fact]
    public async Task Requires_exit_reason_exactly_when_exit_date_is_given()
    {
        var (report, _) = await Episodes(Episode(("exit_date", "2024-03-01")), Episode(("episode_id", "EP2"), ("exit_reason", "DIED")));

        Assert.Equal(2, report.CountOf("E14"));
    }

    [Fact]
    public async Task Rejects_a_duplicate_episode_naming_the_first_row()
    {
        var (report, _) = await Episodes(GoodEpisode, GoodEpisode);

        var issue = Assert.Single(report.Issues);
        Assert.Equal(("E02", 2L), (issue.RuleId, issue.Row!.Value));
        Assert.Contains("row 1", issue.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validates_deleted_rows_like_any_other()
    {
        var (report, _) = await Episodes(Episode(("record_status", "DELETED"), ("first_initial", "")));

        Assert.Equal(["E03"], RulesOf(report));
    }

    [Fact]
    public async Task Warns_about_a_wait_over_365_days_without_rejecting()
    {
        var (report, sink) = await Episodes(Episode(("referral_date", "2022-12-01"), ("treatment_start_date", "2023-12-02")));

        Assert.True(report.Accepted);
        Assert.Equal(["W01"], RulesOf(report));
        Assert.Single(sink.Episodes);
    }

    [Fact]
    public async Task Warns_about_an_open_episode_missing_since_the_previous_month()
    {
        var sink = new CollectingRowSink();
        var context = Context(previouslyOpen: new HashSet<string> { "EP1", "GONE1" });
        var report = await Validate("PROV1/2024-03/episodes.csv", EpisodesHeader + "\n" + GoodEpisode + "\n", sink, context);

        var issue = Assert.Single(report.Issues);
        Assert.Equal(("W02", null, "GONE1"), (issue.RuleId, issue.Row, issue.Value));
        Assert.True(report.Accepted);
    }

    [Fact]
    public void Open_episodes_at_month_end_are_those_without_exit_and_not_deleted()
    {
        var open = new CuratedEpisode("PROV1", "OPEN", "k", 30, Sex.F, new DateOnly(2024, 1, 1), ReferralSource.GP, Substance.CRACK,
            null, null, null, null, null, null, null, null, RecordStatus.ACTIVE);
        var exited = open with { EpisodeId = "EXITED", ExitDate = new DateOnly(2024, 1, 5), ExitReason = ExitReason.DIED };
        var deleted = open with { EpisodeId = "DELETED", RecordStatus = RecordStatus.DELETED };

        Assert.Equal(["OPEN"], OpenEpisodes.AtMonthEnd([open, exited, deleted]));
    }

    [Fact]
    public async Task Rejects_a_missing_required_column_without_reporting_every_row()
    {
        var sink = new CollectingRowSink();
        var report = await Validate("PROV1/2024-03/episodes.csv", EpisodesHeader.Replace(",sex", "", StringComparison.Ordinal) + "\n" + GoodEpisode.Replace(",M,", ",", StringComparison.Ordinal) + "\n", sink);

        var issue = Assert.Single(report.Issues);
        Assert.Equal(("F04", "sex"), (issue.RuleId, issue.Column));
        Assert.Equal(1, report.RowsRead);
    }

    [Fact]
    public async Task Rejects_a_bad_path_without_reading_the_content()
    {
        var content = new ThrowingStream();
        var report = await Core.Validation.ReturnValidator.ValidateAsync("PROV1/2024-03/clients.csv", content, Context(), new CollectingRowSink(), CancellationToken.None);

        Assert.Equal(["F01"], RulesOf(report));
        Assert.Contains("episodes.csv, reviews.csv, nsp.csv", report.Issues[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rejects_an_unregistered_provider_without_reading_the_content()
    {
        var report = await Core.Validation.ReturnValidator.ValidateAsync("PROV9/2024-03/episodes.csv", new ThrowingStream(), Context(), new CollectingRowSink(), CancellationToken.None);

        Assert.Equal(["F02"], RulesOf(report));
        Assert.Equal("PROV9", report.Path!.ProviderCode);
    }

    [Fact]
    public async Task Rejects_a_file_over_the_size_limit()
    {
        var sink = new CollectingRowSink();
        var context = new ValidationContext
        {
            Reference = TestData.Reference,
            Pseudonymiser = Context().Pseudonymiser,
            UploadedAt = DateTimeOffset.UnixEpoch.AddYears(60),
            MaxFileBytes = 100_000,
        };
        var rows = Enumerable.Range(1, 2000).Select(i => Episode(("episode_id", $"EP{i}")));

        var report = await Validate("PROV1/2024-03/episodes.csv", EpisodesHeader + "\n" + string.Join("\n", rows), sink, context);

        Assert.Contains("F09", RulesOf(report));
        Assert.False(report.Accepted);
    }

    [Fact]
    public async Task Counts_every_issue_but_lists_at_most_a_thousand()
    {
        var rows = Enumerable.Range(1, 1500).Select(i => Episode(("episode_id", $"EP{i}"), ("sex", "Q")));

        var (report, _) = await Episodes(rows.ToArray());

        Assert.Equal(1000, report.Issues.Count);
        Assert.Equal(500, report.IssuesNotListed);
        Assert.Equal(1500, report.CountOf("E05"));
    }

    private sealed class ThrowingStream : MemoryStream
    {
        public override int Read(Span<byte> buffer) => throw new InvalidOperationException("content must not be read");

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("content must not be read");
    }
}
