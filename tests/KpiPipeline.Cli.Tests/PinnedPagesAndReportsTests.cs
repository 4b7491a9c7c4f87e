using System.Security.Cryptography;

namespace KpiPipeline.Cli.Tests;

/// <summary>
/// Pins the bytes of every scorecard page and every report <c>kpi process</c> writes on the pinned returns
/// (<see cref="PinnedReturns"/>), as SHA-256 per file in <c>tests/golden/v1/pages-and-reports.sha256</c> (the format of
/// <c>sha256sum</c>). The rows of the datasets are pinned by <see cref="VersionOneFiguresTests"/>; the Parquet files' own
/// bytes are not, since they name the Parquet library's version. Work that should change nothing a reader sees (speed,
/// memory) must leave this test green; a change to the pages or the reports rewrites the file with
/// <c>KPI_GOLDEN_WRITE=1 dotnet test tests/KpiPipeline.Cli.Tests --filter PinnedPagesAndReportsTests</c>, and its diff
/// shows which files moved.
/// </summary>
public sealed class PinnedPagesAndReportsTests
{
    private const string AsOf = "2026-10-20";

    [Fact]
    public async Task Every_scorecard_page_and_report_on_the_pinned_returns_is_byte_for_byte_the_pinned_one()
    {
        var output = await PinnedReturns.ProcessAsync(AsOf);
        var actual = Directory.EnumerateFiles(output, "*", SearchOption.AllDirectories)
            .Select(file => Path.GetRelativePath(output, file).Replace('\\', '/'))
            .Where(path => path.StartsWith("reports/", StringComparison.Ordinal) || path.Contains("/scorecards/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(path => $"{Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(output, path))))}  {path}")
            .ToList();

        var pinned = Path.Combine(PinnedReturns.Folder, "pages-and-reports.sha256");
        if (Environment.GetEnvironmentVariable("KPI_GOLDEN_WRITE") == "1")
        {
            await File.WriteAllLinesAsync(pinned, actual);
            return;
        }

        var expected = await File.ReadAllLinesAsync(pinned);
        Assert.True(expected.Count(line => line.Contains("/scorecards/", StringComparison.Ordinal)) >= 20, "too few pages are pinned");
        Assert.Contains(expected, line => line.EndsWith("  reports/files.csv", StringComparison.Ordinal));
        var moved = expected.Except(actual, StringComparer.Ordinal).Take(10).ToList();
        var added = actual.Except(expected, StringComparer.Ordinal).Take(10).ToList();
        Assert.True(moved.Count == 0 && added.Count == 0,
            $"Pinned, now different or missing:\n  {string.Join("\n  ", moved)}\nNow, not pinned:\n  {string.Join("\n  ", added)}");
    }
}
