using System.Globalization;
using System.Text.Json;
using KpiPipeline.Kpis;
using KpiPipeline.Kpis.Catalogue;
using KpiPipeline.Pipeline.Offline;
using KpiPipeline.Pipeline.Publishing;
using KpiPipeline.Testing;

namespace KpiPipeline.Cli.Tests;

/// <summary><c>kpi process</c> (outputs.md section 5) on folders, read back by DuckDB.</summary>
public sealed class ProcessCommandTests
{
    [Fact]
    public async Task Writes_both_datasets_that_DuckDB_reads_with_every_kpi_id()
    {
        var (returns, reference) = SyntheticFolder.Create("process");
        var output = RepoPaths.NewTempFolder("process-out");
        using var stdout = new StringWriter();

        var exit = await ProcessCommand.RunAsync(returns, reference, output, "2025-10-15", developmentSecrets: true, stdout, TextWriter.Null, CancellationToken.None);

        Assert.Equal(0, exit);
        Assert.Contains("VOL01_in_treatment", stdout.ToString(), StringComparison.Ordinal);
        foreach (var dataset in new[] { "restricted", "public" })
        {
            var glob = DuckDb.Literal(Path.Combine(output, dataset, "kpi_results") + "/*/*.parquet");
            var ids = await DuckDb.QueryAsync($"SELECT DISTINCT kpi_id FROM read_parquet({glob}, hive_partitioning = true) ORDER BY kpi_id");
            Assert.Equal(KpiCatalogue.All.Select(k => k.Id).Order(StringComparer.Ordinal), ids.Rows.Select(r => r.GetProperty("kpi_id").GetString()));
        }

        var metadata = await DuckDb.QueryAsync(
            $"SELECT decode(key) AS k, decode(value) AS v FROM parquet_kv_metadata({DuckDb.Literal(Path.Combine(output, "restricted", "kpi_results", "period=2025-26-Q1", "part-0.parquet"))})");
        var kv = metadata.Rows.ToDictionary(r => r.GetProperty("k").GetString()!, r => r.GetProperty("v").GetString());
        Assert.Equal("1", kv["schema_version"]);
        Assert.Equal("1.1", kv["dataset_version"]);
        Assert.Equal("2025-10-15", kv["as_of"]);
        Assert.StartsWith("KpiPipeline", kv["generator"], StringComparison.Ordinal);
        Assert.True(int.Parse(kv["source_returns"]!, CultureInfo.InvariantCulture) > 0);
        // Every kind of file published is read by DuckDB with hive_partitioning = true, with the rows the project wrote.
        foreach (var dataset in new[] { "restricted", "public" })
        {
            var file = Path.Combine(output, dataset, "kpi_results", "period=2025-26-Q1", "part-0.parquet");
            IReadOnlyList<KpiResult> written;
            await using (var stream = File.OpenRead(file))
            {
                written = await KpiResultsParquet.ReadAsync(stream, CancellationToken.None);
            }

            var read = await DuckDb.QueryAsync(
                $"SELECT count(*)::INTEGER AS n, count(DISTINCT kpi_id)::INTEGER AS kpis, any_value(period) AS period " +
                $"FROM read_parquet({DuckDb.Literal(file)}, hive_partitioning = true)");
            Assert.Equal(written.Count, read[0, "n"].GetInt32());
            Assert.Equal(written.Select(r => r.KpiId).Distinct().Count(), read[0, "kpis"].GetInt32());
            Assert.Equal("2025-26-Q1", read[0, "period"].GetString());
        }

        var catalogue = await DuckDb.QueryAsync(
            $"SELECT count(*)::INTEGER AS n FROM read_parquet({DuckDb.Literal(Path.Combine(output, "kpi_catalogue.parquet"))}, hive_partitioning = true)");
        Assert.Equal(KpiCatalogue.Rows.Count, catalogue[0, "n"].GetInt32());

        Assert.Equal(Directory.EnumerateFiles(returns, "*", SearchOption.AllDirectories).Count(), (await RunReportTable.ReadAsync(output)).Count);
    }

    [Fact]
    public async Task Publishes_every_area_with_its_name_and_nation_so_the_public_area_rows_can_be_named_and_grouped()
    {
        var (returns, reference) = SyntheticFolder.Create("process-areas");
        var output = RepoPaths.NewTempFolder("process-areas-out");
        Assert.Equal(0, await ProcessCommand.RunAsync(returns, reference, output, "2025-10-15", developmentSecrets: true, TextWriter.Null, TextWriter.Null, CancellationToken.None));

        var areas = DuckDb.Literal(Path.Combine(output, KpiPublisher.AreasFile));
        var read = await DuckDb.QueryAsync($"SELECT area_code, area_name, nation FROM read_parquet({areas}) ORDER BY area_code");
        var expected = await DuckDb.QueryAsync(
            $"SELECT area_code, area_name, upper(nation) AS nation FROM read_csv({DuckDb.Literal(Path.Combine(reference, "areas.csv"))}, header = true, all_varchar = true) ORDER BY area_code");
        Assert.Equal(expected.Rows.Select(r => r.GetRawText()), read.Rows.Select(r => r.GetRawText()));
        Assert.True(read.Count >= 2);

        // Every area row of the public dataset finds its area, and its nation's rows are those of the areas' nations.
        var glob = DuckDb.Literal(Path.Combine(output, "public", "kpi_results") + "/*/*.parquet");
        var unmatched = await DuckDb.QueryAsync(
            $"SELECT DISTINCT r.unit_code FROM read_parquet({glob}, hive_partitioning = true) r ANTI JOIN read_parquet({areas}) a ON r.unit_code = a.area_code WHERE r.level = 'area'");
        Assert.Equal(0, unmatched.Count);
        var nations = await DuckDb.QueryAsync(
            $"SELECT DISTINCT unit_code FROM read_parquet({glob}, hive_partitioning = true) WHERE level = 'nation' EXCEPT SELECT nation FROM read_parquet({areas})");
        Assert.Equal(0, nations.Count);
    }

    [Fact]
    public async Task The_public_dataset_has_no_small_or_unrounded_counts_no_provider_rows_and_no_client_keys()
    {
        var (returns, reference) = SyntheticFolder.Create("public");
        var output = RepoPaths.NewTempFolder("public-out");
        Assert.Equal(0, await ProcessCommand.RunAsync(returns, reference, output, "2025-10-15", true, TextWriter.Null, TextWriter.Null, CancellationToken.None));
        var glob = DuckDb.Literal(Path.Combine(output, "public", "kpi_results") + "/*/*.parquet");

        var offending = await DuckDb.QueryAsync(
            $"SELECT count(*) FILTER (WHERE level = 'provider') AS provider_rows, " +
            $"count(*) FILTER (WHERE numerator BETWEEN 1 AND 7 OR denominator BETWEEN 1 AND 7) AS small, " +
            $"count(*) FILTER (WHERE numerator % 5 <> 0 OR denominator % 5 <> 0) AS unrounded, " +
            $"count(*) FILTER (WHERE suppressed) AS suppressed, count(*) AS total " +
            $"FROM read_parquet({glob}, hive_partitioning = true)");
        Assert.Equal("0", Text(offending[0, "provider_rows"]));
        Assert.Equal("0", Text(offending[0, "small"]));
        Assert.Equal("0", Text(offending[0, "unrounded"]));
        Assert.NotEqual("0", Text(offending[0, "suppressed"]));

        var columns = await DuckDb.QueryAsync($"SELECT * FROM read_parquet({glob}, hive_partitioning = true) LIMIT 1");
        Assert.DoesNotContain(columns.Columns, c => c.Contains("client", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Lists_rejected_files_and_still_completes()
    {
        var (returns, reference) = SyntheticFolder.Create("defects", defects: 2);
        var output = RepoPaths.NewTempFolder("defects-out");
        using var stdout = new StringWriter();

        var exit = await ProcessCommand.RunAsync(returns, reference, output, "2025-10-15", true, stdout, TextWriter.Null, CancellationToken.None);

        Assert.Equal(0, exit);
        Assert.Contains("2 rejected", stdout.ToString(), StringComparison.Ordinal);
        Assert.Contains("  rejected ", stdout.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Names_where_the_first_error_of_a_rejected_file_is_and_no_place_for_a_file_refused_unread()
    {
        var (returns, reference) = SyntheticFolder.Create("first-error");
        var episodes = Directory.EnumerateFiles(returns, "episodes.csv", SearchOption.AllDirectories).Order(StringComparer.Ordinal).First();
        var lines = await File.ReadAllLinesAsync(episodes);
        var sex = Array.IndexOf(lines[0].Split(','), "sex");
        var fields = lines[2].Split(',');
        fields[sex] = "Q";
        lines[2] = string.Join(',', fields);
        await File.WriteAllLinesAsync(episodes, lines);
        var reviews = Directory.EnumerateFiles(returns, "reviews.csv", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Last();
        File.Delete(reviews);
        File.CreateSymbolicLink(reviews, Path.Combine(returns, "nothing-here.csv"));
        var output = RepoPaths.NewTempFolder("first-error-out");
        using var stdout = new StringWriter();

        Assert.Equal(0, await ProcessCommand.RunAsync(returns, reference, output, "2025-10-15", true, stdout, TextWriter.Null, CancellationToken.None));

        var rejected = stdout.ToString().Split('\n').Where(l => l.StartsWith("  rejected ", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, rejected.Count);
        Assert.Contains(rejected, l => l.StartsWith($"  rejected {Relative(returns, episodes)}: 1 error, first: row 2 (line 3 of the file), column sex: E05 ", StringComparison.Ordinal));
        Assert.Contains(rejected, l => l.StartsWith($"  rejected {Relative(returns, reviews)}: 1 error, first: F12 ", StringComparison.Ordinal));
        Assert.All(rejected, l => Assert.EndsWith(".report.json)", l.TrimEnd(), StringComparison.Ordinal));
    }

    private static string Relative(string returns, string file) => Path.GetRelativePath(returns, file).Replace('\\', '/');

    [Fact]
    public async Task Lists_every_file_and_issue_in_the_run_tables_and_writes_full_reports_only_for_rejected_files()
    {
        var (returns, reference) = SyntheticFolder.Create("reports", defects: 2);
        var output = RepoPaths.NewTempFolder("reports-out");

        Assert.Equal(0, await ProcessCommand.RunAsync(returns, reference, output, "2025-10-15", true, TextWriter.Null, TextWriter.Null, CancellationToken.None));

        var reports = Path.Combine(output, "reports");
        var inputs = Directory.EnumerateFiles(returns, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(returns, f).Replace(Path.DirectorySeparatorChar, '/')).Order(StringComparer.Ordinal).ToList();
        var table = await RunReportTable.ReadAsync(output);
        Assert.Equal(inputs, table.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(2, table.Values.Count(r => !r.Accepted));
        Assert.All(table.Values.Where(r => !r.Accepted), r => Assert.True(r.ErrorCount > 0));

        var rejected = table.Values.Where(r => !r.Accepted).Select(r => r.FileName).Order(StringComparer.Ordinal).ToList();
        Assert.All(table.Values, r => Assert.Equal(r.Accepted ? null : r.FileName + ".report.json", r.Report));
        foreach (var kind in new[] { ".report.json", ".report.csv" })
        {
            var written = Directory.EnumerateFiles(reports, "*" + kind, SearchOption.AllDirectories)
                .Select(f => Path.GetRelativePath(reports, f)[..^kind.Length].Replace(Path.DirectorySeparatorChar, '/')).Order(StringComparer.Ordinal).ToList();
            Assert.Equal(rejected, written);
        }

        // The table of issues holds every issue of every file (warnings of accepted files too), one row each, and agrees with
        // the full reports of the rejected files and with the counts of the table of files.
        var withIssues = table.Values.Where(r => r.Rules.Count > 0).Select(r => r.FileName).ToList();
        Assert.True(withIssues.Count > rejected.Count, "no accepted file had a warning, so the table of issues is not shown to hold them");
        var issues = await DuckDb.QueryAsync(
            $"SELECT file_name, count(*)::INTEGER AS n, count(*) FILTER (WHERE severity = 'error')::INTEGER AS errors " +
            $"FROM read_csv({DuckDb.Literal(Path.Combine(reports, OfflineProcessor.IssueTableName))}, header = true, all_varchar = true) GROUP BY file_name");
        Assert.Equal(withIssues.Order(StringComparer.Ordinal), issues.Rows.Select(r => r.GetProperty("file_name").GetString()!).Order(StringComparer.Ordinal));
        foreach (var row in issues.Rows)
        {
            var name = row.GetProperty("file_name").GetString()!;
            Assert.Equal(table[name].ErrorCount, row.GetProperty("errors").GetInt32());
            if (!table[name].Accepted)
            {
                using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(reports, name + ".report.json")));
                Assert.Equal(report.RootElement.GetProperty("issues").GetArrayLength(), row.GetProperty("n").GetInt32());
            }
        }
    }

    [Fact]
    public async Task With_report_every_file_every_file_gets_a_json_report_and_only_files_with_issues_a_csv_rendering()
    {
        var (returns, reference) = SyntheticFolder.Create("every-report", defects: 2);
        var output = RepoPaths.NewTempFolder("every-report-out");

        Assert.Equal(0, await ProcessCommand.RunAsync(returns, reference, output, "2025-10-15", true, reportEveryFile: true, TextWriter.Null, TextWriter.Null, CancellationToken.None));

        var reports = Path.Combine(output, "reports");
        var inputs = Directory.EnumerateFiles(returns, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(returns, f)).Order().ToList();
        var json = Directory.EnumerateFiles(reports, "*.report.json", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(reports, f)[..^".report.json".Length]).Order().ToList();
        Assert.Equal(inputs, json);
        var withIssues = json.Where(name =>
        {
            using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(reports, name + ".report.json")));
            return report.RootElement.GetProperty("issues").GetArrayLength() > 0;
        }).ToList();
        var csv = Directory.EnumerateFiles(reports, "*.report.csv", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(reports, f)[..^".report.csv".Length]).Order().ToList();
        Assert.True(withIssues.Count >= 2);
        Assert.Equal(withIssues, csv);
        Assert.All((await RunReportTable.ReadAsync(output)).Values, r => Assert.Equal(r.FileName + ".report.json", r.Report));
    }

    [Fact]
    public async Task Rerunning_into_the_same_folder_replaces_every_report_of_the_new_run()
    {
        var (withDefects, reference) = SyntheticFolder.Create("rerun-defects", defects: 2);
        var (clean, _) = SyntheticFolder.Create("rerun-clean");
        var output = RepoPaths.NewTempFolder("rerun-out");
        Assert.Equal(0, await ProcessCommand.RunAsync(withDefects, reference, output, "2025-10-15", true, TextWriter.Null, TextWriter.Null, CancellationToken.None));
        var reports = Path.Combine(output, "reports");
        Assert.NotEmpty(Directory.EnumerateFiles(reports, "*.report.csv", SearchOption.AllDirectories));

        Assert.Equal(0, await ProcessCommand.RunAsync(clean, reference, output, "2025-10-15", true, TextWriter.Null, TextWriter.Null, CancellationToken.None));

        // Every report of the second run is exactly what a run into an empty folder writes: longer reports of the first run
        // are cut, and CSV renderings of reports that now have no issues are gone.
        var fresh = RepoPaths.NewTempFolder("rerun-fresh");
        Assert.Equal(0, await ProcessCommand.RunAsync(clean, reference, fresh, "2025-10-15", true, TextWriter.Null, TextWriter.Null, CancellationToken.None));
        var replaced = 0;
        foreach (var input in Directory.EnumerateFiles(clean, "*", SearchOption.AllDirectories))
        {
            var name = Path.GetRelativePath(clean, input);
            foreach (var kind in new[] { ".report.json", ".report.csv" })
            {
                var expected = Path.Combine(fresh, "reports", name + kind);
                var actual = Path.Combine(reports, name + kind);
                Assert.Equal(File.Exists(expected), File.Exists(actual));
                if (File.Exists(expected))
                {
                    Assert.Equal(File.ReadAllBytes(expected), File.ReadAllBytes(actual));
                }
            }

            replaced += File.Exists(Path.Combine(withDefects, name)) && !File.ReadAllBytes(Path.Combine(withDefects, name)).SequenceEqual(File.ReadAllBytes(input)) ? 1 : 0;
        }

        Assert.True(replaced >= 1, "the defects changed none of the clean files, so nothing was overwritten");

        // The whole reports folder, the run's tables of files and issues among it, is that of the fresh run.
        static List<string> Listed(string folder) =>
            [.. Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(folder, f)).Order(StringComparer.Ordinal)];
        var freshReports = Path.Combine(fresh, "reports");
        Assert.Equal(Listed(freshReports), Listed(reports));
        Assert.Contains(OfflineProcessor.FileTableName, Listed(reports));
        Assert.All(Listed(reports), name => Assert.Equal(File.ReadAllBytes(Path.Combine(freshReports, name)), File.ReadAllBytes(Path.Combine(reports, name))));
    }

    [Fact]
    public async Task Exits_non_zero_when_reference_data_is_missing()
    {
        var (returns, _) = SyntheticFolder.Create("noref");
        var emptyReference = RepoPaths.NewTempFolder("empty-ref");
        using var stderr = new StringWriter();

        var exit = await ProcessCommand.RunAsync(returns, emptyReference, RepoPaths.NewTempFolder("noref-out"), "2025-10-15", true, TextWriter.Null, stderr, CancellationToken.None);

        Assert.NotEqual(0, exit);
        Assert.Contains("Reference data", stderr.ToString(), StringComparison.Ordinal);
    }

    /// <summary>
    /// A file whose name is not a return path has no month to have been on time for: its report gives the run's as-of date
    /// as its upload time. Until 2026-12-05 it gave 1970-01-01, which read to a provider as a fault.
    /// </summary>
    [Fact]
    public async Task A_file_that_is_not_a_return_path_is_reported_as_seen_on_the_as_of_date()
    {
        var (returns, reference) = SyntheticFolder.Create("badname");
        var misnamed = Path.Combine(returns, "PR0001", "2025-05", "episode.csv");
        Directory.CreateDirectory(Path.GetDirectoryName(misnamed)!);
        await File.WriteAllTextAsync(misnamed, "provider_code\n");
        var output = RepoPaths.NewTempFolder("badname-out");

        Assert.Equal(0, await ProcessCommand.RunAsync(returns, reference, output, "2025-10-15", true, TextWriter.Null, TextWriter.Null, CancellationToken.None));

        var row = (await RunReportTable.ReadAsync(output))["PR0001/2025-05/episode.csv"];
        using var report = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(output, "reports", row.Report!)));
        Assert.Equal("F01", report.RootElement.GetProperty("issues")[0].GetProperty("rule_id").GetString());
        Assert.Equal(new DateTimeOffset(2025, 10, 15, 0, 0, 0, TimeSpan.Zero), report.RootElement.GetProperty("uploaded_at").GetDateTimeOffset());
    }

    [Fact]
    public async Task Refuses_to_run_without_a_configured_secret()
    {
        var (returns, reference) = SyntheticFolder.Create("nosecret");
        using var stderr = new StringWriter();

        var exit = await ProcessCommand.RunAsync(returns, reference, RepoPaths.NewTempFolder("nosecret-out"), "2025-10-15", developmentSecrets: false, TextWriter.Null, stderr, CancellationToken.None);

        Assert.Equal(1, exit);
        Assert.Contains("secret", stderr.ToString(), StringComparison.OrdinalIgnoreCase);

        // What to do about it on the command line (the core's own message speaks of configuration and Key Vault).
        Assert.Contains(CliSecrets.ClientKeyVariable, stderr.ToString(), StringComparison.Ordinal);
        Assert.Contains(CliSecrets.RegistrantVariable, stderr.ToString(), StringComparison.Ordinal);
        Assert.Contains("--development-secrets", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rejects_a_malformed_as_of_date()
    {
        using var stderr = new StringWriter();

        var exit = await ProcessCommand.RunAsync(".", ".", ".", "21/11/2026", true, TextWriter.Null, stderr, CancellationToken.None);

        Assert.Equal(2, exit);
        Assert.Contains("--as-of", stderr.ToString(), StringComparison.Ordinal);
    }

    /// <summary>
    /// An as-of date past 2099 is refused before anything is read or written: 9999-12-31 crashed with a stack trace, and
    /// 9999-09-30 wrote 11 GB of quarters first (found by an adversarial check).
    /// </summary>
    [Theory]
    [InlineData("9999-12-31")]
    [InlineData("2100-01-01")]
    [InlineData("1899-12-31")]
    public async Task Refuses_an_as_of_date_outside_1900_to_2099(string asOf)
    {
        using var stderr = new StringWriter();
        var output = Path.Combine(RepoPaths.NewTempFolder("as-of-range"), "out");

        var exit = await ProcessCommand.RunAsync(RepoPaths.Corpus, RepoPaths.Corpus, output, asOf, true, TextWriter.Null, stderr, CancellationToken.None);

        Assert.NotEqual(0, exit);
        Assert.Contains($"The as-of date {asOf} is not between 1900-01-01 and 2099-12-31", stderr.ToString(), StringComparison.Ordinal);
        Assert.False(Directory.Exists(output));
    }

    private static string Text(JsonElement value) => value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();
}
