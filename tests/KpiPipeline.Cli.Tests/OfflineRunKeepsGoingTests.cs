using System.Diagnostics;
using System.Text.Json;
using KpiPipeline.Testing;

namespace KpiPipeline.Cli.Tests;

/// <summary><c>kpi process</c> over a returns folder with files that cannot be read as returns: each is rejected with a report, the run goes on.</summary>
public sealed class OfflineRunKeepsGoingTests
{
    internal const string Providers = "provider_code,provider_name,area_code\nPROV1,Provider One,A1\nPROV2,Provider Two,A1\n";
    internal const string Areas = "area_code,area_name,nation,estimated_opiate_users,estimated_pwid\nA1,Area One,ENGLAND,1000,300\n";

    [Fact]
    public async Task One_file_that_cannot_be_read_rejects_that_file_with_a_report_and_the_run_goes_on()
    {
        var (reference, clean, hostile, valid) = await FoldersAsync("keepgoing");
        Write(hostile, "prov1/2024-03/episodes.csv", valid);
        Write(hostile, "PROV1/9999-12/episodes.csv", valid);
        Directory.CreateDirectory(Path.Combine(hostile, "PROV2", "2024-03"));
        using (var mkfifo = Process.Start("mkfifo", Path.Combine(hostile, "PROV2", "2024-03", "episodes.csv")))
        {
            await mkfifo.WaitForExitAsync();
            Assert.Equal(0, mkfifo.ExitCode);
        }

        Directory.CreateSymbolicLink(Path.Combine(hostile, "PROV2", "loop"), hostile);
        File.CreateSymbolicLink(Path.Combine(hostile, "PROV2", "2024-03", "reviews.csv"), Path.Combine(hostile, "nowhere.csv"));
        var sparse = Path.Combine(hostile, "PROV2", "2024-03", "nsp.csv");
        await using (var big = new FileStream(sparse, FileMode.CreateNew))
        {
            big.SetLength(3L << 30);   // sparse: 3 GiB long, no blocks on disk
        }

        var output = RepoPaths.NewTempFolder("keepgoing-out");
        var expected = RepoPaths.NewTempFolder("keepgoing-expected");
        try
        {
            using var stderr = new StringWriter();
            var run = ProcessCommand.RunAsync(hostile, reference, output, "2024-04-15", true, TextWriter.Null, stderr, CancellationToken.None);
            Assert.Same(run, await Task.WhenAny(run, Task.Delay(TimeSpan.FromMinutes(2))));
            Assert.True(await run == 0, stderr.ToString());
            Assert.Equal(0, await ProcessCommand.RunAsync(clean, reference, expected, "2024-04-15", true, TextWriter.Null, TextWriter.Null, CancellationToken.None));
        }
        finally
        {
            File.Delete(sparse);
        }

        var table = await RunReportTable.ReadAsync(output);
        Assert.True(table["PROV1/2024-03/episodes.csv"].Accepted);
        Assert.Equal(["F11"], Rules(output, table, "prov1/2024-03/episodes.csv"));
        Assert.Equal(["F01"], Rules(output, table, "PROV1/9999-12/episodes.csv"));
        Assert.Equal(["F08"], Rules(output, table, "PROV2/2024-03/episodes.csv"));
        Assert.Equal(["F12"], Rules(output, table, "PROV2/loop"));
        Assert.Equal(["F12"], Rules(output, table, "PROV2/2024-03/reviews.csv"));
        Assert.Equal(["F09"], Rules(output, table, "PROV2/2024-03/nsp.csv"));
        Assert.False(Directory.Exists(Path.Combine(output, "reports", "PROV2", "loop", "PROV2")), "the link to a folder was followed");

        // The good provider's figures are those of a run without the bad files (data quality aside: it counts the uploads).
        Assert.Equal(await OutputFigures.AllAsync(expected), await OutputFigures.AllAsync(output));
    }

    /// <summary>
    /// Misnamed files whose own names could not name their reports, and names that are not UTF-8: a folder named like the
    /// run's table of files (its report folder stood where the table is written), a file name too long for the report's
    /// suffix, a path too long to repeat under reports/, a folder named like a rejected file's report, a folder and two files
    /// whose names are Latin-1 (listed with U+FFFD, a name that opens nothing; the two files read alike). Each is rejected
    /// with its own report, the run completes, a second run into the same output folder completes too, and the good file's
    /// figures are those of a run without them. Until 2026-12-05 each of these stopped the whole run (found by an
    /// adversarial check and a review).
    /// </summary>
    [Fact]
    public async Task Names_that_cannot_name_a_report_or_are_not_UTF8_are_rejected_and_the_run_goes_on()
    {
        var (reference, clean, hostile, valid) = await FoldersAsync("names");
        Write(hostile, "files.csv/2024-03/episodes.csv", valid);
        Write(hostile, "ISSUES.CSV", valid);
        var longName = $"PROV1/2024-03/{new string('x', 250)}.csv";
        Write(hostile, longName, valid);
        var deep = string.Join('/', Enumerable.Repeat(new string('d', 250), 14)) + "/episodes.csv";
        Write(hostile, deep, valid);
        Write(hostile, "PROV2/2024-03/episodes.csv", "");
        Write(hostile, "PROV2/2024-03/episodes.csv.report.json/x.csv", valid);
        var names = RepoPaths.NewTempFolder("names-make");
        var script = Path.Combine(names, "make.sh");
        await File.WriteAllTextAsync(script,
            "cd \"$1\" && mkdir -p \"$(printf 'Prov\\351')\" && printf x > \"PROV2/$(printf '\\351pisodes.csv')\" && printf x > \"PROV2/$(printf '\\350pisodes.csv')\"\n");
        using (var make = Process.Start("sh", [script, hostile]))
        {
            await make.WaitForExitAsync();
            Assert.Equal(0, make.ExitCode);
        }

        var output = RepoPaths.NewTempFolder("names-out");
        var expected = RepoPaths.NewTempFolder("names-expected");
        for (var run = 1; run <= 2; run++)
        {
            using var stderr = new StringWriter();
            Assert.True(await ProcessCommand.RunAsync(hostile, reference, output, "2024-04-15", true, TextWriter.Null, stderr, CancellationToken.None) == 0, $"run {run}: {stderr}");
        }

        Assert.Equal(0, await ProcessCommand.RunAsync(clean, reference, expected, "2024-04-15", true, TextWriter.Null, TextWriter.Null, CancellationToken.None));
        var rows = await RunReportTable.RowsAsync(output);
        string[] listed =
        [
            "ISSUES.CSV", "PROV1/2024-03/episodes.csv", "PROV2/2024-03/episodes.csv", "PROV2/2024-03/episodes.csv.report.json/x.csv",
            "PROV2/\uFFFDpisodes.csv", "PROV2/\uFFFDpisodes.csv", "Prov\uFFFD", deep, "files.csv/2024-03/episodes.csv", longName,
        ];
        Assert.Equal(listed.Order(StringComparer.Ordinal), rows.Select(r => r.FileName).Order(StringComparer.Ordinal));
        Assert.True(rows.Single(r => r.FileName == "PROV1/2024-03/episodes.csv").Accepted);
        Assert.Equal(["F08"], rows.Single(r => r.FileName == "PROV2/2024-03/episodes.csv").Rules);
        var rejected = rows.Where(r => !r.Accepted).ToList();
        Assert.Equal(rejected.Count, rejected.Select(r => r.Report).Distinct().Count());
        foreach (var row in rejected)
        {
            var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "reports", row.Report!))).RootElement;
            Assert.Equal(row.FileName, report.GetProperty("file_name").GetString());
            Assert.Equal(row.FileName == "PROV2/2024-03/episodes.csv" ? ["F08"] : ["F01"], row.Rules);
        }

        Assert.Equal(await OutputFigures.AllAsync(expected), await OutputFigures.AllAsync(output));
    }

    /// <summary>
    /// Reference data of PROV1 and PROV2, a returns folder with only PROV1's valid March episodes (the figures a run should
    /// give) and a hostile returns folder that starts with the same file; and that file's text.
    /// </summary>
    private static async Task<(string Reference, string Clean, string Hostile, string Valid)> FoldersAsync(string name)
    {
        var reference = RepoPaths.NewTempFolder($"{name}-reference");
        await File.WriteAllTextAsync(Path.Combine(reference, "providers.csv"), Providers);
        await File.WriteAllTextAsync(Path.Combine(reference, "areas.csv"), Areas);
        var valid = await File.ReadAllTextAsync(Path.Combine(RepoPaths.Corpus, "episodes", "valid_basic.csv"));
        var clean = RepoPaths.NewTempFolder($"{name}-clean");
        Write(clean, "PROV1/2024-03/episodes.csv", valid);
        var hostile = RepoPaths.NewTempFolder($"{name}-hostile");
        Write(hostile, "PROV1/2024-03/episodes.csv", valid);
        return (reference, clean, hostile, valid);
    }

    internal static void Write(string root, string blobName, string content)
    {
        var path = Path.Combine(root, blobName.Replace('/', Path.DirectorySeparatorChar));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }

    /// <summary>The rules of a rejected file's full report, which the run's table of files names and agrees with.</summary>
    internal static List<string> Rules(string output, IReadOnlyDictionary<string, RunReportRow> table, string blobName)
    {
        var row = table[blobName];
        Assert.False(row.Accepted);
        var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "reports", row.Report!))).RootElement;
        var rules = report.GetProperty("counts_by_rule").EnumerateArray().Select(c => c.GetProperty("rule_id").GetString()!).ToList();
        Assert.Equal(row.Rules, rules);
        return rules;
    }
}
