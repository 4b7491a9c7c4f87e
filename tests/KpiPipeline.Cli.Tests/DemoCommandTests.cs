using System.Globalization;
using System.Text.RegularExpressions;
using KpiPipeline.Synthetic;
using KpiPipeline.Testing;

namespace KpiPipeline.Cli.Tests;

/// <summary><c>kpi demo</c>: Azurite, synthetic uploads, the published worker behind the gRPC host stand-in, the timer, published Parquet and the table.</summary>
public sealed class DemoCommandTests
{
    [Fact]
    public async Task Prints_the_quarterly_table_and_leaves_parquet_that_DuckDB_reads()
    {
        var work = RepoPaths.NewTempFolder("demo");
        using var stdout = new StringWriter();

        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var exit = await DemoCommand.RunAsync(work, seed: 11, defects: 1, stdout, CancellationToken.None);

        var text = stdout.ToString();
        Assert.True(exit == 0, text);

        // Every generated return was uploaded and ingested, workforce.csv files among them, and all but the bad one accepted.
        var generated = new SyntheticReturnsGenerator(DemoCommand.OptionsFor(11, 1, today)).EnumerateFiles()
            .Where(f => f.Container == SyntheticFile.ReturnsContainer).Select(f => f.BlobName).ToList();
        Assert.Contains(generated, b => b.EndsWith("/workforce.csv", StringComparison.Ordinal));
        var months = Regex.Matches(text, @"^  \d{4}-\d{2}: (\d+) uploads, (\d+) accepted, (\d+) rejected", RegexOptions.Multiline);
        Assert.Equal(generated.Count, months.Sum(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)));
        Assert.Equal(generated.Count - 1, months.Sum(m => int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture)));
        Assert.Contains("KPIs for ALL (every provider, area and nation together)", text, StringComparison.Ordinal);
        Assert.Contains("ACC01_waited_3_weeks_or_less", text, StringComparison.Ordinal);
        // The rejected upload's report, as its provider received it, is copied out of Azurite to the path the demo names.
        var rejection = Regex.Match(text, @"^  rejected with a report: (\S+) \((\d+) errors?, \d+ warnings?\); report (.+)$", RegexOptions.Multiline);
        Assert.True(rejection.Success, text);
        var report = await File.ReadAllTextAsync(rejection.Groups[3].Value);
        Assert.Contains("\"accepted\":false", report.Replace(" ", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains(rejection.Groups[1].Value, report, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(work, DemoCommand.WorkFolderMark)));

        // The table is the restricted dataset's, and its last quarter holds today, which is still in progress.
        Assert.Contains("restricted dataset", text, StringComparison.Ordinal);
        Assert.Contains("is still in progress", text, StringComparison.Ordinal);
        Assert.DoesNotContain("FAILED", text, StringComparison.Ordinal);

        var glob = DuckDb.Literal(Path.Combine(work, "published", "public", "kpi_results") + "/*/*.parquet");
        var result = await DuckDb.QueryAsync($"SELECT count(*) AS n, count(DISTINCT period) AS periods FROM read_parquet({glob}, hive_partitioning = true)");
        Assert.NotEqual("0", result[0, "n"].ToString());

        // Each upload declared when its provider would have sent it, so returns read as on time (DQ01 green) in most
        // quarters, not late everywhere as when a year of returns is uploaded on one day.
        var restricted = DuckDb.Literal(Path.Combine(work, "published", "restricted", "kpi_results") + "/*/*.parquet");
        var onTime = await DuckDb.QueryAsync($"SELECT CAST(count(*) FILTER (WHERE rag = 'green') AS INTEGER) AS green, CAST(count(*) AS INTEGER) AS quarters FROM read_parquet({restricted}, hive_partitioning = true) " +
                                             "WHERE kpi_id = 'DQ01_returns_on_time' AND unit_code = 'ALL' AND value IS NOT NULL");
        Assert.True(onTime[0, "green"].GetInt32() * 2 > onTime[0, "quarters"].GetInt32(), $"DQ01 green in {onTime[0, "green"]} of {onTime[0, "quarters"]} quarters");

        // ComputeKpis wrote the scorecards into the published container beside the datasets; the demo names one.
        var scorecard = DemoCommand.ScorecardToOpen(Path.Combine(work, "published"));
        Assert.NotNull(scorecard);
        Assert.Contains($"Scorecard of the last full quarter (open it in a browser): {scorecard}", text, StringComparison.Ordinal);
        Assert.Contains("KPI scorecard", await File.ReadAllTextAsync(scorecard), StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(Path.GetDirectoryName(scorecard)!.Replace("restricted", "public", StringComparison.Ordinal), "national.html")));
    }

    [Fact]
    public async Task Refuses_a_work_folder_it_did_not_make_and_deletes_nothing()
    {
        var work = RepoPaths.NewTempFolder("demo-not-its-own");
        var kept = Path.Combine(work, "keep.txt");
        await File.WriteAllTextAsync(kept, "a user's file");
        using var stdout = new StringWriter();

        var exit = await DemoCommand.RunAsync(work, seed: 11, defects: 1, stdout, CancellationToken.None);

        Assert.Equal(2, exit);
        Assert.Contains("is not empty and was not made by kpi demo", stdout.ToString(), StringComparison.Ordinal);
        Assert.Equal("a user's file", await File.ReadAllTextAsync(kept));
        Assert.False(File.Exists(Path.Combine(work, DemoCommand.WorkFolderMark)));
    }

    [Fact]
    public async Task Empties_a_work_folder_an_earlier_demo_made_or_an_empty_one()
    {
        var work = RepoPaths.NewTempFolder("demo-its-own");
        Assert.Null(DemoCommand.PrepareWorkFolder(work));
        var earlier = Path.Combine(work, "published", "old.parquet");
        Directory.CreateDirectory(Path.GetDirectoryName(earlier)!);
        await File.WriteAllTextAsync(earlier, "an earlier run's output");

        Assert.Null(DemoCommand.PrepareWorkFolder(work));

        Assert.False(File.Exists(earlier));
        Assert.True(File.Exists(Path.Combine(work, DemoCommand.WorkFolderMark)));

        // A folder holding only published/ is one a demo wrote before folders were marked.
        File.Delete(Path.Combine(work, DemoCommand.WorkFolderMark));
        Directory.CreateDirectory(Path.GetDirectoryName(earlier)!);
        await File.WriteAllTextAsync(earlier, "an earlier run's output");
        Assert.Null(DemoCommand.PrepareWorkFolder(work));
        Assert.False(File.Exists(earlier));
    }
}
