using Azure.Storage.Blobs;
using KpiPipeline.LocalRun.FunctionsHost;
using KpiPipeline.Testing;

namespace KpiPipeline.Functions.Tests;

/// <summary>The PurgeQuarantine timer: rejected uploads are kept for the retention period, then deleted.</summary>
public sealed class PurgeQuarantineFunctionTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task Keeps_rejected_uploads_for_the_retention_period_then_deletes_them()
    {
        var kept = await PipelineHarness.StartAsync(azurite, new Dictionary<string, string?> { ["KpiPipeline:QuarantineRetentionDays"] = "30" });
        await using (kept)
        {
            await kept.UploadReferenceAsync();
            await kept.UploadReturnAsync("P1/2025-04/episodes.csv", ReturnFiles.EpisodesCsv(ReturnFiles.Episode(sex: "Q")));
            await kept.TriggerIngestAsync("P1/2025-04/episodes.csv");
            Assert.Equal(2, (await StorageReads.ContentsAsync(kept.Storage.Quarantine)).Count);

            var early = await kept.TriggerTimerAsync(FunctionNames.PurgeQuarantine);
            Assert.True(early.Succeeded, early.Exception);
            Assert.Equal((0, 2), (early.Purge().Deleted, early.Purge().Kept));
            Assert.Equal(2, (await StorageReads.ContentsAsync(kept.Storage.Quarantine)).Count);
        }

        // The same storage, with a retention the uploads are now older than.
        await using var later = await PipelineHarness.StartAsync(
            azurite, new Dictionary<string, string?> { ["KpiPipeline:QuarantineRetentionDays"] = "0" }, continueFrom: kept);
        var late = await later.TriggerTimerAsync(FunctionNames.PurgeQuarantine);
        Assert.Equal(2, late.Purge().Deleted);
        Assert.Empty(await StorageReads.ContentsAsync(later.Storage.Quarantine));
        Assert.NotEmpty(await StorageReads.ContentsAsync(later.Storage.Ledger));
    }

    [Fact]
    public async Task The_stand_in_fires_the_timer_on_its_NCRONTAB_schedule_and_records_the_schedule_status()
    {
        await using var harness = await PipelineHarness.StartAsync(azurite, new Dictionary<string, string?> { ["PurgeQuarantineSchedule"] = "*/2 * * * * *" });
        // Every 2 s for 12 s: at most 7 firings, and at least one even when a loaded machine makes an invocation slow (an
        // invocation still running when the window closes is not counted; a 5 s window saw none at a load average of 21).
        using var run = new CancellationTokenSource(TimeSpan.FromSeconds(12));

        var fired = await harness.Host.RunSchedulesAsync(run.Token);

        var purges = fired.Where(f => f.FunctionName == FunctionNames.PurgeQuarantine).ToList();
        Assert.InRange(purges.Count, 1, 7);
        Assert.All(purges, p => Assert.True(p.Succeeded, p.Exception));
        Assert.DoesNotContain(fired, f => f.FunctionName == FunctionNames.ComputeKpis);   // 02:30 daily: not within these seconds
        var status = new BlobContainerClient(harness.Settings[FunctionsHostStandIn.HostStorageSetting], FunctionsHostStandIn.HostsContainer)
            .GetBlobClient("timers/kpipipeline-local/Host.Functions.PurgeQuarantine/status");
        Assert.True(await status.ExistsAsync());
    }
}
