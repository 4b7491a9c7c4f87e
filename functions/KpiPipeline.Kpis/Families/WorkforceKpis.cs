using KpiPipeline.Kpis.Catalogue;
using KpiPipeline.Kpis.Engine;
using KpiPipeline.Kpis.Folding;

namespace KpiPipeline.Kpis.Families;

/// <summary>
/// Workforce and caseload (kpis.md 10.5, from workforce.csv): CAP01 caseload per available FTE, CAP02 staff with under two
/// years' service, CAP03 staff on long-term leave. A provider's workforce month for a quarter is the latest month of the
/// quarter with an accepted workforce.csv (a rejected later file leaves an earlier accepted month in force, because only
/// accepted files are folded); providers without one are left out of both sides of every CAP KPI. Rows at every level,
/// dimension all only. Available FTE (staff_fte − long_term_leave_fte) is never rounded or suppressed: it is not a count.
/// </summary>
internal sealed class WorkforceKpis
{
    /// <summary>CAP01's value: caseload ÷ available FTE to this many decimals.</summary>
    public const int CaseloadDecimals = 1;

    private enum Counter
    {
        /// <summary>CAP01 numerator: distinct clients with an episode open at P.end at a provider with a workforce month in P.</summary>
        Caseload,

        /// <summary>CAP02/CAP03 denominator: Σ staff_headcount over the workforce months.</summary>
        Headcount,

        /// <summary>CAP02 numerator: Σ staff_under_2_years.</summary>
        UnderTwoYears,

        /// <summary>CAP03 numerator: Σ staff_on_long_term_leave.</summary>
        OnLongTermLeave,
    }

    private readonly Counters<Counter> counters;
    private readonly UnitIndex units;
    private readonly Quarters quarters;

    /// <summary>Whether the provider has a workforce month in the quarter: [quarter × providers + provider].</summary>
    private readonly bool[] reporting;

    /// <summary>CAP01's divisor: Σ available FTE of the unit's workforce months, [quarter × units + unit].</summary>
    private readonly decimal[] availableFte;

    public WorkforceKpis(CounterSpace space, UnitIndex units, Quarters quarters)
    {
        counters = space.Create<Counter>();
        this.units = units;
        this.quarters = quarters;
        reporting = new bool[quarters.Count * units.ProviderCount];
        availableFte = new decimal[quarters.Count * units.Count];
    }

    public static IReadOnlyList<KpiEntry> Kpis { get; } =
    [
        new(
            new KpiDefinition(
                Id: KpiIds.Cap01,
                Title: "Caseload per available FTE",
                Category: KpiCategory.Workforce,
                Unit: KpiUnit.Ratio,
                Polarity: KpiPolarity.LowerIsBetter,
                DefaultTarget: 50m,
                RatioDecimals: 1,
                Definition: "The number of different people in treatment at the quarter end per full-time equivalent member of staff not on long-term leave, at the providers that sent a workforce return for the quarter."),
            Formula: static (run, at) => CaseloadPerFte(
                run.Workforce.counters[at, Counter.Caseload], run.Workforce.availableFte[(at.Period * run.Workforce.units.Count) + at.Unit]))
        {
            PublicValue = static rounded => rounded is { Numerator: { } n, Divisor: { } fte } ? CaseloadPerFte(n, fte).Value : null,
        },
        new(
            new KpiDefinition(
                Id: KpiIds.Cap02,
                Title: "Staff under 2 years' service",
                Category: KpiCategory.Workforce,
                Unit: KpiUnit.Percent,
                Polarity: KpiPolarity.LowerIsBetter,
                Definition: "Of the staff who deliver treatment at the providers that sent a workforce return for the quarter, the percentage with under two years' service."),
            Formula: static (run, at) => Figures.Percent(run.Workforce.counters[at, Counter.UnderTwoYears], run.Workforce.counters[at, Counter.Headcount])),
        new(
            new KpiDefinition(
                Id: KpiIds.Cap03,
                Title: "Staff on long-term leave",
                Category: KpiCategory.Workforce,
                Unit: KpiUnit.Percent,
                Polarity: KpiPolarity.LowerIsBetter,
                Definition: "Of the staff who deliver treatment at the providers that sent a workforce return for the quarter, the percentage on long-term leave."),
            Formula: static (run, at) => Figures.Percent(run.Workforce.counters[at, Counter.OnLongTermLeave], run.Workforce.counters[at, Counter.Headcount])),
    ];

    /// <summary>CAP01: caseload ÷ available FTE, one decimal; denominator blank; value blank when the FTE is 0 (or no provider has a workforce month).</summary>
    public static Figures CaseloadPerFte(long caseload, decimal availableFte) =>
        new(caseload, null, availableFte == 0 ? null : Rounding.HalfAwayFromZero(caseload / availableFte, CaseloadDecimals), availableFte);

    /// <summary>Takes each provider's workforce month per quarter and adds up its staffing; before the episodes are counted.</summary>
    public void Count(IReadOnlyList<WorkforceMonth> months)
    {
        var latest = new WorkforceMonth?[reporting.Length];
        foreach (var month in months)
        {
            var provider = units.ProviderIndex(month.ProviderCode);
            var q = quarters.IndexOf(month.Month);
            if (provider < 0 || q < 0)
            {
                continue;
            }

            // The latest month of the quarter; of two versions of one month, the later in the list (the latest accepted upload).
            ref var kept = ref latest[(q * units.ProviderCount) + provider];
            if (kept is null || month.Month >= kept.Month)
            {
                kept = month;
            }
        }

        for (var i = 0; i < latest.Length; i++)
        {
            if (latest[i] is not { Row: var row })
            {
                continue;
            }

            var q = i / units.ProviderCount;
            var chain = units.Chains[i % units.ProviderCount];
            reporting[i] = true;
            counters.Add(q, Counter.Headcount, chain, row.StaffHeadcount);
            counters.Add(q, Counter.UnderTwoYears, chain, row.StaffUnder2Years);
            counters.Add(q, Counter.OnLongTermLeave, chain, row.StaffOnLongTermLeave);
            foreach (var unit in chain)
            {
                availableFte[(q * units.Count) + unit] += row.AvailableFte;
            }
        }
    }

    /// <summary>An episode in treatment in the quarter: CAP01's caseload, when it is open at P.end at a provider with a workforce month.</summary>
    public void CountInTreatment(in EpisodeInQuarter x)
    {
        ref readonly var e = ref x.Episode;
        if (reporting[(x.Period * units.ProviderCount) + e.Provider] && e.OpenAt(x.PeriodEnd))
        {
            counters.AddDistinct(x.Scope, x.Period, Counter.Caseload, x.Chain, in e.Cells);
        }
    }
}
