using KpiPipeline.Core.Dataset;
using KpiPipeline.Kpis.Folding;

namespace KpiPipeline.Kpis.Engine;

/// <summary>
/// What the KPIs read of one folded episode, with dates as day numbers (<see cref="Blank"/> for a blank date) and the
/// codes the families test. Built once per run by <see cref="EpisodeIndex"/>.
/// </summary>
internal struct EpisodeFact
{
    /// <summary>A blank date: later than every real day, so "blank or after P.end" is one comparison.</summary>
    public const int Blank = int.MaxValue;

    public int Client;
    public int Provider;
    public SubstanceGroup Group;
    public EpisodeCells Cells;
    public int Referral;
    public int Start;
    public int Exit;
    public int EffectiveEnd;
    public OutcomeClass? OutcomeClass;
    public ExitReason? ExitReason;
    public Medication? Medication;
    public decimal Dose;
    public bool Naloxone;
    public TreatmentGoal? Goal;

    /// <summary>referral_source PRISON_RELEASE (CJ01).</summary>
    public bool PrisonRelease;

    /// <summary>setting HAT_CLINIC (HAT01–HAT03).</summary>
    public bool Hat;

    /// <summary>A SUCCESSFUL or other exit followed by a re-presentation (kpis.md section 0).</summary>
    public bool Represented;

    /// <summary>The episode's reviews in <see cref="EpisodeIndex.Reviews"/>: [ReviewFrom, ReviewTo).</summary>
    public int ReviewFrom;
    public int ReviewTo;

    /// <summary>The episode's earliest START review, counted from <see cref="ReviewFrom"/>; -1 when it has none.</summary>
    public int StartReview;

    public string ProviderCode;
    public string EpisodeId;

    /// <summary>Started by P.end and not ended before P.start (kpis.md section 0, IT).</summary>
    public readonly bool InTreatment(int periodStart, int periodEnd) => Start <= periodEnd && EffectiveEnd >= periodStart;

    /// <summary>Started by <paramref name="day"/> and with no effective end on or before it.</summary>
    public readonly bool OpenAt(int day) => Start <= day && EffectiveEnd > day;

    /// <summary>Has a treatment_start_date.</summary>
    public readonly bool Started => Start != Blank;
}

/// <summary>
/// The shared index of a run: every folded episode as an <see cref="EpisodeFact"/>, grouped by interned client (so a client
/// is visited once per quarter), each marked with its re-presentation, and the reviews of each episode in date order.
/// </summary>
internal sealed class EpisodeIndex
{
    /// <summary>Re-presentation window (kpis.md section 0): a referral in (X, X + 182].</summary>
    public const int RepresentationDays = 182;

    public EpisodeIndex(FoldedReturns folded, UnitIndex units, List<string> warnings, int parallelism)
    {
        (Episodes, ByClient) = IndexEpisodes(folded.Episodes, units, warnings);
        Reviews = ReviewIndex.Build(folded.Reviews, Episodes, parallelism);
    }

    public EpisodeFact[] Episodes { get; }

    /// <summary>Indexes into <see cref="Episodes"/>, sorted by client.</summary>
    public int[] ByClient { get; }

    /// <summary>Every review of an episode that exists, per episode by date (see <see cref="ReviewIndex"/>).</summary>
    public ReviewFact[] Reviews { get; }

    private static (EpisodeFact[] Facts, int[] ByClient) IndexEpisodes(IReadOnlyList<FoldedEpisode> folded, UnitIndex units, List<string> warnings)
    {
        var clientIds = new Dictionary<string, int>(folded.Count, StringComparer.Ordinal);
        var facts = new EpisodeFact[folded.Count];
        var unknownProviders = new SortedSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < folded.Count; i++)
        {
            var e = folded[i];
            var row = e.Row;
            if (!clientIds.TryGetValue(row.ClientKey, out var client))
            {
                client = clientIds.Count;
                clientIds.Add(row.ClientKey, client);
            }

            var provider = units.ProviderIndex(row.ProviderCode);
            if (provider < 0)
            {
                unknownProviders.Add(row.ProviderCode);
            }

            var group = CodeRules.GroupOf(row.PrimarySubstance);
            facts[i] = new EpisodeFact
            {
                Client = client,
                Provider = provider,
                Group = group,
                Cells = Breakdowns.Of(group, row.TreatmentGoal, row.Sex, row.AgeAtReferral),
                Referral = row.ReferralDate.DayNumber,
                Start = row.TreatmentStartDate?.DayNumber ?? EpisodeFact.Blank,
                Exit = row.ExitDate?.DayNumber ?? EpisodeFact.Blank,
                EffectiveEnd = e.EffectiveEnd?.DayNumber ?? EpisodeFact.Blank,
                OutcomeClass = row.ExitReason is { } reason ? CodeRules.ClassOf(reason) : null,
                ExitReason = row.ExitReason,
                Medication = row.Medication,
                Dose = row.DailyDoseMg ?? 0m,
                Naloxone = row.NaloxoneSupplied == true,
                Goal = row.TreatmentGoal,
                PrisonRelease = row.ReferralSource == ReferralSource.PRISON_RELEASE,
                Hat = row.Setting == TreatmentSetting.HAT_CLINIC,
                ProviderCode = row.ProviderCode.ToUpperInvariant(),
                EpisodeId = row.EpisodeId,
            };
        }

        foreach (var code in unknownProviders)
        {
            warnings.Add($"Episodes of provider {code}, which is not in providers.csv, are left out of the KPIs.");
        }

        var order = Enumerable.Range(0, facts.Length).ToArray();
        var keys = facts.Select(f => f.Client).ToArray();
        Array.Sort(keys, order);
        MarkRepresentations(facts, order);
        return (facts, order);
    }

    /// <summary>Re-presentation (kpis.md section 0): another episode of the same client with referral in (X, X + 182].</summary>
    private static void MarkRepresentations(EpisodeFact[] facts, int[] order)
    {
        var from = 0;
        while (from < order.Length)
        {
            var to = from;
            while (to < order.Length && facts[order[to]].Client == facts[order[from]].Client)
            {
                to++;
            }

            for (var i = from; i < to; i++)
            {
                ref var e = ref facts[order[i]];
                if (e.Exit == EpisodeFact.Blank)
                {
                    continue;
                }

                for (var j = from; j < to; j++)
                {
                    var referral = facts[order[j]].Referral;
                    if (j != i && referral > e.Exit && referral <= e.Exit + RepresentationDays)
                    {
                        e.Represented = true;
                        break;
                    }
                }
            }

            from = to;
        }
    }
}
