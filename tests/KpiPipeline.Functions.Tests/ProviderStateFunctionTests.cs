using KpiPipeline.Core.Dataset;
using KpiPipeline.Kpis.Folding;
using KpiPipeline.Pipeline.Ingest;
using KpiPipeline.Pipeline.State;
using KpiPipeline.Testing;

namespace KpiPipeline.Functions.Tests;

/// <summary>
/// The providers' compact states, kept by the queue-triggered RefreshProviderState in the published worker (driven by
/// the host stand-in), on a real Azurite: always what a rebuild from the immutable curated files gives, byte for byte,
/// whatever order months arrive in, however uploads of one provider race, and when the worker is killed mid-update.
/// </summary>
public sealed class ProviderStateFunctionTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task Every_completed_month_brings_the_state_up_to_date_and_a_rebuild_from_the_curated_files_gives_the_same_bytes()
    {
        await using var harness = await PipelineHarness.StartAsync(azurite);
        await harness.UploadReferenceAsync();
        foreach (var (month, day) in new[] { ("2025-04", "2025-04-12"), ("2025-05", "2025-05-12"), ("2025-06", "2025-06-12") })
        {
            await IngestAsync(harness, $"P1/{month}/episodes.csv", ReturnFiles.EpisodesCsv(
                ReturnFiles.Episode(), ReturnFiles.Episode(id: $"N{month}", initials: "AB", referral: $"{month}-01", start: $"{month}-02")));
            await IngestAsync(harness, $"P1/{month}/reviews.csv", ReturnFiles.ReviewsCsv(ReturnFiles.Review(date: day, stage: "REVIEW")));
            await IngestAsync(harness, $"P1/{month}/nsp.csv", ReturnFiles.NspCsv(ReturnFiles.Nsp(date: $"{month}-03", needles: 10)));
            var refreshes = await harness.DrainQueuesAsync();
            Assert.All(refreshes, r => Assert.True(r.Succeeded, r.Invocation?.Exception));
            Assert.Equal(3, refreshes.Count);
            await AssertStatesAreTheirRebuildAsync(harness, "P1");
        }

        // A rejected upload is in the state too (DQ02), and changes nothing else.
        var rejected = await IngestAsync(harness, "P1/2025-06/reviews.csv", ReturnFiles.ReviewsCsv(ReturnFiles.Review(date: "2025-07-30")));
        Assert.Equal(IngestStatus.Rejected, rejected);
        await harness.DrainQueuesAsync();
        await AssertStatesAreTheirRebuildAsync(harness, "P1");

        var states = new ProviderStates(harness.Storage, new NoStateWriteFaults());
        var episodes = await ReadAsync(states, "P1", ReturnFileKind.Episodes);
        Assert.Equal(["E1", "N2025-04", "N2025-05", "N2025-06"], episodes.Fold.LatestEpisodes.Select(e => e.Row.EpisodeId));
        Assert.Equal(["2025-04", "2025-05", "2025-06"], episodes.Inputs.Files.Select(f => f.Path.Month.ToString()));
        var reviews = await ReadAsync(states, "P1", ReturnFileKind.Reviews);
        Assert.Equal(3, reviews.Fold.Reviews.Count());
        // Compared by blob, not by time: uploads within one second share a blob time.
        Assert.Equal(
            [("P1/2025-04/reviews.csv", true), ("P1/2025-05/reviews.csv", true), ("P1/2025-06/reviews.csv", false), ("P1/2025-06/reviews.csv", true)],
            reviews.Inputs.Uploads.Select(u => (u.BlobName, u.Accepted)).Order());
        Assert.Equal(30, (await ReadAsync(states, "P1", ReturnFileKind.Nsp)).Fold.Nsp.Sum(n => n.Needles));
    }

    [Fact]
    public async Task A_resubmitted_older_month_is_folded_again_with_every_month_after_it()
    {
        await using var harness = await PipelineHarness.StartAsync(azurite);
        await harness.UploadReferenceAsync();
        await IngestAsync(harness, "P1/2025-04/episodes.csv", ReturnFiles.EpisodesCsv(ReturnFiles.Episode()));
        await IngestAsync(harness, "P1/2025-05/episodes.csv", ReturnFiles.EpisodesCsv(ReturnFiles.Episode(dose: "90")));
        await harness.DrainQueuesAsync();

        // April again, now with E9, which May does not carry: E9 went missing in May (DQ03) and its latest month is April.
        await IngestAsync(harness, "P1/2025-04/episodes.csv", ReturnFiles.EpisodesCsv(ReturnFiles.Episode(), ReturnFiles.Episode(id: "E9", initials: "KL")));
        Assert.All(await harness.DrainQueuesAsync(), r => Assert.True(r.Succeeded, r.Invocation?.Exception));

        await AssertStatesAreTheirRebuildAsync(harness, "P1");
        var state = await ReadAsync(new ProviderStates(harness.Storage, new NoStateWriteFaults()), "P1", ReturnFileKind.Episodes);
        var latest = state.Fold.LatestEpisodes.ToDictionary(e => e.Row.EpisodeId);
        Assert.Equal(new ReportingMonth(2025, 4), latest["E9"].Month);
        Assert.Equal(90m, latest["E1"].Row.DailyDoseMg);
        var missing = Assert.Single(state.Fold.MissingEvents);
        Assert.Equal(("E9", new ReportingMonth(2025, 5)), (missing.EpisodeId, missing.Month));
        Assert.Equal(3, state.Inputs.Uploads.Count);
    }

    [Fact]
    public async Task Uploads_of_one_provider_racing_each_other_all_reach_its_state()
    {
        await using var harness = await PipelineHarness.StartAsync(azurite);
        await harness.UploadReferenceAsync();
        var blobs = new List<string>();
        foreach (var month in new[] { "2025-04", "2025-05", "2025-06", "2025-07" })
        {
            blobs.Add($"P1/{month}/episodes.csv");
            await harness.UploadReturnAsync(blobs[^1], ReturnFiles.EpisodesCsv(ReturnFiles.Episode(id: "E" + month, referral: $"{month}-01", start: $"{month}-02")));
            blobs.Add($"P1/{month}/nsp.csv");
            await harness.UploadReturnAsync(blobs[^1], ReturnFiles.NspCsv(ReturnFiles.Nsp(date: $"{month}-03")));
        }

        // Every upload ingested at once, then the queue worked off with up to sixteen refreshes of P1 in flight together.
        var ingests = await Task.WhenAll(blobs.Select(harness.TriggerIngestAsync));
        Assert.All(ingests, i => Assert.Equal(IngestStatus.Accepted, i.Ingest().Status));
        var refreshes = await harness.DrainQueuesAsync();

        Assert.Equal(blobs.Count, refreshes.Count);
        Assert.All(refreshes, r => Assert.True(r.Succeeded, r.Invocation?.Exception));
        await AssertStatesAreTheirRebuildAsync(harness, "P1");
        var states = new ProviderStates(harness.Storage, new NoStateWriteFaults());
        Assert.Equal(4, (await ReadAsync(states, "P1", ReturnFileKind.Episodes)).Fold.LatestEpisodes.Count());
        Assert.Equal(8, (await ReadAsync(states, "P1", ReturnFileKind.Episodes)).Inputs.Uploads.Count + (await ReadAsync(states, "P1", ReturnFileKind.Nsp)).Inputs.Uploads.Count);
    }

    [Theory]
    [InlineData("BeforeWrite", ReturnFileKind.Episodes)]
    [InlineData("AfterWrite", ReturnFileKind.Episodes)]
    [InlineData("AfterWrite", ReturnFileKind.Reviews)]
    public async Task A_worker_killed_in_the_middle_of_a_state_update_is_restarted_and_the_end_state_is_one_clean_runs(string killAt, ReturnFileKind kind)
    {
        var clean = await RunMonthsAsync(faults: null);
        var marker = Path.Combine(RepoPaths.NewTempFolder("state-kill"), "killed");
        var killed = await RunMonthsAsync(new Dictionary<string, string?>
        {
            ["KpiPipeline:StateFaults:KillAt"] = killAt,
            ["KpiPipeline:StateFaults:Kind"] = kind.ToString(),
            ["KpiPipeline:StateFaults:Marker"] = marker,
        });

        Assert.True(File.Exists(marker), "the worker was not killed");
        Assert.Equal(1, killed.Restarts);
        Assert.Contains(killed.Refreshes, r => !r.Succeeded);
        Assert.Equal(clean.Rows, killed.Rows);
        Assert.Equal(clean.States, killed.States);
    }

    /// <summary>Two months of P1 and P2 with every refresh worked off and the KPIs computed: the published rows and the states' contents.</summary>
    private async Task<(string Rows, string States, int Restarts, IReadOnlyList<LocalRun.FunctionsHost.QueueTriggerResult> Refreshes)> RunMonthsAsync(
        Dictionary<string, string?>? faults)
    {
        await using var harness = await PipelineHarness.StartAsync(azurite, faults);
        await harness.UploadReferenceAsync();
        var refreshes = new List<LocalRun.FunctionsHost.QueueTriggerResult>();
        foreach (var month in new[] { "2025-04", "2025-05" })
        {
            foreach (var provider in new[] { "P1", "P2" })
            {
                await IngestAsync(harness, $"{provider}/{month}/episodes.csv", ReturnFiles.EpisodesCsv(
                    ReturnFiles.Episode(provider: provider), ReturnFiles.Episode(provider: provider, id: "M" + month, initials: "AB", referral: $"{month}-01", start: $"{month}-03")));
                await IngestAsync(harness, $"{provider}/{month}/reviews.csv", ReturnFiles.ReviewsCsv(ReturnFiles.Review(provider: provider, date: $"{month}-20", stage: "REVIEW")));
            }

            refreshes.AddRange(await harness.DrainQueuesAsync());
        }

        await harness.Host.WaitForWorkerAsync(CancellationToken.None);
        var compute = await harness.TriggerComputeAsync();
        Assert.True(compute.Succeeded, compute.Exception);
        foreach (var provider in new[] { "P1", "P2" })
        {
            await AssertStatesAreTheirRebuildAsync(harness, provider);
        }

        var states = new ProviderStates(harness.Storage, new NoStateWriteFaults());
        var contents = new List<string>();
        foreach (var blob in await states.ListAsync(CancellationToken.None))
        {
            var state = await ReadAsync(states, blob.ProviderCode, blob.Kind);
            contents.Add($"{blob.Name}: {string.Join(";", state.Fold.LatestEpisodes.Select(e => $"{e.Row.EpisodeId}@{e.Month}"))} " +
                         $"{string.Join(";", state.Fold.Reviews.Select(r => $"{r.EpisodeId}@{r.ReviewDate}"))} " +
                         $"{string.Join(";", state.Inputs.Files.Select(f => f.Path))} {state.Inputs.Uploads.Count} uploads");
        }

        return (await PublishedRowsAsync(harness), string.Join("\n", contents), harness.Host.WorkerRestarts, refreshes);
    }

    private static async Task<IngestStatus> IngestAsync(PipelineHarness harness, string blobName, string content)
    {
        await harness.UploadReturnAsync(blobName, content);
        var result = await harness.TriggerIngestAsync(blobName);
        Assert.True(result.Succeeded, result.Last.Exception);
        return result.Ingest().Status;
    }

    private static async Task AssertStatesAreTheirRebuildAsync(PipelineHarness harness, string provider)
    {
        var rebuilt = await new ProviderStates(harness.Storage, new NoStateWriteFaults()).RebuildAsync(provider, write: false, CancellationToken.None);
        Assert.NotEmpty(rebuilt);
        Assert.All(rebuilt, r => Assert.True(r.Same, $"the stored {r.Kind} state of {r.ProviderCode} is not what a rebuild gives"));
    }

    private static async Task<StoredState> ReadAsync(ProviderStates states, string provider, ReturnFileKind kind)
    {
        var blob = (await states.ListAsync(CancellationToken.None)).Single(b => b.ProviderCode == provider && b.Kind == kind);
        return await states.ReadAsync(provider, kind, blob.ETag, CancellationToken.None)
            ?? throw new InvalidOperationException($"{blob.Name} is not of the current layout");
    }

    /// <summary>Every restricted row published, as DuckDB reads them back, in a fixed order.</summary>
    private static async Task<string> PublishedRowsAsync(PipelineHarness harness)
    {
        var folder = RepoPaths.NewTempFolder("published");
        foreach (var name in await harness.Storage.Published.BlobNamesAsync("restricted/kpi_results/"))
        {
            var target = Path.Combine(folder, name);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            await File.WriteAllBytesAsync(target, await harness.Storage.Published.DownloadBytesAsync(name));
        }

        var rows = await DuckDb.QueryAsync(
            $"SELECT * FROM read_parquet({DuckDb.Literal(Path.Combine(folder, "restricted", "kpi_results") + "/*/*.parquet")}, hive_partitioning = true) ORDER BY ALL");
        Assert.NotEmpty(rows.Rows);
        return string.Join("\n", rows.Rows.Select(r => r.GetRawText()));
    }
}
