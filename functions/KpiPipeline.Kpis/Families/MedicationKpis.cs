using KpiPipeline.Core.Dataset;
using KpiPipeline.Kpis.Catalogue;
using KpiPipeline.Kpis.Engine;

namespace KpiPipeline.Kpis.Families;

/// <summary>
/// Medication and harm reduction (kpis.md section 5): DOS01, DOS02 (an optimal dose among the people with a dose
/// recorded) and HRM01 (naloxone among opiate clients), distinct clients with an episode in treatment in the quarter.
/// A dose is the episode's combined (latest) daily_dose_mg and counts as recorded only above 0.
/// </summary>
internal sealed class MedicationKpis(CounterSpace space)
{
    /// <summary>DOS01: the optimal methadone range, mg a day, inclusive.</summary>
    public const decimal MethadoneOptimalFrom = 60m;

    /// <inheritdoc cref="MethadoneOptimalFrom"/>
    public const decimal MethadoneOptimalTo = 120m;

    /// <summary>DOS02: the optimal buprenorphine range (alone or with naloxone), mg a day, inclusive.</summary>
    public const decimal BuprenorphineOptimalFrom = 12m;

    /// <inheritdoc cref="BuprenorphineOptimalFrom"/>
    public const decimal BuprenorphineOptimalTo = 32m;

    private enum Counter
    {
        /// <summary>DOS01 denominator: distinct clients with a METHADONE episode with a dose above 0.</summary>
        MethadoneDosed,

        /// <summary>Those with some such dose in the optimal range.</summary>
        MethadoneOptimal,

        /// <summary>DOS02 denominator: BUPRENORPHINE or BUPRENORPHINE_NALOXONE with a dose above 0.</summary>
        BuprenorphineDosed,

        /// <summary>Those with some such dose in the optimal range.</summary>
        BuprenorphineOptimal,

        /// <summary>HRM01 denominator: distinct clients with an OPIATE episode.</summary>
        OpiateClients,

        /// <summary>Those with naloxone_supplied = Y on some OPIATE episode.</summary>
        OpiateNaloxone,
    }

    private readonly Counters<Counter> counters = space.Create<Counter>();

    public static IReadOnlyList<KpiEntry> Kpis { get; } =
    [
        new(
            new KpiDefinition(
                Id: KpiIds.Dos01,
                Title: "Methadone at an optimal dose",
                Category: KpiCategory.Hard,
                Unit: KpiUnit.Percent,
                Polarity: KpiPolarity.HigherIsBetter,
                DefaultTarget: 70m,
                Definition: "Of the people on methadone in the quarter with a dose recorded, the percentage with a daily dose of 60 to 120 mg."),
            Formula: static (run, at) => Figures.Percent(run.Medication.counters[at, Counter.MethadoneOptimal], run.Medication.counters[at, Counter.MethadoneDosed])),
        new(
            new KpiDefinition(
                Id: KpiIds.Dos02,
                Title: "Buprenorphine at an optimal dose",
                Category: KpiCategory.Hard,
                Unit: KpiUnit.Percent,
                Polarity: KpiPolarity.HigherIsBetter,
                DefaultTarget: 70m,
                Definition: "Of the people on buprenorphine (alone or with naloxone) in the quarter with a dose recorded, the percentage with a daily dose of 12 to 32 mg."),
            Formula: static (run, at) => Figures.Percent(run.Medication.counters[at, Counter.BuprenorphineOptimal], run.Medication.counters[at, Counter.BuprenorphineDosed])),
        new(
            new KpiDefinition(
                Id: KpiIds.Hrm01,
                Title: "Naloxone supplied",
                Category: KpiCategory.Hard,
                Unit: KpiUnit.Percent,
                Polarity: KpiPolarity.HigherIsBetter,
                DefaultTarget: 90m,
                Definition: "Of the people in treatment for opiates in the quarter, the percentage who were supplied with naloxone during an opiate episode."),
            Formula: static (run, at) => Figures.Percent(run.Medication.counters[at, Counter.OpiateNaloxone], run.Medication.counters[at, Counter.OpiateClients])),
    ];

    /// <summary>Methadone (DOS01), or buprenorphine alone or with naloxone (DOS02): the medications with an optimal dose range.</summary>
    public static bool HasOptimalRange(Medication? medication) =>
        medication is Medication.METHADONE or Medication.BUPRENORPHINE or Medication.BUPRENORPHINE_NALOXONE;

    /// <summary>Whether a recorded dose is in the optimal range of its medication (false for other medications and for no dose).</summary>
    public static bool IsOptimalDose(Medication? medication, decimal dose) => medication switch
    {
        Medication.METHADONE => dose is >= MethadoneOptimalFrom and <= MethadoneOptimalTo,
        Medication.BUPRENORPHINE or Medication.BUPRENORPHINE_NALOXONE => dose is >= BuprenorphineOptimalFrom and <= BuprenorphineOptimalTo,
        _ => false,
    };

    /// <summary>An episode in treatment in the quarter: DOS01, DOS02, HRM01.</summary>
    public void CountInTreatment(in EpisodeInQuarter x)
    {
        ref readonly var e = ref x.Episode;
        if (e.Dose > 0m && HasOptimalRange(e.Medication))
        {
            var methadone = e.Medication == Medication.METHADONE;
            counters.AddDistinct(x.Scope, x.Period, methadone ? Counter.MethadoneDosed : Counter.BuprenorphineDosed, x.Chain, in e.Cells);
            if (IsOptimalDose(e.Medication, e.Dose))
            {
                counters.AddDistinct(x.Scope, x.Period, methadone ? Counter.MethadoneOptimal : Counter.BuprenorphineOptimal, x.Chain, in e.Cells);
            }
        }

        if (e.Group == SubstanceGroup.OPIATE)
        {
            counters.AddDistinct(x.Scope, x.Period, Counter.OpiateClients, x.Chain, in e.Cells);
            if (e.Naloxone)
            {
                counters.AddDistinct(x.Scope, x.Period, Counter.OpiateNaloxone, x.Chain, in e.Cells);
            }
        }
    }
}
