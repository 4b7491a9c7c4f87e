using KpiPipeline.Kpis.Families;
using KpiPipeline.Kpis.Folding;
using KpiPipeline.Kpis.Returns;

namespace KpiPipeline.Kpis.Engine;

/// <summary>
/// The KPI families and their counters for one run. Each family (a file in <c>Families/</c>) owns its KPIs' catalogue
/// entries, named thresholds, counters and formulas; this class lists the families, in catalogue order, and counts them:
/// staffing first (CAP01 needs to know which providers have a workforce month), the episodes through the shared
/// <see cref="EpisodeLoop"/>, then NSP and data quality from their own inputs.
/// </summary>
internal sealed class KpiRun
{
    /// <summary>Every KPI, family by family in the order of kpis.md's sections.</summary>
    public static IReadOnlyList<KpiEntry> Entries { get; } =
    [
        .. AccessKpis.Kpis,
        .. VolumeKpis.Kpis,
        .. RetentionKpis.Kpis,
        .. ExitKpis.Kpis,
        .. MedicationKpis.Kpis,
        .. SoftOutcomeKpis.Kpis,
        .. NspKpis.Kpis,
        .. PopulationKpis.Kpis,
        .. DataQualityKpis.Kpis,
        .. ContinuityKpis.Kpis,
        .. HatKpis.Kpis,
        .. WorkforceKpis.Kpis,
    ];

    private static readonly Dictionary<string, KpiEntry> ById = Entries.ToDictionary(e => e.Definition.Id, StringComparer.Ordinal);

    private readonly CounterSpace space;

    private KpiRun(Quarters quarters, UnitIndex units, DateOnly asOf)
    {
        space = new CounterSpace(quarters.Count, units.Count);
        Access = new AccessKpis(space);
        Volume = new VolumeKpis(space);
        Retention = new RetentionKpis(space, asOf.DayNumber);
        Exits = new ExitKpis(space);
        Medication = new MedicationKpis(space);
        SoftOutcomes = new SoftOutcomeKpis(space);
        Nsp = new NspKpis(space, units, quarters);
        Population = new PopulationKpis(space, units);
        DataQuality = new DataQualityKpis(space, units, quarters, asOf);
        Continuity = new ContinuityKpis(space, asOf.DayNumber);
        Hat = new HatKpis(space, asOf.DayNumber);
        Workforce = new WorkforceKpis(space, units, quarters);
    }

    public AccessKpis Access { get; }

    public VolumeKpis Volume { get; }

    public RetentionKpis Retention { get; }

    public ExitKpis Exits { get; }

    public MedicationKpis Medication { get; }

    public SoftOutcomeKpis SoftOutcomes { get; }

    public NspKpis Nsp { get; }

    public PopulationKpis Population { get; }

    public DataQualityKpis DataQuality { get; }

    public ContinuityKpis Continuity { get; }

    public HatKpis Hat { get; }

    public WorkforceKpis Workforce { get; }

    /// <summary>The entry of a KPI id, or null.</summary>
    public static KpiEntry? Entry(string kpiId) => ById.GetValueOrDefault(kpiId);

    /// <summary>
    /// Counts every KPI of a run. The folded episodes and reviews are indexed first and the counters allocated after, so
    /// that the fold's rows, which nothing refers to once indexed, can be collected before the counters fill; the index
    /// itself is dropped once counted (the run keeps only counters while its rows are published). <paramref name="indexed"/>
    /// is called in between.
    /// </summary>
    public static KpiRun Count(
        FoldedReturns folded, IReadOnlyList<UploadOutcome> uploads, Quarters quarters, UnitIndex units, DateOnly asOf,
        List<string> warnings, int parallelism, Action? indexed = null)
    {
        var (nsp, usedFiles, missingEvents, workforce) = (folded.Nsp, folded.UsedFiles, folded.MissingEvents, folded.Workforce);
        var index = new EpisodeIndex(folded.Facts, units, warnings);
        indexed?.Invoke();
        var run = new KpiRun(quarters, units, asOf);
        run.Workforce.Count(workforce);
        new EpisodeLoop(run, index, quarters, units, asOf.DayNumber).Run(run.space, parallelism);
        run.Access.Complete();
        run.Nsp.Count(nsp);
        run.DataQuality.Count(uploads, usedFiles, missingEvents);
        return run;
    }
}
