using KpiPipeline.Core.Dataset;
using KpiPipeline.Core.Validation;
using KpiPipeline.Kpis.Folding;
using KpiPipeline.Kpis.Returns;
using KpiPipeline.Parquet;
using KpiPipeline.Pipeline.State;
using KpiPipeline.Pipeline.Storage;
using KpiPipeline.Testing;

namespace KpiPipeline.Storage.Tests;

/// <summary>A provider's state as a Parquet file, and refreshes of one provider racing each other, on a real Azurite.</summary>
public sealed class ProviderStatesTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static readonly CuratedEpisode Open = AcceptedFiles.OpenEpisode;

    private static ReturnPath PathOf(string month, ReturnFileKind kind) =>
        ReportingMonth.TryParse(month, out var m) ? new ReturnPath("P1", m, kind) : throw new ArgumentException(month, nameof(month));

    [Theory]
    [InlineData(ReturnFileKind.Episodes)]
    [InlineData(ReturnFileKind.Reviews)]
    [InlineData(ReturnFileKind.Nsp)]
    [InlineData(ReturnFileKind.Workforce)]
    public async Task A_state_file_read_back_restores_the_fold_and_writes_the_same_bytes_again(ReturnFileKind kind)
    {
        var fold = SampleFold();
        var inputs = StateInputs.Of(
            fold.FilesOf(kind).Select(p => new FoldedVersion(p, "upload-" + p.Month)),
            [new ProviderUpload(PathOf("2025-04", kind).BlobName.ToLowerInvariant(), PathOf("2025-04", kind), "rejected-1", new DateTimeOffset(2025, 5, 2, 8, 30, 1, TimeSpan.Zero), false)]);

        using var written = new MemoryStream();
        await ProviderStateFile.WriteAsync(written, fold, kind, inputs, CancellationToken.None);
        var restored = new ProviderFold("P1");
        written.Position = 0;
        var read = await ProviderStateFile.ReadAsync(written, restored, kind, CancellationToken.None);
        using var again = new MemoryStream();
        await ProviderStateFile.WriteAsync(again, restored, kind, read!, CancellationToken.None);

        Assert.Equal(inputs.Fingerprint, read!.Fingerprint);
        Assert.Equal(written.ToArray(), again.ToArray());
        Assert.Equal(fold.FilesOf(kind), restored.FilesOf(kind));
        Assert.Equal(fold.LatestEpisodes.Where(_ => kind == ReturnFileKind.Episodes), restored.LatestEpisodes);
        Assert.Equal(fold.MissingEvents.Where(_ => kind == ReturnFileKind.Episodes), restored.MissingEvents);
        Assert.Equal(fold.Reviews.Where(_ => kind == ReturnFileKind.Reviews), restored.Reviews);
        Assert.Equal(fold.Nsp.Where(_ => kind == ReturnFileKind.Nsp), restored.Nsp);
        Assert.Equal(fold.Workforce.Where(_ => kind == ReturnFileKind.Workforce), restored.Workforce);
        if (kind == ReturnFileKind.Episodes)
        {
            Assert.Equal("60.50", restored.LatestEpisodes.First().Row.DailyDoseMg!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
            // E4 was row 3 of the 2025-05 file: the row a W02 names, kept by the state (last_row).
            Assert.Equal([new OpenEpisode("E4", new ReportingMonth(2025, 5), 3)], restored.OpenBefore(new ReportingMonth(2025, 6))!);
            Assert.Equal("E2", Assert.Single(restored.MissingEvents).EpisodeId);
        }
    }

    [Fact]
    public async Task A_state_file_of_an_older_layout_reads_as_none_so_that_it_is_rebuilt_even_when_it_lacks_a_column()
    {
        // Format 1 episodes states have no last_row column: their rows are not read, where they would fail to be.
        var columns = new ParquetColumns<string>();
        var layoutOne = new ParquetTable<string>(columns.Text("episode_id", id => id), columns.Text("last_month", _ => "2025-04"));
        using var old = new MemoryStream();
        await layoutOne.WriteAsync(old, ["E1"], new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["kpipipeline.state.format"] = "1",
            ["kpipipeline.state.provider"] = "P1",
            ["kpipipeline.state.kind"] = "episodes",
        }, CancellationToken.None);
        old.Position = 0;
        var fold = new ProviderFold("P1");

        Assert.Null(await ProviderStateFile.ReadAsync(old, fold, ReturnFileKind.Episodes, CancellationToken.None));
        Assert.Equal(0, fold.EpisodeCount);
    }

    [Theory]
    [InlineData(ReturnFileKind.Episodes, "episode_id|last_month|last_row|daily_dose_mg|exit_date", "E1|2025-05|1|60.50|2025-05-09;E2|2025-04|2||;E3|2025-05|2|60.50|;E4|2025-05|3|60.50|")]
    [InlineData(ReturnFileKind.Reviews, "episode_id|review_date|stage|barc10_score", "E1|2025-04-02|START|33")]
    [InlineData(ReturnFileKind.Nsp, "month|needles_supplied|referred_to_treatment", "2025-04|340|0")]
    [InlineData(ReturnFileKind.Workforce, "month|staff_headcount|staff_fte", "2025-04|12|10.50")]
    public async Task DuckDB_reads_a_state_file_with_its_rows_and_footer_and_no_identifier_column(ReturnFileKind kind, string columns, string expected)
    {
        var fold = SampleFold();
        var inputs = StateInputs.Of(fold.FilesOf(kind).Select(p => new FoldedVersion(p, "upload-" + p.Month)), []);
        var file = Path.Combine(RepoPaths.NewTempFolder("state-duckdb"), "state.parquet");
        await using (var output = File.Create(file))
        {
            await ProviderStateFile.WriteAsync(output, fold, kind, inputs, CancellationToken.None);
        }

        var selected = string.Join(", ", columns.Split('|'));
        var rows = await DuckDb.QueryAsync($"SELECT {selected} FROM read_parquet({DuckDb.Literal(file)}) ORDER BY ALL");
        Assert.Equal(expected, string.Join(';', rows.Rows.Select(r => string.Join('|', columns.Split('|').Select(c => DuckDb.Text(r.GetProperty(c)))))));
        var all = await DuckDb.QueryAsync($"SELECT * FROM read_parquet({DuckDb.Literal(file)}) LIMIT 0");
        Assert.DoesNotContain(all.Columns, c => c.Contains("initial", StringComparison.Ordinal) || c.Contains("birth", StringComparison.Ordinal));

        var footer = (await DuckDb.QueryAsync($"SELECT decode(key) AS k, decode(value) AS v FROM parquet_kv_metadata({DuckDb.Literal(file)})"))
            .Rows.ToDictionary(r => r.GetProperty("k").GetString()!, r => r.GetProperty("v").GetString());
        Assert.Equal("P1", footer["kpipipeline.state.provider"]);
        Assert.Equal(CodeRules.FileName(kind), footer["kpipipeline.state.kind"]);
        Assert.Equal(inputs.Fingerprint, footer["kpipipeline.state.inputs"]);
    }

    /// <summary>A fold of provider P1 with every kind: four episodes over two months (one exited, one deleted), a review, NSP totals, a workforce month.</summary>
    private static ProviderFold SampleFold()
    {
        var fold = new ProviderFold("P1");
        fold.AddEpisodes(PathOf("2025-04", ReturnFileKind.Episodes), [Open, Open with { EpisodeId = "E2", TreatmentStartDate = null, Setting = null, Medication = null, DailyDoseMg = null, NaloxoneSupplied = null }]);
        fold.AddEpisodes(PathOf("2025-05", ReturnFileKind.Episodes), [Open with { ExitDate = new DateOnly(2025, 5, 9), ExitReason = ExitReason.DIED }, Open with { EpisodeId = "E3", RecordStatus = RecordStatus.DELETED }, Open with { EpisodeId = "E4" }]);
        fold.AddReviews(PathOf("2025-04", ReturnFileKind.Reviews), [new CuratedReview("P1", "E1", new DateOnly(2025, 4, 2), ReviewStage.START, 28, null, 0, 1, 2, 3, true, 4, 5, 6, false, 7, 33, 5, 2)]);
        fold.AddNsp(PathOf("2025-04", ReturnFileKind.Nsp), [new NspMonthTotals("P1", new ReportingMonth(2025, 4), 12, 340, 2, 1, 0)]);
        fold.AddWorkforce(PathOf("2025-04", ReturnFileKind.Workforce), new CuratedWorkforce("P1", 12, 10.50m, 0.25m, 1, 4));
        return fold;
    }

    [Fact]
    public async Task A_refresh_that_loses_the_race_to_another_reads_again_and_both_months_land()
    {
        var storage = await TestStorage.CreateAsync(azurite);
        await AcceptedFiles.AcceptEpisodesAsync(storage, "P1", "2025-04", "u-april", Open);

        // While the first refresh is about to write April, May is accepted and a second refresh writes April and May.
        var racing = new RaceOnFirstWrite(storage);
        var first = await new ProviderStates(storage, racing).RefreshAsync("P1", CancellationToken.None);

        Assert.Equal(1, first.Conflicts);
        Assert.Equal(["episodes"], racing.Second!.Written);
        var rebuilt = await new ProviderStates(storage, new NoStateWriteFaults()).RebuildAsync("P1", write: false, CancellationToken.None);
        Assert.True(Assert.Single(rebuilt).Same);
        var state = await ReadEpisodesAsync(storage);
        Assert.Equal(["2025-04", "2025-05"], state.Inputs.Files.Select(f => f.Path.Month.ToString()));
        Assert.Equal(new DateOnly(2025, 5, 20), state.Fold.LatestEpisodes.Single().Row.ExitDate);
    }

    [Fact]
    public async Task A_refresh_of_a_current_state_writes_nothing()
    {
        var storage = await TestStorage.CreateAsync(azurite);
        await AcceptedFiles.AcceptEpisodesAsync(storage, "P1", "2025-04", "u-april", Open);
        var states = new ProviderStates(storage, new NoStateWriteFaults());
        Assert.Equal(["episodes"], (await states.RefreshAsync("P1", CancellationToken.None)).Written);
        var etag = (await storage.Curated.GetBlobClient(ProviderStates.BlobNameOf("P1", ReturnFileKind.Episodes)).GetPropertiesAsync()).Value.ETag;

        var again = await states.RefreshAsync("p1", CancellationToken.None);

        Assert.Empty(again.Written);
        Assert.Equal(etag, (await storage.Curated.GetBlobClient(ProviderStates.BlobNameOf("P1", ReturnFileKind.Episodes)).GetPropertiesAsync()).Value.ETag);
    }

    private static async Task<StoredState> ReadEpisodesAsync(PipelineStorage storage)
    {
        var states = new ProviderStates(storage, new NoStateWriteFaults());
        var blob = Assert.Single(await states.ListAsync(CancellationToken.None));
        return (await states.ReadAsync("P1", ReturnFileKind.Episodes, blob.ETag, CancellationToken.None))!;
    }

    /// <summary>Before the first write it sees, accepts May and runs a whole second refresh, so the first write's ETag is stale.</summary>
    private sealed class RaceOnFirstWrite(PipelineStorage storage) : IStateWriteObserver
    {
        public StateRefresh? Second { get; private set; }

        public async Task BeforeWriteAsync(string providerCode, ReturnFileKind kind, CancellationToken cancellationToken)
        {
            if (Second is null)
            {
                Second = new StateRefresh(providerCode, [], 0);
                await AcceptedFiles.AcceptEpisodesAsync(storage, "P1", "2025-05", "u-may", Open with { ExitDate = new DateOnly(2025, 5, 20), ExitReason = ExitReason.DROPPED_OUT });
                Second = await new ProviderStates(storage, new NoStateWriteFaults()).RefreshAsync(providerCode, cancellationToken);
            }
        }

        public Task AfterWriteAsync(string providerCode, ReturnFileKind kind, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
