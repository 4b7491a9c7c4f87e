using System.Text;
using System.Text.Json;
using KpiPipeline.Core.Csv;
using KpiPipeline.Core.Dataset;
using KpiPipeline.Core.Validation;
using static KpiPipeline.Core.Tests.TestData;

namespace KpiPipeline.Core.Tests;

public class ReportRenderersTests
{
    [Fact]
    public async Task Json_report_has_stable_snake_case_fields()
    {
        var (report, _) = await Episodes(Episode(("sex", "male")));

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
    public async Task Values_are_truncated_to_50_characters()
    {
        var (report, _) = await Episodes(Episode(("episode_id", new string('x', 80))));

        Assert.Equal(new string('x', 50), report.Issues[0].Value);
    }

    [Fact]
    public async Task Identifier_values_are_withheld_in_json_and_csv()
    {
        var (report, _) = await Episodes(Episode(("date_of_birth", "1999-99-99"), ("first_initial", "QQ")));

        Assert.All(report.Issues, i => Assert.True(i.ValueWithheld && i.Value is null));
        Assert.DoesNotContain("1999-99-99", ReportRenderers.ToJson(report), StringComparison.Ordinal);
        var csv = ReportRenderers.ToCsv(report);
        Assert.DoesNotContain("1999-99-99", csv, StringComparison.Ordinal);
        Assert.DoesNotContain("QQ", csv, StringComparison.Ordinal);
        Assert.Contains("(withheld)", csv, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Csv_report_has_one_issue_per_row_and_neutralises_formulas_in_every_cell()
    {
        var sink = new CollectingRowSink();
        var report = await Validate("PROV1/2024-03/episodes.csv", EpisodesHeader + ",\"=HYPERLINK(\"\"http://evil\"\")\",-evil_column\n" + GoodEpisode.Replace("GP", "@SUM(A1)", StringComparison.Ordinal) + ",x,y\n", sink);

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
    public async Task Csv_report_says_how_many_issues_are_not_listed()
    {
        var rows = Enumerable.Range(1, 1003).Select(i => Episode(("episode_id", $"EP{i}"), ("sex", "Q")));
        var (report, _) = await Episodes(rows.ToArray());

        var csv = ReportRenderers.ToCsv(report);

        Assert.Contains("3 more issues are not listed", csv, StringComparison.Ordinal);
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
            rows.Add(Episode(("episode_id", $"E{i}"), ("first_initial", first.ToString()), ("last_initial", i % 17 == 0 ? "??" : last.ToString()), ("date_of_birth", i % 13 == 0 ? dob + "x" : dob), broken));
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
}
