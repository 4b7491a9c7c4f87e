namespace KpiPipeline.Kpis.Engine;

/// <summary>The tallies the engine keeps per period, unit and dimension; KPI rows are built from them.</summary>
internal enum Slot
{
    Starts,
    Waited21,
    SameDay,
    WaitingOver21,
    InTreatment,
    NewPresentations,
    RetentionCohort,
    Retained,
    EarlyUnplanned,
    OstClients,
    Ost4Years,
    Ost6Years,
    SuccessfulExit,
    SuccessfulNoRepresentation,
    DroppedOut,
    Withdrawn,
    Died,
    MethadoneDosed,
    MethadoneOptimal,
    BuprenorphineDosed,
    BuprenorphineOptimal,
    OpiateClients,
    OpiateNaloxone,
    Barc10Paired,
    Barc10ChangeSum,
    Barc10High,
    OpiateUsersPaired,
    OpiateAbstinent,
    InjectorsPaired,
    StoppedInjecting,
    QualityOfLifePaired,
    QualityOfLifeChangeSum,
    HousingProblemPaired,
    HousingResolved,
    GoalReviews,
    GoalsProgressed,
    ReviewDue,
    ReviewDone,
    NspTransactions,
    NspNeedles,
    NspNewRegistrations,
    NspNeedlesInEstimatedAreas,
    NspNaloxone,
    NspReferred,
    OpiateClientsInYear,
    ExpectedReturns,
    ReturnsOnTime,
    RejectedUploads,
    MissingEpisodes,
}

/// <summary>
/// Flat counters indexed by period, slot, unit and dimension (0 = all, 1 + substance group). Distinct counting goes
/// through a <see cref="DistinctScope"/>. Cells of different periods never overlap, so workers that take different
/// periods can add at the same time.
/// </summary>
internal sealed class Tally
{
    public const int Dimensions = 4;
    internal static readonly int SlotCount = Enum.GetValues<Slot>().Length;

    private readonly long[] counts;

    public Tally(int periods, int units)
    {
        Units = units;
        counts = new long[periods * SlotCount * units * Dimensions];
    }

    public int Units { get; }

    public long Get(int period, Slot slot, int unit, int dimension) =>
        counts[(((period * SlotCount) + (int)slot) * Units + unit) * Dimensions + dimension];

    /// <summary>Adds to every unit of the chain, in dimension all and (when group ≥ 0) in the group's dimension.</summary>
    public void Add(int period, Slot slot, int[] chain, int group, long amount = 1)
    {
        foreach (var unit in chain)
        {
            var at = Cell(period, slot, unit);
            counts[at] += amount;
            if (group >= 0)
            {
                counts[at + 1 + group] += amount;
            }
        }
    }

    /// <summary>Adds one to the cell unless <paramref name="seen"/> (the scope's mark for it) is already <paramref name="stamp"/>.</summary>
    internal void AddOnce(int at, ref int seen, int stamp)
    {
        if (seen != stamp)
        {
            seen = stamp;
            counts[at]++;
        }
    }

    internal int Cell(int period, Slot slot, int unit) => (((period * SlotCount) + (int)slot) * Units + unit) * Dimensions;
}

/// <summary>
/// One worker's view of a <see cref="Tally"/> with the stamps that make "distinct clients" cheap: a client is counted
/// once per (slot, unit, dimension) within one scope. Each worker has its own, so workers never share a stamp.
/// </summary>
internal sealed class DistinctScope(Tally tally)
{
    private readonly int[] stamps = new int[Tally.SlotCount * tally.Units * Tally.Dimensions];
    private int stamp;

    /// <summary>Starts a new (client, period) scope for distinct counting.</summary>
    public void NewScope() => stamp++;

    /// <inheritdoc cref="Tally.Add"/>
    public void Add(int period, Slot slot, int[] chain, int group, long amount = 1) => tally.Add(period, slot, chain, group, amount);

    /// <summary>Like <see cref="Add"/>, counting at most once per unit and dimension within the current scope.</summary>
    public void AddDistinct(int period, Slot slot, int[] chain, int group)
    {
        foreach (var unit in chain)
        {
            var key = ((int)slot * tally.Units + unit) * Tally.Dimensions;
            var at = tally.Cell(period, slot, unit);
            tally.AddOnce(at, ref stamps[key], stamp);
            if (group >= 0)
            {
                tally.AddOnce(at + 1 + group, ref stamps[key + 1 + group], stamp);
            }
        }
    }
}
