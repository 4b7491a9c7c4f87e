using KpiPipeline.Core.Pseudonymisation;
using KpiPipeline.Core.Reference;

namespace KpiPipeline.Core.Validation;

/// <summary>What validating one upload needs beyond the file itself.</summary>
public sealed class ValidationContext
{
    /// <summary>Default size limit (rule F09).</summary>
    public const long DefaultMaxFileBytes = 16L * 1024 * 1024;

    private static readonly HashSet<string> NoIds = new(StringComparer.Ordinal);

    public required ReferenceData Reference { get; init; }

    public required Pseudonymiser Pseudonymiser { get; init; }

    /// <summary>When the file was uploaded (shown in the report; W05 compares the reporting month with it).</summary>
    public required DateTimeOffset UploadedAt { get; init; }

    /// <summary>
    /// For W02: the episodes open (no exit, not deleted) at the end of the provider's previous accepted episodes month,
    /// each with that month and the row it stood on in that month's file, from <see cref="OpenEpisodes.AtMonthEnd"/> or the
    /// provider's fold; only gone through, never looked up, so a list will do (an id listed twice is reported once). Empty
    /// when the provider has no earlier accepted month.
    /// </summary>
    public IReadOnlyCollection<OpenEpisode> PreviouslyOpenEpisodes { get; init; } = [];

    /// <summary>For W03: every episode id known for the provider (accepted episodes files, this month's included).</summary>
    public IReadOnlySet<string> KnownEpisodeIds { get; init; } = NoIds;

    /// <summary>
    /// For W03 too: the known episodes whose latest accepted row is <c>DELETED</c> (dataset.md 2.3: it removes the episode),
    /// whose reviews are left out of the KPIs as an unknown episode's are.
    /// </summary>
    public IReadOnlySet<string> DeletedEpisodeIds { get; init; } = NoIds;

    /// <summary>
    /// Rows of the provider's earlier accepted episodes files that need not be checked again when sent unchanged (a batch
    /// run over months of returns); null to check every row.
    /// </summary>
    public UnchangedEpisodeRows? UnchangedRows { get; init; }

    /// <summary>Files larger than this are rejected (F09) without being read further.</summary>
    public long MaxFileBytes { get; init; } = DefaultMaxFileBytes;

    /// <summary>
    /// An episode id as a string: the instance <see cref="KnownEpisodeIds"/> already holds when it is an ordinal hash set
    /// with the id (the same episodes come back every month), so no copy is made per row and rows share one string per
    /// episode; otherwise a new string.
    /// </summary>
    internal string EpisodeIdString(ReadOnlySpan<char> id) =>
        KnownEpisodeIds is HashSet<string> known
        && known.Comparer == StringComparer.Ordinal
        && known.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(id, out var stored)
            ? stored
            : new string(id);
}
