using System.Text;
using System.Text.Json;
using KpiPipeline.Core.Dataset;
using KpiPipeline.Functions.Hosting;
using KpiPipeline.Pipeline.Storage;
using KpiPipeline.Testing;

namespace KpiPipeline.Functions.Tests;

/// <summary>The IngestReturn function, driven over real HTTP with the Functions host's blob-trigger payload, on real Azurite.</summary>
public sealed class IngestReturnFunctionTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private const string Path = "P1/2025-04/episodes.csv";

    [Fact]
    public async Task Accepts_a_valid_file_and_answers_in_the_host_response_format()
    {
        await using var harness = await PipelineHarness.StartAsync(azurite);
        await harness.UploadReferenceAsync();
        var etag = await harness.UploadReturnAsync(Path, ReturnFiles.EpisodesCsv(ReturnFiles.Episode(), ReturnFiles.Episode(id: "E2", initials: "AB")));

        var answer = await harness.TriggerIngestAsync(Path);

        Assert.Equal(200, answer.StatusCode);
        Assert.Equal(JsonValueKind.Object, answer.Json.GetProperty("Outputs").ValueKind);
        Assert.Contains(answer.Logs, l => l.Contains("P1/2025-04/episodes.csv: accepted (2 rows, 0 errors", StringComparison.Ordinal));
        Assert.Equal(JsonValueKind.String, answer.Json.GetProperty("ReturnValue").ValueKind);

        var uploadId = etag.Trim('"');
        var curated = await StorageReads.ContentsAsync(harness.Storage.Curated);
        var curatedFile = Assert.Single(curated);
        Assert.Equal($"P1/2025-04/episodes/{uploadId}.csv", curatedFile.Key);
        Assert.Equal(2, CuratedCsv.ReadEpisodes(new MemoryStream(Encoding.UTF8.GetBytes(curatedFile.Value))).Count());

        var reports = await StorageReads.ContentsAsync(harness.Storage.Reports);
        Assert.Contains($"{Path}.{uploadId}.report.json", reports.Keys);
        Assert.Contains($"{Path}.{uploadId}.report.csv", reports.Keys);
        Assert.False(await harness.Storage.Returns.BlobExistsAsync(Path));

        var ledger = await new SubmissionLedger(harness.Storage.Ledger).GetAsync(Path, uploadId, CancellationToken.None);
        Assert.NotNull(ledger);
        Assert.Equal(SubmissionState.Completed, ledger.State);
        Assert.True(ledger.Accepted);
        Assert.Equal(2, ledger.Rows);
        Assert.Equal(64, ledger.Sha256!.Length);

        var notification = Assert.Single(await harness.Storage.ReportNotifications.ReceiveTextsAsync(10));
        Assert.Contains("\"accepted\":true", notification, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rejects_a_bad_resubmission_whole_and_leaves_the_accepted_version_in_force()
    {
        await using var harness = await PipelineHarness.StartAsync(azurite);
        await harness.UploadReferenceAsync();
        await harness.UploadReturnAsync(Path, ReturnFiles.EpisodesCsv(ReturnFiles.Episode(), ReturnFiles.Episode(id: "E2")));
        Assert.Equal(200, (await harness.TriggerIngestAsync(Path)).StatusCode);
        var curatedBefore = await StorageReads.ContentsAsync(harness.Storage.Curated);
        var acceptedBefore = await StorageReads.ContentsAsync(harness.Storage.AcceptedReturns);

        // Row 2 exits before it started (E13); row 3 has an unknown substance code (E08).
        var badEtag = await harness.UploadReturnAsync(Path, ReturnFiles.EpisodesCsv(
            ReturnFiles.Episode(),
            ReturnFiles.Episode(id: "E2", exit: "2025-04-05", exitReason: "DROPPED_OUT"),
            ReturnFiles.Episode(id: "E3", substance: "KETAMINE")));
        var answer = await harness.TriggerIngestAsync(Path);

        Assert.Equal(200, answer.StatusCode);
        Assert.Contains(answer.Logs, l => l.Contains("rejected (3 rows, 2 errors", StringComparison.Ordinal));
        Assert.Equal(curatedBefore, await StorageReads.ContentsAsync(harness.Storage.Curated));
        Assert.Equal(acceptedBefore, await StorageReads.ContentsAsync(harness.Storage.AcceptedReturns));

        var badId = badEtag.Trim('"');
        var report = JsonDocument.Parse((await StorageReads.ContentsAsync(harness.Storage.Reports))[$"{Path}.{badId}.report.json"]).RootElement;
        var issues = report.GetProperty("issues").EnumerateArray().ToList();
        Assert.Contains(issues, i => i.GetProperty("row").GetInt32() == 2 && i.GetProperty("column").GetString() == "exit_date"
                                     && i.GetProperty("rule_id").GetString() == "E13");
        Assert.Contains(issues, i => i.GetProperty("row").GetInt32() == 3 && i.GetProperty("column").GetString() == "primary_substance"
                                     && i.GetProperty("rule_id").GetString() == "E08" && i.GetProperty("value").GetString() == "KETAMINE");

        var quarantine = await StorageReads.ContentsAsync(harness.Storage.Quarantine);
        Assert.Contains($"{Path}.{badId}", quarantine.Keys);
        Assert.Contains($"{Path}.{badId}.report.json", quarantine.Keys);
        Assert.False(await harness.Storage.Returns.BlobExistsAsync(Path));
    }

    [Fact]
    public async Task Rerunning_the_same_blob_changes_nothing()
    {
        await using var harness = await PipelineHarness.StartAsync(azurite);
        await harness.UploadReferenceAsync();
        await harness.UploadReturnAsync(Path, ReturnFiles.EpisodesCsv(ReturnFiles.Episode()));
        var properties = (await harness.Storage.Returns.GetBlobClient(Path).GetPropertiesAsync()).Value;
        var content = await harness.Storage.Returns.DownloadBytesAsync(Path);
        var payload = KpiPipeline.LocalRun.HostPayloads.BlobTrigger(FunctionNames.IngestReturn, "returnFile", harness.Storage.Returns.Name, Path,
            new Uri($"{harness.Storage.Returns.Uri}/{Path}"), content, properties.ETag.ToString(), properties.LastModified, DateTimeOffset.UtcNow);

        Assert.Equal(200, (await harness.PostAsync(FunctionNames.IngestReturn, payload)).StatusCode);
        var state = await StorageState.CaptureAsync(harness);
        var rerun = await harness.PostAsync(FunctionNames.IngestReturn, payload);

        Assert.Equal(200, rerun.StatusCode);
        Assert.Equal(state, await StorageState.CaptureAsync(harness));
    }

    [Fact]
    public async Task Two_files_of_one_provider_month_arriving_at_once_both_land()
    {
        await using var harness = await PipelineHarness.StartAsync(azurite);
        await harness.UploadReferenceAsync();
        await harness.UploadReturnAsync("P1/2025-04/episodes.csv", ReturnFiles.EpisodesCsv(ReturnFiles.Episode()));
        await harness.UploadReturnAsync("P1/2025-04/nsp.csv", ReturnFiles.NspCsv(ReturnFiles.Nsp()));
        await harness.UploadReturnAsync("P2/2025-04/episodes.csv", ReturnFiles.EpisodesCsv(ReturnFiles.Episode(provider: "P2")));

        var answers = await Task.WhenAll(
            harness.TriggerIngestAsync("P1/2025-04/episodes.csv"),
            harness.TriggerIngestAsync("P1/2025-04/nsp.csv"),
            harness.TriggerIngestAsync("P2/2025-04/episodes.csv"));

        Assert.All(answers, a => Assert.Equal(200, a.StatusCode));
        var accepted = await new AcceptedReturnsIndex(harness.Storage.AcceptedReturns).AllAsync(CancellationToken.None);
        Assert.Equal(
            ["P1/2025-04/episodes.csv", "P1/2025-04/nsp.csv", "P2/2025-04/episodes.csv"],
            accepted.Select(a => a.Path.BlobName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task The_latest_upload_of_a_path_is_the_version_in_force()
    {
        await using var harness = await PipelineHarness.StartAsync(azurite);
        await harness.UploadReferenceAsync();
        await harness.UploadReturnAsync(Path, ReturnFiles.EpisodesCsv(ReturnFiles.Episode()));
        Assert.Equal(200, (await harness.TriggerIngestAsync(Path)).StatusCode);
        var second = await harness.UploadReturnAsync(Path, ReturnFiles.EpisodesCsv(ReturnFiles.Episode(), ReturnFiles.Episode(id: "E2")));
        Assert.Equal(200, (await harness.TriggerIngestAsync(Path)).StatusCode);

        var version = Assert.Single(await new AcceptedReturnsIndex(harness.Storage.AcceptedReturns).AllAsync(CancellationToken.None));
        Assert.Equal(second.Trim('"'), version.UploadId);
        Assert.Equal(2, version.Rows);
    }

    [Fact]
    public async Task Warns_about_episodes_gone_missing_since_the_last_accepted_month_and_reviews_of_unknown_episodes()
    {
        await using var harness = await PipelineHarness.StartAsync(azurite);
        await harness.UploadReferenceAsync();
        await harness.UploadReturnAsync("P1/2025-04/episodes.csv", ReturnFiles.EpisodesCsv(ReturnFiles.Episode(id: "E1"), ReturnFiles.Episode(id: "E2", initials: "KL")));
        await harness.TriggerIngestAsync("P1/2025-04/episodes.csv");
        var may = await harness.UploadReturnAsync("P1/2025-05/episodes.csv", ReturnFiles.EpisodesCsv(ReturnFiles.Episode(id: "E1")));
        var mayAnswer = await harness.TriggerIngestAsync("P1/2025-05/episodes.csv");
        var reviews = await harness.UploadReturnAsync("P1/2025-05/reviews.csv", ReturnFiles.ReviewsCsv(
            ReturnFiles.Review(episode: "E2", date: "2025-05-03"), ReturnFiles.Review(episode: "E9", date: "2025-05-03")));
        var reviewsAnswer = await harness.TriggerIngestAsync("P1/2025-05/reviews.csv");

        Assert.Contains(mayAnswer.Logs, l => l.Contains("accepted (1 rows, 0 errors, 1 warnings)", StringComparison.Ordinal));
        Assert.Contains(reviewsAnswer.Logs, l => l.Contains("accepted (2 rows, 0 errors, 1 warnings)", StringComparison.Ordinal));
        var reports = await StorageReads.ContentsAsync(harness.Storage.Reports);
        Assert.Contains("\"W02\"", reports[$"P1/2025-05/episodes.csv.{may.Trim('"')}.report.json"], StringComparison.Ordinal);
        var reviewReport = reports[$"P1/2025-05/reviews.csv.{reviews.Trim('"')}.report.json"];
        Assert.Contains("\"W03\"", reviewReport, StringComparison.Ordinal);
        Assert.Contains("E9", reviewReport, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("P9/2025-04/episodes.csv", "F02")]
    [InlineData("P1/2025-04/episodes.txt", "F01")]
    [InlineData("P1/April/episodes.csv", "F01")]
    public async Task Rejects_unregistered_providers_and_bad_paths_with_a_report(string blobName, string rule)
    {
        await using var harness = await PipelineHarness.StartAsync(azurite);
        await harness.UploadReferenceAsync();
        var etag = await harness.UploadReturnAsync(blobName, ReturnFiles.EpisodesCsv(ReturnFiles.Episode(provider: "P9")));

        var answer = await harness.TriggerIngestAsync(blobName);

        Assert.Equal(200, answer.StatusCode);
        Assert.Contains(answer.Logs, l => l.Contains(": rejected", StringComparison.Ordinal));
        var report = (await StorageReads.ContentsAsync(harness.Storage.Reports))[$"{blobName}.{etag.Trim('"')}.report.json"];
        Assert.Contains($"\"{rule}\"", report, StringComparison.Ordinal);
        Assert.Empty(await StorageReads.ContentsAsync(harness.Storage.Curated));
        Assert.Empty(await StorageReads.ContentsAsync(harness.Storage.AcceptedReturns));
    }

    [Fact]
    public async Task Answers_400_to_a_payload_without_a_blob_name()
    {
        await using var harness = await PipelineHarness.StartAsync(azurite);

        var answer = await harness.PostAsync(FunctionNames.IngestReturn, new { Data = new { }, Metadata = new { } });

        Assert.Equal(400, answer.StatusCode);
    }
}
