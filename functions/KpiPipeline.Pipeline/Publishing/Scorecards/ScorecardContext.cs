using KpiPipeline.Kpis.Rag;

namespace KpiPipeline.Pipeline.Publishing.Scorecards;

/// <summary>
/// What a run knows besides its rows that a page needs: the first day of the first month any provider has an accepted
/// return for (a quarter the returns cover in part says so), and the targets in force (a target's amber margin, which
/// is not a column of the rows).
/// </summary>
public sealed record ScorecardContext(DateOnly? FirstReturnDay, TargetsInForce? Targets)
{
    /// <summary>Nothing known: no coverage banner for a first quarter, and targets shown without their amber margin.</summary>
    public static ScorecardContext None { get; } = new(null, null);
}
