using System.Security.Cryptography;
using System.Text;
using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using KpiPipeline.Core.Dataset;
using KpiPipeline.Core.Pseudonymisation;
using KpiPipeline.Core.Validation;
using KpiPipeline.Pipeline.Reports;
using KpiPipeline.Pipeline.State;
using KpiPipeline.Pipeline.Storage;
using KpiPipeline.Pipeline.Validation;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KpiPipeline.Pipeline.Ingest;

/// <summary>
/// Ingests one uploaded return file: validate (streaming) → store the curated copy under a name unique to the upload →
/// commit it as the accepted version → store the reports → record the ledger → delete or quarantine the raw upload.
/// Every step is idempotent and the commit is a single conditional table write, so a rerun of the same blob, or a retry
/// after a crash between any two steps, ends in the same state as one clean run; a rejected file changes nothing but its
/// report, ledger row and quarantine copy.
/// </summary>
public sealed class ReturnIngestService(
    PipelineStorage storage,
    ProviderStates states,
    Pseudonymiser pseudonymiser,
    IOptions<KpiPipelineOptions> options,
    IIngestStepObserver steps,
    TimeProvider time,
    ILogger<ReturnIngestService> logger)
{
    /// <summary>
    /// How long a notification claim may stay unsent before another invocation takes it over: far longer than one queue
    /// message and one table write take, so only a claimer that died is overtaken.
    /// </summary>
    public static readonly TimeSpan NotificationLease = TimeSpan.FromSeconds(30);

    private readonly SubmissionLedger ledger = new(storage.Ledger);
    private readonly AcceptedReturnsIndex index = new(storage.AcceptedReturns);
    private readonly ProviderHistories histories = new(states, new AcceptedReturnsIndex(storage.AcceptedReturns), new CuratedReturns(storage.Curated));
    private readonly ProviderUploads providerUploads = new(storage.ProviderUploads);
    private readonly ValidationReportWriter reports = new(new BlobReportStore(storage.Reports), ReportFiles.EveryUpload);

    public async Task<IngestOutcome> IngestAsync(string blobName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blobName);
        await storage.EnsureCreatedAsync(cancellationToken);
        if (!IsAddressable(blobName))
        {
            // Read, copied or deleted through the client, it would be another blob, perhaps in another container.
            logger.LogWarning("An upload whose name the storage client cannot address ('.' or '..' segments, a trailing '/') is left in returns (docs/ingest.md, Known limits)");
            return new IngestOutcome(blobName, IngestStatus.NotFound, 0, 0, 0, null);
        }

        var properties = await storage.Returns.GetBlobClient(blobName).GetPropertiesOrNullAsync(cancellationToken);
        if (properties is null)
        {
            logger.LogInformation("Upload {Blob} is no longer in the returns container; nothing to do", blobName);
            return new IngestOutcome(blobName, IngestStatus.NotFound, 0, 0, 0, null);
        }

        var uploadId = UploadIdOf(properties.ETag);
        var entry = await ledger.GetAsync(blobName, uploadId, cancellationToken);
        if (entry is { State: not SubmissionState.Processing })
        {
            return await AlreadyProcessedAsync(entry, properties.ETag, cancellationToken);
        }

        var attempts = (entry?.Attempts ?? 0) + 1;
        var processing = new SubmissionEntry(blobName, uploadId, SubmissionState.Processing, attempts, UploadTimeOf(properties));
        if (attempts > options.Value.MaxIngestAttempts)
        {
            var failed = await RecordFailedAsync(processing with { Attempts = attempts - 1 }, properties.ETag, null, cancellationToken);
            return failed.State == SubmissionState.Failed ? Outcome(failed, IngestStatus.Failed) : await AlreadyProcessedAsync(failed, properties.ETag, cancellationToken);
        }

        if (await ledger.SaveAsync(processing, cancellationToken) is { State: not SubmissionState.Processing } finished)
        {
            // A racing invocation of the same upload (a duplicate event) finished it between the read above and this write.
            return await AlreadyProcessedAsync(finished, properties.ETag, cancellationToken);
        }

        SubmissionEntry done;
        try
        {
            done = await ProcessAsync(processing, properties.ETag, cancellationToken);
        }
        catch (Exception e) when (attempts >= options.Value.MaxIngestAttempts && e is not OperationCanceledException)
        {
            // The last attempt the host makes (it poisons a blob after five failures): record the failure, quarantine the
            // upload, and fail the invocation so the host's poison queue has it too.
            await RecordFailedAsync(processing, properties.ETag, e, cancellationToken);
            throw;
        }

        await DisposeRawAsync(done, properties.ETag, cancellationToken);
        await steps.AfterAsync(IngestStep.RawDisposed, blobName, cancellationToken);
        logger.LogInformation("Upload {Blob} {Status}: {Rows} rows, {Errors} errors, {Warnings} warnings",
            blobName, done.Accepted ? "accepted" : "rejected", done.Rows, done.Errors, done.Warnings);
        return Outcome(done, done.Accepted ? IngestStatus.Accepted : IngestStatus.Rejected);
    }

    /// <summary>
    /// Records as failed every upload left <c>Processing</c> for <see cref="KpiPipelineOptions.StalledUploadMinutes"/>: one
    /// the host stopped trying without the last try recording it (the worker killed or the attempt cancelled on the host's
    /// last try; attempts that failed before the ledger counted them), or one whose retry found a replacement at its path and
    /// took that up instead; and settles every upload recorded <c>Failed</c> whose settling did not finish (storage failing
    /// after the ledger write). Each is recorded and settled as after the host's last attempt (<see cref="RecordFailedAsync"/>),
    /// the ledger write conditional on the row as listed, so a try that started since is left to run. A row that cannot be
    /// recorded does not stop the others; the invocation fails at the end. Returns the uploads recorded or settled.
    /// </summary>
    public async Task<IReadOnlyList<SubmissionEntry>> RecordStalledAsync(CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        var minutes = options.Value.StalledUploadMinutes;
        if (minutes < MinimumStalledUploadMinutes)
        {
            logger.LogWarning("StalledUploadMinutes is {Minutes}, under the function timeout of {Timeout} minutes: a live attempt may be recorded as failed", minutes, MinimumStalledUploadMinutes);
        }

        var recorded = new List<SubmissionEntry>();
        var errors = new List<Exception>();
        var cutoff = time.GetUtcNow() - TimeSpan.FromMinutes(minutes);
        foreach (var (entry, row) in await ledger.StalledAsync(cutoff, cancellationToken))
        {
            try
            {
                var failed = entry with { State = SubmissionState.Failed, Settled = false };
                if (entry.State == SubmissionState.Processing && !await ledger.SaveIfUnchangedAsync(failed, row, cancellationToken))
                {
                    continue;
                }

                // The upload's own ETag: a replacement at the path (another ETag) is never quarantined or deleted in its stead.
                if (await SettleFailedAsync(failed, ETagOf(entry.UploadId), cancellationToken) is { State: SubmissionState.Failed } settled)
                {
                    recorded.Add(settled);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Stalled upload {Blob} ({Upload}) could not be recorded as failed; the next sweep tries again", entry.BlobName, entry.UploadId);
                errors.Add(e);
            }
        }

        await IngestLeftInReturnsAsync(cutoff, errors, cancellationToken);
        return errors.Count == 0 ? recorded : throw new AggregateException("Some stalled uploads could not be recorded as failed, or uploads left in returns ingested.", errors);
    }

    /// <summary>The most uploads one sweep ingests: the rest wait for the next sweep.</summary>
    public const int MaxUnannouncedUploadsPerSweep = 100;

    /// <summary>
    /// Ingests again every upload still in <c>returns</c> since before <paramref name="cutoff"/>, which the ingest would have
    /// disposed of: one no event brought (Event Grid gives up on an event after 24 hours of retries, and its subscription
    /// has no dead-letter destination), or one finished whose raw file was never deleted (a process killed at the last
    /// step). One still <c>Processing</c> is left to its tries and to the stalled check above. The ingest is idempotent: an
    /// upload done changes nothing but the raw file's disposal, and an event that does come late changes nothing.
    /// <c>returns</c> holds only uploads not yet disposed of, so the listing is short. Names the storage client cannot
    /// address are skipped.
    /// </summary>
    private async Task IngestLeftInReturnsAsync(DateTimeOffset cutoff, List<Exception> errors, CancellationToken cancellationToken)
    {
        var ingested = 0;
        await foreach (var blob in storage.Returns.GetBlobsAsync(cancellationToken: cancellationToken))
        {
            if (blob.Properties.LastModified is not { } modified || modified > cutoff || !IsAddressable(blob.Name) || blob.Properties.ETag is not { } etag)
            {
                continue;
            }

            // An upload being tried is left to its tries (the host's, perhaps of an event delivered late) and, once they
            // stall, to the first half of the sweep: another try here would use up their attempts and could record failed,
            // quarantine and tell "failed" an upload the live try then accepts.
            if (await ledger.GetAsync(blob.Name, UploadIdOf(etag), cancellationToken) is { State: SubmissionState.Processing })
            {
                continue;
            }

            if (++ingested > MaxUnannouncedUploadsPerSweep)
            {
                break;
            }

            try
            {
                await IngestAsync(blob.Name, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "An upload left in returns ({Upload}) could not be ingested; a later sweep tries again", UploadIdOf(etag));
                errors.Add(e);
            }
        }

        if (ingested > 0)
        {
            logger.LogWarning("{Count} uploads were still in returns after StalledUploadMinutes and were ingested again by the sweep", Math.Min(ingested, MaxUnannouncedUploadsPerSweep));
        }
    }

    /// <summary>
    /// Whether the storage client addresses the blob named <paramref name="blobName"/> in <c>returns</c>: <c>System.Uri</c>
    /// removes or resolves <c>.</c> and <c>..</c> segments (<c>P1/../../reference/providers.csv</c> would be
    /// <c>reference/providers.csv</c>), so such a name is never read, copied or deleted through it.
    /// </summary>
    private bool IsAddressable(string blobName)
    {
        var addressed = new BlobUriBuilder(storage.Returns.GetBlobClient(blobName).Uri);
        return addressed.BlobContainerName == storage.Returns.Name && addressed.BlobName == blobName;
    }

    /// <summary>host.json's function timeout, in minutes: an attempt can run no longer.</summary>
    public const int MinimumStalledUploadMinutes = 30;

    /// <summary>
    /// An upload the ledger holds as finished: a completed one's notification and state refresh are made sure of (both
    /// idempotent), and the raw upload is disposed of. A failed one is settled again (<see cref="SettleFailedAsync"/>, every
    /// step of which can be repeated): a duplicate invocation of the upload may have committed it after its failure was
    /// settled.
    /// </summary>
    private async Task<IngestOutcome> AlreadyProcessedAsync(SubmissionEntry entry, ETag etag, CancellationToken cancellationToken)
    {
        if (entry.State == SubmissionState.Failed)
        {
            return Outcome(await SettleFailedAsync(entry, etag, cancellationToken), IngestStatus.AlreadyProcessed);
        }

        if (entry.State == SubmissionState.Completed)
        {
            await NotifyOnceAsync(entry, NotificationKind.Report, stillToTell: null, cancellationToken);
            await QueueStateRefreshAsync(entry, cancellationToken);
        }

        await DisposeRawAsync(entry, etag, cancellationToken);
        return Outcome(entry, IngestStatus.AlreadyProcessed);
    }

    private async Task<SubmissionEntry> ProcessAsync(SubmissionEntry upload, ETag etag, CancellationToken cancellationToken)
    {
        var reference = await storage.LoadReferenceAsync(cancellationToken);
        var path = upload.Path;
        var history = path is null ? null : await histories.ForAsync(path, cancellationToken);
        var context = ValidationContexts.For(
            new ValidationSettings(reference, pseudonymiser, options.Value.MaxReturnFileBytes), path, upload.UploadedAt, history?.Fold, history?.OpenBefore);

        await using var staged = new FileStream(
            Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
        ValidationReport report;
        long uploadBytes;
        using (var download = await DownloadUploadAsync(upload.BlobName, etag, cancellationToken))
        {
            uploadBytes = download.Details.ContentLength;
            using var sink = new CuratedCsvWriter(staged, path?.Kind ?? ReturnFileKind.Episodes, leaveOpen: true);
            report = await ReturnValidator.ValidateAsync(upload.BlobName, download.Content, context, sink, cancellationToken);
            sink.Flush();
        }

        await steps.AfterAsync(IngestStep.Validated, upload.BlobName, cancellationToken);
        AcceptedVersion? version = null;
        if (report.Accepted && path is not null)
        {
            version = new AcceptedVersion(path, upload.UploadId, upload.UploadedAt, CuratedReturns.BlobNameOf(path, upload.UploadId), report.RowsRead)
            {
                UploadBlob = upload.BlobName,
            };
            staged.Position = 0;
            await storage.Curated.GetBlobClient(version.CuratedBlob).UploadAsync(staged, WithContentType("text/csv"), cancellationToken);
            await steps.AfterAsync(IngestStep.CuratedStored, upload.BlobName, cancellationToken);
            await index.CommitAsync(version, token => IsCurrentBlobAsync(upload, token), cancellationToken);
            await steps.AfterAsync(IngestStep.Committed, upload.BlobName, cancellationToken);
        }

        var reportBlob = await reports.WriteAsync($"{NameOfUpload(upload.BlobName)}.{upload.UploadId}", report, cancellationToken);
        await steps.AfterAsync(IngestStep.Reported, upload.BlobName, cancellationToken);

        var completed = upload with
        {
            State = SubmissionState.Completed,
            Accepted = report.Accepted,
            ProviderRegistered = path is not null && reference.FindProvider(path.ProviderCode) is not null,
            Rows = report.RowsRead,
            Errors = report.ErrorCount,
            Warnings = report.WarningCount,
            // The size read, or of the blob for an upload refused unread or part-read (F01, F02, F09), which has no SHA-256.
            SizeBytes = report.SizeBytes ?? uploadBytes,
            Sha256 = report.Sha256,
            ReportBlob = reportBlob,
            CuratedBlob = version?.CuratedBlob,
        };
        await ledger.SaveAsync(completed, cancellationToken);
        if (version is not null)
        {
            // Again, now that the ledger says Completed (a no-op unless it was withdrawn): an invocation of this upload that
            // recorded it failed meanwhile may have taken it out of force after reading the ledger while it said Processing.
            await index.CommitAsync(version, token => IsCurrentBlobAsync(upload, token), cancellationToken);
        }

        await NotifyOnceAsync(completed, NotificationKind.Report, stillToTell: null, cancellationToken);
        await steps.AfterAsync(IngestStep.Recorded, upload.BlobName, cancellationToken);
        await QueueStateRefreshAsync(completed, cancellationToken);
        await steps.AfterAsync(IngestStep.StateRefreshQueued, upload.BlobName, cancellationToken);
        return completed;
    }

    /// <summary>
    /// Tells the provider its report is ready (<see cref="NotificationKind.Report"/>) or that its upload could not be
    /// processed (<see cref="NotificationKind.Failure"/>), once per upload and kind: the invocation that claims the
    /// notification in the ledger sends it and marks it sent; any other (a duplicate event, a rerun after a crash) waits
    /// until it is marked sent. A rerun that finds the upload completed but unclaimed (a crash between the ledger write and
    /// the claim, or a send that failed and gave its claim back) sends it then; a claim left unsent for
    /// <see cref="NotificationLease"/> (a process killed between the claim and the send) is taken over by the next
    /// invocation, which waits for the lease to run out. <paramref name="stillToTell"/>, asked once the claim is won and
    /// just before the send, can find that there is nothing to tell any more: the claim is then marked done unsent.
    /// </summary>
    private async Task NotifyOnceAsync(
        SubmissionEntry upload, NotificationKind kind, Func<CancellationToken, Task<bool>>? stillToTell, CancellationToken cancellationToken)
    {
        var wait = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            var claim = await ledger.ClaimNotificationAsync(upload, kind, time.GetUtcNow(), NotificationLease, cancellationToken);
            if (claim.Sent)
            {
                return;
            }

            if (claim.ClaimETag is { } won)
            {
                if (stillToTell is null || await StillToTellAsync(upload, kind, won, stillToTell, cancellationToken))
                {
                    await SendNotificationAsync(upload, kind, won, cancellationToken);
                }

                await ledger.MarkNotificationSentAsync(upload, kind, won, time.GetUtcNow(), cancellationToken);
                return;
            }

            await Task.Delay(wait, time, cancellationToken);
            wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
        }
    }

    /// <summary>Asks <paramref name="stillToTell"/>; a question that fails gives the claim back, as a send that fails does.</summary>
    private async Task<bool> StillToTellAsync(
        SubmissionEntry upload, NotificationKind kind, ETag claim, Func<CancellationToken, Task<bool>> stillToTell, CancellationToken cancellationToken)
    {
        try
        {
            return await stillToTell(cancellationToken);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            await ledger.ReleaseNotificationClaimAsync(upload, kind, claim, CancellationToken.None);
            throw;
        }
    }

    private async Task SendNotificationAsync(SubmissionEntry upload, NotificationKind kind, ETag claim, CancellationToken cancellationToken)
    {
        try
        {
            await storage.ReportNotifications.SendMessageAsync(JsonSerializer.Serialize(NotificationOf(upload)), cancellationToken: cancellationToken);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // Not sent: give the claim back so that the host's retry of this invocation (or a racing one) sends it.
            await ledger.ReleaseNotificationClaimAsync(upload, kind, claim, CancellationToken.None);
            throw;
        }
    }

    /// <summary>What the provider is told about an upload (docs/ingest.md, "Notifications").</summary>
    private static ReportNotification NotificationOf(SubmissionEntry upload)
    {
        var failed = upload.State == SubmissionState.Failed;
        return new ReportNotification(
            upload.BlobName,
            upload.UploadId,
            upload.Path?.ProviderCode,
            failed ? ReportNotification.Failed : upload.Accepted ? ReportNotification.Accepted : ReportNotification.Rejected,
            upload.Accepted,
            upload.Errors,
            upload.Warnings,
            upload.ReportBlob,
            failed ? FailedUploadMessage : null);
    }

    /// <summary>
    /// What a provider whose upload could not be processed is told (the ledger and the logs hold the cause). A report of the
    /// same upload supersedes it, whichever arrives first (a duplicate invocation may yet complete the upload).
    /// </summary>
    public const string FailedUploadMessage =
        "This upload could not be processed, so it has no validation report and nothing from it is in use; the version of "
        + "this return accepted before it, if any, still is. Please upload it again, and contact the data team if it fails "
        + "again. If a report of this same upload reaches you, it replaces this message.";

    /// <summary>
    /// Lists a completed upload of a registered provider in the provider uploads table and asks for the provider's state to
    /// be brought up to date (the queue-triggered <c>RefreshProviderState</c>). Both are idempotent, and a rerun of an
    /// upload found completed does them again, so no completed upload is missing from its provider's state once the queue
    /// is worked off. Uploads of other paths count in no KPI and leave no state.
    /// </summary>
    private async Task QueueStateRefreshAsync(SubmissionEntry completed, CancellationToken cancellationToken)
    {
        if (completed.Path is not { } path || !completed.ProviderRegistered)
        {
            return;
        }

        await providerUploads.RecordAsync(
            new ProviderUpload(completed.BlobName, path, completed.UploadId, completed.UploadedAt, completed.Accepted), cancellationToken);
        await RequestStateRefreshAsync(path.ProviderCode, cancellationToken);
    }

    /// <summary>Asks the queue-triggered <c>RefreshProviderState</c> to bring the provider's state up to date.</summary>
    private async Task RequestStateRefreshAsync(string providerCode, CancellationToken cancellationToken) =>
        await storage.ProviderStateRefreshes.SendMessageAsync(providerCode, cancellationToken: cancellationToken);

    /// <summary>
    /// Records an upload that kept failing as Failed in the ledger and quarantines its raw file; returns what the ledger
    /// holds, which is the Completed entry (left as it is, raw file not quarantined) when a racing invocation completed it.
    /// An upload that failed after its commit (its report or ledger write kept failing) is taken out of force again, the
    /// path's latest other accepted upload put back, and its provider's state refreshed: an upload never reported accepted
    /// must not count in the KPIs.
    /// </summary>
    private async Task<SubmissionEntry> RecordFailedAsync(SubmissionEntry upload, ETag etag, Exception? error, CancellationToken cancellationToken)
    {
        var stored = await ledger.SaveAsync(upload with { State = SubmissionState.Failed, Settled = false }, cancellationToken);
        if (stored.State != SubmissionState.Failed)
        {
            return stored;
        }

        logger.LogError(error, "Upload {Blob} failed {Attempts} times and is recorded as failed", stored.BlobName, stored.Attempts);
        return await SettleFailedAsync(stored, etag, cancellationToken);
    }

    /// <summary>
    /// Settles an upload recorded <c>Failed</c> (unsettled): takes it out of force if it was committed, queues its provider's
    /// state refresh, quarantines its raw file, tells the provider it failed (once), then marks it settled. Every step can be
    /// done again, so a settling cut short is finished by <see cref="RecordStalledAsync"/>. Returns what the ledger holds
    /// afterwards (Completed when a duplicate invocation completed the upload meanwhile).
    /// </summary>
    private async Task<SubmissionEntry> SettleFailedAsync(SubmissionEntry failed, ETag etag, CancellationToken cancellationToken)
    {
        if (failed.Path is { } path)
        {
            await WithdrawIfCommittedAsync(failed, path, cancellationToken);

            // Every time, not only when this call withdrew it: a settling cut short after the withdrawal is finished by one
            // that finds nothing to withdraw. Only a registered provider has a state.
            if ((await storage.LoadReferenceAsync(cancellationToken)).FindProvider(path.ProviderCode) is not null)
            {
                await RequestStateRefreshAsync(path.ProviderCode, cancellationToken);
            }
        }

        await DisposeRawAsync(failed, etag, cancellationToken);

        // Told once that it failed, before the settled mark, so a settling cut short before the send is finished by the sweep.
        await NotifyOnceAsync(failed, NotificationKind.Failure, token => IsStillToBeToldItFailedAsync(failed, token), cancellationToken);
        return await ledger.SaveAsync(failed with { Settled = true }, cancellationToken);
    }

    /// <summary>
    /// Whether a failed upload's provider is still to be told it failed, asked just before the send: not when a duplicate
    /// invocation has completed it meanwhile (that one sends its report), nor when a later upload of the same path (or blob
    /// name) has superseded it, whose own report is what the provider needs; "upload it again" would have them put the
    /// superseded file back over its correction. Upload times have one-second resolution: an upload of the same second
    /// counts as later unless it failed too (counted the other way, the earlier of two uploads within one second would be
    /// told to come back; two failed uploads of one second are both told, not both silenced).
    /// </summary>
    private async Task<bool> IsStillToBeToldItFailedAsync(SubmissionEntry failed, CancellationToken cancellationToken)
    {
        if (await ledger.GetAsync(failed.BlobName, failed.UploadId, cancellationToken) is not { State: SubmissionState.Failed })
        {
            return false;
        }

        if (await CurrentUploadIdAsync(failed.BlobName, cancellationToken) is { } current && current != failed.UploadId)
        {
            return false;
        }

        var others = failed.Path is { } path
            ? await ledger.UploadsOfAsync(path, cancellationToken)
            : await ledger.UploadsOfBlobAsync(failed.BlobName, cancellationToken);
        return !others.Any(e => e.UploadId != failed.UploadId
            && (e.UploadedAt > failed.UploadedAt || (e.UploadedAt == failed.UploadedAt && e.State != SubmissionState.Failed)));
    }

    private async Task WithdrawIfCommittedAsync(SubmissionEntry failed, ReturnPath path, CancellationToken cancellationToken)
    {
        var previous = (await ledger.UploadsOfAsync(path, cancellationToken))
            .Where(e => e.UploadId != failed.UploadId && e is { State: SubmissionState.Completed, Accepted: true, CuratedBlob: not null })
            .MaxBy(e => e.UploadedAt);
        if (!await index.WithdrawAsync(path, failed.UploadId, previous is null ? null : VersionOf(previous, path), cancellationToken))
        {
            return;
        }

        logger.LogWarning("Upload {Blob} was committed before it failed; the version in force is {Previous} again", failed.BlobName, previous?.UploadId ?? "none");

        // A duplicate invocation of the same upload may have completed it meanwhile (Completed wins in the ledger): it was
        // reported accepted, so it goes back in force, unless a later upload is.
        if (await ledger.GetAsync(failed.BlobName, failed.UploadId, cancellationToken) is { State: SubmissionState.Completed, Accepted: true, CuratedBlob: not null } completed)
        {
            await index.CommitAsync(VersionOf(completed, path), token => IsCurrentBlobAsync(completed, token), cancellationToken);
        }
    }

    private static AcceptedVersion VersionOf(SubmissionEntry upload, ReturnPath path) =>
        new(path, upload.UploadId, upload.UploadedAt, upload.CuratedBlob!, upload.Rows) { UploadBlob = upload.BlobName };

    /// <summary>
    /// Whether <paramref name="upload"/> is the latest upload of its return: still the blob at its name, and no upload of the
    /// return under another name (the provider folder in another case) accepted later. Asked only when the version in force
    /// is not older and the index cannot tell by its <see cref="AcceptedVersion.UploadBlob"/> (the same name, or a row
    /// committed before it was kept), so the ledger scan of the second half is rare.
    /// </summary>
    private async Task<bool> IsCurrentBlobAsync(SubmissionEntry upload, CancellationToken cancellationToken) =>
        await CurrentUploadIdAsync(upload.BlobName, cancellationToken) == upload.UploadId
        && (upload.Path is not { } path
            || !(await ledger.UploadsOfAsync(path, cancellationToken)).Any(e =>
                e.BlobName != upload.BlobName && e is { State: SubmissionState.Completed, Accepted: true } && e.UploadedAt > upload.UploadedAt));

    /// <summary>The upload id of the blob now at <paramref name="blobName"/> in <c>returns</c>; null when there is none.</summary>
    private async Task<string?> CurrentUploadIdAsync(string blobName, CancellationToken cancellationToken) =>
        await storage.Returns.GetBlobClient(blobName).GetPropertiesOrNullAsync(cancellationToken) is { } current ? UploadIdOf(current.ETag) : null;

    /// <summary>Accepted: delete the raw upload. Rejected or failed: copy it to quarantine beside its report, then delete it.
    /// The delete is conditional on the ETag, so a newer upload of the same path is never removed.</summary>
    private async Task DisposeRawAsync(SubmissionEntry entry, ETag etag, CancellationToken cancellationToken)
    {
        var raw = storage.Returns.GetBlobClient(entry.BlobName);
        var unchanged = new BlobRequestConditions { IfMatch = etag };
        if (!entry.Accepted)
        {
            var quarantined = QuarantineBlobName(entry);
            if (await storage.Quarantine.GetBlobClient(quarantined).GetPropertiesOrNullAsync(cancellationToken) is null)
            {
                try
                {
                    using var download = (await raw.DownloadStreamingAsync(new BlobDownloadOptions { Conditions = unchanged }, cancellationToken)).Value;
                    await storage.Quarantine.GetBlobClient(quarantined).UploadAsync(download.Content, WithContentType("text/csv"), cancellationToken);
                }
                catch (RequestFailedException e) when (e.Status is 404 or 412)
                {
                    // Gone (an earlier run disposed of it), or replaced by a newer upload that is ingested on its own.
                    return;
                }
            }

            if (entry.ReportBlob is not null)
            {
                var report = (await storage.Reports.GetBlobClient(entry.ReportBlob).DownloadContentAsync(cancellationToken)).Value.Content;
                await storage.Quarantine.GetBlobClient(quarantined + ".report.json").UploadAsync(report, WithContentType("application/json"), cancellationToken);
            }
        }

        try
        {
            await raw.DeleteIfExistsAsync(conditions: unchanged, cancellationToken: cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            // Replaced by a newer upload that will be ingested on its own.
        }
    }

    /// <summary>Streams the upload, only while it is still the version being ingested (If-Match on its ETag, also on the
    /// SDK's resumed reads).</summary>
    private async Task<BlobDownloadStreamingResult> DownloadUploadAsync(string blobName, ETag etag, CancellationToken cancellationToken)
    {
        try
        {
            var options = new BlobDownloadOptions { Conditions = new BlobRequestConditions { IfMatch = etag } };
            return (await storage.Returns.GetBlobClient(blobName).DownloadStreamingAsync(options, cancellationToken)).Value;
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            throw new InvalidOperationException($"{blobName} was replaced by a newer upload while being read; the retry ingests the newer one.", e);
        }
    }

    /// <summary>The upload id of a version of a blob: its ETag without the quotes.</summary>
    public static string UploadIdOf(ETag etag) => etag.ToString().Trim('"');

    /// <summary>The ETag of the blob version an upload id names (<see cref="UploadIdOf"/> the other way round).</summary>
    private static ETag ETagOf(string uploadId) => new($"\"{uploadId}\"");

    /// <summary>The blob metadata a demo upload declares its upload time in (honoured only with <see cref="KpiPipelineOptions.TrustDeclaredUploadTimes"/>).</summary>
    public const string DeclaredUploadTimeMetadata = "uploaded_at";

    private DateTimeOffset UploadTimeOf(BlobProperties properties) =>
        options.Value.TrustDeclaredUploadTimes
        && properties.Metadata.TryGetValue(DeclaredUploadTimeMetadata, out var declared)
        && DateTimeOffset.TryParse(declared, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var time)
            ? time
            : properties.LastModified;

    private static BlobUploadOptions WithContentType(string contentType) => new() { HttpHeaders = new BlobHttpHeaders { ContentType = contentType } };

    /// <summary>The longest blob name storage takes (1,024 characters).</summary>
    private const int MaxBlobName = 1024;

    /// <summary>The longest suffix added to an upload's own name: <c>.{upload id}.report.json</c> (an ETag is under 64).</summary>
    private const int LongestSuffix = 64 + 14;

    public static string QuarantineBlobName(SubmissionEntry upload)
    {
        ArgumentNullException.ThrowIfNull(upload);
        return $"{NameOfUpload(upload.BlobName)}.{upload.UploadId}";
    }

    /// <summary>
    /// What a report and a quarantined copy are named after: the upload's blob name, or, when that name leaves no room for
    /// the suffix within storage's limit (never a return path, always rejected with F01), <c>_long-names/</c> and its SHA-256
    /// under the name's first folder when that reads as a provider code (the provider's, where it may read its reports:
    /// infra/modules/access.bicep; until 2026-12-05 at the top of the container, where no provider could read it). The
    /// ledger's BlobName column and the report's blob_name keep the full name.
    /// </summary>
    private static string NameOfUpload(string blobName)
    {
        if (blobName.Length + LongestSuffix <= MaxBlobName)
        {
            return blobName;
        }

        var hashed = "_long-names/" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(blobName)));
        var folder = blobName.IndexOf('/', StringComparison.Ordinal);
        return folder > 0 && ReturnPath.IsProviderCode(blobName.AsSpan(0, folder)) ? $"{blobName[..folder]}/{hashed}" : hashed;
    }

    private static IngestOutcome Outcome(SubmissionEntry entry, IngestStatus status) =>
        new(entry.BlobName, status, (int)entry.Rows, (int)entry.Errors, (int)entry.Warnings, entry.ReportBlob);
}
