using KpiPipeline.Pipeline.Ingest;
using KpiPipeline.Pipeline.Storage;
using KpiPipeline.Testing;

namespace KpiPipeline.Functions.Tests;

/// <summary>
/// Crashes the ingest between each pair of steps (the host then retries, as it does for a failed blob invocation) and
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
    public async Task A_file_that_keeps_failing_is_recorded_as_failed_not_retried_forever()
    {
        await using var harness = await PipelineHarness.StartAsync(azurite, new CrashingObserver(IngestStep.Validated, times: int.MaxValue));
        await harness.UploadReferenceAsync();
        var etag = await harness.UploadReturnAsync(Path, Good);

        for (var attempt = 1; attempt <= 5; attempt++)
        {
            Assert.Equal(500, (await harness.TriggerIngestAsync(Path)).StatusCode);
        }

        var final = await harness.TriggerIngestAsync(Path);

        Assert.Equal(200, final.StatusCode);
        Assert.Contains(final.Logs, l => l.Contains(": failed", StringComparison.Ordinal));
        var entry = await new SubmissionLedger(harness.Storage.Ledger).GetAsync(Path, etag.Trim('"'), CancellationToken.None);
        Assert.Equal(SubmissionState.Failed, entry!.State);
        Assert.Equal(5, entry.Attempts);
        Assert.False(await harness.Storage.Returns.BlobExistsAsync(Path));
        Assert.True(await harness.Storage.Quarantine.BlobExistsAsync($"{Path}.{etag.Trim('"')}"));
        Assert.Empty(await StorageReads.ContentsAsync(harness.Storage.Curated));
    }

    private async Task<(StorageState State, int AcceptedFiles)> RunAsync(string content, IngestStep? crash)
    {
        var observer = new CrashingObserver(crash, times: 1);
        await using var harness = await PipelineHarness.StartAsync(azurite, observer);
        await harness.UploadReferenceAsync();
        var earlier = await harness.UploadReturnAsync("P1/2025-04/episodes.csv", Earlier);
        Assert.Equal(200, (await harness.TriggerIngestAsync("P1/2025-04/episodes.csv")).StatusCode);

        var etag = await harness.UploadReturnAsync(Path, content);
        observer.Arm();
        var first = await harness.TriggerIngestAsync(Path);
        if (crash is not null)
        {
            Assert.Equal(500, first.StatusCode);
            Assert.Equal(200, (await harness.TriggerIngestAsync(Path)).StatusCode);
        }
        else
        {
            Assert.Equal(200, first.StatusCode);
        }

        var accepted = await new AcceptedReturnsIndex(harness.Storage.AcceptedReturns).AllAsync(CancellationToken.None);
        return (await StorageState.CaptureAsync(harness, earlier, etag), accepted.Count);
    }

    /// <summary>Throws once (or every time) after the given step, once armed.</summary>
    private sealed class CrashingObserver(IngestStep? crashAfter, int times) : IIngestStepObserver
    {
        private int remaining = times;
        private bool armed = times == int.MaxValue;

        public void Arm() => armed = true;

        public Task AfterAsync(IngestStep step, string blobName, CancellationToken cancellationToken)
        {
            if (armed && step == crashAfter && remaining > 0)
            {
                remaining--;
                throw new InvalidOperationException($"Injected crash after {step}");
            }

            return Task.CompletedTask;
        }
    }
}
