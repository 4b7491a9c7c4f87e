using KpiPipeline.Core.Dataset;
using KpiPipeline.Kpis.Catalogue;
using KpiPipeline.Kpis.Engine;

namespace KpiPipeline.Kpis.Families;

/// <summary>
/// Exits and what happens after them (kpis.md section 4): EXT01–EXT06, distinct clients with an exit in the quarter,
/// as a percentage of VOL01 of the same breakdown value (<see cref="VolumeKpis.InTreatment"/>). Re-presentation
/// (another referral of the client within <see cref="EpisodeIndex.RepresentationDays"/> of the exit) is marked on each
/// episode by the shared index; EXT02 and EXT03 wait that long after the quarter before they are final. Beside them the
/// balancing and broadened-success measures of version 1.1 (kpis.md 10.2): EXT07, the successful exits that came early,
/// and EXT08, people on a stable, optimal maintenance dose for a year, success for those who treat opiate use as a
/// long-term condition.
/// </summary>
internal sealed class ExitKpis(CounterSpace space)
{
    /// <summary>EXT07: a successful exit fewer than this many days after start is early (exit − start &lt; 84).</summary>
    public const int EarlyExitDays = 84;

    /// <summary>EXT08: a maintenance episode is stable once it started at least this many days before P.end.</summary>
    public const int StableMaintenanceDays = 365;

    private enum Counter
    {
        /// <summary>EXT01: distinct clients with a SUCCESSFUL exit in P.</summary>
        SuccessfulExit,

        /// <summary>EXT02: those with some SUCCESSFUL exit in P without a re-presentation.</summary>
        SuccessfulNoRepresentation,

        /// <summary>EXT04: distinct clients with an exit in P with reason DROPPED_OUT.</summary>
        DroppedOut,

        /// <summary>EXT05: reason WITHDRAWN_BY_PROVIDER.</summary>
        Withdrawn,

        /// <summary>EXT06: reason DIED.</summary>
        Died,

        /// <summary>EXT07 denominator: episodes with a SUCCESSFUL exit in P and a treatment_start_date.</summary>
        SuccessfulExitsAfterStart,

        /// <summary>EXT07 numerator: those with exit − start below <see cref="EarlyExitDays"/>.</summary>
        EarlySuccessfulExits,

        /// <summary>
        /// EXT08 denominator: distinct clients with a MAINTENANCE episode on methadone or buprenorphine (alone or with
        /// naloxone), open at P.end, started at least <see cref="StableMaintenanceDays"/> before it.
        /// </summary>
        StableMaintenance,

        /// <summary>EXT08 numerator: those with some such episode at an optimal dose (<see cref="MedicationKpis.IsOptimalDose"/>).</summary>
        StableMaintenanceOptimalDose,
    }

    private readonly Counters<Counter> counters = space.Create(Counter.SuccessfulExit, Counter.SuccessfulNoRepresentation);

    public static IReadOnlyList<KpiEntry> Kpis { get; } =
    [
        new(
            new KpiDefinition(
                Id: KpiIds.Ext01,
                Title: "Successful completions",
                Category: KpiCategory.Hard,
                Unit: KpiUnit.Percent,
                Polarity: KpiPolarity.HigherIsBetter,
                HasBreakdowns: true,
                NationalBenchmark: true,
                Definition: "The number of people who left treatment successfully in the quarter as a percentage of the people in treatment."),
            Formula: static (run, at) => Figures.Percent(run.Exits.counters[at, Counter.SuccessfulExit], run.Volume.InTreatment(at))),
        new(
            new KpiDefinition(
                Id: KpiIds.Ext02,
                Title: "Successful completions not re-presenting",
                Category: KpiCategory.Hard,
                Unit: KpiUnit.Percent,
                Polarity: KpiPolarity.HigherIsBetter,
                HasBreakdowns: true,
                NationalBenchmark: true,
                ProvisionalWindowDays: EpisodeIndex.RepresentationDays,
                Definition: "The number of people who left treatment successfully in the quarter and were not referred again within 6 months, as a percentage of the people in treatment."),
            Formula: static (run, at) => Figures.Percent(run.Exits.counters[at, Counter.SuccessfulNoRepresentation], run.Volume.InTreatment(at))),
        new(
            new KpiDefinition(
                Id: KpiIds.Ext03,
                Title: "Re-presentation within 6 months",
                Category: KpiCategory.Hard,
                Unit: KpiUnit.Percent,
                Polarity: KpiPolarity.LowerIsBetter,
                NationalBenchmark: true,
                ProvisionalWindowDays: EpisodeIndex.RepresentationDays,
                Definition: "Of the people who left treatment successfully in the quarter, the percentage who were referred again within 6 months of every such exit."),
            Formula: static (run, at) => Figures.Percent(
                run.Exits.counters[at, Counter.SuccessfulExit] - run.Exits.counters[at, Counter.SuccessfulNoRepresentation],
                run.Exits.counters[at, Counter.SuccessfulExit])),
        new(
            new KpiDefinition(
                Id: KpiIds.Ext04,
                Title: "Dropped out",
                Category: KpiCategory.Hard,
                Unit: KpiUnit.Percent,
                Polarity: KpiPolarity.LowerIsBetter,
                Definition: "The number of people who dropped out of treatment in the quarter as a percentage of the people in treatment."),
            Formula: static (run, at) => Figures.Percent(run.Exits.counters[at, Counter.DroppedOut], run.Volume.InTreatment(at))),
        new(
            new KpiDefinition(
                Id: KpiIds.Ext05,
                Title: "Withdrawn by provider",
                Category: KpiCategory.Hard,
                Unit: KpiUnit.Percent,
                Polarity: KpiPolarity.LowerIsBetter,
                Definition: "The number of people whose treatment the provider withdrew in the quarter as a percentage of the people in treatment."),
            Formula: static (run, at) => Figures.Percent(run.Exits.counters[at, Counter.Withdrawn], run.Volume.InTreatment(at))),
        new(
            new KpiDefinition(
                Id: KpiIds.Ext06,
                Title: "Deaths in treatment",
                Category: KpiCategory.Hard,
                Unit: KpiUnit.Count,
                Definition: "The number of different people whose episode ended in the quarter because they died."),
            Formula: static (run, at) => Figures.Count(run.Exits.counters[at, Counter.Died])),
        new(
            new KpiDefinition(
                Id: KpiIds.Ext07,
                Title: "Early successful exits",
                Category: KpiCategory.Hard,
                Unit: KpiUnit.Percent,
                Polarity: KpiPolarity.LowerIsBetter,
                Definition: "Of the episodes that ended successfully in the quarter after starting treatment, the percentage that ended less than 12 weeks after they started."),
            Formula: static (run, at) => Figures.Percent(run.Exits.counters[at, Counter.EarlySuccessfulExits], run.Exits.counters[at, Counter.SuccessfulExitsAfterStart])),
        new(
            new KpiDefinition(
                Id: KpiIds.Ext08,
                Title: "Stable maintenance",
                Category: KpiCategory.Hard,
                Unit: KpiUnit.Percent,
                Polarity: KpiPolarity.HigherIsBetter,
                Definition: "Of the people with a maintenance goal on methadone or buprenorphine, in treatment at the quarter end for at least a year, the percentage on a dose in the optimal range."),
            Formula: static (run, at) => Figures.Percent(run.Exits.counters[at, Counter.StableMaintenanceOptimalDose], run.Exits.counters[at, Counter.StableMaintenance])),
    ];

    /// <summary>An episode whose exit_date is in the quarter (started or not, kpis.md section 0): EXT01–EXT06.</summary>
    public void CountExit(in EpisodeInQuarter x)
    {
        ref readonly var e = ref x.Episode;
        if (e.OutcomeClass == OutcomeClass.SUCCESSFUL)
        {
            counters.AddDistinct(x.Scope, x.Period, Counter.SuccessfulExit, x.Chain, in e.Cells);
            if (!e.Represented)
            {
                counters.AddDistinct(x.Scope, x.Period, Counter.SuccessfulNoRepresentation, x.Chain, in e.Cells);
            }
        }

        var reason = e.ExitReason switch
        {
            ExitReason.DROPPED_OUT => Counter.DroppedOut,
            ExitReason.WITHDRAWN_BY_PROVIDER => Counter.Withdrawn,
            ExitReason.DIED => Counter.Died,
            _ => (Counter?)null,
        };
        if (reason is { } counter)
        {
            counters.AddDistinct(x.Scope, x.Period, counter, x.Chain, in e.Cells);
        }

        if (e.OutcomeClass == OutcomeClass.SUCCESSFUL && e.Started)
        {
            counters.Add(x.Period, Counter.SuccessfulExitsAfterStart, x.Chain);
            if (e.Exit - e.Start < EarlyExitDays)
            {
                counters.Add(x.Period, Counter.EarlySuccessfulExits, x.Chain);
            }
        }
    }

    /// <summary>An episode in treatment in the quarter: EXT08 (a blank or 0 dose is in the denominator, never in the numerator).</summary>
    public void CountInTreatment(in EpisodeInQuarter x)
    {
        ref readonly var e = ref x.Episode;
        if (e.Goal != TreatmentGoal.MAINTENANCE || !MedicationKpis.HasOptimalRange(e.Medication)
            || !e.OpenAt(x.PeriodEnd) || e.Start > x.PeriodEnd - StableMaintenanceDays)
        {
            return;
        }

        counters.AddDistinct(x.Scope, x.Period, Counter.StableMaintenance, x.Chain, in e.Cells);
        if (e.Dose > 0m && MedicationKpis.IsOptimalDose(e.Medication, e.Dose))
        {
            counters.AddDistinct(x.Scope, x.Period, Counter.StableMaintenanceOptimalDose, x.Chain, in e.Cells);
        }
    }
}
