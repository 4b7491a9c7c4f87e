using KpiPipeline.Kpis.Families;

namespace KpiPipeline.Kpis.Engine;

/// <summary>One episode in one quarter, as the loop hands it to the families.</summary>
internal readonly ref struct EpisodeInQuarter
{
    public EpisodeInQuarter(
        ref readonly EpisodeFact episode, ReadOnlySpan<ReviewFact> reviews, DistinctScope scope, int period, int periodStart, int periodEnd, int[] chain)
    {
        Episode = ref episode;
        Reviews = reviews;
        Scope = scope;
        Period = period;
        PeriodStart = periodStart;
        PeriodEnd = periodEnd;
        Chain = chain;
    }

    public readonly ref readonly EpisodeFact Episode;

    /// <summary>The episode's reviews, by date (on one date REVIEW before EXIT); <see cref="EpisodeFact.StartReview"/> indexes into them.</summary>
    public readonly ReadOnlySpan<ReviewFact> Reviews;

    /// <summary>The worker's scope for distinct clients: the current client in <see cref="Period"/>.</summary>
    public DistinctScope Scope { get; }

    /// <summary>The quarter's index in the run.</summary>
    public int Period { get; }

    /// <summary>P.start as a day number.</summary>
    public int PeriodStart { get; }

    /// <summary>P.end as a day number.</summary>
    public int PeriodEnd { get; }

    /// <summary>The units the episode's provider counts in (provider, area, nation, ALL).</summary>
    public int[] Chain { get; }
}

/// <summary>
/// The loop over clients × quarters, the one place that decides which episode is looked at in which quarter. Each client is
/// visited once for every quarter its episodes can count in (from the quarter of the earliest referral to the latest
/// quarter any family still looks back to), and each of its episodes is handed to the families: to all of them for the
/// shared events of kpis.md section 0 (starts in P, exits in P, in treatment in P) and to those with a cohort of their own
/// in every quarter. Workers take different quarters (quarter q goes to worker q mod workers), so they write different
/// cells and keep their own distinct scopes. The families' methods are called directly: no virtual call or allocation per
/// episode and quarter.
/// </summary>
internal sealed class EpisodeLoop(KpiRun run, EpisodeIndex index, Quarters quarters, UnitIndex units, int asOf)
{
    private readonly EpisodeFact[] episodes = index.Episodes;
    private readonly int[] byClient = index.ByClient;

    public void Run(CounterSpace space, int parallelism) =>
        Parallel.For(0, parallelism, new ParallelOptions { MaxDegreeOfParallelism = parallelism },
            worker => Count(new DistinctScope(space), worker, parallelism));

    private void Count(DistinctScope scope, int worker, int workers)
    {
        var last = quarters.Last;
        var from = 0;
        while (from < byClient.Length)
        {
            var to = from;
            var firstPeriod = last;
            var lastPeriod = 0;
            while (to < byClient.Length && episodes[byClient[to]].Client == episodes[byClient[from]].Client)
            {
                ref readonly var e = ref episodes[byClient[to]];
                firstPeriod = Math.Min(firstPeriod, Math.Max(0, quarters.IndexOf(e.Referral)));
                lastPeriod = Math.Max(lastPeriod, LastRelevantPeriod(in e));
                to++;
            }

            var first = firstPeriod + ((worker - (firstPeriod % workers) + workers) % workers);
            for (var q = first; q <= lastPeriod; q += workers)
            {
                scope.NewScope();
                for (var i = from; i < to; i++)
                {
                    var at = byClient[i];
                    if (episodes[at].Provider >= 0)
                    {
                        CountEpisode(scope, q, at);
                    }
                }
            }

            from = to;
        }
    }

    /// <summary>
    /// The last quarter an episode can count in: every quarter while it is open; after its effective end until POP01 stops
    /// looking back to it, or until HAT01 counts it on its first anniversary of start, whichever is later.
    /// </summary>
    private int LastRelevantPeriod(in EpisodeFact e) =>
        e.EffectiveEnd == EpisodeFact.Blank
            ? quarters.Last
            : Math.Min(quarters.Last, quarters.IndexOf(Math.Min(Math.Max(e.EffectiveEnd + PopulationKpis.LookBackDays, HatKpis.AnniversaryOf(in e)), asOf)));

    private void CountEpisode(DistinctScope scope, int q, int at)
    {
        ref readonly var e = ref episodes[at];
        var x = new EpisodeInQuarter(
            in e, index.ReviewsOf(in e), scope, q, quarters.Start[q], quarters.End[q], units.Chains[e.Provider]);

        if (e.Start >= x.PeriodStart && e.Start <= x.PeriodEnd)
        {
            run.Access.CountStart(in x);
            run.Volume.CountStart(in x);
            run.Retention.CountStart(in x);
        }

        if (e.Exit >= x.PeriodStart && e.Exit <= x.PeriodEnd)
        {
            run.Exits.CountExit(in x);
            run.Hat.CountExit(in x);
        }

        if (e.InTreatment(x.PeriodStart, x.PeriodEnd))
        {
            run.Volume.CountInTreatment(in x);
            run.Retention.CountInTreatment(in x);
            run.Exits.CountInTreatment(in x);
            run.Medication.CountInTreatment(in x);
            run.SoftOutcomes.CountInTreatment(in x);
            run.Hat.CountInTreatment(in x);
            run.Workforce.CountInTreatment(in x);
        }

        run.Access.CountWaiting(in x);
        run.Population.Count(in x);
        run.Continuity.Count(in x);
        run.Hat.Count(in x);
    }
}
