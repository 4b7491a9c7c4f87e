using System.Text;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using KpiPipeline.Core.Dataset;
using KpiPipeline.Core.Pseudonymisation;
using KpiPipeline.Pipeline;
using KpiPipeline.Pipeline.Ingest;
using KpiPipeline.Pipeline.State;
using KpiPipeline.Pipeline.Storage;
using KpiPipeline.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace KpiPipeline.Storage.Tests;

/// <summary>
/// Interleavings and crash points of the ingest that the real host cannot be made to hit on demand: ReturnIngestService in
/// process on Azurite, paused or failed at chosen places.
/// </summary>
public sealed class ReturnIngestRaceTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private const string Providers = "provider_code,provider_name,area_code\nP1,Provider One,A1\n";
    private const string Areas = "area_code,area_name,nation,estimated_opiate_users,estimated_pwid\nA1,Area One,ENGLAND,1000,400\n";
    private const string NspHeader = "provider_code,outlet_code,outlet_type,transaction_date,registrant_token,new_registration,needles_supplied";

    private static string Nsp(int needles) => $"{NspHeader}\nP1,OUT-1,PHARMACY,2025-04-03,token-1,N,{needles}\n";

    /// <summary>
    /// v1 is paused at its commit's read of the index; v2 replaces it and is ingested and committed; v1 resumes. Until
    /// 2026-12-05 v1 had asked whether it was the current blob before that read, kept its stale "yes" and overwrote v2:
    /// the provider's correction was silently lost, though both got an "accepted" report.
    /// </summary>
    [Fact]
    public async Task A_replacement_committed_while_the_upload_it_replaced_is_committing_stays_in_force()
    {
        var names = TestStorage.UniqueNames();
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gate = new BeforeFirstRowRequest(names.AcceptedReturnsTable, method => method == RequestMethod.Get, () =>
        {
            reached.SetResult();
            return release.Task;
        });
        var paused = WatchedBy(names, gate);
        var plain = PipelineStorage.Connect(StorageAccountSettings.FromConnectionString(azurite.ConnectionString), names);
        await SetUpAsync(plain);
        const string blob = NspBlob;

        var v1 = await UploadAsync(plain, blob, Nsp(20));
        var first = Ingest(paused, names, new NoIngestFaults()).IngestAsync(blob, CancellationToken.None);
        await reached.Task.WaitAsync(TimeSpan.FromSeconds(60));   // v1 has seen itself current and is about to read the index

        var v2 = await UploadAsync(plain, blob, Nsp(30));
        var second = await Ingest(plain, names, new NoIngestFaults()).IngestAsync(blob, CancellationToken.None);
        Assert.Equal(IngestStatus.Accepted, second.Status);
        release.SetResult();
        Assert.Equal(IngestStatus.Accepted, (await first).Status);

        var inForce = Assert.Single(await new AcceptedReturnsIndex(plain.AcceptedReturns).OfProviderAsync("P1", CancellationToken.None));
        Assert.NotEqual(v1, v2);
        Assert.Equal(v2, inForce.UploadId);
    }

    /// <summary>
    /// Every try of an accepted upload fails after its commit (its report or ledger write failing): the fifth records it
    /// Failed and quarantines it. Until 2026-12-05 it stayed the version in force and was folded into the KPIs, though the
    /// provider was never told it was accepted; now it is taken out of force, and the upload before it is back.
    /// </summary>
    [Theory]
    [InlineData(null)]
    [InlineData(NspBlob)]
    [InlineData("p1/2025-04/nsp.csv")]   // the same return under the provider folder in lower case: one accepted-returns row
    public async Task An_upload_recorded_failed_after_its_commit_is_not_in_force_and_the_accepted_one_before_it_is(string? earlierBlob)
    {
        var (names, storage) = await NewPipelineAsync();
        const string blob = NspBlob;
        string? earlier = null;
        if (earlierBlob is not null)
        {
            earlier = await UploadAsync(storage, earlierBlob, Nsp(10));
            Assert.Equal(IngestStatus.Accepted, (await Ingest(storage, names, new NoIngestFaults()).IngestAsync(earlierBlob, CancellationToken.None)).Status);
        }

        var upload = await UploadAsync(storage, blob, Nsp(20));
        var ingest = Ingest(storage, names, new FailAfter(IngestStep.Committed));
        for (var attempt = 1; attempt <= names.MaxIngestAttempts; attempt++)
        {
            await Assert.ThrowsAsync<InvalidOperationException>(() => ingest.IngestAsync(blob, CancellationToken.None));
        }

        var entry = await new SubmissionLedger(storage.Ledger).GetAsync(blob, upload, CancellationToken.None);
        Assert.Equal((SubmissionState.Failed, true), (entry!.State, entry.Settled));
        Assert.False(await storage.Returns.BlobExistsAsync(blob));
        var inForce = await new AcceptedReturnsIndex(storage.AcceptedReturns).OfProviderAsync("P1", CancellationToken.None);
        Assert.Equal(earlier is null ? [] : [earlier], inForce.Select(v => v.UploadId));

        // The provider's state is refreshed from the versions in force: its NSP month is the earlier upload's, or none.
        var states = new ProviderStates(storage, new NoStateWriteFaults());
        await states.RefreshAsync("P1", CancellationToken.None);
        var state = await states.CurrentAsync("P1", ReturnFileKind.Nsp, CancellationToken.None);
        Assert.Equal(earlier is null ? 0 : 10, state.Nsp.Sum(t => t.Needles));
    }

    /// <summary>
    /// Every try the host makes is killed (an OOM, a scale-in; modelled by an exception the failure handler lets through, as a
    /// kill skips it), so no try records the upload. It stayed Processing for ever, unreported, its raw file (initials and
    /// dates of birth) in returns; RecordStalledUploads now records it Failed and quarantines it.
    /// </summary>
    [Fact]
    public async Task An_upload_whose_every_try_is_killed_is_recorded_failed_and_quarantined_by_the_stalled_upload_sweep()
    {
        var (names, storage) = await NewPipelineAsync();
        const string blob = NspBlob;
        var upload = await UploadAsync(storage, blob, Nsp(20));
        var ingest = Ingest(storage, names, new KillAfter(IngestStep.Validated, int.MaxValue));
        for (var attempt = 1; attempt <= names.MaxIngestAttempts; attempt++)
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ingest.IngestAsync(blob, CancellationToken.None));
        }

        var ledger = new SubmissionLedger(storage.Ledger);
        Assert.Equal(SubmissionState.Processing, (await ledger.GetAsync(blob, upload, CancellationToken.None))!.State);

        var recorded = await Sweep(storage, names).RecordStalledAsync(CancellationToken.None);

        Assert.Equal([upload], recorded.Select(e => e.UploadId));
        await AssertSettledAsync(storage, names, blob, upload);
    }

    /// <summary>
    /// v1 (accepted) is killed after its commit; the provider then replaces it (v2, rejected) and the host's retry of v1's
    /// event takes up v2. v1 stayed Processing for ever yet in force, folded into the KPIs though never reported; the sweep
    /// records it Failed and takes it out of force, and v2, the blob now at the path, is left alone.
    /// </summary>
    [Fact]
    public async Task An_upload_killed_after_its_commit_then_replaced_is_recorded_failed_and_taken_out_of_force_by_the_sweep()
    {
        var (names, storage) = await NewPipelineAsync();
        const string blob = NspBlob;
        var v1 = await UploadAsync(storage, blob, Nsp(20));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Ingest(storage, names, new KillAfter(IngestStep.Committed, 1)).IngestAsync(blob, CancellationToken.None));
        var index = new AcceptedReturnsIndex(storage.AcceptedReturns);
        Assert.Equal([v1], (await index.OfProviderAsync("P1", CancellationToken.None)).Select(v => v.UploadId));

        var v2 = await UploadAsync(storage, blob, Nsp(5000));   // over the NSP needle limit: rejected
        var ingest = Ingest(storage, names, new NoIngestFaults());
        Assert.Equal(IngestStatus.Rejected, (await ingest.IngestAsync(blob, CancellationToken.None)).Status);   // the host's retry of v1's event
        Assert.Equal([v1], (await index.OfProviderAsync("P1", CancellationToken.None)).Select(v => v.UploadId));

        Assert.Equal([v1], (await Sweep(storage, names).RecordStalledAsync(CancellationToken.None)).Select(e => e.UploadId));

        var ledger = new SubmissionLedger(storage.Ledger);
        Assert.Equal(SubmissionState.Failed, (await ledger.GetAsync(blob, v1, CancellationToken.None))!.State);
        Assert.Equal(SubmissionState.Completed, (await ledger.GetAsync(blob, v2, CancellationToken.None))!.State);
        Assert.Empty(await index.OfProviderAsync("P1", CancellationToken.None));
        Assert.True(await storage.Quarantine.GetBlobClient($"{blob}.{v2}").ExistsAsync());

        // v2's report is what the provider needs; told that v1 failed and to upload it again, they could put v1's content
        // back over their correction.
        Assert.Equal([(v2, ReportNotification.Rejected)], (await storage.ReportNotifications.PeekNotificationsAsync()).Select(n => (n.Upload, n.Status)));
    }

    /// <summary>
    /// An upload recorded Failed whose settling was cut short (storage failing after the ledger write): still in force, its
    /// raw file still in returns. The sweep finishes it: taken out of force, quarantined, marked settled.
    /// </summary>
    [Fact]
    public async Task The_sweep_settles_an_upload_recorded_failed_whose_settling_was_cut_short()
    {
        var (names, storage) = await NewPipelineAsync();
        var upload = await UploadAsync(storage, NspBlob, Nsp(20));
        var index = new AcceptedReturnsIndex(storage.AcceptedReturns);
        Assert.True(await index.CommitAsync(new AcceptedVersion(TestStorage.Path(NspBlob), upload, DateTimeOffset.UtcNow, "curated-copy", 1), isCurrentBlob: true, CancellationToken.None));
        var ledger = new SubmissionLedger(storage.Ledger);
        await ledger.SaveAsync(new SubmissionEntry(NspBlob, upload, SubmissionState.Failed, 5, DateTimeOffset.UtcNow, Settled: false), CancellationToken.None);

        Assert.Equal([upload], (await Sweep(storage, names).RecordStalledAsync(CancellationToken.None)).Select(e => e.UploadId));

        Assert.Empty(await index.OfProviderAsync("P1", CancellationToken.None));
        await AssertSettledAsync(storage, names, NspBlob, upload);
    }

    [Fact]
    public async Task Settling_a_failed_upload_queues_its_provider_state_refresh_for_a_registered_provider_only()
    {
        var (names, storage) = await NewPipelineAsync();
        await storage.ProviderStateRefreshes.ClearMessagesAsync();
        foreach (var blob in new[] { NspBlob, "P8/2025-04/nsp.csv" })   // P8 is not in providers.csv
        {
            await UploadAsync(storage, blob, Nsp(20));
            var ingest = Ingest(storage, names, new FailAfter(IngestStep.Validated));
            for (var attempt = 1; attempt <= names.MaxIngestAttempts; attempt++)
            {
                await Assert.ThrowsAsync<InvalidOperationException>(() => ingest.IngestAsync(blob, CancellationToken.None));
            }
        }

        var queued = (await storage.ProviderStateRefreshes.PeekMessagesAsync(32)).Value.Select(m => m.MessageText).ToList();
        Assert.Equal(["P1"], queued);
    }

    /// <summary>
    /// The sweep takes an upload recorded failed out of force, and in that very moment a duplicate invocation of the upload
    /// (which committed it before) records it Completed: it was reported accepted, so the sweep puts it back in force.
    /// </summary>
    [Fact]
    public async Task An_upload_a_duplicate_invocation_completes_while_its_failure_is_settled_goes_back_in_force()
    {
        var (names, plain, failed) = await FailedUploadAsync();
        var upload = failed.UploadId;
        var ledger = new SubmissionLedger(plain.Ledger);
        var version = new AcceptedVersion(TestStorage.Path(NspBlob), upload, failed.UploadedAt, "curated-copy", 1);
        var index = new AcceptedReturnsIndex(plain.AcceptedReturns);
        Assert.True(await index.CommitAsync(version, isCurrentBlob: true, CancellationToken.None));

        // The twin's Completed write lands just before the sweep's withdrawal reaches the accepted-returns table.
        var twin = new BeforeFirstRowRequest(names.AcceptedReturnsTable, method => method != RequestMethod.Get, () => ledger.SaveAsync(
            failed with { State = SubmissionState.Completed, Accepted = true, CuratedBlob = "curated-copy", Rows = 1 }, CancellationToken.None));
        var watched = WatchedBy(names, twin);

        Assert.Empty(await Sweep(watched, names).RecordStalledAsync(CancellationToken.None));

        Assert.True(twin.Happened);
        Assert.Equal(SubmissionState.Completed, (await ledger.GetAsync(NspBlob, upload, CancellationToken.None))!.State);
        Assert.Equal([upload], (await index.OfProviderAsync("P1", CancellationToken.None)).Select(v => v.UploadId));

        // Completed before its failure was told: the provider is not told it failed (the completing invocation sends the report's).
        Assert.Empty(await plain.ReportNotifications.PeekNotificationsAsync());
    }

    /// <summary>
    /// The sweep settles an upload recorded failed and wins its failure notice's claim; in that very moment a duplicate
    /// invocation records the upload Completed (and sends its report). Checked only before the claim, the notice went out
    /// after the report and told the provider that an upload in force was not in use.
    /// </summary>
    [Fact]
    public async Task A_failure_notice_is_not_sent_for_an_upload_a_duplicate_invocation_completes_while_it_is_claimed()
    {
        var (names, plain, failed) = await FailedUploadAsync();
        var upload = failed.UploadId;
        var ledger = new SubmissionLedger(plain.Ledger);

        // The twin's Completed write lands just before the sweep's claim of the failure notice (the first insert into the ledger).
        var twin = new BeforeFirstRowRequest(names.LedgerTable, method => method == RequestMethod.Post, () => ledger.SaveAsync(
            failed with { State = SubmissionState.Completed, Accepted = true, CuratedBlob = "curated-copy", Rows = 1 }, CancellationToken.None));
        var watched = WatchedBy(names, twin);

        await Sweep(watched, names).RecordStalledAsync(CancellationToken.None);

        Assert.True(twin.Happened);
        Assert.Equal(SubmissionState.Completed, (await ledger.GetAsync(NspBlob, upload, CancellationToken.None))!.State);
        Assert.Empty(await plain.ReportNotifications.PeekNotificationsAsync());
        Assert.Empty(await Sweep(plain, names).RecordStalledAsync(CancellationToken.None));
    }

    /// <summary>
    /// The provider replaces an upload recorded failed just as the sweep wins the claim of its failure notice, before the
    /// replacement's ingest has written anything: the blob now at the path is not the failed upload, so its provider is not
    /// told to upload that again (the replacement's own report follows).
    /// </summary>
    [Fact]
    public async Task A_failure_notice_is_not_sent_for_an_upload_replaced_while_it_is_claimed()
    {
        var (names, plain, failed) = await FailedUploadAsync();

        var replacement = new BeforeFirstRowRequest(names.LedgerTable, method => method == RequestMethod.Post, () => UploadAsync(plain, NspBlob, Nsp(30)));
        var watched = WatchedBy(names, replacement);

        Assert.Equal([failed.UploadId], (await Sweep(watched, names).RecordStalledAsync(CancellationToken.None)).Select(e => e.UploadId));

        Assert.True(replacement.Happened);
        // No failure notice; the replacement, which no event brought here, may be ingested by the same sweep and reported.
        Assert.DoesNotContain(await plain.ReportNotifications.PeekNotificationsAsync(), n => n.Status == ReportNotification.Failed);
    }

    /// <summary>
    /// Two uploads of one path in the same second (upload times have one-second resolution) both recorded failed: each is
    /// of the same second as the other, and neither may silence the other's notice. Until review on 2026-12-05 both were
    /// silenced, and the provider never learnt that either failed.
    /// </summary>
    [Fact]
    public async Task Two_failed_uploads_of_one_path_in_the_same_second_are_both_told()
    {
        var (names, storage) = await NewPipelineAsync();
        var second = new DateTimeOffset(2025, 5, 2, 9, 30, 0, TimeSpan.Zero);
        var ledger = new SubmissionLedger(storage.Ledger);
        foreach (var upload in new[] { "0x8D0000000000001", "0x8D0000000000002" })
        {
            await ledger.SaveAsync(new SubmissionEntry(NspBlob, upload, SubmissionState.Failed, 5, second, Settled: false), CancellationToken.None);
        }

        Assert.Equal(2, (await Sweep(storage, names).RecordStalledAsync(CancellationToken.None)).Count);

        Assert.Equal(["0x8D0000000000001", "0x8D0000000000002"],
            (await storage.ReportNotifications.PeekNotificationsAsync()).Where(n => n.Status == ReportNotification.Failed).Select(n => n.Upload).Order(StringComparer.Ordinal));
    }

    /// <summary>
    /// An older upload of a return under another case of the provider folder, ingested while the newer one has committed
    /// but not yet finished: the newer stays in force (the row in force names the blob it came under). Until review on
    /// 2026-12-05 the older one could put itself back in force for good.
    /// </summary>
    [Fact]
    public async Task An_older_upload_under_another_case_does_not_replace_a_newer_one_still_finishing()
    {
        var (names, storage, newer) = await CaseVariantsAsync();
        var paused = new PauseAfter(IngestStep.Committed);
        var newerIngest = Ingest(storage, names, paused).IngestAsync("p1/2025-04/nsp.csv", CancellationToken.None);
        await paused.Reached.Task.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(IngestStatus.Accepted, (await Ingest(storage, names, new NoIngestFaults()).IngestAsync("P1/2025-04/nsp.csv", CancellationToken.None)).Status);
        paused.Release.SetResult();
        Assert.Equal(IngestStatus.Accepted, (await newerIngest).Status);

        var inForce = Assert.Single(await new AcceptedReturnsIndex(storage.AcceptedReturns).AllAsync(CancellationToken.None));
        Assert.Equal((newer, "p1/2025-04/nsp.csv"), (inForce.UploadId, inForce.UploadBlob));
    }

    /// <summary>
    /// A name in returns with '..' segments (storage keeps a name as sent, and P1/ is the provider's prefix): the sweep never
    /// addresses it, so the blob it would resolve to in another container is left alone (review, 2026-12-05: the sweep
    /// deleted reference/providers.csv); and a hundred names that address nothing do not use up the sweep's hundred ingests.
    /// </summary>
    [Fact]
    public async Task The_sweep_leaves_names_the_client_cannot_address_alone_and_ingests_the_rest()
    {
        var (names, storage) = await NewPipelineAsync();
        await PutRawAsync(storage, $"P1/../../{names.ReferenceContainer}/providers.csv", "anything");
        for (var i = 0; i < ReturnIngestService.MaxUnannouncedUploadsPerSweep; i++)
        {
            await PutRawAsync(storage, $"P1/./x{i:000}.csv", "anything");
        }

        var upload = await UploadAsync(storage, NspBlob, Nsp(20));

        await Sweep(storage, names).RecordStalledAsync(CancellationToken.None);

        Assert.True(await storage.Reference.GetBlobClient("providers.csv").ExistsAsync());
        Assert.Equal((SubmissionState.Completed, true), await StateAsync(storage, NspBlob, upload));
        Assert.False(await storage.Returns.BlobExistsAsync(NspBlob));
    }

    /// <summary>An upload finished but killed before its raw file was deleted: the sweep deletes it (review, 2026-12-05: it stayed).</summary>
    [Fact]
    public async Task The_sweep_deletes_the_raw_file_of_an_upload_finished_but_killed_before_disposing_of_it()
    {
        var (names, storage) = await NewPipelineAsync();
        var upload = await UploadAsync(storage, NspBlob, Nsp(20));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Ingest(storage, names, new KillAfter(IngestStep.StateRefreshQueued, 1)).IngestAsync(NspBlob, CancellationToken.None));
        Assert.True(await storage.Returns.BlobExistsAsync(NspBlob));

        await Sweep(storage, names).RecordStalledAsync(CancellationToken.None);

        Assert.Equal((SubmissionState.Completed, true), await StateAsync(storage, NspBlob, upload));
        Assert.False(await storage.Returns.BlobExistsAsync(NspBlob));
    }

    /// <summary>
    /// A row in force committed before the index kept the name its upload came under: an older upload under another case of
    /// the provider folder still does not replace it (the ledger tells; review, 2026-12-05).
    /// </summary>
    [Fact]
    public async Task An_older_upload_under_another_case_does_not_replace_a_version_committed_before_names_were_kept()
    {
        var (names, storage, newer) = await CaseVariantsAsync();
        Assert.Equal(IngestStatus.Accepted, (await Ingest(storage, names, new NoIngestFaults()).IngestAsync("p1/2025-04/nsp.csv", CancellationToken.None)).Status);
        var row = Assert.Single(storage.AcceptedReturns.Query<TableEntity>().ToList());
        Assert.True(row.Remove("UploadBlob"));
        await storage.AcceptedReturns.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace);

        Assert.Equal(IngestStatus.Accepted, (await Ingest(storage, names, new NoIngestFaults()).IngestAsync("P1/2025-04/nsp.csv", CancellationToken.None)).Status);

        Assert.Equal(newer, Assert.Single(await new AcceptedReturnsIndex(storage.AcceptedReturns).AllAsync(CancellationToken.None)).UploadId);
    }

    /// <summary>
    /// The sweep leaves alone an upload older than StalledUploadMinutes whose last host try is live (an event delivered
    /// late): another try would use up its attempts and record failed, quarantine and tell "failed" an upload the live try
    /// then accepts (review, 2026-12-05).
    /// </summary>
    [Fact]
    public async Task The_sweep_leaves_alone_an_upload_whose_try_is_live()
    {
        var (names, storage) = await NewPipelineAsync();
        var upload = await UploadAsync(storage, NspBlob, Nsp(20));
        var uploadedAt = (await storage.Returns.GetBlobClient(NspBlob).GetPropertiesAsync()).Value.LastModified;
        await Task.Delay(TimeSpan.FromSeconds(2));
        for (var i = 0; i < names.MaxIngestAttempts - 1; i++)
        {
            await Assert.ThrowsAsync<InvalidOperationException>(() => Ingest(storage, names, new FailAfter(IngestStep.Validated, 1)).IngestAsync(NspBlob, CancellationToken.None));
        }

        var paused = new PauseAfter(IngestStep.Validated);
        var lastTry = Ingest(storage, names, paused).IngestAsync(NspBlob, CancellationToken.None);
        await paused.Reached.Task.WaitAsync(TimeSpan.FromSeconds(60));

        // The blob just past StalledUploadMinutes old; its ledger row, written seconds ago, not.
        var sweepTime = new Later(TimeSpan.FromMinutes(names.StalledUploadMinutes) - (DateTimeOffset.UtcNow - uploadedAt) + TimeSpan.FromSeconds(1));
        await Ingest(storage, names, new NoIngestFaults(), sweepTime).RecordStalledAsync(CancellationToken.None);
        Assert.Equal((SubmissionState.Processing, false), await StateAsync(storage, NspBlob, upload));
        paused.Release.SetResult();

        Assert.Equal(IngestStatus.Accepted, (await lastTry).Status);
        Assert.DoesNotContain(await storage.ReportNotifications.PeekNotificationsAsync(), n => n.Upload == upload && n.Status == ReportNotification.Failed);
        Assert.False(await storage.Quarantine.GetBlobClient($"{NspBlob}.{upload}").ExistsAsync());
    }

    /// <summary>Two uploads of one return under two cases of the provider folder, P1/ then p1/ a second later, neither ingested; the newer's id.</summary>
    private async Task<(KpiPipelineOptions Names, PipelineStorage Storage, string Newer)> CaseVariantsAsync()
    {
        var (names, storage) = await NewPipelineAsync();
        await UploadAsync(storage, "P1/2025-04/nsp.csv", Nsp(10));
        await Task.Delay(1100);   // upload times have whole seconds
        return (names, storage, await UploadAsync(storage, "p1/2025-04/nsp.csv", Nsp(30)));
    }

    private static async Task<(SubmissionState, bool)> StateAsync(PipelineStorage storage, string blob, string upload) =>
        await new SubmissionLedger(storage.Ledger).GetAsync(blob, upload, CancellationToken.None) is { } entry ? (entry.State, entry.Accepted) : default;

    /// <summary>Stands for a kill after a step: nothing after it runs, and the ingest's failure handler does not see it.</summary>
    private sealed class KillAfter(IngestStep step, int times) : IIngestStepObserver
    {
        private int remaining = times;

        public Task AfterAsync(IngestStep done, string blobName, CancellationToken cancellationToken) =>
            done == step && Interlocked.Decrement(ref remaining) >= 0 ? throw new OperationCanceledException($"killed after {done}") : Task.CompletedTask;
    }

    private sealed class FailAfter(IngestStep step, int times = int.MaxValue) : IIngestStepObserver
    {
        private int remaining = times;

        public Task AfterAsync(IngestStep done, string blobName, CancellationToken cancellationToken) =>
            done == step && Interlocked.Decrement(ref remaining) >= 0 ? throw new InvalidOperationException($"failed after {done}") : Task.CompletedTask;
    }

    /// <summary>Holds the ingest after a step until released.</summary>
    private sealed class PauseAfter(IngestStep step) : IIngestStepObserver
    {
        public TaskCompletionSource Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task AfterAsync(IngestStep done, string blobName, CancellationToken cancellationToken)
        {
            if (done == step)
            {
                Reached.TrySetResult();
                await Release.Task;
            }
        }
    }

    /// <summary>Puts a blob into returns under exactly <paramref name="name"/>, as a REST client sends it (the SDK would resolve '.' and '..').</summary>
    private static async Task PutRawAsync(PipelineStorage storage, string name, string content)
    {
        var sas = storage.Returns.GenerateSasUri(Azure.Storage.Sas.BlobContainerSasPermissions.All, DateTimeOffset.UtcNow.AddHours(1));
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(
            HttpMethod.Put, new Uri($"{sas.GetLeftPart(UriPartial.Path)}/{name}{sas.Query}", new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true }))
        {
            Content = new StringContent(content),
        };
        request.Headers.Add("x-ms-blob-type", "BlockBlob");
        request.Headers.Add("x-ms-version", "2021-12-02");
        using var response = await http.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, $"{response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private const string NspBlob = "P1/2025-04/nsp.csv";

    /// <summary>The upload is recorded Failed and settled, its raw file quarantined, and a sweep finds nothing more to do.</summary>
    private static async Task AssertSettledAsync(PipelineStorage storage, KpiPipelineOptions names, string blob, string upload)
    {
        var entry = await new SubmissionLedger(storage.Ledger).GetAsync(blob, upload, CancellationToken.None);
        Assert.Equal((SubmissionState.Failed, true), (entry!.State, entry.Settled));
        Assert.False(await storage.Returns.BlobExistsAsync(blob));
        Assert.True(await storage.Quarantine.GetBlobClient($"{blob}.{upload}").ExistsAsync());
        Assert.Empty(await Sweep(storage, names).RecordStalledAsync(CancellationToken.None));

        // Told once, by the settling, that it could not be processed; not again by the sweep after it.
        var told = Assert.Single(await storage.ReportNotifications.PeekNotificationsAsync(), n => n.Upload == upload);
        Assert.Equal((blob, "P1", ReportNotification.Failed, false, null, ReturnIngestService.FailedUploadMessage), (told.Blob, told.Provider, told.Status, told.IsAccepted, told.Report, told.Message));
    }

    /// <summary>An NSP upload recorded <c>Failed</c> whose settling has not run (still in <c>returns</c>), on fresh storage.</summary>
    private async Task<(KpiPipelineOptions Names, PipelineStorage Plain, SubmissionEntry Failed)> FailedUploadAsync()
    {
        var (names, storage) = await NewPipelineAsync();
        var upload = await UploadAsync(storage, NspBlob, Nsp(20));
        var failed = new SubmissionEntry(NspBlob, upload, SubmissionState.Failed, 5, DateTimeOffset.UtcNow, Settled: false);
        await new SubmissionLedger(storage.Ledger).SaveAsync(failed, CancellationToken.None);
        return (names, storage, failed);
    }

    /// <summary>The same storage as <paramref name="names"/> name, its table requests passing <paramref name="policy"/> first.</summary>
    private PipelineStorage WatchedBy(KpiPipelineOptions names, BeforeFirstRowRequest policy)
    {
        var settings = StorageAccountSettings.FromConnectionString(azurite.ConnectionString);
        var tableOptions = new TableClientOptions();
        tableOptions.AddPolicy(policy, HttpPipelinePosition.PerCall);
        return new PipelineStorage(settings.CreateBlobServiceClient(), settings.CreateTableServiceClient(tableOptions),
            settings.CreateQueueServiceClient(), Options.Create(names));
    }

    /// <summary>Storage of unique names on Azurite with the reference data, and its options.</summary>
    private async Task<(KpiPipelineOptions Names, PipelineStorage Storage)> NewPipelineAsync()
    {
        var names = TestStorage.UniqueNames();
        var storage = PipelineStorage.Connect(StorageAccountSettings.FromConnectionString(azurite.ConnectionString), names);
        await SetUpAsync(storage);
        return (names, storage);
    }

    private static async Task SetUpAsync(PipelineStorage storage)
    {
        await storage.EnsureCreatedAsync(CancellationToken.None);
        await storage.Reference.GetBlobClient("providers.csv").UploadAsync(BinaryData.FromString(Providers), overwrite: true);
        await storage.Reference.GetBlobClient("areas.csv").UploadAsync(BinaryData.FromString(Areas), overwrite: true);
    }

    private static async Task<string> UploadAsync(PipelineStorage storage, string blob, string content) =>
        ReturnIngestService.UploadIdOf((await storage.Returns.GetBlobClient(blob).UploadAsync(
            BinaryData.FromBytes(Encoding.UTF8.GetBytes(content)), overwrite: true)).Value.ETag);

    private static ReturnIngestService Ingest(PipelineStorage storage, KpiPipelineOptions names, IIngestStepObserver steps, TimeProvider? time = null) => new(
        storage, new ProviderStates(storage, new NoStateWriteFaults()), new Pseudonymiser(PseudonymisationSecrets.Development),
        Options.Create(names), steps, time ?? TimeProvider.System, NullLogger<ReturnIngestService>.Instance);

    /// <summary>The ingest service as the stalled-upload sweep runs it, a little more than <c>StalledUploadMinutes</c> later.</summary>
    private static ReturnIngestService Sweep(PipelineStorage storage, KpiPipelineOptions names) =>
        Ingest(storage, names, new NoIngestFaults(), new Later(TimeSpan.FromMinutes(names.StalledUploadMinutes + 1)));

    private sealed class Later(TimeSpan by) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + by;
    }

    /// <summary>
    /// Runs <paramref name="before"/> ahead of the first request to one table's rows (an entity's address, or an insert into
    /// the table) that <paramref name="matches"/> (by its method): a place to pause an invocation, or to let another one
    /// act, at an exact step.
    /// </summary>
    private sealed class BeforeFirstRowRequest(string table, Func<RequestMethod, bool> matches, Func<Task> before) : HttpPipelinePolicy
    {
        private int seen;

        public bool Happened => seen == 1;

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            var path = message.Request.Uri.ToUri().AbsolutePath;
            if (matches(message.Request.Method)
                && (path.Contains($"/{table}(PartitionKey=", StringComparison.Ordinal) || path.EndsWith($"/{table}", StringComparison.Ordinal))
                && Interlocked.Exchange(ref seen, 1) == 0)
            {
                await before();
            }

            await ProcessNextAsync(message, pipeline);
        }

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) => ProcessNext(message, pipeline);
    }
}
