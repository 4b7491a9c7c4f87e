using System.Text.Json;
using KpiPipeline.Testing;

namespace KpiPipeline.Functions.Tests;

/// <summary>The ComputeKpis timer function, fired by the host stand-in in the published worker: from accepted returns to Parquet that DuckDB reads.</summary>
public sealed class ComputeKpisFunctionTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task Timer_payload_publishes_both_datasets_that_DuckDB_reads_with_hive_partitioning()
    {
        await using var harness = await PipelineHarness.StartAsync(azurite);
        await harness.UploadReferenceAsync();
        // One person (JS) at P1 and P2 in area A1, another (AB) at P3 in area A2; a third (CD) waits 30 days at P1.
        await harness.UploadReturnAsync("P1/2025-04/episodes.csv", ReturnFiles.EpisodesCsv(
            ReturnFiles.Episode(id: "E1"), ReturnFiles.Episode(id: "E2", initials: "CD", referral: "2025-03-10", start: "2025-04-09")));
        await harness.UploadReturnAsync("P2/2025-04/episodes.csv", ReturnFiles.EpisodesCsv(ReturnFiles.Episode(provider: "P2", id: "X1")));
        await harness.UploadReturnAsync("P3/2025-04/episodes.csv", ReturnFiles.EpisodesCsv(ReturnFiles.Episode(provider: "P3", id: "Z1", initials: "AB")));
        await harness.UploadReturnAsync("P1/2025-04/nsp.csv", ReturnFiles.NspCsv(ReturnFiles.Nsp(needles: 30), ReturnFiles.Nsp(needles: 12)));
        foreach (var blob in new[] { "P1/2025-04/episodes.csv", "P2/2025-04/episodes.csv", "P3/2025-04/episodes.csv", "P1/2025-04/nsp.csv" })
        {
            Assert.True((await harness.TriggerIngestAsync(blob)).Succeeded);
        }

        var answer = await harness.TriggerComputeAsync();

        Assert.True(answer.Succeeded, answer.Exception);
        Assert.Equal(4, answer.Compute().SourceReturns);
        var folder = RepoPaths.NewTempFolder("published");
        foreach (var (name, _) in await StorageReads.ContentsAsync(harness.Storage.Published))
        {
            var target = Path.Combine(folder, name);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            await File.WriteAllBytesAsync(target, await harness.Storage.Published.DownloadBytesAsync(name));
        }

        var restricted = DuckDb.Literal(Path.Combine(folder, "restricted", "kpi_results") + "/*/*.parquet");
        var volumes = await DuckDb.QueryAsync(
            $"SELECT level, unit_code, numerator, period FROM read_parquet({restricted}, hive_partitioning = true) " +
            "WHERE kpi_id = 'VOL01_in_treatment' AND dimension = 'all' AND period = '2025-26-Q1' ORDER BY level, unit_code");
        var byUnit = volumes.Rows.ToDictionary(r => $"{r.GetProperty("level").GetString()}/{r.GetProperty("unit_code").GetString()}",
            r => r.GetProperty("numerator").GetString());
        Assert.Equal("2", byUnit["area/A1"]);   // JS at two providers counts once in the area
        Assert.Equal("1", byUnit["area/A2"]);
        Assert.Equal("3", byUnit["all/ALL"]);
        Assert.Equal("2", byUnit["provider/P1"]);
        Assert.Equal("1", byUnit["provider/P2"]);

        var wait = await DuckDb.QueryAsync(
            $"SELECT numerator, denominator, value FROM read_parquet({restricted}, hive_partitioning = true) " +
            "WHERE kpi_id = 'ACC01_waited_3_weeks_or_less' AND level = 'provider' AND unit_code = 'P1' AND dimension = 'all' AND period = '2025-26-Q1'");
        Assert.Equal("1", wait[0, "numerator"].GetString());
        Assert.Equal("2", wait[0, "denominator"].GetString());
        Assert.Equal(50.0, wait[0, "value"].GetDouble());

        var needles = await DuckDb.QueryAsync(
            $"SELECT numerator FROM read_parquet({restricted}, hive_partitioning = true) " +
            "WHERE kpi_id = 'NSP02_needles_supplied' AND level = 'provider' AND unit_code = 'P1' AND period = '2025-26-Q1'");
        Assert.Equal("42", needles[0, "numerator"].GetString());

        var publicLevels = await DuckDb.QueryAsync(
            $"SELECT DISTINCT level FROM read_parquet({DuckDb.Literal(Path.Combine(folder, "public", "kpi_results") + "/*/*.parquet")}, hive_partitioning = true) ORDER BY level");
        Assert.Equal(["all", "area", "nation"], publicLevels.Rows.Select(r => r.GetProperty("level").GetString()));

        var catalogue = await DuckDb.QueryAsync($"SELECT count(*) AS n FROM read_parquet({DuckDb.Literal(Path.Combine(folder, "kpi_catalogue.parquet"))})");
        Assert.Equal(KpiPipeline.Kpis.Catalogue.KpiCatalogue.Rows.Count, catalogue[0, "n"].ValueKind == JsonValueKind.String ? int.Parse(catalogue[0, "n"].GetString()!, System.Globalization.CultureInfo.InvariantCulture) : catalogue[0, "n"].GetInt32());
    }

    /// <summary>
    /// The footer's <c>source_returns</c> and the answer count the returns used (outputs.md 2): a month after the as-of date
    /// is left out (dataset.md 2.3), though it is accepted and in force. Found by review on 2026-12-05 (it was counted).
    /// </summary>
    [Fact]
    public async Task Returns_of_a_month_after_the_as_of_date_are_not_counted_as_used()
    {
        await using var harness = await PipelineHarness.StartAsync(azurite, new Dictionary<string, string?> { ["KpiPipeline:ComputeAsOf"] = "2025-04-30" });
        await harness.UploadReferenceAsync();
        await harness.UploadReturnAsync("P1/2025-04/episodes.csv", ReturnFiles.EpisodesCsv(ReturnFiles.Episode()));
        await harness.UploadReturnAsync("P1/2025-05/episodes.csv", ReturnFiles.EpisodesCsv(ReturnFiles.Episode()));
        Assert.True((await harness.TriggerIngestAsync("P1/2025-04/episodes.csv")).Succeeded);
        Assert.True((await harness.TriggerIngestAsync("P1/2025-05/episodes.csv")).Succeeded);

        var answer = await harness.TriggerComputeAsync();

        Assert.True(answer.Succeeded, answer.Exception);
        Assert.Equal(1, answer.Compute().SourceReturns);
        var footer = await DuckDbFooterAsync(harness, "restricted/kpi_results/period=2025-26-Q1/part-0.parquet");
        Assert.Equal("1", footer);
    }

    private static async Task<string?> DuckDbFooterAsync(PipelineHarness harness, string blob)
    {
        var file = Path.Combine(RepoPaths.NewTempFolder("footer"), "part-0.parquet");
        await File.WriteAllBytesAsync(file, await harness.Storage.Published.DownloadBytesAsync(blob));
        var rows = await DuckDb.QueryAsync($"SELECT decode(value) AS v FROM parquet_kv_metadata({DuckDb.Literal(file)}) WHERE decode(key) = 'source_returns'");
        return rows[0, "v"].GetString();
    }

    [Fact]
    public async Task A_run_with_nothing_new_recomputes_nothing_and_a_new_return_is_published()
    {
        await using var harness = await PipelineHarness.StartAsync(azurite);
        await harness.UploadReferenceAsync();
        await harness.UploadReturnAsync("P1/2025-04/episodes.csv", ReturnFiles.EpisodesCsv(ReturnFiles.Episode()));
        await harness.TriggerIngestAsync("P1/2025-04/episodes.csv");
        Assert.True((await harness.TriggerComputeAsync()).Succeeded);
        var first = await PublishedVersionsAsync(harness);

        var idle = await harness.TriggerComputeAsync();
        Assert.False(idle.Compute().InputsChanged);
        Assert.Contains("nothing recomputed", idle.Compute().Summary, StringComparison.Ordinal);
        Assert.Equal(first, await PublishedVersionsAsync(harness));

        await harness.UploadReturnAsync("P2/2025-05/episodes.csv", ReturnFiles.EpisodesCsv(
            ReturnFiles.Episode(provider: "P2", id: "N1", referral: "2025-05-02", start: "2025-05-03")));
        await harness.TriggerIngestAsync("P2/2025-05/episodes.csv");
        var rerun = await harness.TriggerComputeAsync();

        Assert.True(rerun.Succeeded, rerun.Exception);
        var second = await PublishedVersionsAsync(harness);
        Assert.NotEqual(first["restricted/kpi_results/period=2025-26-Q1/part-0.parquet"], second["restricted/kpi_results/period=2025-26-Q1/part-0.parquet"]);
        Assert.Equal(2, rerun.Compute().SourceReturns);
    }

    [Fact]
    public async Task Stale_periods_are_removed_from_published_after_a_correction()
    {
        await using var harness = await PipelineHarness.StartAsync(azurite);
        await harness.UploadReferenceAsync();
        await harness.UploadReturnAsync("P1/2025-04/episodes.csv", ReturnFiles.EpisodesCsv(
            ReturnFiles.Episode(), ReturnFiles.Episode(id: "E2", initials: "CD", referral: "2024-05-01", start: "2024-05-10")));
        Assert.True((await harness.TriggerIngestAsync("P1/2025-04/episodes.csv")).Succeeded);
        var first = await harness.TriggerComputeAsync();
        Assert.True(first.Succeeded, first.Exception);
        var before = await PublishedVersionsAsync(harness);
        Assert.Contains("restricted/kpi_results/period=2024-25-Q1/part-0.parquet", before.Keys);
        // Scorecards start at the first quarter with a return (2025-26-Q1); stale pages are removed as in OutputFolderReuseTests.
        Assert.Contains("public/scorecards/period=2025-26-Q1/national.html", before.Keys);

        // The correction: E2 was referred in April 2025, so the quarters of 2024-25 are no longer computed.
        await harness.UploadReturnAsync("P1/2025-04/episodes.csv", ReturnFiles.EpisodesCsv(
            ReturnFiles.Episode(), ReturnFiles.Episode(id: "E2", initials: "CD", referral: "2025-04-01", start: "2025-04-10")));
        Assert.True((await harness.TriggerIngestAsync("P1/2025-04/episodes.csv")).Succeeded);
        var second = await harness.TriggerComputeAsync();

        Assert.True(second.Succeeded, second.Exception);
        var after = await PublishedVersionsAsync(harness);
        var periods = after.Keys.Where(n => n.Contains("period=", StringComparison.Ordinal))
            .Select(n => n.Split('/')[2]).Distinct().Order(StringComparer.Ordinal).ToList();
        Assert.Equal(second.Compute().Periods, periods.Count);
        Assert.Equal("period=2025-26-Q1", periods[0]);
        Assert.DoesNotContain(after.Keys, n => n.Contains("2024-25", StringComparison.Ordinal));
        var removed = second.Compute().RemovedFiles;
        Assert.Equal(before.Keys.Where(n => n.Contains("period=2024-25", StringComparison.Ordinal)).Order(StringComparer.Ordinal), removed);

        // Every file published is one this run wrote or left unchanged: nothing else is in the container.
        Assert.Equal(
            second.Compute().PublishedFiles.Count + second.Compute().UnchangedFiles,
            after.Count);
    }

    private static async Task<Dictionary<string, string>> PublishedVersionsAsync(PipelineHarness harness)
    {
        var versions = new Dictionary<string, string>(StringComparer.Ordinal);
        await foreach (var blob in harness.Storage.Published.GetBlobsAsync())
        {
            versions[blob.Name] = blob.Properties.ETag.ToString()!;
        }

        return versions;
    }
}
