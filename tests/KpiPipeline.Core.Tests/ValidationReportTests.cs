using System.Text;
using System.Text.Json;
using KpiPipeline.Core.Csv;
using KpiPipeline.Core.Dataset;
using KpiPipeline.Core.Validation;
using KpiPipeline.Testing;
using static KpiPipeline.Core.Tests.Fixture;

namespace KpiPipeline.Core.Tests;

/// <summary>
/// The validation report (dataset.md section 1) and its renderings: rows, values, withholding, formulas, limits, counts by rule,
/// the JSON fields and the CSV for people, and every rule id documented.
/// </summary>
public class ValidationReportTests
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
    public async Task Identifier_values_are_withheld_in_json_and_csv()
    {
        var (report, _) = await Episodes(EpisodeRow(("date_of_birth", "1999-99-99"), ("first_initial", "QQ")));

        Assert.All(report.Issues, i => Assert.True(i.ValueWithheld && i.Value is null));
        Assert.DoesNotContain("1999-99-99", ReportRenderers.ToJson(report), StringComparison.Ordinal);
        var csv = ReportRenderers.ToCsv(report);
        Assert.DoesNotContain("1999-99-99", csv, StringComparison.Ordinal);
        Assert.DoesNotContain("QQ", csv, StringComparison.Ordinal);
        Assert.Contains("(withheld)", csv, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reports_and_curated_rows_never_contain_initials_or_dates_of_birth()
    {
        var random = new Random(7);
        var rows = new List<string>();
        var secrets = new List<string>();
        for (var i = 0; i < 200; i++)
        {
            var first = (char)('A' + random.Next(26));
            var last = (char)('A' + random.Next(26));
            var dob = new DateOnly(1950 + random.Next(50), 1 + random.Next(12), 1 + random.Next(28)).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            secrets.Add(dob);
            secrets.Add($",{first},{last},");
            secrets.Add(dob.Replace("-", "", StringComparison.Ordinal));
            var broken = i % 10 == 0 ? ("sex", "Q") : ("sex", "F");
            rows.Add(EpisodeRow(("episode_id", $"E{i}"), ("first_initial", first.ToString()), ("last_initial", i % 17 == 0 ? "??" : last.ToString()), ("date_of_birth", i % 13 == 0 ? dob + "x" : dob), broken));
        }

        var (rejected, rejectedSink) = await Episodes(rows.ToArray());
        var (accepted, acceptedSink) = await Episodes(rows.Where((_, i) => i % 10 != 0 && i % 17 != 0 && i % 13 != 0).ToArray());
        var curated = new MemoryStream();
        CuratedCsv.WriteEpisodes(curated, acceptedSink.Episodes.Concat(rejectedSink.Episodes));
        var texts = new[]
        {
            ReportRenderers.ToJson(rejected), ReportRenderers.ToCsv(rejected), ReportRenderers.ToJson(accepted), ReportRenderers.ToCsv(accepted),
            Encoding.UTF8.GetString(curated.ToArray()),
        };

        Assert.False(rejected.Accepted);
        Assert.True(accepted.Accepted);
        Assert.True(acceptedSink.Episodes.Count > 100);
        foreach (var text in texts)
        {
            // Initials appear in the input as two adjacent one-letter fields; dates of birth in either date form.
            foreach (var secret in secrets.Distinct())
            {
                Assert.False(text.Contains(secret, StringComparison.Ordinal), secret);
            }
        }
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
    public async Task Json_report_has_stable_snake_case_fields()
    {
        var (report, _) = await Episodes(EpisodeRow(("sex", "male")));

        using var json = JsonDocument.Parse(ReportRenderers.ToJson(report));
        var root = json.RootElement;
        Assert.Equal(
            ["file_name", "outcome", "accepted", "provider_code", "reporting_month", "file_kind", "uploaded_at", "rows_read", "size_bytes", "sha256",
             "error_count", "warning_count", "counts_by_rule", "issues", "issues_not_listed"],
            root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("rejected", root.GetProperty("outcome").GetString());
        Assert.Equal("2024-03", root.GetProperty("reporting_month").GetString());
        var issue = root.GetProperty("issues")[0];
        Assert.Equal(["row", "line", "column", "value", "value_withheld", "rule_id", "severity", "message"], issue.EnumerateObject().Select(p => p.Name));
        Assert.Equal(("E05", 1, "sex", "male"), (issue.GetProperty("rule_id").GetString(), issue.GetProperty("row").GetInt32(), issue.GetProperty("column").GetString(), issue.GetProperty("value").GetString()));
        Assert.Equal(1, root.GetProperty("counts_by_rule")[0].GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task Csv_report_has_one_issue_per_row_and_neutralises_formulas_in_every_cell()
    {
        var (report, _) = await Upload("PROV1/2024-03/episodes.csv",
            EpisodesHeader + ",\"=HYPERLINK(\"\"http://evil\"\")\",-evil_column\n" + GoodEpisode.Replace("GP", "@SUM(A1)", StringComparison.Ordinal) + ",x,y\n");

        var bytes = new MemoryStream();
        ReportRenderers.WriteCsv(report, bytes);
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes.ToArray()[..3]);
        using var reader = new CsvReader(new MemoryStream(bytes.ToArray()));
        var rows = new List<string[]>();
        while (reader.Read())
        {
            Assert.Equal(CsvProblem.None, reader.Problem);
            rows.Add(Enumerable.Range(0, reader.FieldCount).Select(reader.GetString).ToArray());
        }

        Assert.Equal(ReportRenderers.CsvColumns, rows[0]);
        Assert.Equal(report.Issues.Count + 1, rows.Count);
        Assert.All(rows.SelectMany(r => r), cell => Assert.False(IssueCollector.StartsLikeFormula(cell), cell));
        Assert.Contains(rows, r => r[2] == "'-evil_column" && r[4] == "F06");
        // A header name that is not column-like is not shown at all.
        Assert.Contains(rows, r => r[2].Length == 0 && r[4] == "F06");
        Assert.DoesNotContain(rows.SelectMany(r => r), cell => cell.Contains("HYPERLINK", StringComparison.Ordinal));
        Assert.Contains(rows, r => r[3] == "'@SUM(A1)" && r[4] == "E07");
    }

    [Fact]
    public async Task Accepted_report_carries_size_and_sha256_of_the_upload()
    {
        var content = EpisodesHeader + "\n" + GoodEpisode + "\n";
        var (report, _) = await Episodes(GoodEpisode);

        Assert.Equal(Encoding.UTF8.GetByteCount(content), report.SizeBytes);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(content))), report.Sha256);
        Assert.Equal(new ReturnPath("PROV1", new ReportingMonth(2024, 3), ReturnFileKind.Episodes), report.Path);
    }

    [Fact]
    public void Every_rule_id_is_documented()
    {
        var doc = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "validation.md"));

        Assert.All(Core.Validation.Rules.All, rule => Assert.Contains("| " + rule.Id + " |", doc, StringComparison.Ordinal));
    }
}
