using System.Text;
using System.Text.Json;
using Azure.Storage.Blobs.Models;
using KpiPipeline.Core.Dataset;
using KpiPipeline.Core.Validation;
using KpiPipeline.Pipeline.Ingest;
using KpiPipeline.Pipeline.State;
using KpiPipeline.Pipeline.Storage;
using KpiPipeline.LocalRun.FunctionsHost;
using KpiPipeline.Testing;

namespace KpiPipeline.Functions.Tests;

/// <summary>The IngestReturn function in the published worker, driven by the host stand-in's blob events over gRPC, on real Azurite.</summary>
public sealed class IngestReturnFunctionTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private const string Path = "P1/2025-04/episodes.csv";

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_declared_upload_time_counts_only_where_the_pipeline_is_told_to_trust_it(bool trusted)
    {
        await using var harness = await PipelineHarness.StartAsync(azurite, new Dictionary<string, string?>
        {
            ["KpiPipeline:TrustDeclaredUploadTimes"] = trusted ? "true" : "false",
        });
        await harness.UploadReferenceAsync();
        var declared = new DateTimeOffset(2025, 5, 10, 9, 0, 0, TimeSpan.Zero);
        var upload = (await harness.Storage.Returns.GetBlobClient(Path).UploadAsync(
            BinaryData.FromString(ReturnFiles.EpisodesCsv(ReturnFiles.Episode())),
            new BlobUploadOptions { Metadata = new Dictionary<string, string> { [ReturnIngestService.DeclaredUploadTimeMetadata] = declared.ToString("O") } })).Value;

        Assert.Equal(IngestStatus.Accepted, (await harness.TriggerIngestAsync(Path)).Ingest().Status);

        var entry = await new SubmissionLedger(harness.Storage.Ledger).GetAsync(Path, upload.ETag.ToString().Trim('"'), CancellationToken.None);
        Assert.Equal(trusted ? declared : upload.LastModified, entry!.UploadedAt);
    }

    [Fact]
    public async Task Accepts_a_valid_file_in_the_worker_process_the_stand_in_started()
    {
        await using var harness = await PipelineHarness.StartAsync(azurite);
        await harness.UploadReferenceAsync();
        var etag = await harness.UploadReturnAsync(Path, ReturnFiles.EpisodesCsv(ReturnFiles.Episode(), ReturnFiles.Episode(id: "E2", initials: "AB")));

        var answer = await harness.TriggerIngestAsync(Path);

        var attempt = Assert.Single(answer.Attempts);
        Assert.True(attempt.Succeeded, attempt.Exception);
        var outcome = answer.Ingest();
        Assert.Equal(IngestStatus.Accepted, outcome.Status);
        Assert.Equal((Path, 2, 0), (outcome.BlobName, outcome.Rows, outcome.Errors));

        // The invocation ran in the worker process the stand-in started, not in this one: the answer came over that
        // worker's gRPC stream, the ingest's own log line arrived as an RpcLog of this invocation, and this process never
        // loaded the function app.
        Assert.NotEqual(Environment.ProcessId, attempt.WorkerProcessId);
        Assert.Equal(harness.Host.WorkerProcessId, attempt.WorkerProcessId);
        Assert.Contains("KpiPipeline.Functions.dll", await File.ReadAllTextAsync($"/proc/{attempt.WorkerProcessId}/cmdline"), StringComparison.Ordinal);
        Assert.Contains(attempt.Logs, l => l.Source == HostLog.WorkerSource && l.Message.Contains($"Upload {Path} accepted", StringComparison.Ordinal));
        Assert.DoesNotContain(AppDomain.CurrentDomain.GetAssemblies(), a => a.GetName().Name == "KpiPipeline.Functions");

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

    [Theory]
    [InlineData("escaped-too-long")]
    [InlineData("name-at-the-blob-limit")]
    [InlineData("dot-prefixed")]
    public async Task Every_upload_whatever_its_name_ends_rejected_with_a_report_ledger_row_and_quarantine_copy(string kind)
    {
        // Escaped, 'é' is six characters: 300 of them make a partition key of 1,800 (the limit is 1 KiB). A 1,008-character
        // name leaves no room under storage's 1,024 for the report's suffix.
        var blob = kind switch
        {
            "escaped-too-long" => "P1/" + string.Join('/', Enumerable.Repeat(new string('é', 100), 3)) + "/episodes.csv",
            "name-at-the-blob-limit" => "P1/2025-04/" + string.Concat(Enumerable.Repeat("a b", 331)) + ".csv",
            _ => "P1/2025-04/.episodes.csv",
        };
        await using var harness = await PipelineHarness.StartAsync(azurite);
        await harness.UploadReferenceAsync();
        var etag = await harness.UploadReturnAsync(blob, ReturnFiles.EpisodesCsv(ReturnFiles.Episode()));

        var answer = await harness.TriggerIngestAsync(blob);

        Assert.True(answer.Succeeded, answer.Last.Exception);
        Assert.Equal(IngestStatus.Rejected, answer.Ingest().Status);
        var uploadId = etag.Trim('"');
        var entry = await new SubmissionLedger(harness.Storage.Ledger).GetAsync(blob, uploadId, CancellationToken.None);
        Assert.Equal((SubmissionState.Completed, false, blob), (entry!.State, entry.Accepted, entry.BlobName));
        var reportName = answer.Ingest().ReportBlobName!;
        Assert.Equal(entry.ReportBlob, reportName);
        var report = JsonDocument.Parse(await harness.Storage.Reports.DownloadBytesAsync(reportName)).RootElement;
        Assert.Equal(["F01"], report.GetProperty("counts_by_rule").EnumerateArray().Select(c => c.GetProperty("rule_id").GetString()));
        var quarantine = await StorageReads.ContentsAsync(harness.Storage.Quarantine);
        Assert.Contains(ReturnIngestService.QuarantineBlobName(entry), quarantine.Keys);
        Assert.Contains(ReturnIngestService.QuarantineBlobName(entry) + ".report.json", quarantine.Keys);
        Assert.False(await harness.Storage.Returns.BlobExistsAsync(blob));
        if (kind == "dot-prefixed")
        {
            Assert.Equal($"{blob}.{uploadId}.report.json", reportName);
        }

        // Under the provider's folder, where its role lets it read reports (infra/modules/access.bicep).
        Assert.StartsWith("P1/", reportName, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rejects_a_bad_resubmission_whole_and_leaves_the_accepted_version_in_force()
    {
        await using var harness = await PipelineHarness.StartAsync(azurite);
        await harness.UploadReferenceAsync();
        await harness.UploadReturnAsync(Path, ReturnFiles.EpisodesCsv(ReturnFiles.Episode(), ReturnFiles.Episode(id: "E2")));
        Assert.True((await harness.TriggerIngestAsync(Path)).Succeeded);
        var curatedBefore = await StorageReads.ContentsAsync(harness.Storage.Curated);
        var acceptedBefore = await StorageReads.ContentsAsync(harness.Storage.AcceptedReturns);

        // Row 2 exits before it started (E13); row 3 has an unknown substance code (E08).
        var badEtag = await harness.UploadReturnAsync(Path, ReturnFiles.EpisodesCsv(
            ReturnFiles.Episode(),
            ReturnFiles.Episode(id: "E2", exit: "2025-04-05", exitReason: "DROPPED_OUT"),
            ReturnFiles.Episode(id: "E3", substance: "KETAMINE")));
        var answer = await harness.TriggerIngestAsync(Path);

        Assert.True(answer.Succeeded);
        Assert.Equal((IngestStatus.Rejected, 3, 2), (answer.Ingest().Status, answer.Ingest().Rows, answer.Ingest().Errors));
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
    public async Task A_blob_event_delivered_twice_changes_nothing_the_second_time()
    {
        await using var harness = await PipelineHarness.StartAsync(azurite);
        await harness.UploadReferenceAsync();
        await harness.UploadReturnAsync(Path, ReturnFiles.EpisodesCsv(ReturnFiles.Episode()));

        // Event Grid delivers at least once: the same event again after the first was handled.
        var first = await harness.TriggerIngestAsync(Path);
        var state = await StorageState.CaptureAsync(harness);
        var again = await harness.Host.DeliverBlobCreatedAsync(FunctionNames.IngestReturn, Path, CancellationToken.None);

        Assert.True(first.Succeeded, first.Last.Exception);
        Assert.Null(again);   // the accepted upload's raw blob is gone: the host invokes nothing
        Assert.Single(await new AcceptedReturnsIndex(harness.Storage.AcceptedReturns).AllAsync(CancellationToken.None));
        Assert.Equal(state, await StorageState.CaptureAsync(harness));
        Assert.Empty(await harness.Host.PollBlobsAsync(CancellationToken.None));
    }

    [Fact]
    public async Task The_stand_in_notices_new_blobs_and_invokes_each_once()
    {
        await using var harness = await PipelineHarness.StartAsync(azurite);
        await harness.UploadReferenceAsync();
        await harness.UploadReturnAsync("P1/2025-04/episodes.csv", ReturnFiles.EpisodesCsv(ReturnFiles.Episode()));
        await harness.UploadReturnAsync("P9/2025-04/episodes.csv", ReturnFiles.EpisodesCsv(ReturnFiles.Episode(provider: "P9")));

        var noticed = await harness.Host.PollBlobsAsync(CancellationToken.None);
        var rescan = await harness.Host.PollBlobsAsync(CancellationToken.None);

        Assert.Equal(["P1/2025-04/episodes.csv", "P9/2025-04/episodes.csv"], noticed.Select(r => r.BlobName));
        Assert.Equal([IngestStatus.Accepted, IngestStatus.Rejected], noticed.Select(r => r.Ingest().Status));
        Assert.Empty(rescan);
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

        Assert.All(answers, a => Assert.True(a.Succeeded, a.Last.Exception));
        var accepted = await new AcceptedReturnsIndex(harness.Storage.AcceptedReturns).AllAsync(CancellationToken.None);
        Assert.Equal(
            ["P1/2025-04/episodes.csv", "P1/2025-04/nsp.csv", "P2/2025-04/episodes.csv"],
            accepted.Select(a => a.Path.BlobName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Rejects_an_upload_over_the_size_limit_with_F09_and_keeps_nothing_of_it()
    {
        await using var harness = await PipelineHarness.StartAsync(azurite);
        await harness.UploadReferenceAsync();
        var rows = new List<string>();
        for (var size = 0L; size <= ValidationContext.DefaultMaxFileBytes; size += rows[^1].Length + 1)
        {
            rows.Add(ReturnFiles.Episode(id: $"E{rows.Count + 1}"));
        }

        var content = ReturnFiles.EpisodesCsv([.. rows]);
        var etag = await harness.UploadReturnAsync(Path, content);

        var outcome = (await harness.TriggerIngestAsync(Path)).Ingest();

        Assert.Equal(IngestStatus.Rejected, outcome.Status);
        // The ledger keeps the size of the upload refused part-read (it recorded 0 until 2026-12-05), and no SHA-256.
        var entry = await new SubmissionLedger(harness.Storage.Ledger).GetAsync(Path, etag.Trim('"'), CancellationToken.None);
        Assert.Equal((System.Text.Encoding.UTF8.GetByteCount(content), (string?)null), (entry!.SizeBytes, entry.Sha256));
        var report = JsonDocument.Parse(await harness.Storage.Reports.DownloadBytesAsync($"{Path}.{etag.Trim('"')}.report.json")).RootElement;
        Assert.Equal(["F09"], report.GetProperty("counts_by_rule").EnumerateArray().Select(c => c.GetProperty("rule_id").GetString()));
        Assert.True(report.GetProperty("rows_read").GetInt64() < rows.Count);
        Assert.Empty(await StorageReads.ContentsAsync(harness.Storage.Curated));
        Assert.Empty(await new AcceptedReturnsIndex(harness.Storage.AcceptedReturns).AllAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Four_simultaneous_triggers_of_one_upload_send_the_provider_one_notification()
    {
        await using var harness = await PipelineHarness.StartAsync(azurite);
        await harness.UploadReferenceAsync();
        var etag = await harness.UploadReturnAsync(Path, ReturnFiles.EpisodesCsv(ReturnFiles.Episode(), ReturnFiles.Episode(id: "E2", initials: "AB")));

        var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => harness.TriggerIngestAsync(Path)));

        Assert.All(answers, a => Assert.True(a.Succeeded, a.Last.Exception));
        var notification = Assert.Single(await harness.Storage.ReportNotifications.ReceiveTextsAsync(32));
        Assert.Contains($"\"report\":\"{Path}.{etag.Trim('"')}.report.json\"", notification, StringComparison.Ordinal);
        var version = Assert.Single(await new AcceptedReturnsIndex(harness.Storage.AcceptedReturns).AllAsync(CancellationToken.None));
        Assert.Equal(2, version.Rows);
    }

    [Fact]
    public async Task The_latest_upload_of_a_path_is_the_version_in_force()
    {
        await using var harness = await PipelineHarness.StartAsync(azurite);
        await harness.UploadReferenceAsync();
        await harness.UploadReturnAsync(Path, ReturnFiles.EpisodesCsv(ReturnFiles.Episode()));
        Assert.True((await harness.TriggerIngestAsync(Path)).Succeeded);
        var second = await harness.UploadReturnAsync(Path, ReturnFiles.EpisodesCsv(ReturnFiles.Episode(), ReturnFiles.Episode(id: "E2")));
        Assert.True((await harness.TriggerIngestAsync(Path)).Succeeded);

        var version = Assert.Single(await new AcceptedReturnsIndex(harness.Storage.AcceptedReturns).AllAsync(CancellationToken.None));
        Assert.Equal(second.Trim('"'), version.UploadId);
        Assert.Equal(2, version.Rows);
    }

    /// <summary>
    /// Two names of one return (provider codes are case-insensitive), the newer ingested first (events come in any order):
    /// the newer stays in force. The older was still the blob at its own name and put itself back in force, publishing 1
    /// person in treatment instead of 3 (found by an adversarial check of the function app).
    /// </summary>
    [Fact]
    public async Task The_latest_upload_of_a_return_stays_in_force_when_an_older_one_under_another_case_is_ingested_after_it()
    {
        await using var harness = await PipelineHarness.StartAsync(azurite);
        await harness.UploadReferenceAsync();
        await harness.UploadReturnAsync("P1/2025-04/episodes.csv", ReturnFiles.EpisodesCsv(ReturnFiles.Episode(id: "E1")));
        await Task.Delay(1100);   // upload times have whole seconds
        var newer = await harness.UploadReturnAsync("p1/2025-04/episodes.csv", ReturnFiles.EpisodesCsv(
            ReturnFiles.Episode(id: "E1"), ReturnFiles.Episode(id: "E2", initials: "AB"), ReturnFiles.Episode(id: "E3", initials: "CD")));

        Assert.Equal(IngestStatus.Accepted, (await harness.TriggerIngestAsync("p1/2025-04/episodes.csv")).Ingest().Status);
        Assert.Equal(IngestStatus.Accepted, (await harness.TriggerIngestAsync("P1/2025-04/episodes.csv")).Ingest().Status);

        var version = Assert.Single(await new AcceptedReturnsIndex(harness.Storage.AcceptedReturns).AllAsync(CancellationToken.None));
        Assert.Equal((newer.Trim('"'), 3L), (version.UploadId, version.Rows));
    }

    [Fact]
    public async Task A_workforce_return_is_curated_and_in_force_until_a_later_accepted_upload_and_a_rejected_one_changes_nothing()
    {
        const string workforce = "P1/2025-04/workforce.csv";
        await using var harness = await PipelineHarness.StartAsync(azurite);
        await harness.UploadReferenceAsync();
        var first = (await harness.UploadReturnAsync(workforce, ReturnFiles.WorkforceCsv(ReturnFiles.Workforce()))).Trim('"');
        Assert.Equal(IngestStatus.Accepted, (await harness.TriggerIngestAsync(workforce)).Ingest().Status);
        var corrected = (await harness.UploadReturnAsync(workforce, ReturnFiles.WorkforceCsv(ReturnFiles.Workforce(headcount: 14, fte: "12.25")))).Trim('"');
        Assert.Equal(IngestStatus.Accepted, (await harness.TriggerIngestAsync(workforce)).Ingest().Status);
        var curatedBefore = await StorageReads.ContentsAsync(harness.Storage.Curated);
        var acceptedBefore = await StorageReads.ContentsAsync(harness.Storage.AcceptedReturns);

        // One row per team (K07), the second with more people on leave than it has (K05).
        var bad = await harness.UploadReturnAsync(workforce, ReturnFiles.WorkforceCsv(ReturnFiles.Workforce(), ReturnFiles.Workforce(headcount: 2, onLeave: 3, under2Years: 0)));
        var rejected = await harness.TriggerIngestAsync(workforce);

        Assert.Equal((IngestStatus.Rejected, 2, 2), (rejected.Ingest().Status, rejected.Ingest().Rows, rejected.Ingest().Errors));
        Assert.Equal(curatedBefore, await StorageReads.ContentsAsync(harness.Storage.Curated));
        Assert.Equal(acceptedBefore, await StorageReads.ContentsAsync(harness.Storage.AcceptedReturns));
        var report = JsonDocument.Parse(await harness.Storage.Reports.DownloadBytesAsync($"{workforce}.{bad.Trim('"')}.report.json")).RootElement;
        Assert.Equal(["K05", "K07"], report.GetProperty("counts_by_rule").EnumerateArray().Select(c => c.GetProperty("rule_id").GetString()));
        Assert.Equal("workforce", report.GetProperty("file_kind").GetString());

        var versions = await new AcceptedReturnsIndex(harness.Storage.AcceptedReturns).AllAsync(CancellationToken.None);
        var version = Assert.Single(versions);
        Assert.Equal((corrected, 1L, $"P1/2025-04/workforce/{corrected}.csv"), (version.UploadId, version.Rows, version.CuratedBlob));
        var ledger = await new SubmissionLedger(harness.Storage.Ledger).GetAsync(workforce, corrected, CancellationToken.None);
        Assert.Equal((SubmissionState.Completed, true, 1L), (ledger!.State, ledger.Accepted, ledger.Rows));
        var compute = await harness.TriggerComputeAsync();
        Assert.True(compute.Succeeded, compute.Exception);
        Assert.Equal(1, compute.Compute().SourceReturns);

        // The provider's workforce state: the corrected month in force, and all three uploads (DQ02 counts the rejected one).
        var states = new ProviderStates(harness.Storage, new NoStateWriteFaults());
        var blob = Assert.Single(await states.ListAsync(CancellationToken.None));
        var state = (await states.ReadAsync("P1", ReturnFileKind.Workforce, blob.ETag, CancellationToken.None))!;
        Assert.Equal(new CuratedWorkforce("P1", 14, 12.25m, 0.5m, 1, 4), Assert.Single(state.Fold.Workforce).Row);
        Assert.Equal(corrected, Assert.Single(state.Inputs.Files).UploadId);
        // Blob times have whole seconds, so the three uploads may share one: compare them by upload id, not by time.
        Assert.Equal(
            new[] { (first, true), (corrected, true), (bad.Trim('"'), false) }.OrderBy(u => u.Item1, StringComparer.Ordinal),
            state.Inputs.Uploads.Select(u => (u.UploadId, u.Accepted)).OrderBy(u => u.UploadId, StringComparer.Ordinal));
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

        Assert.Contains("accepted (1 rows, 0 errors, 1 warnings)", mayAnswer.Ingest().Summary, StringComparison.Ordinal);
        Assert.Contains("accepted (2 rows, 0 errors, 1 warnings)", reviewsAnswer.Ingest().Summary, StringComparison.Ordinal);
        var reports = await StorageReads.ContentsAsync(harness.Storage.Reports);
        // E2 was row 2 of April's file: the W02 names it (from the provider's state), as its id could be withheld.
        Assert.Contains("row 2 of the provider's accepted episodes.csv for 2025-04", W02Message(reports[$"P1/2025-05/episodes.csv.{may.Trim('"')}.report.json"]), StringComparison.Ordinal);
        var reviewReport = reports[$"P1/2025-05/reviews.csv.{reviews.Trim('"')}.report.json"];
        Assert.Contains("\"W03\"", reviewReport, StringComparison.Ordinal);
        Assert.Contains("E9", reviewReport, StringComparison.Ordinal);

        // May sent again: the state already holds May, so the W02 set is read from April's curated file, with the same row.
        var mayAgain = await harness.UploadReturnAsync("P1/2025-05/episodes.csv", ReturnFiles.EpisodesCsv(ReturnFiles.Episode(id: "E1")));
        await harness.TriggerIngestAsync("P1/2025-05/episodes.csv");
        var again = (await StorageReads.ContentsAsync(harness.Storage.Reports))[$"P1/2025-05/episodes.csv.{mayAgain.Trim('"')}.report.json"];
        Assert.Contains("row 2 of the provider's accepted episodes.csv for 2025-04", W02Message(again), StringComparison.Ordinal);
    }

    private static string W02Message(string reportJson) =>
        JsonDocument.Parse(reportJson).RootElement.GetProperty("issues").EnumerateArray()
            .Single(i => i.GetProperty("rule_id").GetString() == "W02").GetProperty("message").GetString()!;

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

        Assert.Equal(IngestStatus.Rejected, answer.Ingest().Status);
        var report = (await StorageReads.ContentsAsync(harness.Storage.Reports))[$"{blobName}.{etag.Trim('"')}.report.json"];
        Assert.Contains($"\"{rule}\"", report, StringComparison.Ordinal);
        Assert.Empty(await StorageReads.ContentsAsync(harness.Storage.Curated));
        Assert.Empty(await StorageReads.ContentsAsync(harness.Storage.AcceptedReturns));
    }
}
