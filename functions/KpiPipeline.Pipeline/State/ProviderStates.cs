using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using KpiPipeline.Core.Dataset;
using KpiPipeline.Kpis.Folding;
using KpiPipeline.Pipeline.Memory;
using KpiPipeline.Pipeline.Storage;

namespace KpiPipeline.Pipeline.State;

/// <summary>One kind of a provider's state as stored: the fold's part of that kind, what it was made from, and the blob's ETag.</summary>
public sealed record StoredState(ProviderFold Fold, StateInputs Inputs, ETag ETag);

/// <summary>What one refresh of a provider's state did: the kinds it wrote (empty when the state was already up to date).</summary>
public sealed record StateRefresh(string ProviderCode, IReadOnlyList<string> Written, int Conflicts)
{
    public string Summary => Written.Count == 0 ? $"{ProviderCode}: up to date" : $"{ProviderCode}: wrote {string.Join(", ", Written)}";
}

/// <summary>A stored state file found by listing: its provider, kind and ETag.</summary>
public sealed record StateBlob(string ProviderCode, ReturnFileKind Kind, string Name, ETag ETag);

/// <summary>What reading every state for a KPI run gave besides the folds: the upload history and the number of accepted files.</summary>
public sealed record StatesRead(IReadOnlyList<Kpis.Returns.UploadOutcome> Uploads, int SourceFiles, int Providers, int RefoldedProviders);

/// <summary>A kind of a provider's state rebuilt from the curated monthly files, beside the bytes stored (null when none are).</summary>
public sealed record RebuiltState(string ProviderCode, ReturnFileKind Kind, byte[] Rebuilt, byte[]? Stored)
{
    public bool Same => Stored is not null && Rebuilt.AsSpan().SequenceEqual(Stored);
}

/// <summary>
/// The compact state of each provider (docs/storage.md): per provider and kind one Parquet file in <c>curated</c>
/// (<see cref="ProviderStateFile"/>), the <see cref="ProviderFold"/> of the accepted versions in force with the provider's
/// completed uploads. It is always a function of the accepted-returns index and the provider uploads table, which move
/// forward but for one step back (an upload recorded failed after its commit, withdrawn from the index; a state folded
/// from it then folds every month again, as for a resubmitted month): a refresh reads the state (with its ETag) first and
/// the tables second, folds what the state lacks — months after the state's latest one added to it, anything else (an older month resubmitted) by folding every month
/// again from the immutable curated files — and writes under the ETag it read, so two refreshes of one provider never
/// lose each other's change, and a refresh that loses the race reads again. Rebuilding from the curated files gives the
/// same bytes (<see cref="RebuildAsync"/>).
/// </summary>
public sealed class ProviderStates(PipelineStorage storage, IStateWriteObserver writes)
{
    /// <summary>Where the states are, in the curated container.</summary>
    public const string Prefix = "_state/providers/";

    /// <summary>The blob metadata holding the fingerprint of a state's inputs (so a refresh can tell it is current from a HEAD).</summary>
    public const string InputsMetadata = "inputs";

    private readonly AcceptedReturnsIndex index = new(storage.AcceptedReturns);
    private readonly ProviderUploads uploads = new(storage.ProviderUploads);
    private readonly CuratedReturns curated = new(storage.Curated);

    /// <summary>The kinds a state has files of.</summary>
    public static IReadOnlyList<ReturnFileKind> Kinds { get; } = Enum.GetValues<ReturnFileKind>();

    public static string BlobNameOf(string providerCode, ReturnFileKind kind) => $"{Prefix}{providerCode}/{CodeRules.FileName(kind)}.parquet";

    /// <summary>Brings every kind of the provider's state up to date with the index and the uploads table.</summary>
    public async Task<StateRefresh> RefreshAsync(string providerCode, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(providerCode);
        var provider = providerCode.Trim().ToUpperInvariant();
        var pending = Kinds.ToList();
        var written = new List<string>();
        var conflicts = 0;
        while (pending.Count > 0)
        {
            // The states first, the tables second: the tables then hold at least what any state read was made from.
            var heads = await Task.WhenAll(pending.Select(kind => Blob(provider, kind).GetPropertiesOrNullAsync(cancellationToken)));
            var (versions, completed) = await InputsOfAsync(provider, cancellationToken);
            var retry = new List<ReturnFileKind>();
            for (var i = 0; i < pending.Count; i++)
            {
                var kind = pending[i];
                var target = TargetOf(kind, versions, completed);
                if (heads[i] is { } head && head.Metadata.TryGetValue(InputsMetadata, out var stored) && stored == target.Fingerprint)
                {
                    continue;
                }

                if (heads[i] is null && target.Files.Count == 0 && target.Uploads.Count == 0)
                {
                    continue;
                }

                try
                {
                    var current = heads[i] is { } existing ? await ReadAsync(provider, kind, existing.ETag, cancellationToken) : null;
                    var fold = await CatchUpAsync(provider, kind, current, target, versions, cancellationToken);
                    await WriteAsync(fold, kind, target, heads[i]?.ETag, cancellationToken);
                    written.Add(CodeRules.FileName(kind));
                }
                catch (RequestFailedException e) when (e.IsConflict())
                {
                    // Another refresh wrote this state since it was read: read it again and decide again.
                    conflicts++;
                    retry.Add(kind);
                }
            }

            pending = retry;
        }

        return new StateRefresh(provider, written, conflicts);
    }

    /// <summary>
    /// The provider's state of <paramref name="kind"/> as the index and uploads table now say, in memory: the stored state
    /// with what it lacks folded in (nothing is written). Validation reads the episodes state this way, so a refresh that
    /// has not run yet changes nothing it sees.
    /// </summary>
    public async Task<ProviderFold> CurrentAsync(string providerCode, ReturnFileKind kind, CancellationToken cancellationToken)
    {
        var provider = providerCode.ToUpperInvariant();
        while (true)
        {
            var head = await Blob(provider, kind).GetPropertiesOrNullAsync(cancellationToken);
            var (versions, completed) = await InputsOfAsync(provider, cancellationToken);
            try
            {
                var current = head is null ? null : await ReadAsync(provider, kind, head.ETag, cancellationToken);
                return await CatchUpAsync(provider, kind, current, TargetOf(kind, versions, completed), versions, cancellationToken);
            }
            catch (RequestFailedException e) when (e.IsConflict())
            {
                // Rewritten between the HEAD and the read: read again.
            }
        }
    }

    /// <summary>
    /// Every kind of the provider's state folded again from the curated files of the accepted versions in force, as bytes,
    /// beside the bytes stored; with <paramref name="write"/>, a state that differs (or is missing) is replaced.
    /// </summary>
    public async Task<IReadOnlyList<RebuiltState>> RebuildAsync(string providerCode, bool write, CancellationToken cancellationToken)
    {
        var provider = providerCode.ToUpperInvariant();
        var results = new List<RebuiltState>();

        // The states first, the tables second (as a refresh reads them), each once.
        var heads = await Task.WhenAll(Kinds.Select(kind => Blob(provider, kind).GetPropertiesOrNullAsync(cancellationToken)));
        var (versions, completed) = await InputsOfAsync(provider, cancellationToken);
        for (var i = 0; i < Kinds.Count; i++)
        {
            var kind = Kinds[i];
            var head = heads[i];
            var target = TargetOf(kind, versions, completed);
            if (head is null && target.Files.Count == 0 && target.Uploads.Count == 0)
            {
                continue;
            }

            var fold = await CatchUpAsync(provider, kind, null, target, versions, cancellationToken);
            var rebuilt = await BytesAsync(fold, kind, target, cancellationToken);
            var stored = head is null ? null : (await Blob(provider, kind).DownloadContentAsync(cancellationToken)).Value.Content.ToArray();
            var result = new RebuiltState(provider, kind, rebuilt, stored);
            if (write && !result.Same)
            {
                await WriteAsync(fold, kind, target, head?.ETag, cancellationToken);
            }

            results.Add(result);
        }

        return results;
    }

    /// <summary>
    /// Writes <paramref name="fold"/>'s part of <paramref name="kind"/>, made from <paramref name="inputs"/>, as the provider's
    /// state, replacing whatever is there (a benchmark's seeded history: the fold made by <c>kpi process</c>).
    /// </summary>
    public Task SeedAsync(ProviderFold fold, ReturnFileKind kind, StateInputs inputs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(fold);
        return WriteStateAsync(fold, kind, inputs, new BlobRequestConditions(), cancellationToken);
    }

    /// <summary>Every provider with an accepted version in force or a completed upload listed (a scan of both tables).</summary>
    public async Task<IReadOnlyList<string>> ProvidersAsync(CancellationToken cancellationToken)
    {
        var providers = new SortedSet<string>(await uploads.ProvidersAsync(cancellationToken), StringComparer.Ordinal);
        providers.UnionWith((await index.AllAsync(cancellationToken)).Select(v => v.Path.ProviderCode));
        return [.. providers];
    }

    /// <summary>
    /// Lists every completed upload of a registered provider's return path the submissions ledger holds in the provider
    /// uploads table (idempotent): what a deployment made before the provider states existed needs once before its first
    /// rebuild. Returns how many uploads were listed.
    /// </summary>
    public async Task<int> ListLedgerUploadsAsync(CancellationToken cancellationToken)
    {
        var listed = 0;
        foreach (var entry in await new SubmissionLedger(storage.Ledger).CompletedEntriesAsync(cancellationToken))
        {
            if (entry.Path is { } path && entry.ProviderRegistered)
            {
                await uploads.RecordAsync(new ProviderUpload(entry.BlobName, path, entry.UploadId, entry.UploadedAt, entry.Accepted), cancellationToken);
                listed++;
            }
        }

        return listed;
    }

    /// <summary>Every stored state file, in name order.</summary>
    public async Task<IReadOnlyList<StateBlob>> ListAsync(CancellationToken cancellationToken)
    {
        var blobs = new List<StateBlob>();
        await foreach (var item in storage.Curated.GetBlobsAsync(new GetBlobsOptions { Prefix = Prefix }, cancellationToken))
        {
            var parts = item.Name[Prefix.Length..].Split('/');
            var kind = parts.Length == 2 ? Kinds.Where(k => parts[1] == CodeRules.FileName(k) + ".parquet").Cast<ReturnFileKind?>().FirstOrDefault() : null;
            if (kind is { } known)
            {
                blobs.Add(new StateBlob(parts[0], known, item.Name, item.Properties.ETag!.Value));
            }
        }

        return blobs;
    }

    /// <summary>
    /// Reads every listed state into <paramref name="builder"/>, <paramref name="parallelism"/> providers at a time, folding
    /// as it reads: each provider's files are downloaded, restored into one <see cref="ProviderFold"/> and handed to the
    /// builder, so no more than a few states' bytes are held at once. A provider holding a month after the builder's as-of
    /// date (a KPI run for an earlier day) is folded again from its curated files with the date; so is a state of an older
    /// layout.
    /// </summary>
    public async Task<StatesRead> ReadAllAsync(
        IReadOnlyList<StateBlob> blobs, DateOnly asOf, MonthFoldingBuilder builder, int parallelism, CancellationToken cancellationToken,
        KpiRunHooks? hooks = null)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        ArgumentNullException.ThrowIfNull(builder);
        var uploadsByProvider = new System.Collections.Concurrent.ConcurrentDictionary<string, IReadOnlyList<Kpis.Returns.UploadOutcome>>(StringComparer.Ordinal);
        var sourceFiles = 0;
        var refolded = 0;
        var byProvider = blobs.GroupBy(b => b.ProviderCode, StringComparer.Ordinal).ToList();
        await Parallel.ForEachAsync(
            byProvider,
            new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken },
            async (provider, token) =>
            {
                var fold = new ProviderFold(provider.Key);
                var inputs = new List<StateInputs>();
                var complete = true;
                foreach (var blob in provider.OrderBy(b => b.Kind))
                {
                    var content = (await Blob(provider.Key, blob.Kind).DownloadContentAsync(token)).Value.Content;
                    var read = await ProviderStateFile.ReadAsync(content.ToStream(), fold, blob.Kind, token);
                    complete &= read is not null;
                    if (read is not null)
                    {
                        inputs.Add(read);
                    }
                }

                if (!complete || fold.LatestMonth is { } latest && !latest.IsReadAsOf(asOf))
                {
                    Interlocked.Increment(ref refolded);
                    (fold, inputs) = await RefoldAsync(provider.Key, asOf, token);
                }

                builder.Add(fold);
                hooks?.ProviderFolded();
                uploadsByProvider[provider.Key] = [.. inputs.SelectMany(i => i.Uploads).Select(u => u.ToOutcome())];
                // The returns used (outputs.md 2): of months the run reads.
                Interlocked.Add(ref sourceFiles, inputs.Sum(i => i.Files.Count(f => f.Path.Month.IsReadAsOf(asOf))));
            });
        var uploads = uploadsByProvider.OrderBy(p => p.Key, StringComparer.Ordinal).SelectMany(p => p.Value).ToList();
        return new StatesRead(uploads, sourceFiles, byProvider.Count, refolded);
    }

    /// <summary>The provider's fold of every accepted version in force with months after <paramref name="asOf"/> left out.</summary>
    private async Task<(ProviderFold Fold, List<StateInputs> Inputs)> RefoldAsync(string provider, DateOnly asOf, CancellationToken cancellationToken)
    {
        var (versions, completed) = await InputsOfAsync(provider, cancellationToken);
        var fold = new ProviderFold(provider, asOf);
        var inputs = new List<StateInputs>();
        foreach (var kind in Kinds)
        {
            var target = TargetOf(kind, versions, completed);
            foreach (var version in versions.Where(v => v.Path.Kind == kind).OrderBy(v => v.Path.Month))
            {
                (await curated.ReadAcceptedAsync(version, cancellationToken)).AddTo(fold, version.Path);
            }

            inputs.Add(target);
        }

        return (fold, inputs);
    }

    /// <summary>A stored state read into a new fold (the given kind only); null when it is of an older layout (it is then rebuilt).</summary>
    public async Task<StoredState?> ReadAsync(string providerCode, ReturnFileKind kind, ETag etag, CancellationToken cancellationToken)
    {
        var content = (await Blob(providerCode, kind).DownloadContentAsync(
            new BlobDownloadOptions { Conditions = new BlobRequestConditions { IfMatch = etag } }, cancellationToken)).Value.Content;
        var fold = new ProviderFold(providerCode);
        var inputs = await ProviderStateFile.ReadAsync(content.ToStream(), fold, kind, cancellationToken);
        return inputs is null ? null : new StoredState(fold, inputs, etag);
    }

    private BlobClient Blob(string providerCode, ReturnFileKind kind) => storage.Curated.GetBlobClient(BlobNameOf(providerCode, kind));

    private async Task<(IReadOnlyList<AcceptedVersion> Versions, IReadOnlyList<ProviderUpload> Uploads)> InputsOfAsync(
        string provider, CancellationToken cancellationToken)
    {
        var versions = index.OfProviderAsync(provider, cancellationToken);
        var completed = uploads.OfProviderAsync(provider, cancellationToken);
        return (await versions, await completed);
    }

    private static StateInputs TargetOf(ReturnFileKind kind, IReadOnlyList<AcceptedVersion> versions, IReadOnlyList<ProviderUpload> completed) =>
        StateInputs.Of(
            versions.Where(v => v.Path.Kind == kind).Select(v => new FoldedVersion(v.Path, v.UploadId)),
            completed.Where(u => u.Path.Kind == kind));

    /// <summary>
    /// The fold of <paramref name="target"/>'s files: <paramref name="current"/> with the months after its latest folded in
    /// when its files are the first of the target's, otherwise every file folded again.
    /// </summary>
    private async Task<ProviderFold> CatchUpAsync(
        string provider, ReturnFileKind kind, StoredState? current, StateInputs target, IReadOnlyList<AcceptedVersion> versions,
        CancellationToken cancellationToken)
    {
        var folded = current?.Inputs.Files ?? [];
        var extends = current is not null && folded.Count <= target.Files.Count && folded.SequenceEqual(target.Files.Take(folded.Count));
        var fold = extends ? current!.Fold : new ProviderFold(provider);
        var byUpload = versions.Where(v => v.Path.Kind == kind).ToDictionary(v => (v.Path.Month, v.UploadId));
        foreach (var file in target.Files.Skip(extends ? folded.Count : 0))
        {
            (await curated.ReadAcceptedAsync(byUpload[(file.Path.Month, file.UploadId)], cancellationToken)).AddTo(fold, file.Path);
        }

        return fold;
    }

    private static async Task<byte[]> BytesAsync(ProviderFold fold, ReturnFileKind kind, StateInputs inputs, CancellationToken cancellationToken)
    {
        using var bytes = new MemoryStream();
        await ProviderStateFile.WriteAsync(bytes, fold, kind, inputs, cancellationToken);
        return bytes.ToArray();
    }

    /// <summary>Writes a state under the ETag it was read with (only if absent when it was not there): 409 or 412 when another refresh won.</summary>
    private Task WriteAsync(ProviderFold fold, ReturnFileKind kind, StateInputs inputs, ETag? readWith, CancellationToken cancellationToken) =>
        WriteStateAsync(
            fold, kind, inputs,
            readWith is { } etag ? new BlobRequestConditions { IfMatch = etag } : new BlobRequestConditions { IfNoneMatch = ETag.All },
            cancellationToken);

    private async Task WriteStateAsync(ProviderFold fold, ReturnFileKind kind, StateInputs inputs, BlobRequestConditions conditions, CancellationToken cancellationToken)
    {
        var bytes = await BytesAsync(fold, kind, inputs, cancellationToken);
        await writes.BeforeWriteAsync(fold.ProviderCode, kind, cancellationToken);
        await Blob(fold.ProviderCode, kind).UploadAsync(BinaryData.FromBytes(bytes), new BlobUploadOptions
        {
            Conditions = conditions,
            Metadata = new Dictionary<string, string> { [InputsMetadata] = inputs.Fingerprint },
            HttpHeaders = new BlobHttpHeaders { ContentType = "application/vnd.apache.parquet" },
        }, cancellationToken);
        await writes.AfterWriteAsync(fold.ProviderCode, kind, cancellationToken);
    }
}
