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
/// Flat counters indexed by period, slot, unit and dimension (0 = all, 1 + substance group), with the stamps that
/// make "distinct clients" cheap: a client is counted once per (slot, unit, dimension) within one stamp.
/// </summary>
internal sealed class Tally
{
    public const int Dimensions = 4;
    private static readonly int SlotCount = Enum.GetValues<Slot>().Length;

    private readonly long[] counts;
    private readonly int[] stamps;
    private readonly int units;
    private int stamp;

    public Tally(int periods, int units)
    {
        this.units = units;
        counts = new long[periods * SlotCount * units * Dimensions];
        stamps = new int[SlotCount * units * Dimensions];
    }

    /// <summary>Starts a new (client, period) scope for distinct counting.</summary>
    public void NewScope() => stamp++;

    public long Get(int period, Slot slot, int unit, int dimension) =>
        counts[(((period * SlotCount) + (int)slot) * units + unit) * Dimensions + dimension];

    /// <summary>Adds to every unit of the chain, in dimension all and (when group ≥ 0) in the group's dimension.</summary>
    public void Add(int period, Slot slot, int[] chain, int group, long amount = 1)
    {
        foreach (var unit in chain)
        {
            var at = (((period * SlotCount) + (int)slot) * units + unit) * Dimensions;
            counts[at] += amount;
            if (group >= 0)
            {
                counts[at + 1 + group] += amount;
            }
        }
    }

    /// <summary>Like <see cref="Add"/>, counting at most once per unit and dimension within the current scope.</summary>
    public void AddDistinct(int period, Slot slot, int[] chain, int group)
    {
        foreach (var unit in chain)
        {
            var key = ((int)slot * units + unit) * Dimensions;
            var at = (((period * SlotCount) + (int)slot) * units + unit) * Dimensions;
            if (stamps[key] != stamp)
            {
                stamps[key] = stamp;
                counts[at]++;
            }

            if (group >= 0 && stamps[key + 1 + group] != stamp)
            {
                stamps[key + 1 + group] = stamp;
                counts[at + 1 + group]++;
            }
        }
    }
}
