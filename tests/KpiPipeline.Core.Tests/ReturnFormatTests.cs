using System.Text;
using KpiPipeline.Core.Dataset;
using KpiPipeline.Core.Validation;
using static KpiPipeline.Core.Tests.Fixture;

namespace KpiPipeline.Core.Tests;

/// <summary>
/// How a return arrives (dataset.md section 1) and the file rules (F01–F10): paths, registered providers, the header, the
/// CSV shape, the size limit, blanks and cases, for every file kind.
/// </summary>
public class ReturnFormatTests
{
    [Theory]
    [InlineData("PROV1/2024-03/episodes.csv", null)]
    [InlineData("prov1/2024-03/reviews.csv", null)]
    [InlineData("PROV1/2024-03/nsp.csv", null)]
    [InlineData("PROV1/2024-03/workforce.csv", null)]
    [InlineData("PROV1/2024-03/Workforce.csv", "F01")]
    [InlineData("PROV1/2024-03/episode.csv", "F01")]
    [InlineData("PROV1/2024-03/episodes.txt", "F01")]
    [InlineData("PROV1/2024-03/episodes", "F01")]
    [InlineData("PROV1/2024-3/episodes.csv", "F01")]
    [InlineData("PROV1/2024-13/episodes.csv", "F01")]
    [InlineData("PROV1/202403/episodes.csv", "F01")]
    [InlineData("PROV1/episodes.csv", "F01")]
    [InlineData("x/PROV1/2024-03/episodes.csv", "F01")]
    [InlineData("PROV9/2024-03/episodes.csv", "F02")]
    public async Task Accepts_only_provider_month_and_file_name_paths_of_registered_providers(string blobName, string? rule)
    {
        var kind = blobName.Contains("reviews", StringComparison.Ordinal) ? ReviewColumns
            : blobName.Contains("nsp.csv", StringComparison.Ordinal) ? NspColumns
            : blobName.Contains("orkforce", StringComparison.Ordinal) ? WorkforceColumns
            : EpisodeColumns;
        var rows = kind == WorkforceColumns ? "PROV1,30,26.5,1.5,2,9\n" : "";
        var (report, _) = await Upload(blobName, Header(kind) + "\n" + rows);

        if (rule is null)
        {
            AssertClean(report);
        }
        else
        {
            AssertRejectedBy(report, rule);
        }
    }

    [Fact]
    public async Task A_rejected_file_name_report_says_which_names_are_allowed()
    {
        var (report, _) = await Upload("PROV1/2024-03/episode.csv", EpisodesHeader + "\n");

        var message = report.Issues.Single().Message;
        Assert.Contains("episodes.csv", message, StringComparison.Ordinal);
        Assert.Contains("reviews.csv", message, StringComparison.Ordinal);
        Assert.Contains("nsp.csv", message, StringComparison.Ordinal);
        Assert.Contains("workforce.csv", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rejects_a_bad_path_without_reading_the_content()
    {
        var content = new ThrowingStream();
        var report = await ReturnValidator.ValidateAsync("PROV1/2024-03/clients.csv", content, Context(), new CollectingRowSink(), CancellationToken.None);

        Assert.Equal(["F01"], Rules(report));
        Assert.Contains("episodes.csv, reviews.csv, nsp.csv, workforce.csv", report.Issues[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rejects_an_unregistered_provider_without_reading_the_content()
    {
        var report = await ReturnValidator.ValidateAsync("PROV9/2024-03/episodes.csv", new ThrowingStream(), Context(), new CollectingRowSink(), CancellationToken.None);

        Assert.Equal(["F02"], Rules(report));
        Assert.Equal("PROV9", report.Path!.ProviderCode);
    }

    [Fact]
    public async Task Header_names_match_case_insensitively_in_any_order_with_surrounding_spaces_trimmed()
    {
        var order = Enumerable.Range(0, EpisodeColumns.Length).Reverse().ToArray();
        var header = string.Join(",", order.Select(i => "  " + EpisodeColumns[i].ToUpperInvariant() + " "));
        var values = EpisodeRow().Split(',');
        var row = string.Join(",", order.Select(i => values[i]));

        var (report, sink) = await Upload("PROV1/2024-03/episodes.csv", header + "\n" + row + "\n");
        var (_, expected) = await Episodes(EpisodeRow());

        AssertClean(report);
        Assert.Equal(expected.Episodes.Single(), sink.Episodes.Single());
    }

    [Fact]
    public async Task Optional_columns_may_be_left_out_of_the_header()
    {
        string[] required = ["provider_code", "episode_id", "first_initial", "last_initial", "date_of_birth", "sex", "referral_date", "referral_source", "primary_substance"];
        var (report, sink) = await Upload("PROV1/2024-03/episodes.csv", string.Join(",", required) + "\nPROV1,EP1,J,S,1980-05-17,M,2024-01-10,GP,HEROIN\n");

        AssertClean(report);
        var episode = sink.Episodes.Single();
        Assert.Equal((null, null, null, null, RecordStatus.ACTIVE), (episode.TreatmentStartDate, episode.Medication, episode.DailyDoseMg, episode.ExitDate, episode.RecordStatus));
    }

    [Fact]
    public async Task Optional_review_and_nsp_columns_may_be_left_out_of_the_header()
    {
        var (reviews, _) = await Upload("PROV1/2024-03/reviews.csv", "provider_code,episode_id,review_date,stage\nPROV1,EP1,2024-03-05,START\n");
        var (nsp, _) = await Upload("PROV1/2024-03/nsp.csv", "provider_code,outlet_code,outlet_type,transaction_date,needles_supplied\nPROV1,PH1,PHARMACY,2024-03-05,10\n");

        AssertClean(reviews);
        AssertClean(nsp);
    }

    [Theory]
    [InlineData("episode_id")]
    [InlineData("sex")]
    [InlineData("primary_substance")]
    public async Task A_missing_required_column_rejects_the_file(string column)
    {
        var columns = EpisodeColumns.Where(c => c != column).ToArray();
        var good = GoodEpisode.Split(',');
        var values = EpisodeColumns.Select((c, i) => (c, good[i])).Where(p => p.c != column).Select(p => p.Item2);
        var (report, sink) = await Upload("PROV1/2024-03/episodes.csv", string.Join(",", columns) + "\n" + string.Join(",", values) + "\n");

        Assert.False(report.Accepted);
        Assert.Contains(report.Issues, i => i.Column == column);
        Assert.Empty(sink.Episodes);
    }

    [Fact]
    public async Task Names_the_other_problems_of_rows_under_a_header_missing_a_required_column()
    {
        var header = EpisodesHeader.Replace(",sex", "", StringComparison.Ordinal);
        var good = GoodEpisode.Replace(",M,", ",", StringComparison.Ordinal);
        var badReferral = good.Replace("EP1", "EP3", StringComparison.Ordinal).Replace("2024-01-10", "2024-13-10", StringComparison.Ordinal);
        var badSubstance = good.Replace("EP1", "EP2", StringComparison.Ordinal).Replace("HEROIN", "GLUE", StringComparison.Ordinal);

        var (report, sink) = await Upload("PROV1/2024-03/episodes.csv", $"{header}\n{good}\n{badReferral}\n{badSubstance}\n");

        Assert.Equal(
            [("F04", null, "sex"), ("E06", 2L, "referral_date"), ("E08", 3L, "primary_substance")],
            report.Issues.Select(i => (i.RuleId, i.Row, i.Column)).ToArray());
        Assert.Empty(sink.Episodes);
    }

    [Fact]
    public async Task Does_not_check_rows_under_a_header_missing_a_column_and_holding_a_blank_name()
    {
        // date_of_birth's name deleted and the rest slid left: the birth date (an Excel serial) would be read as a sex.
        var shifted = EpisodesHeader.Replace(",date_of_birth", "", StringComparison.Ordinal) + ",";
        var row = GoodEpisode.Replace("1980-05-17", "29358", StringComparison.Ordinal);

        var (report, sink) = await Upload("PROV1/2024-03/episodes.csv", $"{shifted}\n{row}\n");

        Assert.Equal(["F04", "F06"], Fixture.Rules(report).Order().ToArray());
        Assert.DoesNotContain(report.Issues, i => i.Value?.Contains("29358", StringComparison.Ordinal) == true);
        Assert.Empty(sink.Episodes);
    }

    [Fact]
    public async Task Rejects_a_missing_required_column_without_reporting_every_row()
    {
        var (report, _) = await Upload("PROV1/2024-03/episodes.csv", EpisodesHeader.Replace(",sex", "", StringComparison.Ordinal) + "\n" + GoodEpisode.Replace(",M,", ",", StringComparison.Ordinal) + "\n");

        var issue = Assert.Single(report.Issues);
        Assert.Equal(("F04", "sex"), (issue.RuleId, issue.Column));
        Assert.Equal(1, report.RowsRead);
    }

    [Fact]
    public async Task A_duplicate_column_rejects_the_file()
    {
        var (report, _) = await Upload("PROV1/2024-03/episodes.csv", EpisodesHeader + ",Sex\n" + EpisodeRow() + ",M\n");

        Assert.False(report.Accepted);
    }

    [Fact]
    public async Task Header_names_differing_only_in_case_and_spaces_are_the_same_column_so_a_duplicate()
    {
        var (report, _) = await Upload("PROV1/2024-03/episodes.csv", EpisodesHeader + ", SEX \n" + EpisodeRow() + ",M\n");

        Assert.False(report.Accepted);
        Assert.Contains(report.Issues, i => i.Column == "sex");
    }

    [Fact]
    public async Task An_unknown_column_rejects_the_file()
    {
        var (report, _) = await Upload("PROV1/2024-03/episodes.csv", EpisodesHeader + ",exit_resaon\n" + EpisodeRow() + ",DIED\n");

        Assert.False(report.Accepted);
        Assert.Contains(report.Issues, i => i.Column == "exit_resaon");
    }

    [Fact]
    public async Task A_row_with_a_different_field_count_rejects_the_file()
    {
        var (fewer, _) = await Episodes(EpisodeRow()[..EpisodeRow().LastIndexOf(',')]);
        var (more, _) = await Episodes(EpisodeRow() + ",");

        Assert.False(fewer.Accepted);
        Assert.False(more.Accepted);
        Assert.Equal(1, fewer.Issues.Single().Row);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n")]
    [InlineData("\r\n")]
    [InlineData("\n\n\n")]
    public async Task A_file_with_a_header_and_no_data_rows_is_valid(string ending)
    {
        var (report, sink) = await Upload("PROV1/2024-03/episodes.csv", EpisodesHeader + ending);

        AssertClean(report);
        Assert.Equal(0, report.RowsRead);
        Assert.Empty(sink.Episodes);
    }

    [Fact]
    public async Task A_header_only_file_with_only_required_columns_is_valid_for_every_file_kind()
    {
        var (nsp, _) = await Upload("PROV1/2024-03/nsp.csv", "provider_code,outlet_code,outlet_type,transaction_date,needles_supplied\r\n");
        var (reviews, _) = await Upload("PROV1/2024-03/reviews.csv", "provider_code,episode_id,review_date,stage");

        AssertClean(nsp);
        AssertClean(reviews);
    }

    [Fact]
    public async Task An_empty_file_is_rejected()
    {
        var (report, _) = await Upload("PROV1/2024-03/episodes.csv", "");

        Assert.False(report.Accepted);
    }

    [Fact]
    public async Task Rejects_a_file_over_the_size_limit()
    {
        var rows = Enumerable.Range(1, 2000).Select(i => EpisodeRow(("episode_id", $"EP{i}")));

        var (report, _) = await Upload("PROV1/2024-03/episodes.csv", Lines(EpisodesHeader, rows), Context(maxFileBytes: 100_000));

        Assert.Contains("F09", Rules(report));
        Assert.False(report.Accepted);
        Assert.Null(report.SizeBytes);
    }

    [Fact]
    public async Task Accepts_a_UTF8_BOM_and_CRLF_line_ends()
    {
        var text = EpisodesHeader + "\r\n" + EpisodeRow() + "\r\n" + EpisodeRow(("episode_id", "EP2")) + "\r\n";
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(text)).ToArray();

        var (report, sink) = await UploadBytes("PROV1/2024-03/episodes.csv", bytes);

        AssertClean(report);
        Assert.Equal(["EP1", "EP2"], sink.Episodes.Select(e => e.EpisodeId));
        Assert.Equal(RecordStatus.ACTIVE, sink.Episodes[1].RecordStatus);
    }

    [Fact]
    public async Task Completely_empty_lines_are_skipped_and_rows_count_data_rows_only()
    {
        var text = EpisodesHeader + "\n\n" + EpisodeRow() + "\r\n\r\n\n" + EpisodeRow(("episode_id", "EP2"), ("sex", "Q")) + "\n\n";

        var (report, _) = await Upload("PROV1/2024-03/episodes.csv", text);

        AssertRejectedBy(report, "E05");
        Assert.Equal(2, report.Issues.Single().Row);
        Assert.Equal(2, report.RowsRead);
    }

    [Fact]
    public async Task A_line_of_spaces_is_not_empty_and_is_a_row_with_the_wrong_field_count()
    {
        var (report, _) = await Episodes(EpisodeRow(), "   ");

        Assert.False(report.Accepted);
        Assert.Equal(2, report.Issues.Single().Row);
    }

    [Fact]
    public async Task Reads_RFC_4180_quoted_fields()
    {
        var row = string.Join(",", GoodEpisode.Split(',').Select(v => "\"" + v + "\""));

        var (report, sink) = await Episodes(row);

        AssertClean(report);
        Assert.Equal("EP1", sink.Episodes.Single().EpisodeId);
    }

    [Fact]
    public async Task A_quoted_value_with_a_line_break_is_one_value_and_not_trimmed()
    {
        var (report, _) = await Episodes(EpisodeRow(("referral_source", "\"GP\nX\"")));

        AssertRejectedBy(report, "E07");
    }

    [Theory]
    [InlineData("sex", " M")]
    [InlineData("referral_source", "GP ")]
    [InlineData("episode_id", " EP1")]
    [InlineData("provider_code", "PROV1 ")]
    [InlineData("referral_date", "2024-01-10 ")]
    [InlineData("naloxone_supplied", " Y")]
    public async Task Values_are_not_trimmed(string column, string value)
    {
        var (report, _) = await Episodes(EpisodeRow((column, value)));

        Assert.False(report.Accepted, column + " with surrounding space was accepted");
    }

    [Fact]
    public async Task Codes_provider_codes_and_initials_are_case_insensitive_and_stored_upper_case()
    {
        var (report, sink) = await Episodes(EpisodeRow(
            ("provider_code", "Prov1"), ("first_initial", "j"), ("last_initial", "s"), ("sex", "m"), ("referral_source", "self"),
            ("primary_substance", "heroin"), ("setting", "specialist"), ("medication", "methadone"), ("treatment_goal", "maintenance"),
            ("naloxone_supplied", "y"), ("record_status", "active")));
        var (_, upper) = await Episodes(EpisodeRow(("referral_source", "SELF")));

        AssertClean(report);
        Assert.Equal(upper.Episodes.Single(), sink.Episodes.Single());
        Assert.Equal("PROV1", sink.Episodes.Single().ProviderCode);
    }

    [Theory]
    [InlineData("referral_source", "\u017FELF")] // LATIN SMALL LETTER LONG S, whose upper case is S
    [InlineData("primary_substance", "HERO\u0131N")] // LATIN SMALL LETTER DOTLESS I, whose upper case is I
    [InlineData("provider_code", "PRO\u1E7D1")] // not even a letter of the code
    public async Task Codes_are_the_listed_ASCII_codes_in_either_case_not_other_letters_that_upper_case_to_them(string column, string value)
    {
        var (report, _) = await Episodes(EpisodeRow((column, value)));

        Assert.False(report.Accepted, $"{column} '{value}' was accepted as a code");
    }

    [Fact]
    public async Task Blank_optional_values_mean_not_recorded()
    {
        var (report, sink) = await Episodes(EpisodeRow(("daily_dose_mg", ""), ("treatment_goal", ""), ("naloxone_supplied", ""), ("record_status", "")));

        AssertClean(report);
        var e = sink.Episodes.Single();
        Assert.Equal((null, null, null), (e.DailyDoseMg, e.TreatmentGoal, e.NaloxoneSupplied));
    }

    [Fact]
    public async Task A_reporting_month_in_the_future_does_not_reject_the_file()
    {
        var (report, _) = await Upload("PROV1/2030-01/episodes.csv", Lines(EpisodesHeader, [EpisodeRow()]));

        Assert.True(report.Accepted, Describe(report));
    }

    private sealed class ThrowingStream : MemoryStream
    {
        public override int Read(Span<byte> buffer) => throw new InvalidOperationException("content must not be read");

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("content must not be read");
    }
    /// <summary>
    /// A header that is not this file's columns says why, when the reason is one a provider cannot see and its text is not
    /// shown: another separator, a file saved as UTF-16, an invisible character in a column name (found by an adversarial
    /// check: each gave "not a column this file defines" and a list of missing columns the provider could plainly see).
    /// </summary>
    [Theory]
    [InlineData(";", "separated by semicolons (;)")]
    [InlineData("\t", "separated by tabs")]
    [InlineData("|", "separated by vertical bars (|)")]
    public async Task A_header_with_another_separator_says_so(string separator, string hint)
    {
        var (report, _) = await Upload("PROV1/2024-03/episodes.csv", Lines(string.Join(separator, EpisodeColumns), [GoodEpisode.Replace(",", separator, StringComparison.Ordinal)]));

        Assert.Contains(report.Issues, i => i.RuleId == "F06" && i.Message.Contains(hint, StringComparison.Ordinal) && i.Message.Contains("comma-separated", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_header_saved_as_UTF16_says_so()
    {
        var (report, _) = await UploadBytes("PROV1/2024-03/episodes.csv", Encoding.Unicode.GetBytes(Lines(EpisodesHeader, [GoodEpisode])));

        Assert.Contains(report.Issues, i => i.RuleId == "F06" && i.Message.Contains("saved as UTF-16", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("sex\u200B")]
    [InlineData("\uFEFFsex")]
    public async Task A_column_name_with_an_invisible_character_says_so(string name)
    {
        var (report, _) = await Upload("PROV1/2024-03/episodes.csv", Lines(EpisodesHeader.Replace(",sex,", $",{name},", StringComparison.Ordinal), [GoodEpisode]));

        var unknown = Assert.Single(report.Issues, i => i.RuleId == "F06");
        Assert.Contains("column name of this file with an invisible character", unknown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_column_with_nothing_unseen_gets_no_hint()
    {
        var (report, _) = await Upload("PROV1/2024-03/episodes.csv", Lines(EpisodesHeader + ",colour", [GoodEpisode + ",red"]));

        var unknown = Assert.Single(report.Issues, i => i.RuleId == "F06");
        Assert.DoesNotContain(" It ", unknown.Message, StringComparison.Ordinal);
    }
    /// <summary>
    /// A row with a stray comma has its fields under the wrong columns: an invalid byte in it names no column and shows
    /// nothing (a review found <c>17.März.1980</c> in Latin-1 shown under <c>sex</c>, the guard not knowing <c>M\uFFFDrz</c>).
    /// </summary>
    [Fact]
    public async Task A_CSV_problem_on_a_row_with_a_field_too_many_names_no_column_and_shows_nothing()
    {
        var row = GoodEpisode.Replace(",1980-05-17,", ",X,17.M\u00E4rz.1980,", StringComparison.Ordinal);
        var (report, _) = await UploadBytes("PROV1/2024-03/episodes.csv", Encoding.Latin1.GetBytes(Lines(EpisodesHeader, [row])));

        var issue = Assert.Single(report.Issues);
        Assert.Equal(("F07", (string?)null, (string?)null), (issue.RuleId, issue.Column, issue.Value));
    }
}
