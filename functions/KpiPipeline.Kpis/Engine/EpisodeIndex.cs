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

    /// <summary>The episode's reviews in <see cref="EpisodeIndex.ReviewBlocks"/>: block <see cref="ReviewBlock"/>, [ReviewFrom, ReviewTo).</summary>
    public int ReviewBlock;
    public int ReviewFrom;
    public int ReviewTo;

    /// <summary>The episode's earliest START review, counted from <see cref="ReviewFrom"/>; -1 when it has none.</summary>
    public int StartReview;

    /// <summary>provider_code as the row gives it (<see cref="Provider"/> is its unit).</summary>
    public string ProviderCode;

    /// <summary>Started by P.end and not ended before P.start (kpis.md section 0, IT).</summary>
    public readonly bool InTreatment(int periodStart, int periodEnd) => Start <= periodEnd && EffectiveEnd >= periodStart;

    /// <summary>Started by <paramref name="day"/> and with no effective end on or before it.</summary>
    public readonly bool OpenAt(int day) => Start <= day && EffectiveEnd > day;

    /// <summary>Has a treatment_start_date.</summary>
    public readonly bool Started => Start != Blank;
}

/// <summary>
/// The shared index of a run: every folded episode as an <see cref="EpisodeFact"/>, grouped by interned client (so a client
/// is visited once per quarter), each marked with its re-presentation, and the reviews of each episode in date order. It
/// is put together from the providers' <see cref="ProviderFacts"/> in provider order, each taken once: their episodes are
/// copied (and let go), their reviews kept where they are.
/// </summary>
internal sealed class EpisodeIndex
{
    /// <summary>Re-presentation window (kpis.md section 0): a referral in (X, X + 182].</summary>
    public const int RepresentationDays = 182;

    public EpisodeIndex(IReadOnlyList<ProviderFacts> providers, UnitIndex units, List<string> warnings)
    {
        ArgumentNullException.ThrowIfNull(providers);
        var blocks = providers.Select(p => p.Take()).ToArray();

        // The episodes are copied into one array (the loop visits them by client, across providers), each provider's let
        // go as it is copied; the reviews stay in their providers' arrays, which the episodes point into.
        Episodes = new EpisodeFact[blocks.Sum(b => b.Episodes.Length)];
        ReviewBlocks = new ReviewFact[blocks.Length][];
        var clientIds = new Dictionary<ClientKey, int>(Episodes.Length);
        var unknownProviders = new SortedSet<string>(StringComparer.Ordinal);
        var offset = 0;
        for (var b = 0; b < blocks.Length; b++)
        {
            var (episodes, clients, reviews) = blocks[b];
            blocks[b] = default;
            ReviewBlocks[b] = reviews;
            for (var i = 0; i < episodes.Length; i++)
            {
                ref var fact = ref Episodes[offset + i];
                fact = episodes[i];
                if (!clientIds.TryGetValue(clients[i], out var client))
                {
                    client = clientIds.Count;
                    clientIds.Add(clients[i], client);
                }

                fact.Client = client;
                fact.Provider = units.ProviderIndex(fact.ProviderCode);
                if (fact.Provider < 0)
                {
                    unknownProviders.Add(fact.ProviderCode);
                }

                fact.ReviewBlock = b;
            }

            offset += episodes.Length;
        }

        foreach (var code in unknownProviders)
        {
            warnings.Add($"Episodes of provider {code}, which is not in providers.csv, are left out of the KPIs.");
        }

        var order = Enumerable.Range(0, Episodes.Length).ToArray();
        var keys = Episodes.Select(f => f.Client).ToArray();
        Array.Sort(keys, order);
        MarkRepresentations(Episodes, order);
        ByClient = order;
    }

    public EpisodeFact[] Episodes { get; }

    /// <summary>Indexes into <see cref="Episodes"/>, sorted by client.</summary>
    public int[] ByClient { get; }

    /// <summary>
    /// Every review of an episode that exists, per provider, per episode by date (see <see cref="ReviewIndex"/>): an
    /// episode's are <c>ReviewBlocks[ReviewBlock][ReviewFrom..ReviewTo]</c>.
    /// </summary>
    public ReviewFact[][] ReviewBlocks { get; }

    /// <summary>The reviews of <paramref name="episode"/>, by date (on one date REVIEW before EXIT).</summary>
    public ReadOnlySpan<ReviewFact> ReviewsOf(in EpisodeFact episode) =>
        ReviewBlocks[episode.ReviewBlock].AsSpan(episode.ReviewFrom, episode.ReviewTo - episode.ReviewFrom);

    /// <summary>What the KPIs read of one folded episode (<paramref name="effectiveEnd"/>: its exit, or the end of the month it went missing in).</summary>
    public static EpisodeFact FactOf(CuratedEpisode row, DateOnly? effectiveEnd)
    {
        var group = CodeRules.GroupOf(row.PrimarySubstance);
        return new EpisodeFact
        {
            Group = group,
            Cells = Breakdowns.Of(group, row.TreatmentGoal, row.Sex, row.AgeAtReferral),
            Referral = row.ReferralDate.DayNumber,
            Start = row.TreatmentStartDate?.DayNumber ?? EpisodeFact.Blank,
            Exit = row.ExitDate?.DayNumber ?? EpisodeFact.Blank,
            EffectiveEnd = effectiveEnd?.DayNumber ?? EpisodeFact.Blank,
            OutcomeClass = row.ExitReason is { } reason ? CodeRules.ClassOf(reason) : null,
            ExitReason = row.ExitReason,
            Medication = row.Medication,
            Dose = row.DailyDoseMg ?? 0m,
            Naloxone = row.NaloxoneSupplied == true,
            Goal = row.TreatmentGoal,
            PrisonRelease = row.ReferralSource == ReferralSource.PRISON_RELEASE,
            Hat = row.Setting == TreatmentSetting.HAT_CLINIC,
            ProviderCode = row.ProviderCode,
        };
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
