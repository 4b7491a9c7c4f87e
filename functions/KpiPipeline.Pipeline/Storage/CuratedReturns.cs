using Azure.Storage.Blobs;
using KpiPipeline.Core.Dataset;
using KpiPipeline.Kpis.Returns;

namespace KpiPipeline.Pipeline.Storage;

/// <summary>Reads the curated copies of accepted returns back from the <c>curated</c> container.</summary>
public sealed class CuratedReturns(BlobContainerClient curated)
{
    public static string BlobNameOf(ReturnPath path, string uploadId) =>
        $"{path.ProviderCode}/{path.Month}/{CodeRules.FileName(path.Kind)}/{uploadId}.csv";

    public async Task<IReadOnlyList<CuratedEpisode>> ReadEpisodesAsync(AcceptedVersion version, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(version);
        using var download = (await curated.GetBlobClient(version.CuratedBlob).DownloadStreamingAsync(cancellationToken: cancellationToken)).Value;
        return [.. CuratedCsv.ReadEpisodes(download.Content)];
    }

    /// <summary>Every accepted file in the index, read into a <see cref="ReturnSet"/> with the given upload history.</summary>
    public async Task<ReturnSet> ReadAllAsync(IReadOnlyList<AcceptedVersion> versions, IReadOnlyList<UploadOutcome> uploads, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(versions);
        var episodes = new List<AcceptedEpisodesFile>();
        var reviews = new List<AcceptedReviewsFile>();
        var nsp = new List<AcceptedNspFile>();
        foreach (var version in versions.OrderBy(v => v.Path.Month).ThenBy(v => v.Path.ProviderCode, StringComparer.Ordinal))
        {
            using var download = (await curated.GetBlobClient(version.CuratedBlob).DownloadStreamingAsync(cancellationToken: cancellationToken)).Value;
            switch (version.Path.Kind)
            {
                case ReturnFileKind.Episodes:
                    episodes.Add(new AcceptedEpisodesFile(version.Path, [.. CuratedCsv.ReadEpisodes(download.Content)]));
                    break;
                case ReturnFileKind.Reviews:
                    reviews.Add(new AcceptedReviewsFile(version.Path, [.. CuratedCsv.ReadReviews(download.Content)]));
                    break;
                default:
                    nsp.Add(AcceptedNspFile.FromRows(version.Path, CuratedCsv.ReadNsp(download.Content)));
                    break;
            }
        }

        return new ReturnSet(episodes, reviews, nsp, uploads);
    }
}
