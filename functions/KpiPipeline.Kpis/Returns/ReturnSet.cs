using KpiPipeline.Core.Dataset;

namespace KpiPipeline.Kpis.Returns;

/// <summary>The curated rows of the accepted version of one episodes.csv (the latest accepted upload of that path).</summary>
public sealed record AcceptedEpisodesFile(ReturnPath Path, IReadOnlyList<CuratedEpisode> Rows);

/// <summary>The curated rows of the accepted version of one reviews.csv.</summary>
public sealed record AcceptedReviewsFile(ReturnPath Path, IReadOnlyList<CuratedReview> Rows);

/// <summary>The curated rows of the accepted version of one nsp.csv.</summary>
public sealed record AcceptedNspFile(ReturnPath Path, IReadOnlyList<CuratedNspTransaction> Rows);

/// <summary>
/// One upload as the submissions ledger saw it, for the data-quality KPIs (kpis.md section 8).
/// <see cref="Path"/> is null when the blob name was not a valid return path.
/// <see cref="FirstUploadedAt"/> is when that path was first uploaded (for "first uploaded by the due date").
/// </summary>
public sealed record UploadOutcome(
    string BlobName,
    ReturnPath? Path,
    bool ProviderRegistered,
    DateTimeOffset UploadedAt,
    DateTimeOffset FirstUploadedAt,
    bool Accepted);

/// <summary>Everything the KPI engine reads: the accepted files of every provider and month, and the upload history.</summary>
public sealed record ReturnSet(
    IReadOnlyList<AcceptedEpisodesFile> Episodes,
    IReadOnlyList<AcceptedReviewsFile> Reviews,
    IReadOnlyList<AcceptedNspFile> Nsp,
    IReadOnlyList<UploadOutcome> Uploads)
{
    public static ReturnSet Empty { get; } = new([], [], [], []);

    public int SourceFileCount => Episodes.Count + Reviews.Count + Nsp.Count;
}
