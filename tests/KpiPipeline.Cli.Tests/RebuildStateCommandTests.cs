using KpiPipeline.Core.Dataset;
using KpiPipeline.Pipeline;
using KpiPipeline.Pipeline.State;
using KpiPipeline.Pipeline.Storage;
using KpiPipeline.Testing;

namespace KpiPipeline.Cli.Tests;

/// <summary>
/// <c>kpi rebuild-state</c> against a real Azurite: it writes the states a rebuild from the curated files gives, and
/// <c>--check</c> says whether the stored states are exactly those bytes — after a refresh folded a new month into a state,
/// they are.
/// </summary>
public sealed class RebuildStateCommandTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static readonly CuratedEpisode Open = AcceptedFiles.OpenEpisode;

    [Fact]
    public async Task Writes_the_rebuilt_states_and_check_finds_the_refreshed_ones_identical_to_a_rebuild()
    {
        var suffix = AzuriteFixture.UniqueName("r");
        var names = new KpiPipelineOptions { CuratedContainer = $"curated-{suffix}", AcceptedReturnsTable = $"accepted{suffix}", ProviderUploadsTable = $"uploads{suffix}", LedgerTable = $"ledger{suffix}" };
        var settings = RebuildStateCommand.Settings(azurite.ConnectionString, new Dictionary<string, string?>
        {
            ["KpiPipeline:CuratedContainer"] = names.CuratedContainer,
            ["KpiPipeline:AcceptedReturnsTable"] = names.AcceptedReturnsTable,
            ["KpiPipeline:ProviderUploadsTable"] = names.ProviderUploadsTable,
            ["KpiPipeline:LedgerTable"] = names.LedgerTable,
        });
        var storage = PipelineStorage.Connect(StorageAccountSettings.FromConnectionString(azurite.ConnectionString), names);
        await storage.EnsureCreatedAsync(CancellationToken.None);
        await AcceptedFiles.AcceptEpisodesAsync(storage, "P1", "2025-04", "u-april", Open);
        var missing = await RunAsync(check: true);
        Assert.Equal(1, missing.Exit);
        Assert.Contains("P1 episodes: missing", missing.Output, StringComparison.Ordinal);

        var written = await RunAsync(check: false);
        Assert.Equal(0, written.Exit);
        Assert.Contains("P1 episodes: written", written.Output, StringComparison.Ordinal);
        Assert.Equal(0, (await RunAsync(check: true)).Exit);

        // May is accepted: the stored state is behind until a refresh folds May into it (not a rebuild).
        await AcceptedFiles.AcceptEpisodesAsync(storage, "P1", "2025-05", "u-may", Open with { ExitDate = new DateOnly(2025, 5, 20), ExitReason = ExitReason.DROPPED_OUT });
        var stale = await RunAsync(check: true);
        Assert.Equal(1, stale.Exit);
        Assert.Contains("P1 episodes: differs from a rebuild", stale.Output, StringComparison.Ordinal);

        var refresh = await new ProviderStates(storage, new NoStateWriteFaults()).RefreshAsync("P1", CancellationToken.None);
        Assert.Equal(["episodes"], refresh.Written);
        var check = await RunAsync(check: true);
        Assert.True(check.Exit == 0, check.Output);
        Assert.Contains("every stored state is what a rebuild from the curated files gives, byte for byte", check.Output, StringComparison.Ordinal);

        async Task<(int Exit, string Output)> RunAsync(bool check)
        {
            using var output = new StringWriter();
            var exit = await RebuildStateCommand.RunAsync(settings, [], check, fromLedger: false, output, CancellationToken.None);
            return (exit, output.ToString());
        }
    }
}
