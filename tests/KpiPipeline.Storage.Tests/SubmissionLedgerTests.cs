using KpiPipeline.Pipeline.Storage;
using KpiPipeline.Testing;

namespace KpiPipeline.Storage.Tests;

/// <summary>The submissions ledger in Table storage: one row per upload, every field typed on the way back.</summary>
public sealed class SubmissionLedgerTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task Every_field_round_trips_with_its_type_and_precision()
    {
        var ledger = new SubmissionLedger((await TestStorage.CreateAsync(azurite)).Ledger);
        var entry = new SubmissionEntry("P1/2025-04/episodes.csv", "0x8DD1A2B3C4D5E6F", SubmissionState.Completed, 3,
            new DateTimeOffset(2025, 5, 3, 12, 34, 56, TimeSpan.Zero).AddTicks(1234567), Accepted: true, ProviderRegistered: true,
            Rows: 5_000_000_000, Errors: 0, Warnings: 7, SizeBytes: 104_857_600, Sha256: new string('a', 64),
            ReportBlob: "P1/2025-04/episodes.csv.x.report.json", CuratedBlob: "P1/2025-04/episodes/x.csv");

        await ledger.SaveAsync(entry, CancellationToken.None);

        Assert.Equal(entry, await ledger.GetAsync(entry.BlobName, entry.UploadId, CancellationToken.None));
    }

    [Fact]
    public async Task A_save_replaces_the_whole_row_so_fields_cleared_are_gone()
    {
        var storage = await TestStorage.CreateAsync(azurite);
        var ledger = new SubmissionLedger(storage.Ledger);
        var processing = new SubmissionEntry("P1/2025-04/nsp.csv", "u1", SubmissionState.Processing, 1, DateTimeOffset.UnixEpoch,
            Sha256: new string('b', 64), ReportBlob: "r.json");
        await ledger.SaveAsync(processing, CancellationToken.None);

        var failed = processing with { State = SubmissionState.Failed, Sha256 = null, ReportBlob = null };
        await ledger.SaveAsync(failed, CancellationToken.None);

        Assert.Equal(failed, await ledger.GetAsync(processing.BlobName, "u1", CancellationToken.None));
        var row = Assert.Single(await storage.Ledger.ContentsAsync());
        Assert.DoesNotContain("Sha256", row.Value, StringComparison.Ordinal);
        Assert.Contains("State=Failed", row.Value, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_upload_finished_by_a_racing_invocation_is_never_set_back_to_processing_or_failed()
    {
        var ledger = new SubmissionLedger((await TestStorage.CreateAsync(azurite)).Ledger);
        var processing = new SubmissionEntry("P1/2025-04/reviews.csv", "u1", SubmissionState.Processing, 1, DateTimeOffset.UnixEpoch);
        var completed = processing with { State = SubmissionState.Completed, Accepted = true, Rows = 12, ReportBlob = "r.json" };
        Assert.Equal(processing, await ledger.SaveAsync(processing, CancellationToken.None));
        Assert.Equal(completed, await ledger.SaveAsync(completed, CancellationToken.None));

        // The duplicate event's invocation read the row while it was Processing and writes its own attempt, or gives up.
        Assert.Equal(completed, await ledger.SaveAsync(processing with { Attempts = 2 }, CancellationToken.None));
        Assert.Equal(completed, await ledger.SaveAsync(processing with { State = SubmissionState.Failed, Attempts = 5 }, CancellationToken.None));

        Assert.Equal(completed, await ledger.GetAsync(processing.BlobName, "u1", CancellationToken.None));
    }

    [Fact]
    public async Task Of_invocations_racing_to_record_an_upload_the_completed_one_stands()
    {
        var ledger = new SubmissionLedger((await TestStorage.CreateAsync(azurite)).Ledger);
        var processing = new SubmissionEntry("P1/2025-04/nsp.csv", "u1", SubmissionState.Processing, 1, DateTimeOffset.UnixEpoch);
        var completed = processing with { State = SubmissionState.Completed, Accepted = true };

        await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(() => ledger.SaveAsync(
            i == 7 ? completed : processing with { Attempts = 1 + (i % 3) }, CancellationToken.None))));

        Assert.Equal(completed, await ledger.GetAsync(processing.BlobName, "u1", CancellationToken.None));
    }

    [Fact]
    public async Task Odd_blob_names_are_kept_exactly_and_unknown_uploads_are_absent()
    {
        var ledger = new SubmissionLedger((await TestStorage.CreateAsync(azurite)).Ledger);
        const string odd = "P1/2025-04/épisodes 'final' #2?.csv";
        var entry = new SubmissionEntry(odd, "u1", SubmissionState.Completed, 1, DateTimeOffset.UnixEpoch);

        await ledger.SaveAsync(entry, CancellationToken.None);

        Assert.Equal(entry, await ledger.GetAsync(odd, "u1", CancellationToken.None));
        Assert.Null(entry.Path);
        Assert.Null(await ledger.GetAsync(odd, "u2", CancellationToken.None));
        Assert.Null(await ledger.GetAsync("P9/2025-04/episodes.csv", "u1", CancellationToken.None));
    }

    [Fact]
    public async Task Completed_uploads_leave_out_those_still_processing_or_failed()
    {
        var ledger = new SubmissionLedger((await TestStorage.CreateAsync(azurite)).Ledger);
        var at = new DateTimeOffset(2025, 5, 10, 9, 0, 0, TimeSpan.Zero);
        await ledger.SaveAsync(new SubmissionEntry("P1/2025-04/episodes.csv", "a", SubmissionState.Completed, 1, at, Accepted: true, ProviderRegistered: true), CancellationToken.None);
        await ledger.SaveAsync(new SubmissionEntry("P1/2025-04/episodes.csv", "b", SubmissionState.Completed, 1, at.AddDays(1)), CancellationToken.None);
        await ledger.SaveAsync(new SubmissionEntry("P2/2025-04/episodes.csv", "c", SubmissionState.Processing, 1, at), CancellationToken.None);
        await ledger.SaveAsync(new SubmissionEntry("P3/2025-04/episodes.csv", "d", SubmissionState.Failed, 5, at), CancellationToken.None);

        var completed = await ledger.CompletedUploadsAsync(CancellationToken.None);

        Assert.Equal([(at, true, true), (at.AddDays(1), false, false)],
            completed.OrderBy(u => u.UploadedAt).Select(u => (u.UploadedAt, u.Accepted, u.ProviderRegistered)));
        Assert.All(completed, u => Assert.Equal("P1", u.Path!.ProviderCode));
    }

    [Fact]
    public async Task One_of_racing_claims_wins_the_notification_and_the_others_wait_until_it_is_marked_sent()
    {
        var ledger = await NewLedgerAsync();
        var entry = Completed("P1/2025-04/episodes.csv", "u1");
        var (at, lease) = (ClaimedAt, Lease);

        var claims = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => ledger.ClaimNotificationAsync(entry, NotificationKind.Report, at, lease, CancellationToken.None)));

        var won = Assert.Single(claims, c => c.ClaimETag is not null);
        Assert.All(claims.Where(c => c != won), c => Assert.Equal(NotificationClaim.HeldElsewhere, c));
        await ledger.MarkNotificationSentAsync(entry, NotificationKind.Report, won.ClaimETag!.Value, at.AddSeconds(1), CancellationToken.None);
        Assert.Equal(NotificationClaim.AlreadySent, await ledger.ClaimNotificationAsync(entry, NotificationKind.Report, at.AddSeconds(2), lease, CancellationToken.None));
        Assert.Equal(NotificationClaim.AlreadySent, await ledger.ClaimNotificationAsync(entry, NotificationKind.Report, at.AddHours(1), lease, CancellationToken.None));
        Assert.Null(await ledger.GetAsync(entry.BlobName, entry.UploadId, CancellationToken.None));
    }

    [Fact]
    public async Task A_claim_left_unsent_past_its_lease_is_taken_over_once_and_its_first_holder_cannot_mark_it()
    {
        var ledger = await NewLedgerAsync();
        var entry = Completed("P1/2025-04/nsp.csv", "u2");
        var (at, lease) = (ClaimedAt, Lease);
        var killed = await ledger.ClaimNotificationAsync(entry, NotificationKind.Report, at, lease, CancellationToken.None);

        // Still within the lease (29 s): the holder may yet send. At 30 s it is overtaken, by one of two racing callers.
        Assert.Equal(NotificationClaim.HeldElsewhere, await ledger.ClaimNotificationAsync(entry, NotificationKind.Report, at.AddSeconds(29), lease, CancellationToken.None));
        var overtaking = await Task.WhenAll(
            ledger.ClaimNotificationAsync(entry, NotificationKind.Report, at.AddSeconds(30), lease, CancellationToken.None),
            ledger.ClaimNotificationAsync(entry, NotificationKind.Report, at.AddSeconds(30), lease, CancellationToken.None));
        var taken = Assert.Single(overtaking, c => c.ClaimETag is not null);

        // The first holder's late mark does not count; the new holder's does.
        await ledger.MarkNotificationSentAsync(entry, NotificationKind.Report, killed.ClaimETag!.Value, at.AddSeconds(31), CancellationToken.None);
        Assert.Equal(NotificationClaim.HeldElsewhere, await ledger.ClaimNotificationAsync(entry, NotificationKind.Report, at.AddSeconds(32), lease, CancellationToken.None));
        await ledger.MarkNotificationSentAsync(entry, NotificationKind.Report, taken.ClaimETag!.Value, at.AddSeconds(33), CancellationToken.None);
        Assert.Equal(NotificationClaim.AlreadySent, await ledger.ClaimNotificationAsync(entry, NotificationKind.Report, at.AddMinutes(5), lease, CancellationToken.None));
    }

    /// <summary>
    /// A failed upload's notification ("it could not be processed") is claimed apart from its report's: a duplicate
    /// invocation that completes the upload after the failure was told still tells the provider its report is ready. Neither
    /// claim is listed as an upload.
    /// </summary>
    [Fact]
    public async Task A_failed_uploads_notification_is_claimed_apart_from_its_reports_and_neither_claim_is_an_upload()
    {
        var ledger = await NewLedgerAsync();
        var failed = new SubmissionEntry("P1/2025-04/nsp.csv", "u6", SubmissionState.Failed, 5, DateTimeOffset.UnixEpoch, Settled: false);
        await ledger.SaveAsync(failed, CancellationToken.None);
        var failure = (await ledger.ClaimNotificationAsync(failed, NotificationKind.Failure, ClaimedAt, Lease, CancellationToken.None)).ClaimETag;
        await ledger.MarkNotificationSentAsync(failed, NotificationKind.Failure, failure!.Value, ClaimedAt, CancellationToken.None);
        Assert.Equal(NotificationClaim.AlreadySent, await ledger.ClaimNotificationAsync(failed, NotificationKind.Failure, ClaimedAt.AddMinutes(1), Lease, CancellationToken.None));

        var completed = failed with { State = SubmissionState.Completed, Accepted = true, Settled = true };
        await ledger.SaveAsync(completed, CancellationToken.None);
        Assert.NotNull((await ledger.ClaimNotificationAsync(completed, NotificationKind.Report, ClaimedAt.AddMinutes(2), Lease, CancellationToken.None)).ClaimETag);

        Assert.Equal([completed], await ledger.UploadsOfAsync(completed.Path!, CancellationToken.None));
        Assert.Equal([completed], await ledger.CompletedEntriesAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_stalled_upload_is_recorded_failed_only_if_its_row_is_as_listed()
    {
        var ledger = await NewLedgerAsync();
        var processing = new SubmissionEntry("P1/2025-04/nsp.csv", "u5", SubmissionState.Processing, 1, DateTimeOffset.UnixEpoch);
        await ledger.SaveAsync(processing, CancellationToken.None);
        var (listed, row) = Assert.Single(await ledger.StalledAsync(DateTimeOffset.UtcNow.AddMinutes(1), CancellationToken.None));
        Assert.Equal(processing, listed);

        // A new try of the upload since the listing: the sweep leaves it to run.
        await ledger.SaveAsync(processing with { Attempts = 2 }, CancellationToken.None);
        Assert.False(await ledger.SaveIfUnchangedAsync(listed with { State = SubmissionState.Failed, Settled = false }, row, CancellationToken.None));
        var current = await ledger.GetAsync(processing.BlobName, "u5", CancellationToken.None);
        Assert.Equal((SubmissionState.Processing, 2), (current!.State, current.Attempts));

        // Listed again, unchanged: recorded; unsettled, it is listed again until settled.
        var (again, againRow) = Assert.Single(await ledger.StalledAsync(DateTimeOffset.UtcNow.AddMinutes(1), CancellationToken.None));
        Assert.True(await ledger.SaveIfUnchangedAsync(again with { State = SubmissionState.Failed, Settled = false }, againRow, CancellationToken.None));
        Assert.Equal(SubmissionState.Failed, Assert.Single(await ledger.StalledAsync(DateTimeOffset.UtcNow.AddMinutes(1), CancellationToken.None)).Entry.State);
        await ledger.SaveAsync(again with { State = SubmissionState.Failed, Settled = true }, CancellationToken.None);
        Assert.Empty(await ledger.StalledAsync(DateTimeOffset.UtcNow.AddMinutes(1), CancellationToken.None));
    }

    [Fact]
    public async Task A_released_claim_is_won_again()
    {
        var ledger = await NewLedgerAsync();
        var entry = Completed("P1/2025-04/reviews.csv", "u3") with { Accepted = false };
        var won = (await ledger.ClaimNotificationAsync(entry, NotificationKind.Report, ClaimedAt, Lease, CancellationToken.None)).ClaimETag;
        Assert.NotNull(won);

        await ledger.ReleaseNotificationClaimAsync(entry, NotificationKind.Report, won.Value, CancellationToken.None);

        Assert.NotNull((await ledger.ClaimNotificationAsync(entry, NotificationKind.Report, ClaimedAt.AddSeconds(1), Lease, CancellationToken.None)).ClaimETag);
    }

    [Fact]
    public async Task A_claim_taken_over_and_sent_is_not_given_back_by_the_holder_whose_lease_ran_out()
    {
        var ledger = await NewLedgerAsync();
        var entry = Completed("P1/2025-04/nsp.csv", "u4");
        var slow = (await ledger.ClaimNotificationAsync(entry, NotificationKind.Report, ClaimedAt, Lease, CancellationToken.None)).ClaimETag!.Value;
        var taken = (await ledger.ClaimNotificationAsync(entry, NotificationKind.Report, ClaimedAt + Lease, Lease, CancellationToken.None)).ClaimETag!.Value;
        await ledger.MarkNotificationSentAsync(entry, NotificationKind.Report, taken, ClaimedAt + Lease + TimeSpan.FromSeconds(1), CancellationToken.None);

        // The slow holder's send fails at last, and it gives back what it claimed: the sent mark of the new holder stays.
        await ledger.ReleaseNotificationClaimAsync(entry, NotificationKind.Report, slow, CancellationToken.None);

        Assert.Equal(NotificationClaim.AlreadySent, await ledger.ClaimNotificationAsync(entry, NotificationKind.Report, ClaimedAt.AddMinutes(5), Lease, CancellationToken.None));
    }

    private static readonly DateTimeOffset ClaimedAt = new(2025, 5, 10, 9, 0, 0, TimeSpan.Zero);

    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    private async Task<SubmissionLedger> NewLedgerAsync() => new((await TestStorage.CreateAsync(azurite)).Ledger);

    private static SubmissionEntry Completed(string blobName, string uploadId) =>
        new(blobName, uploadId, SubmissionState.Completed, 1, DateTimeOffset.UnixEpoch, Accepted: true);
}
