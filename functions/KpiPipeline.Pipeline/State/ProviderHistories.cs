using KpiPipeline.Core.Dataset;
using KpiPipeline.Core.Validation;
using KpiPipeline.Kpis.Folding;
using KpiPipeline.Pipeline.Storage;

namespace KpiPipeline.Pipeline.State;

/// <summary>A provider's validation history for one upload: its fold, and the W02 set when the fold does not hold it.</summary>
public sealed record ProviderHistory(ProviderFold Fold, IReadOnlyCollection<OpenEpisode>? OpenBefore);

/// <summary>
/// The history validation needs of a provider's accepted episodes files (W02, W03) in the function app: the episodes part
/// of the provider's state as the index now says (<see cref="ProviderStates.CurrentAsync"/>), the same
/// <see cref="ProviderFold"/> <c>kpi process</c> keeps as it goes. For a resubmission of a month that is not after the
/// latest accepted episodes month, the W02 set is read from the curated file of the latest accepted month before it.
/// </summary>
public sealed class ProviderHistories(ProviderStates states, AcceptedReturnsIndex index, CuratedReturns curated)
{
    /// <summary>The history an upload of <paramref name="path"/> is validated with; null for a kind that needs none (NSP).</summary>
    public async Task<ProviderHistory?> ForAsync(ReturnPath path, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Kind is not (ReturnFileKind.Episodes or ReturnFileKind.Reviews))
        {
            return null;
        }

        var fold = await states.CurrentAsync(path.ProviderCode, ReturnFileKind.Episodes, cancellationToken);
        IReadOnlyCollection<OpenEpisode>? openBefore = null;
        if (path.Kind == ReturnFileKind.Episodes && fold.OpenBefore(path.Month) is null)
        {
            var previous = (await index.OfProviderAsync(path.ProviderCode, cancellationToken))
                .Where(v => v.Path.Kind == ReturnFileKind.Episodes && v.Path.Month < path.Month)
                .MaxBy(v => v.Path.Month);
            openBefore = previous is null
                ? []
                : OpenEpisodes.AtMonthEnd(previous.Path.Month, (await curated.ReadAcceptedAsync(previous, cancellationToken)).Episodes);
        }

        return new ProviderHistory(fold, openBefore);
    }
}
