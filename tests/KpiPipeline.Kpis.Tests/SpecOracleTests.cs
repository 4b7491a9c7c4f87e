using FsCheck;
using FsCheck.Fluent;
using KpiPipeline.Core.Dataset;
using KpiPipeline.Kpis.Catalogue;
using Microsoft.FSharp.Core;

namespace KpiPipeline.Kpis.Tests;

/// <summary>
/// The engine against a deliberately naive reading of kpis.md (one loop per KPI, no shared tallies),
/// on generated single-month returns with a fixed seed.
/// </summary>
public class SpecOracleTests
{
    private static readonly DateOnly Origin = new(2024, 10, 1);
    private static readonly DateOnly AsOf = new(2026, 3, 31);
    private static readonly string[] Providers = ["P1", "P2", "P3"];
    private static readonly (string Code, string[] Providers)[] Units =
        [("P1", ["P1"]), ("P3", ["P3"]), ("A1", ["P1", "P2"]), ("ENGLAND", ["P1", "P2"]), ("ALL", ["P1", "P2", "P3"])];

    /// <summary>Dimension all, then every breakdown value of kpis.md 0 and 10.1 with the episodes it holds, written out here.</summary>
    private static readonly (string Value, Func<CuratedEpisode, bool>? Holds)[] Breakdowns =
    [
        ("ALL", null),
        .. Enum.GetValues<SubstanceGroup>().Select(g => (g.ToString(), (Func<CuratedEpisode, bool>?)(e => CodeRules.GroupOf(e.PrimarySubstance) == g))),
        .. Enum.GetValues<TreatmentGoal>().Select(g => (g.ToString(), (Func<CuratedEpisode, bool>?)(e => e.TreatmentGoal == g))),
        ("NOT_RECORDED", e => e.TreatmentGoal is null),
        .. Enum.GetValues<Sex>().Select(x => (x.ToString(), (Func<CuratedEpisode, bool>?)(e => e.Sex == x))),
        ("18-29", e => e.AgeAtReferral <= 29),
        ("30-39", e => e.AgeAtReferral is >= 30 and <= 39),
        ("40-49", e => e.AgeAtReferral is >= 40 and <= 49),
        ("50-59", e => e.AgeAtReferral is >= 50 and <= 59),
        ("60-PLUS", e => e.AgeAtReferral >= 60),
    ];

    private static readonly Gen<CuratedEpisode> EpisodeGen =
        from provider in Gen.Elements(Providers)
        from client in Gen.Choose(0, 10)
        from referral in Gen.Choose(0, 520)
        from wait in Gen.Choose(-8, 30)
        from length in Gen.Choose(-40, 420)
        from reason in Gen.Elements(Enum.GetValues<ExitReason>())
        from substance in Gen.Elements(Enum.GetValues<Substance>())
        from medication in Gen.Elements(Enum.GetValues<Medication>())
        from dose in Gen.Choose(0, 130)
        from naloxone in Gen.Elements(true, false)
        from goal in Gen.Elements<TreatmentGoal?>([null, .. Enum.GetValues<TreatmentGoal>().Cast<TreatmentGoal?>()])
        from sex in Gen.Elements(Enum.GetValues<Sex>())
        from age in Gen.Choose(18, 70)
        from source in Gen.Elements(ReferralSource.SELF, ReferralSource.PRISON_RELEASE)
        from hat in Gen.Elements(false, true)
        let episode = Episode(provider, client, referral, wait, length, reason, substance, medication, dose, naloxone)
        select episode with
        {
            TreatmentGoal = goal,
            Sex = sex,
            AgeAtReferral = age,
            ReferralSource = source,
            Setting = hat && episode.TreatmentStartDate is not null ? TreatmentSetting.HAT_CLINIC : episode.Setting,
        };

    private static CuratedEpisode Episode(
        string provider, int client, int referral, int wait, int length, ExitReason reason, Substance substance,
        Medication medication, int dose, bool naloxone)
    {
        var builder = new EpisodeBuilder().AtProvider(provider).ForClient("c" + client).WithSubstance(substance).WithNaloxone(naloxone);
        builder = builder with { Referral = Origin.AddDays(referral) };
        builder = wait < 0
            ? builder.NotStarted()
            : builder with { Start = Origin.AddDays(referral + wait), Medication = medication, Dose = CodeRules.AllowsDose(medication) ? dose : null };
        if (length >= 0)
        {
            builder = builder with { Exit = Origin.AddDays(referral + Math.Max(0, wait) + length), Reason = reason };
        }

        return builder.Build();
    }

    [Fact]
    public void Engine_matches_a_naive_reading_of_the_spec_for_volume_access_retention_exit_medication_prison_and_HAT_KPIs_and_every_breakdown()
    {
        var property = Prop.ForAll(Arb.From(Gen.ArrayOf(EpisodeGen)), episodes =>
        {
            var builder = new ReturnsBuilder();
            foreach (var provider in Providers)
            {
                builder.Episodes(provider, "2024-10", episodes.Where(e => e.ProviderCode == provider).ToArray());
            }

            var run = KpiEngine.Compute(builder.Build(), TestReference.Standard(), AsOf);
            foreach (var period in run.Periods)
            {
                foreach (var (unit, providers) in Units)
                {
                    foreach (var (value, holds) in Breakdowns)
                    {
                        var mine = episodes.Where(e => providers.Contains(e.ProviderCode) && (holds is null || holds(e))).ToList();
                        var expected = Expected(mine, episodes, period.Start, period.End, holds is null);
                        foreach (var (kpi, figures) in expected)
                        {
                            if (holds is not null && !KpiCatalogue.Get(kpi).HasBreakdowns)
                            {
                                continue;
                            }

                            var actual = run.Find(kpi, unit, period.Label, value);
                            if ((actual.Numerator, actual.Denominator) != figures)
                            {
                                throw new InvalidOperationException(
                                    $"{kpi} {unit} {period.Label} {value}: expected {figures}, engine {(actual.Numerator, actual.Denominator)}");
                            }
                        }
                    }
                }
            }

            return true;
        });
        var config = Config.QuickThrowOnFailure
            .WithMaxTest(60)
            .WithReplay(FSharpOption<Replay>.Some(new Replay(new Rnd(20260331UL, 0x2545F4914F6CDD1DUL), FSharpOption<int>.None)));
        FsCheck.Check.One(config, property);
    }

    /// <summary>Numerator and denominator per KPI for one unit, period and group, written straight from kpis.md.</summary>
    private static Dictionary<string, (long?, long?)> Expected(
        List<CuratedEpisode> mine, CuratedEpisode[] everyone, DateOnly start, DateOnly end, bool allDimension)
    {
        bool It(CuratedEpisode e) => e.TreatmentStartDate <= end && (e.ExitDate is null || e.ExitDate >= start);
        bool In(DateOnly? d) => d >= start && d <= end;
        int Days(DateOnly later, DateOnly earlier) => later.DayNumber - earlier.DayNumber;
        bool Represented(CuratedEpisode exit) => everyone.Any(o => o.ClientKey == exit.ClientKey && !ReferenceEquals(o, exit)
            && o.ReferralDate > exit.ExitDate && Days(o.ReferralDate, exit.ExitDate!.Value) <= 182);
        bool Successful(CuratedEpisode e) => e.ExitReason is { } r && CodeRules.ClassOf(r) == OutcomeClass.SUCCESSFUL;
        long Clients(IEnumerable<CuratedEpisode> es) => es.Select(e => e.ClientKey).Distinct().LongCount();

        var vol01 = Clients(mine.Where(It));
        var starts = mine.Where(e => In(e.TreatmentStartDate)).ToList();
        var successfulExits = mine.Where(e => In(e.ExitDate) && Successful(e)).ToList();
        var successfulClients = successfulExits.GroupBy(e => e.ClientKey).ToList();

        var final = AsOf >= end.AddDays(84);
        var cohort = starts
            .Where(e => !(e.ExitDate is { } x && Days(x, e.TreatmentStartDate!.Value) < 84
                && CodeRules.ClassOf(e.ExitReason!.Value) is OutcomeClass.TRANSFER or OutcomeClass.DIED))
            .Where(e => final || e.ExitDate is not null || e.TreatmentStartDate!.Value.AddDays(84) <= AsOf)
            .ToList();
        bool EarlyExit(CuratedEpisode e) => e.ExitDate is { } x && Days(x, e.TreatmentStartDate!.Value) < 84;

        var ost = mine.Where(e => It(e) && e.Medication is { } m && m != Medication.NONE).ToList();
        var methadone = mine.Where(e => It(e) && e.Medication == Medication.METHADONE && e.DailyDoseMg > 0).ToList();
        var opiate = mine.Where(e => It(e) && CodeRules.GroupOf(e.PrimarySubstance) == SubstanceGroup.OPIATE).ToList();

        var result = new Dictionary<string, (long?, long?)>
        {
            [KpiIds.Vol01] = (vol01, null),
            [KpiIds.Vol02] = (Clients(starts), null),
            [KpiIds.Acc01] = (starts.Count(e => Days(e.TreatmentStartDate!.Value, e.ReferralDate) <= 21), starts.Count),
            [KpiIds.Ret01] = (cohort.Count(e => !EarlyExit(e) || Successful(e)), cohort.Count),
            [KpiIds.Ext01] = (successfulClients.Count, vol01),
            [KpiIds.Ext02] = (successfulClients.Count(g => g.Any(e => !Represented(e))), vol01),
        };
        if (allDimension)
        {
            result[KpiIds.Acc04] = (mine.Count(e => Days(end, e.ReferralDate) >= 21 && !(e.TreatmentStartDate <= end)
                && (e.ExitDate is null || e.ExitDate > end)), null);
            result[KpiIds.Ret02] = (cohort.Count(e => EarlyExit(e) && CodeRules.ClassOf(e.ExitReason!.Value) == OutcomeClass.UNPLANNED), cohort.Count);
            result[KpiIds.Ret03] = (Clients(ost.Where(e => Days(end, e.TreatmentStartDate!.Value) >= 1461)), Clients(ost));
            result[KpiIds.Ext03] = (successfulClients.Count(g => g.All(Represented)), successfulClients.Count);
            result[KpiIds.Ext04] = (Clients(mine.Where(e => In(e.ExitDate) && e.ExitReason == ExitReason.DROPPED_OUT)), vol01);
            result[KpiIds.Ext06] = (Clients(mine.Where(e => In(e.ExitDate) && e.ExitReason == ExitReason.DIED)), null);
            result[KpiIds.Dos01] = (Clients(methadone.Where(e => e.DailyDoseMg is >= 60m and <= 120m)), Clients(methadone));
            result[KpiIds.Hrm01] = (Clients(opiate.Where(e => e.NaloxoneSupplied == true)), Clients(opiate));

            var successfulAfterStart = successfulExits.Where(e => e.TreatmentStartDate is not null).ToList();
            result[KpiIds.Ext07] = (successfulAfterStart.Count(EarlyExit), successfulAfterStart.Count);
            var stable = mine.Where(e => e.TreatmentGoal == TreatmentGoal.MAINTENANCE
                && e.Medication is Medication.METHADONE or Medication.BUPRENORPHINE or Medication.BUPRENORPHINE_NALOXONE
                && e.TreatmentStartDate <= end.AddDays(-365) && (e.ExitDate is null || e.ExitDate > end)).ToList();
            bool Optimal(CuratedEpisode e) => e.Medication == Medication.METHADONE
                ? e.DailyDoseMg is >= 60m and <= 120m
                : e.DailyDoseMg is >= 12m and <= 32m;
            result[KpiIds.Ext08] = (Clients(stable.Where(Optimal)), Clients(stable));

            var cj01Final = AsOf >= end.AddDays(21);
            var released = mine.Where(e => e.ReferralSource == ReferralSource.PRISON_RELEASE && In(e.ReferralDate)
                && (cj01Final || e.TreatmentStartDate is not null || e.ReferralDate.AddDays(21) <= AsOf)).ToList();
            result[KpiIds.Cj01] = (released.Count(e => e.TreatmentStartDate is { } s && Days(s, e.ReferralDate) <= 21), released.Count);

            bool Hat(CuratedEpisode e) => e.Setting == TreatmentSetting.HAT_CLINIC;
            var yearCohort = mine.Where(e => Hat(e) && e.TreatmentStartDate is { } s && In(s.AddDays(365)) && s.AddDays(365) <= AsOf).ToList();
            result[KpiIds.Hat01] = (yearCohort.Count(e => e.ExitDate is null || Days(e.ExitDate.Value, e.TreatmentStartDate!.Value) >= 365), yearCohort.Count);
            var hatExits = mine.Where(e => Hat(e) && In(e.ExitDate) && e.TreatmentStartDate is not null).ToList();
            result[KpiIds.Hat02] = (hatExits.Count(e => Days(e.ExitDate!.Value, e.TreatmentStartDate!.Value) < 182), hatExits.Count);
            result[KpiIds.Hat03] = (Clients(mine.Where(e => Hat(e) && It(e))), null);
        }

        return result;
    }
}
