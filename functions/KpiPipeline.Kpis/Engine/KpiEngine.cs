using KpiPipeline.Core.Dataset;
using KpiPipeline.Core.Reference;
using KpiPipeline.Kpis.Catalogue;
using KpiPipeline.Kpis.Folding;
using KpiPipeline.Kpis.Periods;
using KpiPipeline.Kpis.Rag;
using KpiPipeline.Kpis.Returns;

namespace KpiPipeline.Kpis.Engine;

/// <summary>What one KPI run produced.</summary>
/// <param name="Periods">The quarters published, earliest first.</param>
/// <param name="Results">The restricted rows: every level, no suppression, RAG applied; built when read.</param>
/// <param name="Warnings">Lines for the run log (ignored future files, ignored targets, reference gaps).</param>
public sealed record KpiComputation(
    IReadOnlyList<FinancialQuarter> Periods,
    KpiResultTable Results,
    IReadOnlyList<string> Warnings)
{
    /// <summary>
    /// The index in <see cref="Periods"/> of the first quarter holding a month any provider has an accepted return for: the
    /// quarters the service has reported on. Earlier quarters are reconstructed from the referral dates in the returns.
    /// </summary>
    public int FirstReportedPeriod => FirstReturnDay is { } first
        ? Math.Max(0, Periods.ToList().FindIndex(p => p.End >= first))
        : 0;

    /// <summary>The first day of the first month any provider has an accepted return for; null when none has.</summary>
    public DateOnly? FirstReturnDay { get; init; }

    /// <summary>The targets the ratings were made against, with their amber margins.</summary>
    public TargetsInForce? Targets { get; init; }

    /// <summary>The areas of the reference data (published with their names and nations beside the catalogue).</summary>
    public IReadOnlyList<AreaInfo> Areas { get; init; } = [];

    /// <summary>Each area's nation, as the nation rows' unit code: disclosure control checks each nation and its areas as a group.</summary>
    public IReadOnlyDictionary<string, string> NationOfArea { get; init; } = new Dictionary<string, string>();
}

/// <summary>
/// Computes every KPI of kpis.md at every level for every quarter of the run (pure; no I/O). The data are indexed once:
/// episodes are grouped by interned client, each client is visited once per quarter it can count in, and counters are
/// flat arrays, so the cost grows with rows × quarters active rather than units × quarters × rows. What each KPI counts
/// and how lives in its family's file (<c>Families/</c>); <see cref="KpiRun"/> lists the families.
/// </summary>
public static class KpiEngine
{
    public static KpiComputation Compute(ReturnSet returns, ReferenceData reference, DateOnly asOf)
    {
        ArgumentNullException.ThrowIfNull(returns);
        return Compute(MonthFolding.Fold(returns, asOf), returns.Uploads, reference, asOf);
    }

    /// <summary>
    /// The same, from returns already folded (<see cref="MonthFoldingBuilder"/>) and the upload history, counting on
    /// <paramref name="parallelism"/> threads (the results do not depend on it). The folded returns are computed once: the
    /// engine takes what it reads of them. <paramref name="indexed"/> is called once the engine has copied the fold's facts
    /// into its index and before it allocates its counters: the providers' copies are garbage from then on (a caller's
    /// memory policy may collect them there).
    /// </summary>
    public static KpiComputation Compute(
        FoldedReturns folded, IReadOnlyList<UploadOutcome> uploads, ReferenceData reference, DateOnly asOf, int parallelism = 1,
        Action? indexed = null)
    {
        ArgumentNullException.ThrowIfNull(folded);
        ArgumentNullException.ThrowIfNull(uploads);
        ArgumentNullException.ThrowIfNull(reference);
        var warnings = new List<string>(folded.Warnings);
        var units = new UnitIndex(reference, warnings);
        var targets = new TargetsInForce(reference, warnings);

        var referrals = folded.Facts.Select(p => p.FirstReferral).OfType<int>().ToList();
        var firstReferral = referrals.Count == 0 ? asOf : DateOnly.FromDayNumber(referrals.Min());
        var periods = FinancialQuarter.Range(firstReferral < asOf ? firstReferral : asOf, asOf);
        WarnOfAnAsOfFarAfterTheReturns(uploads, asOf, warnings);

        // The run indexes what it needs of the fold, which is not referenced afterwards (and can be collected).
        var run = KpiRun.Count(folded, uploads, new Quarters(periods), units, asOf, warnings, parallelism, indexed);
        var rows = new RowBuilder(run, units, targets, periods, asOf);
        var firstReturnDay = FirstReturnDay(uploads);
        return new KpiComputation(periods, new KpiResultTable(rows, periods.Count), warnings)
        {
            FirstReturnDay = firstReturnDay,
            Targets = targets,
            Areas = reference.Areas,
            NationOfArea = reference.Areas.ToDictionary(a => a.AreaCode, a => a.Nation.ToString(), StringComparer.Ordinal),
        };
    }

    /// <summary>
    /// A run's as-of date more than a year after the last month any return was accepted for is worth a line in the run log:
    /// every quarter since shows the episodes open then as still in treatment and every return as missing, which is right
    /// for a service that stopped sending returns and wrong for a mistyped year (2052 for 2025).
    /// </summary>
    private static void WarnOfAnAsOfFarAfterTheReturns(IReadOnlyList<UploadOutcome> uploads, DateOnly asOf, List<string> warnings)
    {
        var months = uploads.Where(u => u.Accepted && u.Path is not null && u.Path.Month.IsReadAsOf(asOf)).Select(u => u.Path!.Month).ToList();
        if (months.Count > 0 && months.Max() is var last && asOf > last.LastDay.AddYears(1))
        {
            warnings.Add($"The as-of date {asOf:yyyy-MM-dd} is more than a year after the last month returned ({last}): every quarter since " +
                "shows the episodes open then as still in treatment and every return as missing. Is the as-of date right?");
        }
    }

    private static DateOnly? FirstReturnDay(IReadOnlyList<UploadOutcome> uploads)
    {
        var months = uploads.Where(u => u.Accepted && u.Path is not null).Select(u => u.Path!.Month).ToList();
        return months.Count == 0 ? null : months.Min().FirstDay;
    }
}
