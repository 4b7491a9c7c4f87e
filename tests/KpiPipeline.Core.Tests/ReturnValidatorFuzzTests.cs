using System.Text;
using KpiPipeline.Core.Validation;
using KpiPipeline.Testing;

namespace KpiPipeline.Core.Tests;

/// <summary>
/// Seeded fuzzing of the whole validator: valid corpus files with random byte-level and field-level damage. Whatever the
/// input, validation never throws, every error names its rule and a row or column (or is a file-level rule), the report
/// never lists more than 1,000 issues, and an accepted file's curated rows are exactly its data rows.
/// </summary>
public sealed class ReturnValidatorFuzzTests
{
    private static readonly (string File, string Blob)[] Seeds =
    [
        ("episodes/valid_basic.csv", "PROV1/2024-03/episodes.csv"),
        ("episodes/valid_quoted_fields.csv", "PROV1/2024-03/episodes.csv"),
        ("reviews/valid.csv", "PROV1/2024-03/reviews.csv"),
        ("nsp/valid.csv", "PROV1/2024-03/nsp.csv"),
    ];

    private static readonly byte[][] Insertions =
    [
        "\""u8.ToArray(), ","u8.ToArray(), "\n"u8.ToArray(), "\r\n"u8.ToArray(), [0xFF], [0xC3], "=1+1"u8.ToArray(),
        "DELETED"u8.ToArray(), "2024-02-30"u8.ToArray(), " "u8.ToArray(), [0xEF, 0xBB, 0xBF], "\"\""u8.ToArray(), [0],
    ];

    [Fact]
    public async Task Damaged_files_never_crash_the_validator_and_every_error_is_named()
    {
        var random = new Random(20241121);
        var failures = new List<string>();
        for (var iteration = 0; iteration < 400; iteration++)
        {
            var (file, blob) = Seeds[random.Next(Seeds.Length)];
            var bytes = Damage(await File.ReadAllBytesAsync(Path.Combine(RepoPaths.Corpus, file)), random);
            var sink = new CollectingRowSink();
            ValidationReport report;
            try
            {
                report = await ReturnValidator.ValidateAsync(blob, new MemoryStream(bytes), Fixture.Context(), sink, CancellationToken.None);
            }
            catch (Exception e)
            {
                failures.Add($"iteration {iteration} ({file}): threw {e.GetType().Name}: {e.Message}\n{Encoding.UTF8.GetString(bytes)}");
                continue;
            }

            if (report.Issues.Count > ValidationReport.MaxListedIssues)
            {
                failures.Add($"iteration {iteration}: {report.Issues.Count} issues listed");
            }

            foreach (var issue in report.Issues.Where(i => i.Severity == IssueSeverity.Error))
            {
                if (string.IsNullOrEmpty(issue.RuleId) || string.IsNullOrWhiteSpace(issue.Message)
                    || (issue.Row is null && issue.Column is null && !issue.RuleId.StartsWith('F')))
                {
                    failures.Add($"iteration {iteration}: unnamed error {issue}");
                }
            }

            if (report.Accepted && sink.Count != report.RowsRead)
            {
                failures.Add($"iteration {iteration}: accepted with {report.RowsRead} rows read but {sink.Count} curated rows");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n\n", failures.Take(5)));
    }

    /// <summary>One to three random edits: insert a troublesome byte sequence, delete a span, or duplicate a line.</summary>
    private static byte[] Damage(byte[] original, Random random)
    {
        var bytes = new List<byte>(original);
        for (var edit = random.Next(1, 4); edit > 0; edit--)
        {
            var at = random.Next(bytes.Count + 1);
            switch (random.Next(3))
            {
                case 0:
                    bytes.InsertRange(at, Insertions[random.Next(Insertions.Length)]);
                    break;
                case 1:
                    bytes.RemoveRange(Math.Min(at, bytes.Count), Math.Min(random.Next(1, 12), bytes.Count - Math.Min(at, bytes.Count)));
                    break;
                default:
                    var lines = Encoding.UTF8.GetString([.. bytes]).Split('\n').ToList();
                    var line = random.Next(lines.Count);
                    lines.Insert(line, lines[line]);
                    bytes = [.. Encoding.UTF8.GetBytes(string.Join('\n', lines))];
                    break;
            }
        }

        return [.. bytes];
    }
}
