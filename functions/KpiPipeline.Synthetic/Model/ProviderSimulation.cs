using KpiPipeline.Core.Dataset;

namespace KpiPipeline.Synthetic.Model;

/// <summary>One provider's episodes that touch the window, and its reviews bucketed by window month.</summary>
public sealed record ProviderHistory(SyntheticProvider Provider, IReadOnlyList<SyntheticEpisode> Episodes, IReadOnlyList<List<ReviewRow>> ReviewsByMonth);

/// <summary>
/// Simulates one provider from <see cref="BurnInYears"/> before the window to its end, month by month:
/// fresh referrals (Poisson), re-presentations of people it has seen, and people first seen elsewhere.
/// The burn-in gives the window a steady-state caseload, long-retained OST clients included.
/// Memory is bounded by one provider's episodes that touch the window.
/// </summary>
public sealed class ProviderSimulation
{
    /// <summary>Years simulated before the first reporting month.</summary>
    public const int BurnInYears = 25;

    /// <summary>Steady-state caseload divided by fresh referrals per month (measured on the model; see docs).</summary>
    public const double CaseloadMonthsPerFreshReferral = 19;

    private readonly SyntheticWorld world;
    private readonly SyntheticProvider provider;
    private readonly SeededRandom random;
    private readonly DateOnly simulationStart;
    private readonly PriorityQueue<(long PersonId, Substance Substance), (int DayNumber, long Sequence)> representations = new();
    private readonly List<(long PersonId, DateOnly End)> hatPlaces = [];
    private readonly HashSet<long> formerHatClients = [];
    private long queued;
    private int sequence;

    public ProviderSimulation(SyntheticWorld world, SyntheticProvider provider)
    {
        ArgumentNullException.ThrowIfNull(world);
        ArgumentNullException.ThrowIfNull(provider);
        this.world = world;
        this.provider = provider;
        random = new SeededRandom(SeededRandom.Derive(world.RootSeed, 3, provider.Index));
        simulationStart = SimulationStart(world);
    }

    public static DateOnly SimulationStart(SyntheticWorld world)
    {
        ArgumentNullException.ThrowIfNull(world);
        return world.Anchor.AddYears(-BurnInYears);
    }

    /// <summary>Window month index of a date (0 = the first reporting month).</summary>
    public static int WindowMonth(SyntheticWorld world, DateOnly date)
    {
        ArgumentNullException.ThrowIfNull(world);
        return (date.Year - world.Anchor.Year) * 12 + date.Month - world.Anchor.Month;
    }

    public ProviderHistory Run(CancellationToken cancellationToken = default)
    {
        var kept = new List<SyntheticEpisode>();
        var requests = new List<(DateOnly Date, long PersonId, Substance? Previous)>();
        var months = BurnInYears * 12 + world.Options.Months;
        for (var issueMonth = 0; issueMonth < months; issueMonth++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var first = simulationStart.AddMonths(issueMonth);
            var last = first.AddMonths(1).AddDays(-1);
            requests.Clear();

            var fresh = random.Poisson(provider.FreshReferralsPerMonth);
            for (var k = 0; k < fresh; k++)
            {
                var date = first.AddDays(random.Next(last.Day));
                requests.Add((date, ChoosePerson(issueMonth, k), null));
            }

            while (representations.TryPeek(out var person, out var when) && when.DayNumber <= last.DayNumber)
            {
                representations.Dequeue();
                requests.Add((DateOnly.FromDayNumber(when.DayNumber), person.PersonId, person.Substance));
            }

            requests.Sort((a, b) => a.Date.CompareTo(b.Date));
            foreach (var (date, personId, previous) in requests)
            {
                var identity = People.Identify(world.RootSeed, personId, simulationStart);
                if (People.AgeOn(identity.DateOfBirth, date) > 100)
                {
                    continue;
                }

                var episode = CreateEpisode(date, personId, identity, previous);
                if (episode.ExitDate is not { } exit || exit >= world.Anchor)
                {
                    kept.Add(episode);
                }

                if (date >= world.Anchor && random.Chance(Calibration.DuplicateEntryShare))
                {
                    kept.Add(DuplicateOf(episode));
                }
            }
        }

        return new ProviderHistory(provider, kept, ReviewModel.BucketByMonth(world, kept));
    }

    private long ChoosePerson(int issueMonth, int numberInMonth)
    {
        var others = world.Providers.Count - 1;
        if (others > 0 && issueMonth > 0 && random.Chance(Calibration.ImportedPersonShare))
        {
            var sameArea = world.ProvidersOf(provider.Area).Where(p => p != provider).ToList();
            var from = sameArea.Count > 0 && random.Chance(Calibration.ImportSameAreaShare)
                ? sameArea[random.Next(sameArea.Count)]
                : world.Providers[(provider.Index + 1 + random.Next(others)) % world.Providers.Count];
            var back = 1 + random.Next(Math.Min(36, issueMonth));
            var number = random.Next(Math.Max(1, (int)from.FreshReferralsPerMonth));
            return People.PersonId(from.Index, issueMonth - back, number);
        }

        return People.PersonId(provider.Index, issueMonth, numberInMonth);
    }

    private SyntheticEpisode CreateEpisode(DateOnly referral, long personId, PersonIdentity identity, Substance? previous)
    {
        var id = $"E{++sequence:D7}";
        var substance = previous is { } prior && random.Chance(0.85) ? prior : random.Pick(Calibration.ReferralSubstances);
        var source = random.Pick(Calibration.ReferralSources);
        var reviewSeed = random.NextUInt64();
        var opiate = CodeRules.GroupOf(substance) == SubstanceGroup.OPIATE;

        var wait = source == ReferralSource.PRISON_RELEASE ? PrisonReleaseWait()
            : random.Chance(Calibration.NeverStarted) ? null
            : WaitDays();
        if (wait is not { } days)
        {
            var reason = random.Pick(Calibration.NeverStartedExitReasons);
            var exit = referral.AddDays(random.Between(7, 120));
            Schedule(personId, substance, exit, reason);
            return new SyntheticEpisode
            {
                EpisodeId = id,
                PersonId = personId,
                Person = identity,
                ReferralDate = referral,
                ReferralSource = source,
                Substance = substance,
                ExitDate = exit,
                ExitReason = reason,
                ReviewSeed = reviewSeed,
                NaloxoneRecorded = !random.Chance(Calibration.NaloxoneNotRecorded),
                CorrectionMonth = CorrectionMonthFor(exit, reason),
            };
        }

        var start = referral.AddDays(days);
        TreatmentSetting setting;
        Medication medication;
        var hat = opiate && TakesHatPlace(personId, start);
        if (hat)
        {
            setting = TreatmentSetting.HAT_CLINIC;
            medication = Medication.DIAMORPHINE;
        }
        else
        {
            setting = random.Pick(opiate ? Calibration.OpiateSettings : Calibration.NonOpiateSettings);
            medication = opiate ? random.Pick(Calibration.OpiateMedications) : Medication.NONE;
        }

        var ost = CodeRules.IsOst(medication);
        var longTerm = !hat && ost && random.Chance(Calibration.LongTermOstShare);
        var (exitReason, duration) = hat ? HatStay()
            : longTerm ? (random.Pick(Calibration.LongTermExitReasons), random.Exponential(Calibration.LongTermOstMeanDays))
            : Stay(ost);
        var exitDate = start.AddDays((int)Math.Max(1, Math.Min(duration, 40 * 365)));
        if (hat)
        {
            hatPlaces.Add((personId, exitDate));
        }

        if (hat && exitReason == ExitReason.TRANSFERRED)
        {
            // Seed 003: HAT leavers were discharged back to community treatment, here at the same provider.
            ScheduleReturn(personId, substance, exitDate);
        }
        else
        {
            Schedule(personId, substance, exitDate, exitReason);
        }

        var naloxoneShare = opiate ? Calibration.NaloxoneOpiate : Calibration.NaloxoneOther;
        DateOnly? naloxone = random.Chance(naloxoneShare) ? start.AddDays(random.Next(84)) : null;
        return new SyntheticEpisode
        {
            EpisodeId = id,
            PersonId = personId,
            Person = identity,
            ReferralDate = referral,
            ReferralSource = source,
            Substance = substance,
            StartDate = start,
            Setting = setting,
            Medication = medication,
            TargetDoseMg = TargetDose(medication),
            DoseRecorded = !random.Chance(Calibration.DoseNotRecorded),
            Goal = random.Pick(GoalsFor(substance, medication, hat, longTerm, CodeRules.ClassOf(exitReason) == OutcomeClass.SUCCESSFUL)),
            NaloxoneDate = naloxone,
            NaloxoneRecorded = !random.Chance(Calibration.NaloxoneNotRecorded),
            ExitDate = exitDate,
            ExitReason = exitReason,
            LongTermOst = longTerm,
            ReviewSeed = reviewSeed,
            CorrectionMonth = CorrectionMonthFor(exitDate, exitReason),
        };
    }

    private SyntheticEpisode DuplicateOf(SyntheticEpisode original) => new()
    {
        EpisodeId = $"E{++sequence:D7}",
        PersonId = original.PersonId,
        Person = original.Person,
        ReferralDate = original.ReferralDate,
        ReferralSource = original.ReferralSource,
        Substance = original.Substance,
        NaloxoneRecorded = false,
        ReviewSeed = 0,
        DeletedMonth = WindowMonth(world, original.ReferralDate) + 1,
    };

    /// <summary>
    /// Whether an opiate starter takes a place at the provider's HAT clinic: only while a place is free on the start date
    /// (the clinic holds its places' dozen or so clients, seed 002 and 003), for someone who has not left HAT here before.
    /// </summary>
    private bool TakesHatPlace(long personId, DateOnly start)
    {
        if (!provider.HasHatClinic)
        {
            return false;
        }

        // Places that ended long before any start still to come (waits are at most 480 days) are kept only as their people.
        for (var i = hatPlaces.Count - 1; i >= 0; i--)
        {
            if (hatPlaces[i].End.DayNumber < start.DayNumber - 500)
            {
                formerHatClients.Add(hatPlaces[i].PersonId);
                hatPlaces.RemoveAt(i);
            }
        }

        var taken = 0;
        foreach (var (person, end) in hatPlaces)
        {
            if (person == personId)
            {
                return false;
            }

            if (end > start)
            {
                taken++;
            }
        }

        return !formerHatClients.Contains(personId) && taken < provider.HatPlaces && random.Chance(Calibration.HatOfferShare);
    }

    /// <summary>
    /// How a HAT episode ends: seed 003, 60% still engaged at one year (and staying on, ending as long-term OST does); the
    /// rest leave, most within six months.
    /// </summary>
    private (ExitReason Reason, double Days) HatStay()
    {
        if (random.Chance(Calibration.HatEngagedOneYear))
        {
            return (random.Pick(Calibration.LongTermExitReasons), 365 + random.Exponential(Calibration.HatStayBeyondOneYearMeanDays));
        }

        var days = random.Chance(Calibration.HatLeaversWithinSixMonths) ? random.Between(7, 181) : random.Between(182, 364);
        return (random.Pick(Calibration.HatLeaverExitReasons), days);
    }

    private (ExitReason Reason, double Days) Stay(bool ost)
    {
        var reason = random.Pick(ost ? Calibration.OstExitReasons : Calibration.OtherExitReasons);
        return (reason, DurationDays(reason, ost));
    }

    private static WeightedChoice<TreatmentGoal?> GoalsFor(Substance substance, Medication medication, bool hat, bool longTerm, bool successful)
    {
        if (hat)
        {
            return Calibration.HatGoals;
        }

        if (CodeRules.IsOst(medication))
        {
            return longTerm ? Calibration.LongTermOstGoals : successful ? Calibration.OstCompletionGoals : Calibration.OstGoals;
        }

        return CodeRules.GroupOf(substance) switch
        {
            SubstanceGroup.OPIATE => Calibration.OpiateWithoutOstGoals,
            SubstanceGroup.ALCOHOL => Calibration.AlcoholGoals,
            _ => Calibration.NonOpiateGoals,
        };
    }

    /// <summary>
    /// Days from a PRISON_RELEASE referral to the start, or null when the person never starts (lost on release):
    /// <see cref="Calibration.PrisonReleaseEngagedThreeWeeks"/> within 21 days, <see cref="Calibration.PrisonReleaseStartLater"/> later.
    /// </summary>
    private int? PrisonReleaseWait()
    {
        var u = random.NextDouble();
        return u < Calibration.PrisonReleaseEngagedThreeWeeks ? random.Between(0, 21)
            : u < Calibration.PrisonReleaseEngagedThreeWeeks + Calibration.PrisonReleaseStartLater ? random.Between(22, 120)
            : null;
    }

    private int WaitDays()
    {
        var u = random.NextDouble();
        if (u < provider.SameDayShare)
        {
            return 0;
        }

        if (u < provider.WaitedThreeWeeksShare)
        {
            // Most waits are short: assessment within 5 working days, first appointment within 21 (site A).
            return 1 + (int)(20 * Math.Pow(random.NextDouble(), 1.4));
        }

        if (!random.Chance(Calibration.WaitBeyond84Days / (1 - provider.WaitedThreeWeeksShare)))
        {
            return random.Between(22, 84);
        }

        return random.Chance(Calibration.WaitBeyond365DaysOfLongWaits) ? random.Between(366, 480) : random.Between(85, 365);
    }

    private double DurationDays(ExitReason reason, bool ost) => CodeRules.ClassOf(reason) switch
    {
        OutcomeClass.SUCCESSFUL => Math.Max(ost ? 84 : 28,
            random.LogNormal(ost ? Calibration.OstSuccessMedianDays : Calibration.OtherSuccessMedianDays, 0.45)),
        OutcomeClass.TRANSFER => random.Between(14, ost ? 900 : 300),
        OutcomeClass.DIED => random.Between(1, ost ? 1500 : 400),
        _ when reason == ExitReason.DROPPED_OUT =>
            1 + random.Exponential(ost ? Calibration.OstDropOutMeanDays : Calibration.OtherDropOutMeanDays),
        _ => random.Between(14, ost ? 700 : 250),
    };

    private int TargetDose(Medication medication) => medication switch
    {
        Medication.METHADONE => Clamp(random.Normal(Calibration.MethadoneMeanMg, Calibration.MethadoneSdMg), 5,
            Calibration.MethadoneMinMg, Calibration.MethadoneMaxMg),
        Medication.BUPRENORPHINE or Medication.BUPRENORPHINE_NALOXONE => Clamp(
            random.Normal(Calibration.BuprenorphineMeanMg, Calibration.BuprenorphineSdMg), 2,
            Calibration.BuprenorphineMinMg, Calibration.BuprenorphineMaxMg),
        Medication.DIAMORPHINE => Clamp(random.Normal(Calibration.DiamorphineMeanMg, Calibration.DiamorphineSdMg), 10,
            Calibration.DiamorphineMinMg, Calibration.DiamorphineMaxMg),
        _ => 0,
    };

    private static int Clamp(double mg, int step, int min, int max) =>
        Math.Clamp((int)Math.Round(mg / step, MidpointRounding.AwayFromZero) * step, min, max);

    private void Schedule(long personId, Substance substance, DateOnly exit, ExitReason reason)
    {
        if (exit > world.WindowEnd)
        {
            return;
        }

        var gap = CodeRules.ClassOf(reason) switch
        {
            OutcomeClass.SUCCESSFUL when random.Chance(Calibration.RepresentAfterSuccess) =>
                random.Chance(Calibration.RepresentWithinSixMonthsAfterSuccess) ? random.Between(7, 182) : random.Between(183, 900),
            OutcomeClass.UNPLANNED when random.Chance(Calibration.RepresentAfterUnplanned) => random.Between(14, 730),
            OutcomeClass.TRANSFER when random.Chance(Calibration.RepresentAfterTransfer) => random.Between(30, 730),
            _ => 0,
        };
        if (gap > 0)
        {
            representations.Enqueue((personId, substance), (exit.DayNumber + gap, queued++));
        }
    }

    /// <summary>A HAT leaver discharged to community treatment is referred again at this provider within three weeks.</summary>
    private void ScheduleReturn(long personId, Substance substance, DateOnly exit)
    {
        if (exit <= world.WindowEnd)
        {
            var gap = random.Between(Calibration.HatReturnToCommunityMinDays, Calibration.HatReturnToCommunityMaxDays);
            representations.Enqueue((personId, substance), (exit.DayNumber + gap, queued++));
        }
    }

    private int CorrectionMonthFor(DateOnly exit, ExitReason reason)
    {
        if (exit < world.Anchor || exit > world.WindowEnd || reason == ExitReason.OTHER
            || !random.Chance(Calibration.ExitReasonCorrectionShare))
        {
            return -1;
        }

        return WindowMonth(world, exit) + random.Between(1, 3);
    }
}
