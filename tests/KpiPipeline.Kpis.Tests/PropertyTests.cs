using FsCheck;
using FsCheck.Fluent;
using KpiPipeline.Core.Dataset;
using KpiPipeline.Kpis.Catalogue;
using KpiPipeline.Kpis.Engine;
using KpiPipeline.Kpis.Rag;
using Microsoft.FSharp.Core;

namespace KpiPipeline.Kpis.Tests;

/// <summary>Rules that hold for every input, checked on generated returns with a fixed seed.</summary>
public class PropertyTests
{
    private static readonly string[] Providers = ["P1", "P2", "P3"];
    private static readonly ExitReason[] Reasons = Enum.GetValues<ExitReason>();
    private static readonly Substance[] Substances = Enum.GetValues<Substance>();
    private static readonly DateOnly Origin = new(2024, 10, 1);

    private static readonly Gen<CuratedEpisode> EpisodeGen =
        from provider in Gen.Elements(Providers)
        from client in Gen.Choose(0, 12)
        from referral in Gen.Choose(0, 500)
        from wait in Gen.Choose(-5, 40)
        from length in Gen.Choose(-30, 300)
        from reason in Gen.Elements(Reasons)
        from substance in Gen.Elements(Substances)
        from medication in Gen.Elements(Enum.GetValues<Medication>())
        from dose in Gen.Choose(0, 130)
        select Episode(provider, client, referral, wait, length, reason, substance, medication, dose);

    private static CuratedEpisode Episode(
        string provider, int client, int referral, int wait, int length, ExitReason reason, Substance substance, Medication medication, int dose)
    {
        var builder = new EpisodeBuilder()
            .AtProvider(provider)
            .ForClient("client-" + client)
            .WithSubstance(substance);
        builder = builder with { Referral = Origin.AddDays(referral) };
        builder = wait < 0
            ? builder.NotStarted()
            : builder.Started(null) with { Start = Origin.AddDays(referral + wait), Medication = medication, Dose = CodeRules.AllowsDose(medication) ? dose : null };
        if (length >= 0)
        {
            builder = builder with { Exit = Origin.AddDays(referral + Math.Max(0, wait) + length), Reason = reason };
        }

        return builder.Build();
    }

    private static readonly Arbitrary<CuratedEpisode[]> Returns = Arb.From(Gen.ArrayOf(EpisodeGen));

    private static void Check(Func<KpiComputation, bool> rule) => CheckReturns(returns => rule(Rows.Compute(returns, "2026-03-31")));

    private static void CheckReturns(Func<Returns.ReturnSet, bool> rule)
    {
        var property = Prop.ForAll(Returns, episodes =>
        {
            // Staffing at two providers, so that the CAP rows hold counts too (P2's FTE is all on leave).
            var builder = new ReturnsBuilder()
                .Workforce("P1", "2024-10", headcount: 9, fte: 4.5m, onLongTermLeave: 2, underTwoYears: 3)
                .Workforce("P2", "2024-10", headcount: 3, fte: 1m, longTermLeaveFte: 1m, onLongTermLeave: 3);
            foreach (var provider in Providers)
            {
                builder.Episodes(provider, "2024-10", episodes.Where(e => e.ProviderCode == provider).ToArray());
            }

            return rule(builder.Build());
        });
        var config = Config.QuickThrowOnFailure
            .WithMaxTest(60)
            .WithReplay(FSharpOption<Replay>.Some(new Replay(new Rnd(20250401UL, 0x9E3779B97F4A7C15UL), FSharpOption<int>.None)));
        FsCheck.Check.One(config, property);
    }

    [Fact]
    public void Every_unit_period_KPI_and_dimension_has_exactly_one_row() => Check(run =>
    {
        var perPeriod = KpiCatalogue.All.Sum(k => (k.AreaLevelAndAbove ? 5 : 8) * (k.HasBreakdowns ? RowCoverageTests.Breakdowns : 1));
        return run.All().Count == perPeriod * run.Periods.Count
            && run.All().Select(r => (r.Period, r.UnitCode, r.KpiId, r.Dimension, r.DimensionValue)).Distinct().Count() == run.All().Count;
    });

    [Fact]
    public void Percent_values_are_the_rounded_ratio_and_lie_within_0_to_100() => Check(run =>
        run.All()
            .Where(r => KpiCatalogue.Get(r.KpiId).Unit == KpiUnit.Percent && r.KpiId != KpiIds.Pop01)
            .All(r => r.Value == (double?)Rounding.Percent(r.Numerator!.Value, r.Denominator!.Value)
                && (r.Value is null || r.Value >= 0)
                && (r.Value is null || r.Value <= 100 || ExitOfUnstartedEpisodesMayExceed(r.KpiId))));

    [Fact]
    public void Areas_never_count_more_distinct_clients_than_their_providers_together() => Check(run =>
        run.Periods.All(p =>
        {
            var providers = run.All().Where(r => r.Period == p.Label && r.KpiId == KpiIds.Vol01 && r.Level == "provider" && r.DimensionValue == "ALL" && r.AreaCode == "A1").Sum(r => r.Value);
            var area = run.All().Single(r => r.Period == p.Label && r.KpiId == KpiIds.Vol01 && r.UnitCode == "A1" && r.DimensionValue == "ALL").Value;
            return area <= providers;
        }));

    /// <summary>
    /// A public rating follows from the published figures and the targets in force, which are set by commissioners, not by the data (the value, the target and margin in force, the ALL row's
    /// value): a rating made on the unrounded figures would tell a reader more about them than the rounding lets through.
    /// </summary>
    [Fact]
    public void Public_ratings_follow_from_the_published_figures_and_the_targets_in_force() => Check(run =>
    {
        var rows = Disclosure.Disclosure.Apply(run.All());
        var all = rows.Where(r => r.Level == "all").ToDictionary(r => (r.Period, r.KpiId, r.Dimension, r.DimensionValue), r => r.Value);
        return rows.All(r => r.Rag == PublicRating(r, all.GetValueOrDefault((r.Period, r.KpiId, r.Dimension, r.DimensionValue))));
    });

    private static string PublicRating(KpiResult row, double? allValue)
    {
        var polarity = KpiCatalogue.Get(row.KpiId).Polarity;
        var value = row.Value is { } v ? (decimal)v : (decimal?)null;
        return row switch
        {
            { Suppressed: true } => "none",
            { RagBasis: "target" } => RagRating.AgainstTarget(polarity, value, row.TargetInForce!.Value),
            { RagBasis: "national_benchmark", Level: not "all" } => RagRating.AgainstBenchmark(polarity, value, allValue is { } b ? (decimal)b : null),
            _ => "none",
        };
    }

    [Fact]
    public void Public_rows_never_show_a_provider_or_a_count_of_1_to_7_or_a_count_not_divisible_by_5() => Check(run =>
        Disclosure.Disclosure.Apply(run.All()).All(r =>
            r.Level != "provider"
            && Safe(r.Numerator) && Safe(r.Denominator)
            && (KpiCatalogue.Get(r.KpiId).Unit != KpiUnit.Count || r.Value is null || Safe((long)r.Value.Value))
            && (!r.Suppressed || r.Rag == "none")));

    [Fact]
    public void Counts_the_same_on_any_number_of_threads() => CheckReturns(returns =>
    {
        var asOf = EpisodeBuilder.D("2026-03-31");
        KpiComputation On(int threads) =>
            KpiEngine.Compute(Folding.MonthFolding.Fold(returns, asOf), returns.Uploads, TestReference.Standard(), asOf, threads);
        return On(1).Results.SequenceEqual(On(3).Results);
    });

    [Fact]
    public void Calls_back_once_indexed_and_counts_the_same_when_the_callback_collects_the_garbage() => CheckReturns(returns =>
    {
        var asOf = EpisodeBuilder.D("2026-03-31");
        var calls = 0;
        var collected = KpiEngine.Compute(Folding.MonthFolding.Fold(returns, asOf), returns.Uploads, TestReference.Standard(), asOf, 2, () =>
        {
            calls++;
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        });
        var plain = KpiEngine.Compute(Folding.MonthFolding.Fold(returns, asOf), returns.Uploads, TestReference.Standard(), asOf, 2);
        return calls == 1 && collected.Results.SequenceEqual(plain.Results);
    });

    [Fact]
    public void Counts_the_same_whether_the_fold_keeps_its_rows_or_lets_each_provider_go_when_it_is_complete() => CheckReturns(returns =>
    {
        var asOf = EpisodeBuilder.D("2026-03-31");
        KpiComputation Computed(bool keepRows)
        {
            var folding = new Folding.MonthFoldingBuilder(asOf, keepRows);
            foreach (var provider in Providers)
            {
                foreach (var file in returns.Episodes.Where(f => f.Path.ProviderCode == provider))
                {
                    folding.AddEpisodesFile(file.Path, file.Rows);
                }

                folding.AddReviewsFile(ReturnsBuilder.PathOf(provider, "2024-10", ReturnFileKind.Reviews), ReviewsOf(returns, provider));
                foreach (var file in returns.Workforce.Where(f => f.Path.ProviderCode == provider))
                {
                    folding.AddWorkforceFile(file.Path, file.Row);
                }

                folding.CompleteProvider(provider);
            }

            return KpiEngine.Compute(folding.Build(), returns.Uploads, TestReference.Standard(), asOf, parallelism: 2);
        }

        return Computed(keepRows: true).Results.SequenceEqual(Computed(keepRows: false).Results);
    });

    [Fact]
    public void Folded_returns_are_computed_once()
    {
        var asOf = EpisodeBuilder.D("2026-03-31");
        var returns = new ReturnsBuilder().Episodes("P1", "2024-10", new EpisodeBuilder().Build()).Build();
        var folded = Folding.MonthFolding.Fold(returns, asOf);
        KpiEngine.Compute(folded, returns.Uploads, TestReference.Standard(), asOf);

        var again = Assert.Throws<InvalidOperationException>(() => KpiEngine.Compute(folded, returns.Uploads, TestReference.Standard(), asOf));
        Assert.Contains("computed already", again.Message, StringComparison.Ordinal);
    }

    /// <summary>A START review on each started episode's first day, a REVIEW 90 days on, an EXIT on its exit; one review of an episode that does not exist.</summary>
    private static CuratedReview[] ReviewsOf(Returns.ReturnSet returns, string provider)
    {
        var reviews = new List<CuratedReview>();
        foreach (var episode in returns.Episodes.Where(f => f.Path.ProviderCode == provider).SelectMany(f => f.Rows).Where(e => e.TreatmentStartDate is not null))
        {
            var start = episode.TreatmentStartDate!.Value;
            var score = (episode.EpisodeId.GetHashCode(StringComparison.Ordinal) & 31) + 5;
            reviews.Add(ReviewBuilder.For(episode, Day(start), ReviewStage.START).WithBarc10(score).WithGoals(3, 1).Build());
            reviews.Add(ReviewBuilder.For(episode, Day(start.AddDays(90)), ReviewStage.REVIEW).WithBarc10(score + 7).WithGoals(3, 2).Build());
            if (episode.ExitDate is { } exit)
            {
                reviews.Add(ReviewBuilder.For(episode, Day(exit), ReviewStage.EXIT).WithBarc10(score + 3).WithQualityOfLife(12).Build());
            }
        }

        if (reviews.Count > 0)
        {
            reviews.Add(reviews[0] with { EpisodeId = "NO-SUCH-EPISODE" });
        }

        return [.. reviews.DistinctBy(r => (r.EpisodeId, r.ReviewDate, r.Stage))];
    }

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    private static bool Safe(long? count) => count is null || (count.Value % 5 == 0 && count.Value is not (>= 1 and <= 7));

    private static bool ExitOfUnstartedEpisodesMayExceed(string kpiId) =>
        kpiId is KpiIds.Ext01 or KpiIds.Ext02 or KpiIds.Ext04 or KpiIds.Ext05;
}
