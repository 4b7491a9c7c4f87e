using System.Text.Json;
using KpiPipeline.Core.Dataset;
using KpiPipeline.Pipeline.Offline;
using KpiPipeline.Testing;

namespace KpiPipeline.Cli.Tests;

/// <summary>
/// One entry of the bad-file corpus (tests/corpus/manifest.json): the file, the blob name it is validated as, the file
/// accepted before it (if any), and the outcome and rules its report must show.
/// </summary>
public sealed record CorpusCase(JsonElement Entry, string File, string BlobName, string? PreviousFile, string? PreviousBlobName)
{
    public static IReadOnlyList<CorpusCase> All()
    {
        using var manifest = JsonDocument.Parse(System.IO.File.ReadAllText(Path.Combine(RepoPaths.Corpus, "manifest.json")));
        return
        [
            .. manifest.RootElement.GetProperty("files").EnumerateArray().Select(entry => new CorpusCase(
                entry.Clone(),
                entry.GetProperty("file").GetString()!,
                entry.GetProperty("blob_name").GetString()!,
                entry.TryGetProperty("previous", out var previous) ? previous.GetProperty("file").GetString() : null,
                entry.TryGetProperty("previous", out previous) ? previous.GetProperty("blob_name").GetString() : null)),
        ];
    }

    public bool ShouldBeAccepted => Entry.GetProperty("outcome").GetString() == "accepted";

    /// <summary>What is wrong with what the run into <paramref name="output"/> reports for <paramref name="blobName"/> (this
    /// case's file, perhaps placed under another name): no row in the run's table of files (<paramref name="table"/>), the
    /// wrong outcome, a missing rule, a full report for an accepted file or none for a rejected one, initials in an issue.</summary>
    public IEnumerable<string> ProblemsIn(string output, string blobName, IReadOnlyDictionary<string, RunReportRow> table)
    {
        ArgumentNullException.ThrowIfNull(table);
        if (!table.TryGetValue(blobName, out var row))
        {
            yield return $"{File}: no row for {blobName} in reports/files.csv";
            yield break;
        }

        if (row.Accepted != ShouldBeAccepted)
        {
            yield return $"{File}: accepted = {row.Accepted}";
        }

        foreach (var rule in Entry.GetProperty("rules").EnumerateArray().Select(r => r.GetString()!).Where(r => r[0] is 'E' or 'R' or 'N' or 'F' or 'K'))
        {
            if (!row.Rules.Contains(rule))
            {
                yield return $"{File}: report lacks rule {rule} (has {string.Join(",", row.Rules)})";
            }
        }

        // A return path's report is beside its name; any other name's under misnamed.files/ (RunReportTables.ReportName).
        var atReturnPath = ReturnPath.TryParse(blobName, out _, out _);
        var reportPath = Path.Combine(output, "reports", blobName.Replace('/', Path.DirectorySeparatorChar) + ".report.json");
        if (row.Accepted)
        {
            if (row.Report is not null || System.IO.File.Exists(reportPath))
            {
                yield return $"{File}: a report file was written for an accepted file";
            }

            yield break;
        }

        var expectedPlace = atReturnPath
            ? row.Report == blobName + ".report.json"
            : row.Report is { } named && named.StartsWith(OfflineProcessor.MisnamedReportsFolder + "/", StringComparison.Ordinal) && named.EndsWith(".report.json", StringComparison.Ordinal);
        reportPath = Path.Combine(output, "reports", row.Report ?? "");
        if (!expectedPlace || !System.IO.File.Exists(reportPath))
        {
            yield return $"{File}: no report where expected (files.csv says {row.Report})";
            yield break;
        }

        using var report = JsonDocument.Parse(System.IO.File.ReadAllText(reportPath));
        var identifiers = CorpusIdentifiers.Of(Entry);
        foreach (var issue in report.RootElement.GetProperty("issues").EnumerateArray())
        {
            foreach (var field in new[] { "column", "value" })
            {
                if (identifiers.IsInitials(issue.GetProperty(field).GetString()))
                {
                    yield return $"{File}: an issue's {field} is initials of the file";
                }
            }
        }
    }
}
