using KpiPipeline.Core.Dataset;
using KpiPipeline.Core.Pseudonymisation;
using KpiPipeline.Core.Reference;
using KpiPipeline.Core.Validation;
using KpiPipeline.Kpis.Folding;

namespace KpiPipeline.Pipeline.Validation;

/// <summary>What validating any return needs besides its provider's history: reference data, the pseudonymiser, the size limit.</summary>
public sealed record ValidationSettings(ReferenceData Reference, Pseudonymiser Pseudonymiser, long MaxFileBytes = ValidationContext.DefaultMaxFileBytes);

/// <summary>
/// The one way a return's <see cref="ValidationContext"/> is made, by <c>kpi process</c> and the function app alike. The
/// provider's history is its <see cref="ProviderFold"/>: every episode id it has sent (W03, and the one string per episode
/// the rules share) and, for an episodes file, the episodes open at the end of its latest accepted episodes month before
/// the file's, with the rows they stood on in its file (W02).
/// </summary>
public static class ValidationContexts
{
    private static readonly IReadOnlySet<string> NoIds = new HashSet<string>(StringComparer.Ordinal);
    private static readonly IReadOnlyCollection<OpenEpisode> NoEpisodes = [];

    /// <param name="settings">Reference data, pseudonymiser, size limit.</param>
    /// <param name="path">The file's return path; null when its name is not one (it is rejected with F01, no history needed).</param>
    /// <param name="uploadedAt">When the file was uploaded.</param>
    /// <param name="history">The provider's fold of its accepted files before this one; null when none is needed (an NSP file).</param>
    /// <param name="openBefore">
    /// The W02 set when the fold does not hold it (<see cref="ProviderFold.OpenBefore"/> is null for a resubmission of a month
    /// not after its latest episodes month): the caller reads it from the file of the latest accepted month before.
    /// </param>
    /// <param name="unchangedRows">Rows of earlier months that need not be checked again (a batch run), or null.</param>
    public static ValidationContext For(
        ValidationSettings settings, ReturnPath? path, DateTimeOffset uploadedAt, ProviderFold? history,
        IReadOnlyCollection<OpenEpisode>? openBefore = null, UnchangedEpisodeRows? unchangedRows = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return new ValidationContext
        {
            Reference = settings.Reference,
            Pseudonymiser = settings.Pseudonymiser,
            UploadedAt = uploadedAt,
            MaxFileBytes = settings.MaxFileBytes,
            PreviouslyOpenEpisodes = path is not { Kind: ReturnFileKind.Episodes } || history is null
                ? NoEpisodes
                : openBefore ?? history.OpenBefore(path.Month) ?? throw new ArgumentException(
                    $"{path.BlobName} is not after the latest episodes month the fold holds: pass the open episodes of the month before.", nameof(openBefore)),
            KnownEpisodeIds = history?.KnownEpisodeIds ?? NoIds,
            DeletedEpisodeIds = history?.DeletedEpisodeIds ?? NoIds,
            UnchangedRows = unchangedRows,
        };
    }
}
