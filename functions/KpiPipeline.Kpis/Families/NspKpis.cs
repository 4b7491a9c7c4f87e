using KpiPipeline.Kpis.Catalogue;
using KpiPipeline.Kpis.Engine;
using KpiPipeline.Kpis.Returns;

namespace KpiPipeline.Kpis.Families;

/// <summary>
/// Needle and syringe programmes (kpis.md section 7): NSP01–NSP06, sums of the transactions dated in the quarter (from
/// the per-month totals of each nsp.csv); NSP04 over the areas that have an estimated_pwid, area level and above.
/// </summary>
internal sealed class NspKpis(CounterSpace space, UnitIndex units, Quarters quarters)
{
    /// <summary>NSP04: a quarter's needles scaled to a year.</summary>
    public const int QuartersPerYear = 4;

    private enum Counter
    {
        /// <summary>NSP01: transactions.</summary>
        Transactions,

        /// <summary>NSP02: needles supplied.</summary>
        Needles,

        /// <summary>NSP03: transactions with new_registration = Y.</summary>
        NewRegistrations,

        /// <summary>NSP04 numerator: needles supplied at providers of areas with an estimated_pwid.</summary>
        NeedlesInEstimatedAreas,

        /// <summary>NSP05: transactions with naloxone_supplied = Y.</summary>
        Naloxone,

        /// <summary>NSP06: transactions with referred_to_treatment = Y.</summary>
        Referred,
    }

    private readonly Counters<Counter> counters = space.Create<Counter>();
    private readonly UnitIndex units = units;

    public static IReadOnlyList<KpiEntry> Kpis { get; } =
    [
        new(
            new KpiDefinition(
                Id: KpiIds.Nsp01,
                Title: "NSP transactions",
                Category: KpiCategory.Nsp,
                Unit: KpiUnit.Count,
                Definition: "The number of needle and syringe programme transactions in the quarter."),
            Formula: static (run, at) => Figures.Count(run.Nsp.counters[at, Counter.Transactions])),
        new(
            new KpiDefinition(
                Id: KpiIds.Nsp02,
                Title: "Needles supplied",
                Category: KpiCategory.Nsp,
                Unit: KpiUnit.Count,
                Definition: "The number of needles supplied by needle and syringe programmes in the quarter."),
            Formula: static (run, at) => Figures.Count(run.Nsp.counters[at, Counter.Needles])),
        new(
            new KpiDefinition(
                Id: KpiIds.Nsp03,
                Title: "NSP new registrations",
                Category: KpiCategory.Nsp,
                Unit: KpiUnit.Count,
                Definition: "The number of needle and syringe programme transactions in the quarter that registered a new client."),
            Formula: static (run, at) => Figures.Count(run.Nsp.counters[at, Counter.NewRegistrations])),
        new(
            new KpiDefinition(
                Id: KpiIds.Nsp04,
                Title: "Needles per person who injects per year",
                Category: KpiCategory.Nsp,
                Unit: KpiUnit.Ratio,
                AreaLevelAndAbove: true,
                RatioDecimals: 2,
                Definition: "Needles supplied in the quarter, scaled to a year, per estimated person who injects drugs, over the areas that have an estimate."),
            Formula: static (run, at) => NeedlesPerPwid(run.Nsp.counters[at, Counter.NeedlesInEstimatedAreas], run.Nsp.units.PwidEstimate[at.Unit]))
        {
            PublicValue = static rounded => rounded is { Numerator: { } n, Denominator: { } d } ? NeedlesPerPwid(n, d).Value : null,
        },
        new(
            new KpiDefinition(
                Id: KpiIds.Nsp05,
                Title: "NSP naloxone supplied",
                Category: KpiCategory.Nsp,
                Unit: KpiUnit.Count,
                Definition: "The number of needle and syringe programme transactions in the quarter that supplied naloxone."),
            Formula: static (run, at) => Figures.Count(run.Nsp.counters[at, Counter.Naloxone])),
        new(
            new KpiDefinition(
                Id: KpiIds.Nsp06,
                Title: "NSP referrals to treatment",
                Category: KpiCategory.Nsp,
                Unit: KpiUnit.Count,
                Definition: "The number of needle and syringe programme transactions in the quarter that referred the person to treatment."),
            Formula: static (run, at) => Figures.Count(run.Nsp.counters[at, Counter.Referred])),
    ];

    /// <summary>NSP04: needles × 4 ÷ the estimate, two decimals; blank without an estimate.</summary>
    public static Figures NeedlesPerPwid(long needles, long estimate) =>
        new(needles, estimate, estimate == 0 ? null : Rounding.HalfAwayFromZero(needles * (decimal)QuartersPerYear / estimate, 2));

    /// <summary>Adds up the month totals of every provider in providers.csv, in the quarter of their month.</summary>
    public void Count(IReadOnlyList<NspMonthTotals> totals)
    {
        foreach (var t in totals)
        {
            var provider = units.ProviderIndex(t.ProviderCode);
            var q = quarters.IndexOf(t.Month);
            if (provider < 0 || q < 0)
            {
                continue;
            }

            var chain = units.Chains[provider];
            counters.Add(q, Counter.Transactions, chain, t.Transactions);
            counters.Add(q, Counter.Needles, chain, t.Needles);
            counters.Add(q, Counter.NeedlesInEstimatedAreas, units.PwidEstimateChains[provider], t.Needles);
            counters.Add(q, Counter.NewRegistrations, chain, t.NewRegistrations);
            counters.Add(q, Counter.Naloxone, chain, t.NaloxoneSupplied);
            counters.Add(q, Counter.Referred, chain, t.ReferredToTreatment);
        }
    }
}
