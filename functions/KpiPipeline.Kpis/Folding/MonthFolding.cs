using KpiPipeline.Core.Dataset;
using KpiPipeline.Kpis.Returns;

namespace KpiPipeline.Kpis.Folding;

/// <summary>The state of one episode after the months are combined (dataset.md 2.3).</summary>
/// <param name="Row">The row from the latest reporting month in which the episode appears (never DELETED).</param>
/// <param name="LastMonth">The latest reporting month in which the episode appears.</param>
/// <param name="EffectiveEnd">The exit date, or the last day of <paramref name="LastMonth"/> for an episode that went missing; null while open.</param>
/// <param name="WentMissing">True when the episode has no exit and the provider has an accepted episodes.csv for a later month.</param>
public sealed record FoldedEpisode(CuratedEpisode Row, ReportingMonth LastMonth, DateOnly? EffectiveEnd, bool WentMissing);

/// <summary>
/// An episode open at the end of the provider's previous accepted month that the file for <paramref name="Month"/> left out
/// (the W02 situation), counted by DQ03 in <paramref name="Month"/>.
/// </summary>
public sealed record MissingEpisodeEvent(string ProviderCode, string EpisodeId, ReportingMonth LastSeenMonth, ReportingMonth Month);

/// <summary>
/// A provider's accepted workforce.csv for one reporting month (the latest accepted upload of that path; dataset.md
/// section 6). The KPIs take, per quarter, the latest such month of the quarter (kpis.md 10.5).
/// </summary>
public sealed record WorkforceMonth(string ProviderCode, ReportingMonth Month, CuratedWorkforce Row);

/// <summary>
/// The accepted returns combined across months, ready for the KPI engine, which computes them once. <see cref="Episodes"/>
/// and <see cref="Reviews"/> are empty when they were folded without keeping their rows (a national run).
/// </summary>
public sealed record FoldedReturns(
    IReadOnlyList<FoldedEpisode> Episodes,
    IReadOnlyList<CuratedReview> Reviews,
    IReadOnlyList<NspMonthTotals> Nsp,
    IReadOnlyList<MissingEpisodeEvent> MissingEvents,
    IReadOnlyList<ReturnPath> UsedFiles,
    IReadOnlyList<string> Warnings)
{
    /// <summary>Every provider-month with an accepted workforce.csv, providers in code order, months in order.</summary>
    public IReadOnlyList<WorkforceMonth> Workforce { get; init; } = [];

    /// <summary>What the engine reads of each provider's episodes and reviews, providers in code order.</summary>
    internal IReadOnlyList<Engine.ProviderFacts> Facts { get; init; } = [];
}

/// <summary>
/// Combines the accepted monthly files into one state (dataset.md 2.3 and sections 3 and 4). Pure; no I/O. A caller that
/// receives files one at a time can feed a <see cref="MonthFoldingBuilder"/> directly instead.
/// </summary>
public static class MonthFolding
{
    public static FoldedReturns Fold(ReturnSet returns, DateOnly asOf)
    {
        ArgumentNullException.ThrowIfNull(returns);
        var builder = new MonthFoldingBuilder(asOf);
        foreach (var file in InMonthOrder(returns.Episodes, f => f.Path))
        {
            builder.AddEpisodesFile(file.Path, file.Rows);
        }

        foreach (var file in InMonthOrder(returns.Reviews, f => f.Path))
        {
            builder.AddReviewsFile(file.Path, file.Rows);
        }

        foreach (var file in InMonthOrder(returns.Nsp, f => f.Path))
        {
            builder.AddNspFile(file.Path, file.Totals);
        }

        foreach (var file in InMonthOrder(returns.Workforce, f => f.Path))
        {
            builder.AddWorkforceFile(file.Path, file.Row);
        }

        return builder.Build();
    }

    /// <summary>
    /// The files in month order per provider (the builder drops months after the as-of date with a warning, in input
    /// order); where one path appears twice the later entry (the latest accepted upload) wins.
    /// </summary>
    private static List<T> InMonthOrder<T>(IReadOnlyList<T> files, Func<T, ReturnPath> pathOf)
    {
        var byPath = new Dictionary<string, (int Order, T File)>(StringComparer.Ordinal);
        for (var i = 0; i < files.Count; i++)
        {
            byPath[pathOf(files[i]).BlobName.ToUpperInvariant()] = (i, files[i]);
        }

        return [.. byPath.Values
            .OrderBy(v => pathOf(v.File).ProviderCode, StringComparer.OrdinalIgnoreCase)
            .ThenBy(v => pathOf(v.File).Month)
            .ThenBy(v => v.Order)
            .Select(v => v.File)];
    }
}
