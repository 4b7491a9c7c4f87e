using KpiPipeline.Core.Dataset;
using KpiPipeline.Kpis.Folding;
using KpiPipeline.Kpis.Periods;
using KpiPipeline.Kpis.Returns;
using static KpiPipeline.Core.Dataset.CompactMeasure;

namespace KpiPipeline.Kpis.Engine;

/// <summary>Fills the tallies from the folded returns. Dates are day numbers; "blank" dates are <see cref="int.MaxValue"/>.</summary>
internal sealed class EpisodeTallies
{
    private const int Blank = int.MaxValue;
    private const int TwelveWeeks = 84;
    private const int SixMonths = 182;
    private const int FourYears = 1461;
    private const int SixYears = 2191;
    private const int ReviewWindow = 112;
    private const int Year = 364;
    private const int ThreeWeeks = 21;
    private const int NoEpisode = -1;

    private readonly UnitIndex units;
    private readonly IReadOnlyList<FinancialQuarter> periods;
    private readonly int firstOrdinal;
    private readonly int asOf;
    private readonly DateOnly asOfDate;
    private readonly EpisodeFact[] episodes;
    private readonly int[] byClient;
    private readonly ReviewFact[] reviews;
    private readonly IReadOnlyList<NspMonthTotals> nsp;
    private readonly IReadOnlyList<ReturnPath> usedFiles;
    private readonly IReadOnlyList<MissingEpisodeEvent> missingEvents;

    public EpisodeTallies(
        FoldedReturns folded, UnitIndex units, IReadOnlyList<FinancialQuarter> periods, DateOnly asOf, List<string> warnings, int parallelism = 1)
    {
        this.units = units;
        this.periods = periods;
        firstOrdinal = periods[0].Ordinal;
        this.asOf = asOf.DayNumber;
        asOfDate = asOf;
        (episodes, byClient) = IndexEpisodes(folded.Episodes, warnings);
        reviews = IndexReviews(folded.Reviews, parallelism);
        nsp = folded.Nsp;
        usedFiles = folded.UsedFiles;
        missingEvents = folded.MissingEvents;

        // Allocated once the folded rows are indexed: nothing here refers to them any more, so they can be collected.
        Tally = new Tally(periods.Count, units.Count);
        Waits = new List<int>?[periods.Count * units.Count];
    }

    public Tally Tally { get; }

    /// <summary>ACC02 waits per (period, unit), for the medians.</summary>
    public List<int>?[] Waits { get; }

    private (EpisodeFact[] Facts, int[] ByClient) IndexEpisodes(IReadOnlyList<FoldedEpisode> folded, List<string> warnings)
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

            facts[i] = new EpisodeFact
            {
                Client = client,
                Provider = provider,
                Group = (int)CodeRules.GroupOf(row.PrimarySubstance),
                Referral = row.ReferralDate.DayNumber,
                Start = row.TreatmentStartDate?.DayNumber ?? Blank,
                Exit = row.ExitDate?.DayNumber ?? Blank,
                EffectiveEnd = e.EffectiveEnd?.DayNumber ?? Blank,
                OutcomeClass = row.ExitReason is { } reason ? CodeRules.ClassOf(reason) : null,
                ExitReason = row.ExitReason,
                Medication = row.Medication,
                Dose = row.DailyDoseMg ?? 0m,
                Naloxone = row.NaloxoneSupplied == true,
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
                if (e.Exit == Blank)
                {
                    continue;
                }

                for (var j = from; j < to; j++)
                {
                    var referral = facts[order[j]].Referral;
                    if (j != i && referral > e.Exit && referral <= e.Exit + SixMonths)
                    {
                        e.Represented = true;
                        break;
                    }
                }
            }

            from = to;
        }
    }

    private ReviewFact[] IndexReviews(IReadOnlyList<CuratedReview> folded, int parallelism)
    {
        var episodeByKey = new Dictionary<(string, string), int>(episodes.Length);
        for (var i = 0; i < episodes.Length; i++)
        {
            episodeByKey[(episodes[i].ProviderCode, episodes[i].EpisodeId)] = i;
        }

        // Each review is looked up on its own (the dictionary is only read), so ranges of reviews go to different threads.
        var sorted = new ReviewFact[folded.Count];
        const int Chunk = 16_384;
        Parallel.For(
            0,
            (sorted.Length + Chunk - 1) / Chunk,
            new ParallelOptions { MaxDegreeOfParallelism = parallelism },
            chunk =>
            {
                for (var i = chunk * Chunk; i < Math.Min(sorted.Length, (chunk + 1) * Chunk); i++)
                {
                    var review = folded[i];
                    sorted[i] = episodeByKey.TryGetValue((review.ProviderCode.ToUpperInvariant(), review.EpisodeId), out var episode)
                        ? new ReviewFact(episode, review.ReviewDate.DayNumber, review.Stage, i, new ReviewMeasures(review))
                        : new ReviewFact(NoEpisode, 0, default, i, default);
                }
            });

        // A review whose episode the fold does not hold is left out; the others keep their input order.
        var count = 0;
        foreach (var review in sorted)
        {
            if (review.Episode != NoEpisode)
            {
                sorted[count++] = review;
            }
        }

        // Per episode by date; on one date REVIEW sorts before EXIT, so the last qualifying review is LATEST. Sorted in
        // place (a national run has millions of reviews), ties in input order.
        Array.Resize(ref sorted, count);
        SortByEpisodeDateAndStage(sorted);
        var i2 = 0;
        while (i2 < sorted.Length)
        {
            var episode = sorted[i2].Episode;
            ref var e = ref episodes[episode];
            e.ReviewFrom = i2;
            e.StartReview = -1;
            while (i2 < sorted.Length && sorted[i2].Episode == episode)
            {
                if (e.StartReview < 0 && sorted[i2].Stage == ReviewStage.START)
                {
                    e.StartReview = i2;
                }

                i2++;
            }

            e.ReviewTo = i2;
        }

        return sorted;
    }

    /// <summary>
    /// Sorts by episode, date, stage order and input order. When the four fit one 64-bit number (always, short of
    /// billions of reviews) the reviews are sorted by that number, several times faster than comparing them field by field.
    /// </summary>
    private static void SortByEpisodeDateAndStage(ReviewFact[] reviews)
    {
        if (reviews.Length == 0)
        {
            return;
        }

        var firstDate = int.MaxValue;
        var lastDate = int.MinValue;
        var lastEpisode = 0;
        var lastOrder = 0;
        foreach (var review in reviews)
        {
            firstDate = Math.Min(firstDate, review.Date);
            lastDate = Math.Max(lastDate, review.Date);
            lastEpisode = Math.Max(lastEpisode, review.Episode);
            lastOrder = Math.Max(lastOrder, review.Order);
        }

        var orderBits = BitsFor(lastOrder + 1);
        var dateBits = BitsFor(lastDate - firstDate + 1);
        const int StageBits = 2;
        if (BitsFor(lastEpisode + 1) + dateBits + StageBits + orderBits > 63)
        {
            Array.Sort(reviews, static (a, b) =>
                a.Episode != b.Episode ? a.Episode.CompareTo(b.Episode)
                : a.Date != b.Date ? a.Date.CompareTo(b.Date)
                : a.Stage != b.Stage ? StageOrder(a.Stage).CompareTo(StageOrder(b.Stage))
                : a.Order.CompareTo(b.Order));
            return;
        }

        var keys = new long[reviews.Length];
        for (var i = 0; i < reviews.Length; i++)
        {
            var r = reviews[i];
            long key = r.Episode;
            key = (key << dateBits) | (long)(r.Date - firstDate);
            key = (key << StageBits) | (long)StageOrder(r.Stage);
            keys[i] = (key << orderBits) | (long)r.Order;
        }

        Array.Sort(keys, reviews);
    }

    private static int BitsFor(int values) => values <= 1 ? 0 : 32 - int.LeadingZeroCount(values - 1);

    private static int StageOrder(ReviewStage stage) => stage switch
    {
        ReviewStage.START => 0,
        ReviewStage.REVIEW => 1,
        ReviewStage.EXIT => 2,
        _ => 3,
    };

    private int PeriodIndex(int dayNumber) =>
        FinancialQuarter.Of(DateOnly.FromDayNumber(dayNumber)).Ordinal - firstOrdinal;

    /// <summary>
    /// Counts every episode in every quarter it can count in, on <paramref name="parallelism"/> workers: worker w takes the
    /// quarters q with q mod parallelism = w, so workers write different cells and keep their own distinct scopes.
    /// </summary>
    public void CountEpisodes(int parallelism = 1) =>
        Parallel.For(0, parallelism, new ParallelOptions { MaxDegreeOfParallelism = parallelism },
            worker => CountEpisodes(new DistinctScope(Tally), worker, parallelism));

    private void CountEpisodes(DistinctScope tally, int worker, int workers)
    {
        var last = periods.Count - 1;
        var from = 0;
        while (from < byClient.Length)
        {
            var to = from;
            var firstPeriod = last;
            var lastPeriod = 0;
            while (to < byClient.Length && episodes[byClient[to]].Client == episodes[byClient[from]].Client)
            {
                ref readonly var e = ref episodes[byClient[to]];
                firstPeriod = Math.Min(firstPeriod, Math.Max(0, PeriodIndex(e.Referral)));
                var relevantUntil = e.EffectiveEnd == Blank ? last : Math.Min(last, PeriodIndex(Math.Min(e.EffectiveEnd + Year, asOf)));
                lastPeriod = Math.Max(lastPeriod, relevantUntil);
                to++;
            }

            var first = firstPeriod + ((worker - (firstPeriod % workers) + workers) % workers);
            for (var q = first; q <= lastPeriod; q += workers)
            {
                tally.NewScope();
                for (var i = from; i < to; i++)
                {
                    var index = byClient[i];
                    if (episodes[index].Provider >= 0)
                    {
                        CountEpisode(tally, q, index);
                    }
                }
            }

            from = to;
        }
    }

    private void CountEpisode(DistinctScope tally, int q, int index)
    {
        ref readonly var e = ref episodes[index];
        var periodStart = periods[q].Start.DayNumber;
        var periodEnd = periods[q].End.DayNumber;
        var chain = units.Chains[e.Provider];
        var group = e.Group;
        var inTreatment = e.Start <= periodEnd && (e.EffectiveEnd == Blank || e.EffectiveEnd >= periodStart);
        var startsInPeriod = e.Start >= periodStart && e.Start <= periodEnd;
        var exitsInPeriod = e.Exit >= periodStart && e.Exit <= periodEnd;

        if (startsInPeriod)
        {
            CountStart(tally, q, in e, chain, group);
            CountRetention(tally, q, in e, chain, group, periodEnd);
        }

        if (e.Referral <= periodEnd - ThreeWeeks && e.Start > periodEnd && (e.EffectiveEnd == Blank || e.EffectiveEnd > periodEnd))
        {
            tally.Add(q, Slot.WaitingOver21, chain, -1);
        }

        if (exitsInPeriod)
        {
            CountExit(tally, q, in e, chain, group);
        }

        if (e.Group == (int)SubstanceGroup.OPIATE && e.Start <= periodEnd
            && (e.EffectiveEnd == Blank || e.EffectiveEnd >= periodEnd - Year))
        {
            tally.AddDistinct(q, Slot.OpiateClientsInYear, units.OpiateEstimateChains[e.Provider], -1);
        }

        if (inTreatment)
        {
            CountInTreatment(tally, q, in e, chain, group, periodEnd);
            if (e.ReviewTo > e.ReviewFrom)
            {
                CountReviews(tally, q, in e, chain, group, periodStart, periodEnd);
            }
            else if (e.EffectiveEnd > periodEnd && e.Start <= periodEnd - TwelveWeeks)
            {
                tally.Add(q, Slot.ReviewDue, chain, -1);
            }
        }
    }

    private void CountStart(DistinctScope tally, int q, in EpisodeFact e, int[] chain, int group)
    {
        var wait = e.Start - e.Referral;
        tally.Add(q, Slot.Starts, chain, group);
        tally.AddDistinct(q, Slot.NewPresentations, chain, group);
        if (wait <= ThreeWeeks)
        {
            tally.Add(q, Slot.Waited21, chain, group);
        }

        if (wait == 0)
        {
            tally.Add(q, Slot.SameDay, chain, -1);
        }

        foreach (var unit in chain)
        {
            var at = q * units.Count + unit;
            (Waits[at] ??= []).Add(wait);
        }
    }

    private void CountRetention(DistinctScope tally, int q, in EpisodeFact e, int[] chain, int group, int periodEnd)
    {
        var exited = e.Exit != Blank;
        var exitWithin12Weeks = exited && e.Exit - e.Start < TwelveWeeks;
        if (exitWithin12Weeks && e.OutcomeClass is OutcomeClass.TRANSFER or OutcomeClass.DIED)
        {
            return;
        }

        var final = asOf >= periodEnd + TwelveWeeks;
        if (!final && !exited && e.Start + TwelveWeeks > asOf)
        {
            return;
        }

        tally.Add(q, Slot.RetentionCohort, chain, group);
        var stillOpen = e.EffectiveEnd == Blank || e.EffectiveEnd - e.Start >= TwelveWeeks;
        if (stillOpen || (exitWithin12Weeks && e.OutcomeClass == OutcomeClass.SUCCESSFUL))
        {
            tally.Add(q, Slot.Retained, chain, group);
        }

        if (exitWithin12Weeks && e.OutcomeClass == OutcomeClass.UNPLANNED)
        {
            tally.Add(q, Slot.EarlyUnplanned, chain, group);
        }
    }

    private static void CountExit(DistinctScope tally, int q, in EpisodeFact e, int[] chain, int group)
    {
        if (e.OutcomeClass == OutcomeClass.SUCCESSFUL)
        {
            tally.AddDistinct(q, Slot.SuccessfulExit, chain, group);
            if (!e.Represented)
            {
                tally.AddDistinct(q, Slot.SuccessfulNoRepresentation, chain, group);
            }
        }

        switch (e.ExitReason)
        {
            case ExitReason.DROPPED_OUT:
                tally.AddDistinct(q, Slot.DroppedOut, chain, group);
                break;
            case ExitReason.WITHDRAWN_BY_PROVIDER:
                tally.AddDistinct(q, Slot.Withdrawn, chain, group);
                break;
            case ExitReason.DIED:
                tally.AddDistinct(q, Slot.Died, chain, group);
                break;
            default:
                break;
        }
    }

    private static void CountInTreatment(DistinctScope tally, int q, in EpisodeFact e, int[] chain, int group, int periodEnd)
    {
        tally.AddDistinct(q, Slot.InTreatment, chain, group);
        if (e.Medication is { } medication && CodeRules.IsOst(medication))
        {
            tally.AddDistinct(q, Slot.OstClients, chain, group);
            if (e.Start <= periodEnd - FourYears)
            {
                tally.AddDistinct(q, Slot.Ost4Years, chain, group);
            }

            if (e.Start <= periodEnd - SixYears)
            {
                tally.AddDistinct(q, Slot.Ost6Years, chain, group);
            }

            if (e.Dose > 0m)
            {
                if (medication == Medication.METHADONE)
                {
                    tally.AddDistinct(q, Slot.MethadoneDosed, chain, group);
                    if (e.Dose is >= 60m and <= 120m)
                    {
                        tally.AddDistinct(q, Slot.MethadoneOptimal, chain, group);
                    }
                }
                else if (medication is Medication.BUPRENORPHINE or Medication.BUPRENORPHINE_NALOXONE)
                {
                    tally.AddDistinct(q, Slot.BuprenorphineDosed, chain, group);
                    if (e.Dose is >= 12m and <= 32m)
                    {
                        tally.AddDistinct(q, Slot.BuprenorphineOptimal, chain, group);
                    }
                }
            }
        }

        if (group == (int)SubstanceGroup.OPIATE)
        {
            tally.AddDistinct(q, Slot.OpiateClients, chain, group);
            if (e.Naloxone)
            {
                tally.AddDistinct(q, Slot.OpiateNaloxone, chain, group);
            }
        }
    }

    private void CountReviews(DistinctScope tally, int q, in EpisodeFact e, int[] chain, int group, int periodStart, int periodEnd)
    {
        var latest = -1;
        var reviewedRecently = false;
        var startDate = e.StartReview >= 0 ? reviews[e.StartReview].Date : Blank;
        for (var r = e.ReviewFrom; r < e.ReviewTo; r++)
        {
            ref readonly var review = ref reviews[r];
            if (review.Stage == ReviewStage.REVIEW && review.Date > periodEnd - ReviewWindow && review.Date <= periodEnd)
            {
                reviewedRecently = true;
            }

            if (review.Stage is not (ReviewStage.REVIEW or ReviewStage.EXIT) || review.Date < periodStart || review.Date > periodEnd)
            {
                continue;
            }

            if (review.Measures.GoalsSet >= 1)
            {
                tally.Add(q, Slot.GoalReviews, chain, -1);
                if (review.Measures.GoalsProgressed >= 1)
                {
                    tally.Add(q, Slot.GoalsProgressed, chain, -1);
                }
            }

            if (review.Date > startDate && startDate != Blank)
            {
                latest = r;
            }
        }

        if (e.EffectiveEnd > periodEnd && e.Start <= periodEnd - TwelveWeeks)
        {
            tally.Add(q, Slot.ReviewDue, chain, -1);
            if (reviewedRecently)
            {
                tally.Add(q, Slot.ReviewDone, chain, -1);
            }
        }

        if (latest >= 0)
        {
            CountPaired(tally, q, reviews[e.StartReview].Measures, reviews[latest].Measures, chain, group);
        }
    }

    private static void CountPaired(DistinctScope tally, int q, in ReviewMeasures start, in ReviewMeasures latest, int[] chain, int group)
    {
        if (start.Barc10Score is { } barcStart && latest.Barc10Score is { } barcLatest)
        {
            tally.Add(q, Slot.Barc10Paired, chain, -1);
            tally.Add(q, Slot.Barc10ChangeSum, chain, -1, barcLatest - barcStart);
            if (barcLatest >= 47)
            {
                tally.Add(q, Slot.Barc10High, chain, -1);
            }
        }

        if (start.OpiateDays > 0 && latest.OpiateDays is { } opiateLatest)
        {
            tally.Add(q, Slot.OpiateUsersPaired, chain, group);
            if (opiateLatest == 0)
            {
                tally.Add(q, Slot.OpiateAbstinent, chain, group);
            }
        }

        if (start.InjectingDays > 0 && latest.InjectingDays is { } injectingLatest)
        {
            tally.Add(q, Slot.InjectorsPaired, chain, -1);
            if (injectingLatest == 0)
            {
                tally.Add(q, Slot.StoppedInjecting, chain, -1);
            }
        }

        if (start.QualityOfLife is { } qolStart && latest.QualityOfLife is { } qolLatest)
        {
            tally.Add(q, Slot.QualityOfLifePaired, chain, -1);
            tally.Add(q, Slot.QualityOfLifeChangeSum, chain, -1, qolLatest - qolStart);
        }

        if (start.AcuteHousingProblem == true && latest.AcuteHousingProblem is { } housingLatest)
        {
            tally.Add(q, Slot.HousingProblemPaired, chain, -1);
            if (!housingLatest)
            {
                tally.Add(q, Slot.HousingResolved, chain, -1);
            }
        }
    }

    public void CountNsp()
    {
        var first = ReportingMonth.Of(periods[0].Start);
        var last = ReportingMonth.Of(periods[^1].End);
        foreach (var t in nsp)
        {
            var provider = units.ProviderIndex(t.ProviderCode);
            if (provider < 0 || t.Month < first || t.Month > last)
            {
                continue;
            }

            var q = PeriodIndex(t.Month.FirstDay.DayNumber);
            var chain = units.Chains[provider];
            Tally.Add(q, Slot.NspTransactions, chain, -1, t.Transactions);
            Tally.Add(q, Slot.NspNeedles, chain, -1, t.Needles);
            Tally.Add(q, Slot.NspNeedlesInEstimatedAreas, units.PwidEstimateChains[provider], -1, t.Needles);
            Tally.Add(q, Slot.NspNewRegistrations, chain, -1, t.NewRegistrations);
            Tally.Add(q, Slot.NspNaloxone, chain, -1, t.NaloxoneSupplied);
            Tally.Add(q, Slot.NspReferred, chain, -1, t.ReferredToTreatment);
        }
    }

    /// <summary>DQ01–DQ03 (kpis.md section 8) from the submissions ledger and the fold.</summary>
    public void CountDataQuality(IReadOnlyList<UploadOutcome> uploads)
    {
        var acceptedMonths = usedFiles.Select(p => p.Month)
            .Concat(uploads.Where(u => u.Accepted && u.Path is not null && u.Path.Month.FirstDay <= asOfDate).Select(u => u.Path!.Month))
            .ToList();

        // A provider-month is on time when an accepted upload of its episodes.csv came in by the due date. Paths the ledger
        // never saw (the offline command) count as on time.
        var firstAcceptedUpload = new Dictionary<(string, ReportingMonth), DateTimeOffset>();
        var inLedger = new HashSet<(string, ReportingMonth)>();
        var acceptedEpisodes = new HashSet<(string, ReportingMonth)>(
            usedFiles.Where(p => p.Kind == ReturnFileKind.Episodes).Select(p => (p.ProviderCode.ToUpperInvariant(), p.Month)));
        foreach (var upload in uploads)
        {
            if (upload.Path is not { Kind: ReturnFileKind.Episodes } path)
            {
                continue;
            }

            var key = (path.ProviderCode.ToUpperInvariant(), path.Month);
            inLedger.Add(key);
            if (upload.Accepted)
            {
                acceptedEpisodes.Add(key);
                firstAcceptedUpload[key] = firstAcceptedUpload.TryGetValue(key, out var seen) && seen < upload.UploadedAt ? seen : upload.UploadedAt;
            }
        }

        if (acceptedMonths.Count > 0)
        {
            var firstMonth = acceptedMonths.Min();
            for (var q = 0; q < periods.Count; q++)
            {
                for (var month = ReportingMonth.Of(periods[q].Start); month.FirstDay <= periods[q].End; month = month.Next)
                {
                    var due = month.Next.FirstDay.AddDays(14);
                    if (month < firstMonth || due > asOfDate)
                    {
                        continue;
                    }

                    for (var p = 0; p < units.ProviderCount; p++)
                    {
                        var key = (units.Codes[p].ToUpperInvariant(), month);
                        Tally.Add(q, Slot.ExpectedReturns, units.Chains[p], -1);
                        var onTime = acceptedEpisodes.Contains(key)
                            && (!inLedger.Contains(key)
                                || (firstAcceptedUpload.TryGetValue(key, out var first) && DateOnly.FromDateTime(first.UtcDateTime) <= due));
                        if (onTime)
                        {
                            Tally.Add(q, Slot.ReturnsOnTime, units.Chains[p], -1);
                        }
                    }
                }
            }
        }

        foreach (var upload in uploads)
        {
            if (upload.Accepted || upload.Path is not { } path || !upload.ProviderRegistered)
            {
                continue;
            }

            AddForMonth(path.ProviderCode, path.Month, Slot.RejectedUploads);
        }

        foreach (var missing in missingEvents)
        {
            AddForMonth(missing.ProviderCode, missing.Month, Slot.MissingEpisodes);
        }
    }

    private void AddForMonth(string providerCode, ReportingMonth month, Slot slot)
    {
        var provider = units.ProviderIndex(providerCode);
        if (provider < 0 || month.FirstDay < periods[0].Start || month.FirstDay > periods[^1].End)
        {
            return;
        }

        Tally.Add(PeriodIndex(month.FirstDay.DayNumber), slot, units.Chains[provider], -1);
    }

    private struct EpisodeFact
    {
        public int Client;
        public int Provider;
        public int Group;
        public int Referral;
        public int Start;
        public int Exit;
        public int EffectiveEnd;
        public OutcomeClass? OutcomeClass;
        public ExitReason? ExitReason;
        public Medication? Medication;
        public decimal Dose;
        public bool Naloxone;
        public bool Represented;
        public int ReviewFrom;
        public int ReviewTo;
        public int StartReview;
        public string ProviderCode;
        public string EpisodeId;
    }

    private readonly record struct ReviewFact(int Episode, int Date, ReviewStage Stage, int Order, ReviewMeasures Measures);

    /// <summary>The review measures the KPIs read, two bytes each (<see cref="short.MinValue"/> for blank), not the whole row.</summary>
    private readonly struct ReviewMeasures(CuratedReview row)
    {
        private readonly short goalsSet = Of(row.GoalsSet);
        private readonly short goalsProgressed = Of(row.GoalsProgressed);
        private readonly short barc10Score = Of(row.Barc10Score);
        private readonly short opiateDays = Of(row.OpiateDays);
        private readonly short injectingDays = Of(row.InjectingDays);
        private readonly short qualityOfLife = Of(row.QualityOfLife);
        private readonly short acuteHousingProblem = Of(row.AcuteHousingProblem);

        public int? GoalsSet => Number(goalsSet);

        public int? GoalsProgressed => Number(goalsProgressed);

        public int? Barc10Score => Number(barc10Score);

        public int? OpiateDays => Number(opiateDays);

        public int? InjectingDays => Number(injectingDays);

        public int? QualityOfLife => Number(qualityOfLife);

        public bool? AcuteHousingProblem => Flag(acuteHousingProblem);
    }
}
