using KpiPipeline.Functions.Hosting;
using KpiPipeline.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace KpiPipeline.Functions.Tests;

/// <summary>The PurgeQuarantine timer: rejected uploads are kept for the retention period, then deleted.</summary>
public sealed class PurgeQuarantineFunctionTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task Keeps_rejected_uploads_for_the_retention_period_then_deletes_them()
    {
        var clock = new MovableClock();
        await using var harness = await PipelineHarness.StartAsync(azurite, configureServices: s => s.AddSingleton<TimeProvider>(clock));
        await harness.UploadReferenceAsync();
        await harness.UploadReturnAsync("P1/2025-04/episodes.csv", ReturnFiles.EpisodesCsv(ReturnFiles.Episode(sex: "Q")));
        await harness.TriggerIngestAsync("P1/2025-04/episodes.csv");
        Assert.Equal(2, (await StorageReads.ContentsAsync(harness.Storage.Quarantine)).Count);

        clock.Advance(TimeSpan.FromDays(29));
        var early = await harness.TriggerTimerAsync(FunctionNames.PurgeQuarantine);
        Assert.Equal(200, early.StatusCode);
        Assert.Contains(early.Logs, l => l.Contains("0 blobs", StringComparison.Ordinal));
        Assert.Equal(2, (await StorageReads.ContentsAsync(harness.Storage.Quarantine)).Count);

        clock.Advance(TimeSpan.FromDays(2));
        var late = await harness.TriggerTimerAsync(FunctionNames.PurgeQuarantine);
        Assert.Contains(late.Logs, l => l.Contains("2 blobs", StringComparison.Ordinal));
        Assert.Empty(await StorageReads.ContentsAsync(harness.Storage.Quarantine));
        Assert.NotEmpty(await StorageReads.ContentsAsync(harness.Storage.Ledger));
    }

    private sealed class MovableClock : TimeProvider
    {
        private TimeSpan offset;

        public void Advance(TimeSpan by) => offset += by;

        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + offset;
    }
}
