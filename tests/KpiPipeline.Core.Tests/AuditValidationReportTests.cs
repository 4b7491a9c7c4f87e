using System.Text;
using KpiPipeline.Core.Validation;
using static KpiPipeline.Core.Tests.AuditSupport;

namespace KpiPipeline.Core.Tests;

/// <summary>Audit of the validation report (dataset.md section 1): rows, values, withholding, limits and counts.</summary>
public class AuditValidationReportTests
{
    [Fact]
    public async Task Lists_at_most_1000_issues_says_how_many_more_and_counts_them_all_by_rule()
    {
        var rows = Enumerable.Range(1, 1005).Select(i => EpisodeRow(("episode_id", "EP" + i), ("sex", "Q")));

        var (report, _) = await Episodes([.. rows]);

        Assert.Equal(1000, report.Issues.Count);
        Assert.Equal(5, report.IssuesNotListed);
        Assert.Equal(1005, report.CountOf("E05"));
        Assert.Equal(1005, report.ErrorCount);
        Assert.Contains("5 more", ReportRenderers.ToCsv(report), StringComparison.Ordinal);
        Assert.Contains("\"issues_not_listed\": 5", ReportRenderers.ToJson(report), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Gives_the_row_number_counting_1_for_the_first_data_row_the_column_the_value_the_rule_and_a_message()
    {
        var (report, _) = await Episodes(EpisodeRow(), EpisodeRow(("episode_id", "EP2"), ("referral_source", "DOCTOR")));

        var issue = report.Issues.Single();
        Assert.Equal((2L, "referral_source", "DOCTOR", "E07", IssueSeverity.Error), (issue.Row!.Value, issue.Column!, issue.Value!, issue.RuleId, issue.Severity));
        Assert.False(string.IsNullOrWhiteSpace(issue.Message));
        Assert.Equal([new RuleCount("E07", IssueSeverity.Error, 1)], report.CountsByRule);
    }

    [Fact]
    public async Task Truncates_offending_values_to_50_characters()
    {
        var value = new string('A', 40) + new string('B', 40);

        var (report, _) = await Episodes(EpisodeRow(("referral_source", value)));

        Assert.Equal(value[..50], report.Issues.Single().Value);
    }

    [Theory]
    [InlineData("=HYPERLINK(\"x\")")]
    [InlineData("+SUM(A1)")]
    [InlineData("-1+2")]
    [InlineData("@cmd")]
    [InlineData("\tTAB")]
    public async Task Neutralises_values_spreadsheets_treat_as_formulas(string value)
    {
        var quoted = "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

        var (report, _) = await Episodes(EpisodeRow(("referral_source", quoted)));

        var shown = report.Issues.Single().Value!;
        Assert.NotEqual(value[0], shown[0]);
        Assert.EndsWith(value, shown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_long_formula_value_is_both_truncated_and_neutralised()
    {
        var value = "=" + new string('9', 99);

        var (report, _) = await Episodes(EpisodeRow(("daily_dose_mg", value)));

        var shown = report.Issues.Single().Value!;
        Assert.DoesNotContain(shown[0], "=+-@\t\r");
        Assert.Contains(value[..50], shown, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("first_initial", "QQ")]
    [InlineData("last_initial", "#7")]
    [InlineData("date_of_birth", "1980-02-30")]
    [InlineData("date_of_birth", "1923-01-10")] // valid date, age 101
    [InlineData("date_of_birth", "2024-01-11")] // after referral
    public async Task Withholds_values_of_the_identifier_columns(string column, string value)
    {
        var (report, _) = await Episodes(EpisodeRow((column, value)));

        var issue = report.Issues.Single();
        Assert.Equal(column, issue.Column);
        Assert.Null(issue.Value);
        Assert.True(issue.ValueWithheld);
        Assert.DoesNotContain(value, ReportRenderers.ToJson(report), StringComparison.Ordinal);
        Assert.DoesNotContain(value, ReportRenderers.ToCsv(report), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reports_of_rejected_files_never_carry_the_initials_or_date_of_birth_of_any_row()
    {
        // Every row has an error in another column; the identifiers must not appear anywhere in the report.
        var rows = new[]
        {
            EpisodeRow(("first_initial", "Q"), ("last_initial", "Z"), ("date_of_birth", "1971-11-23"), ("sex", "?")),
            EpisodeRow(("episode_id", "EP2"), ("first_initial", "Q"), ("last_initial", "Z"), ("date_of_birth", "1971-11-23"), ("referral_date", "2099-01-01")),
        };

        var (report, _) = await Episodes(rows);
        var json = ReportRenderers.ToJson(report);

        Assert.False(report.Accepted);
        Assert.DoesNotContain("1971-11-23", json, StringComparison.Ordinal);
        Assert.DoesNotContain("19711123", json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Warnings_never_reject_and_are_counted_by_rule()
    {
        var (report, _) = await Episodes(
            EpisodeRow(("referral_date", "2022-01-01"), ("treatment_start_date", "2024-01-01")),
            EpisodeRow(("episode_id", "EP2"), ("referral_date", "2022-06-01"), ("treatment_start_date", "2024-01-01")));

        Assert.True(report.Accepted);
        Assert.Equal(0, report.ErrorCount);
        Assert.Equal([new RuleCount("W01", IssueSeverity.Warning, 2)], report.CountsByRule);
    }

    [Fact]
    public async Task Reports_a_rejected_file_with_its_issues_for_every_upload_and_an_accepted_one_with_none()
    {
        var (accepted, _) = await Episodes(EpisodeRow());
        var (rejected, _) = await Episodes(EpisodeRow(("sex", "?")));

        Assert.Contains("\"outcome\": \"accepted\"", ReportRenderers.ToJson(accepted), StringComparison.Ordinal);
        Assert.Contains("\"outcome\": \"rejected\"", ReportRenderers.ToJson(rejected), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_csv_report_neutralises_formula_values_in_every_cell()
    {
        var (report, _) = await Episodes(EpisodeRow(("referral_source", "=1+1")));

        var csv = ReportRenderers.ToCsv(report);
        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.DoesNotContain(",=1+1", lines[1], StringComparison.Ordinal);
        Assert.Contains("'=1+1", lines[1], StringComparison.Ordinal);
        Assert.True(Encoding.UTF8.GetByteCount(csv) > 0);
    }
}
