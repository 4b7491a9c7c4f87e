using Azure.Storage.Queues;
using KpiPipeline.LocalRun.FunctionsHost;
using KpiPipeline.Pipeline.Ingest;
using KpiPipeline.Pipeline.Storage;
using KpiPipeline.Testing;

namespace KpiPipeline.Functions.Tests;

/// <summary>
/// Crashes the ingest in the worker between each pair of steps (the host stand-in then retries, as the host does for a failed blob invocation) and
/// proves the end state equals one clean run: no accepted record lost, no rejected record applied.
/// </summary>
public sealed class IngestFaultTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private const string Path = "P1/2025-05/episodes.csv";

    private static readonly string Earlier = ReturnFiles.EpisodesCsv(ReturnFiles.Episode(id: "E1"), ReturnFiles.Episode(id: "E2", initials: "KL"));

    private static readonly string Good = ReturnFiles.EpisodesCsv(
        ReturnFiles.Episode(id: "E1"), ReturnFiles.Episode(id: "E2", initials: "KL", exit: "2025-05-20", exitReason: "COMPLETED_DRUG_FREE", dose: "0"));

    private static readonly string Bad = ReturnFiles.EpisodesCsv(
        ReturnFiles.Episode(id: "E1"), ReturnFiles.Episode(id: "E2", initials: "KL", exit: "2025-05-20", exitReason: "COMPLETED_DRUG_FREE", dose: "40"));

    public static TheoryData<IngestStep, bool> Crashes()
    {
        var data = new TheoryData<IngestStep, bool>();
        foreach (var step in Enum.GetValues<IngestStep>())
        {
            data.Add(step, true);
            if (step is not (IngestStep.CuratedStored or IngestStep.Committed))
            {
                // A rejected file has no curated copy and no commit: those steps never happen for it.
                data.Add(step, false);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Crashes))]
    public async Task A_crash_after_any_step_then_a_retry_ends_as_one_clean_run(IngestStep crashAfter, bool goodFile)
    {
        var content = goodFile ? Good : Bad;
        var expected = await RunAsync(content, crash: null);
        var actual = await RunAsync(content, crashAfter);

        Assert.Equal(expected.State.Text, actual.State.Text);
        Assert.Equal(goodFile ? 2 : 1, actual.AcceptedFiles);
    }

    [Fact]
    public async Task A_file_that_keeps_failing_is_tried_five_times_then_recorded_as_failed_and_poisoned_not_retried_forever()
    {
        await using var harness = await PipelineHarness.StartAsync(azurite, Faults(IngestStep.Validated, times: int.MaxValue));
        await harness.UploadReferenceAsync();
        var etag = await harness.UploadReturnAsync(Path, Good);

        var result = await harness.TriggerIngestAsync(Path);

        Assert.Equal(5, result.Attempts.Count);
        Assert.All(result.Attempts, a => Assert.Contains("Injected crash after Validated", a.Exception, StringComparison.Ordinal));
        Assert.True(result.Poisoned);
        var poison = new QueueClient(harness.Settings[FunctionsHostStandIn.HostStorageSetting], FunctionsHostStandIn.BlobPoisonQueue,
            new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        var message = Assert.Single((await poison.ReceiveMessagesAsync(10)).Value);
        Assert.Contains($"\"BlobName\":\"{Path}\"", message.MessageText, StringComparison.Ordinal);

        var entry = await new SubmissionLedger(harness.Storage.Ledger).GetAsync(Path, etag.Trim('"'), CancellationToken.None);
        Assert.Equal(SubmissionState.Failed, entry!.State);
        Assert.Equal(5, entry.Attempts);
        Assert.False(await harness.Storage.Returns.BlobExistsAsync(Path));
        Assert.True(await harness.Storage.Quarantine.BlobExistsAsync($"{Path}.{etag.Trim('"')}"));
        Assert.Empty(await StorageReads.ContentsAsync(harness.Storage.Curated));
        Assert.Empty(await harness.Host.PollBlobsAsync(CancellationToken.None));
        AssertToldItFailed(await harness.Storage.ReportNotifications.PeekNotificationsAsync(), etag.Trim('"'));
    }

    /// <summary>The provider is told once that the upload could not be processed, and of nothing else.</summary>
    private static void AssertToldItFailed(List<ReportNotification> notifications, string upload)
    {
        var told = Assert.Single(notifications);
        Assert.Equal((Path, upload, "P1", ReportNotification.Failed, null), (told.Blob, told.Upload, told.Provider, told.Status, told.Report));
        Assert.Contains("could not be processed", told.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_upload_the_host_gave_up_on_while_the_ledger_still_said_processing_is_recorded_failed_by_the_stalled_upload_sweep()
    {
        var settings = Faults(IngestStep.Validated, times: int.MaxValue);
        // The ledger's count one above the host's five tries: no try is the last by the ledger, as when the last try is killed
        // or attempts fail before the ledger counts them. The host poisons the event and the upload is left Processing.
        settings["KpiPipeline:MaxIngestAttempts"] = "6";
        settings["KpiPipeline:StalledUploadMinutes"] = "0";
        await using var harness = await PipelineHarness.StartAsync(azurite, settings);
        await harness.UploadReferenceAsync();
        var upload = (await harness.UploadReturnAsync(Path, Good)).Trim('"');
        var result = await harness.TriggerIngestAsync(Path);
        Assert.True(result.Poisoned);
        var ledger = new SubmissionLedger(harness.Storage.Ledger);
        Assert.Equal(SubmissionState.Processing, (await ledger.GetAsync(Path, upload, CancellationToken.None))!.State);

        var sweep = await harness.TriggerTimerAsync(FunctionNames.RecordStalledUploads);

        Assert.True(sweep.Succeeded, sweep.Exception);
        var entry = await ledger.GetAsync(Path, upload, CancellationToken.None);
        Assert.Equal((SubmissionState.Failed, 5), (entry!.State, entry.Attempts));
        Assert.False(await harness.Storage.Returns.BlobExistsAsync(Path));
        Assert.True(await harness.Storage.Quarantine.BlobExistsAsync($"{Path}.{upload}"));
        Assert.Empty(await StorageReads.ContentsAsync(harness.Storage.Curated));
        AssertToldItFailed(await harness.Storage.ReportNotifications.PeekNotificationsAsync(), upload);
    }

    /// <summary>
    /// An upload no event ever brought (Event Grid gives up after 24 hours of retries, with no dead-letter destination) is
    /// ingested by the stalled-upload sweep once it is older than StalledUploadMinutes: reported, curated, in force, its raw
    /// file gone. It stayed in returns, unreported, until 2026-12-05 (found by an adversarial check).
    /// </summary>
    [Fact]
    public async Task An_upload_no_event_brought_is_ingested_by_the_stalled_upload_sweep()
    {
        await using var harness = await PipelineHarness.StartAsync(azurite, new Dictionary<string, string?> { ["KpiPipeline:StalledUploadMinutes"] = "0" });
        await harness.UploadReferenceAsync();
        var upload = (await harness.UploadReturnAsync(Path, Good)).Trim('"');

        var sweep = await harness.TriggerTimerAsync(FunctionNames.RecordStalledUploads);

        Assert.True(sweep.Succeeded, sweep.Exception);
        var entry = await new SubmissionLedger(harness.Storage.Ledger).GetAsync(Path, upload, CancellationToken.None);
        Assert.Equal((SubmissionState.Completed, true), (entry!.State, entry.Accepted));
        Assert.Equal(upload, Assert.Single(await new AcceptedReturnsIndex(harness.Storage.AcceptedReturns).AllAsync(CancellationToken.None)).UploadId);
        Assert.True(await harness.Storage.Reports.BlobExistsAsync(entry.ReportBlob!));
        Assert.False(await harness.Storage.Returns.BlobExistsAsync(Path));
    }

    private async Task<(StorageState State, int AcceptedFiles)> RunAsync(string content, IngestStep? crash)
    {
        await using var harness = await PipelineHarness.StartAsync(azurite, crash is null ? null : Faults(crash.Value, times: 1));
        await harness.UploadReferenceAsync();
        var earlier = await harness.UploadReturnAsync("P1/2025-04/episodes.csv", Earlier);
        Assert.Single((await harness.TriggerIngestAsync("P1/2025-04/episodes.csv")).Attempts);

        var etag = await harness.UploadReturnAsync(Path, content);
        var result = await harness.TriggerIngestAsync(Path);

        // The crash fails the first invocation in the worker; the host's retry (the second) ends the ingest.
        Assert.True(result.Succeeded, result.Last.Exception);
        Assert.Equal(crash is null ? 1 : 2, result.Attempts.Count);
        var accepted = await new AcceptedReturnsIndex(harness.Storage.AcceptedReturns).AllAsync(CancellationToken.None);
        return (await StorageState.CaptureAsync(harness, earlier, etag), accepted.Count);
    }

    /// <summary>The worker's fault-injection settings: crash the ingest of <see cref="Path"/> after a step, some number of times.</summary>
    private static Dictionary<string, string?> Faults(IngestStep crashAfter, int times) => new()
    {
        ["KpiPipeline:Faults:CrashAfter"] = crashAfter.ToString(),
        ["KpiPipeline:Faults:Blob"] = Path,
        ["KpiPipeline:Faults:Times"] = times.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
