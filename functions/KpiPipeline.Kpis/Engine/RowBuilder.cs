using KpiPipeline.Core.Dataset;
using KpiPipeline.Kpis.Catalogue;
using KpiPipeline.Kpis.Periods;
using KpiPipeline.Kpis.Rag;

namespace KpiPipeline.Kpis.Engine;

/// <summary>
/// Turns the tallies into kpi_results rows: one per period × KPI × unit × dimension, with status and RAG. Every period
/// has the same layout of rows, so a row is found by its period and its place in that layout and built when asked for.
/// </summary>
internal sealed class RowBuilder
{
    private static readonly string[] DimensionValues =
        [KpiVocabulary.DimensionValueAll, .. Enum.GetNames<SubstanceGroup>()];

    private readonly Tally tally;
    private readonly List<int>?[] waits;
    private readonly UnitIndex units;
    private readonly TargetsInForce targets;
    private readonly IReadOnlyList<FinancialQuarter> periods;
    private readonly DateOnly asOf;
    private readonly string[] labels;
    private readonly (KpiDefinition Kpi, int Dimension, int Unit)[] layout;

    /// <param name="waits">ACC02 waits per (period, unit); sorted here, for the medians.</param>
    public RowBuilder(
        Tally tally, List<int>?[] waits, UnitIndex units, TargetsInForce targets, IReadOnlyList<FinancialQuarter> periods, DateOnly asOf)
    {
        this.tally = tally;
        this.waits = waits;
        this.units = units;
        this.targets = targets;
        this.periods = periods;
        this.asOf = asOf;
        labels = [.. periods.Select(p => p.Label)];
        foreach (var list in waits)
        {
            list?.Sort();
        }

        var layout = new List<(KpiDefinition, int, int)>();
        foreach (var kpi in KpiCatalogue.All)
        {
            var dimensions = kpi.HasSubstanceGroups ? DimensionValues.Length : 1;
            for (var d = 0; d < dimensions; d++)
            {
                for (var u = kpi.AreaLevelAndAbove ? units.ProviderCount : 0; u < units.Count; u++)
                {
                    layout.Add((kpi, d, u));
                }
            }
        }

        this.layout = [.. layout];
    }

    public int RowsPerPeriod => layout.Length;

    /// <summary>Row <paramref name="index"/> of period <paramref name="q"/>: KPIs in catalogue order, then dimension, then unit.</summary>
    public KpiResult Row(int q, int index)
    {
        var period = periods[q];
        var (kpi, d, u) = layout[index];
        var status = kpi.ProvisionalWindowDays is { } window && asOf < period.End.AddDays(window)
            ? KpiVocabulary.StatusProvisional
            : KpiVocabulary.StatusFinal;
        var benchmark = Measure(kpi, q, units.AllUnit, d).Value;
        var figures = Measure(kpi, q, u, d);
        var (basis, target, rag) = Rate(kpi, u, figures.Value, benchmark);
        return new KpiResult(
            labels[q],
            period.Start,
            period.End,
            asOf,
            units.Levels[u],
            units.Codes[u],
            units.AreaCodes[u],
            kpi.Id,
            d == 0 ? KpiVocabulary.DimensionAll : KpiVocabulary.DimensionSubstanceGroup,
            DimensionValues[d],
            figures.Numerator,
            figures.Denominator,
            (double?)figures.Value,
            (double?)target,
            rag,
            basis.Code(),
            status,
            Suppressed: false,
            KpiVocabulary.SchemaVersion);
    }

    private (RagBasis Basis, decimal? Target, string Rag) Rate(KpiDefinition kpi, int unit, decimal? value, decimal? benchmark)
    {
        var areaCode = units.Levels[unit] is KpiVocabulary.LevelProvider or KpiVocabulary.LevelArea ? units.AreaCodes[unit] : null;
        if (kpi.AcceptsTarget && targets.For(kpi, areaCode) is { } target)
        {
            return (RagBasis.Target, target.Target, RagRating.AgainstTarget(kpi.Polarity, value, target));
        }

        if (kpi.NationalBenchmark)
        {
            var rag = unit == units.AllUnit ? KpiVocabulary.RagNone : RagRating.AgainstBenchmark(kpi.Polarity, value, benchmark);
            return (RagBasis.NationalBenchmark, null, rag);
        }

        return (RagBasis.None, null, KpiVocabulary.RagNone);
    }

    private long T(int q, Slot slot, int unit, int d) => tally.Get(q, slot, unit, d);

    private Figures Measure(KpiDefinition kpi, int q, int u, int d) => kpi.Id switch
    {
        KpiIds.Acc01 => Percent(T(q, Slot.Waited21, u, d), T(q, Slot.Starts, u, d)),
        KpiIds.Acc02 => MedianWait(q, u),
        KpiIds.Acc03 => Percent(T(q, Slot.SameDay, u, d), T(q, Slot.Starts, u, d)),
        KpiIds.Acc04 => Count(T(q, Slot.WaitingOver21, u, d)),
        KpiIds.Vol01 => Count(T(q, Slot.InTreatment, u, d)),
        KpiIds.Vol02 => Count(T(q, Slot.NewPresentations, u, d)),
        KpiIds.Ret01 => Percent(T(q, Slot.Retained, u, d), T(q, Slot.RetentionCohort, u, d)),
        KpiIds.Ret02 => Percent(T(q, Slot.EarlyUnplanned, u, d), T(q, Slot.RetentionCohort, u, d)),
        KpiIds.Ret03 => Percent(T(q, Slot.Ost4Years, u, d), T(q, Slot.OstClients, u, d)),
        KpiIds.Ret04 => Percent(T(q, Slot.Ost6Years, u, d), T(q, Slot.OstClients, u, d)),
        KpiIds.Ext01 => Percent(T(q, Slot.SuccessfulExit, u, d), T(q, Slot.InTreatment, u, d)),
        KpiIds.Ext02 => Percent(T(q, Slot.SuccessfulNoRepresentation, u, d), T(q, Slot.InTreatment, u, d)),
        KpiIds.Ext03 => Percent(
            T(q, Slot.SuccessfulExit, u, d) - T(q, Slot.SuccessfulNoRepresentation, u, d), T(q, Slot.SuccessfulExit, u, d)),
        KpiIds.Ext04 => Percent(T(q, Slot.DroppedOut, u, d), T(q, Slot.InTreatment, u, d)),
        KpiIds.Ext05 => Percent(T(q, Slot.Withdrawn, u, d), T(q, Slot.InTreatment, u, d)),
        KpiIds.Ext06 => Count(T(q, Slot.Died, u, d)),
        KpiIds.Dos01 => Percent(T(q, Slot.MethadoneOptimal, u, d), T(q, Slot.MethadoneDosed, u, d)),
        KpiIds.Dos02 => Percent(T(q, Slot.BuprenorphineOptimal, u, d), T(q, Slot.BuprenorphineDosed, u, d)),
        KpiIds.Hrm01 => Percent(T(q, Slot.OpiateNaloxone, u, d), T(q, Slot.OpiateClients, u, d)),
        KpiIds.Soft01 => Mean(T(q, Slot.Barc10ChangeSum, u, d), T(q, Slot.Barc10Paired, u, d)),
        KpiIds.Soft02 => Percent(T(q, Slot.Barc10High, u, d), T(q, Slot.Barc10Paired, u, d)),
        KpiIds.Soft03 => Percent(T(q, Slot.OpiateAbstinent, u, d), T(q, Slot.OpiateUsersPaired, u, d)),
        KpiIds.Soft04 => Percent(T(q, Slot.StoppedInjecting, u, d), T(q, Slot.InjectorsPaired, u, d)),
        KpiIds.Soft05 => Mean(T(q, Slot.QualityOfLifeChangeSum, u, d), T(q, Slot.QualityOfLifePaired, u, d)),
        KpiIds.Soft06 => Percent(T(q, Slot.HousingResolved, u, d), T(q, Slot.HousingProblemPaired, u, d)),
        KpiIds.Soft07 => Percent(T(q, Slot.GoalsProgressed, u, d), T(q, Slot.GoalReviews, u, d)),
        KpiIds.Soft08 => Percent(T(q, Slot.ReviewDone, u, d), T(q, Slot.ReviewDue, u, d)),
        KpiIds.Nsp01 => Count(T(q, Slot.NspTransactions, u, d)),
        KpiIds.Nsp02 => Count(T(q, Slot.NspNeedles, u, d)),
        KpiIds.Nsp03 => Count(T(q, Slot.NspNewRegistrations, u, d)),
        KpiIds.Nsp04 => NeedlesPerPwid(T(q, Slot.NspNeedlesInEstimatedAreas, u, d), units.PwidEstimate[u]),
        KpiIds.Nsp05 => Count(T(q, Slot.NspNaloxone, u, d)),
        KpiIds.Nsp06 => Count(T(q, Slot.NspReferred, u, d)),
        KpiIds.Pop01 => UnmetNeed(T(q, Slot.OpiateClientsInYear, u, d), units.OpiateEstimate[u]),
        KpiIds.Dq01 => Percent(T(q, Slot.ReturnsOnTime, u, d), T(q, Slot.ExpectedReturns, u, d)),
        KpiIds.Dq02 => Count(T(q, Slot.RejectedUploads, u, d)),
        KpiIds.Dq03 => Count(T(q, Slot.MissingEpisodes, u, d)),
        _ => throw new InvalidOperationException($"No computation for KPI {kpi.Id}."),
    };

    private Figures MedianWait(int q, int u)
    {
        var sorted = waits[q * units.Count + u];
        if (sorted is null || sorted.Count == 0)
        {
            return new Figures(null, 0, null);
        }

        var n = sorted.Count;
        var median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + (decimal)sorted[n / 2]) / 2;
        return new Figures(null, n, median);
    }

    internal static Figures Count(long count) => new(count, null, count);

    internal static Figures Percent(long numerator, long denominator) =>
        new(numerator, denominator, Rounding.Percent(numerator, denominator));

    internal static Figures Mean(long sum, long n) =>
        new(null, n, n == 0 ? null : Rounding.HalfAwayFromZero((decimal)sum / n, 1));

    /// <summary>NSP04: numerator × 4 ÷ denominator, two decimals; blank without an estimate.</summary>
    internal static Figures NeedlesPerPwid(long needles, long estimate) =>
        new(needles, estimate, estimate == 0 ? null : Rounding.HalfAwayFromZero(needles * 4m / estimate, 2));

    /// <summary>POP01: 100 − 100 × numerator ÷ denominator, one decimal; blank without an estimate.</summary>
    internal static Figures UnmetNeed(long clients, long estimate) =>
        new(clients, estimate, estimate == 0 ? null : Rounding.HalfAwayFromZero(100m - 100m * clients / estimate, 1));
}

/// <summary>The published figures of one row before RAG.</summary>
internal readonly record struct Figures(long? Numerator, long? Denominator, decimal? Value);
