using KpiPipeline.Core.Dataset;
using KpiPipeline.Core.Reference;
using KpiPipeline.Kpis.Catalogue;
using KpiPipeline.Kpis.Rag;

namespace KpiPipeline.Kpis.Tests;

/// <summary>RAG rating (outputs.md section 3, kpis.md section 9): the rules on their own and through the whole engine.</summary>
public class RagTests
{
    [Theory]
    [InlineData(90.0, "green")]
    [InlineData(85.0, "amber")]
    [InlineData(84.9, "red")]
    public void Higher_is_better_targets_rate_at_the_target_and_target_minus_margin(double value, string rag) =>
        Assert.Equal(rag, RagRating.AgainstTarget(KpiPolarity.HigherIsBetter, (decimal)value, new TargetInForce(90m, 5m)));

    [Theory]
    [InlineData(15.0, "green")]
    [InlineData(20.0, "amber")]
    [InlineData(20.1, "red")]
    public void Lower_is_better_targets_mirror_the_rule(double value, string rag) =>
        Assert.Equal(rag, RagRating.AgainstTarget(KpiPolarity.LowerIsBetter, (decimal)value, new TargetInForce(15m, 5m)));

    [Theory]
    [InlineData(20.0, "green")]
    [InlineData(18.0, "amber")]
    [InlineData(17.9, "red")]
    public void Higher_is_better_benchmarks_allow_10_percent(double value, string rag) =>
        Assert.Equal(rag, RagRating.AgainstBenchmark(KpiPolarity.HigherIsBetter, (decimal)value, 20m));

    [Theory]
    [InlineData(20.0, "green")]
    [InlineData(22.0, "amber")]
    [InlineData(22.1, "red")]
    public void Lower_is_better_benchmarks_allow_10_percent(double value, string rag) =>
        Assert.Equal(rag, RagRating.AgainstBenchmark(KpiPolarity.LowerIsBetter, (decimal)value, 20m));

    [Fact]
    public void Blank_values_and_benchmarks_are_rated_none()
    {
        Assert.Equal("none", RagRating.AgainstTarget(KpiPolarity.HigherIsBetter, null, new TargetInForce(90m, 5m)));
        Assert.Equal("none", RagRating.AgainstBenchmark(KpiPolarity.HigherIsBetter, 5m, null));
    }

    private static KpiComputation Run(params TargetOverride[] targets) =>
        Rows.Compute(new ReturnsBuilder()
            .Episodes("P1", "2025-04",
                Base.ForClient("a").Build(),
                Base.ForClient("b").Referred("2025-03-01").Build(),
                Base.ForClient("c").Exited("2025-05-01", ExitReason.COMPLETED_DRUG_FREE).Build())
            .Episodes("P3", "2025-04",
                Base.ForClient("d").AtProvider("P3").Build(),
                Base.ForClient("e").AtProvider("P3").Exited("2025-05-01", ExitReason.COMPLETED_DRUG_FREE).Build())
            .Build(), "2026-03-31", TestReference.Standard(targets));

    [Fact]
    public void Catalogue_default_targets_rate_every_level_and_fill_the_target_column()
    {
        var run = Run();

        var row = run.Find(KpiIds.Acc01, period: "2025-26-Q1");
        Assert.Equal((66.7, 90.0, "red", "target"), (row.Value, row.Target, row.Rag, row.RagBasis));
        Assert.Equal("target", run.Find(KpiIds.Acc01, "ALL", "2025-26-Q1").RagBasis);
        var context = run.Find(KpiIds.Vol01, period: "2025-26-Q1");
        Assert.Equal(("none", "none", (double?)null), (context.Rag, context.RagBasis, context.Target));
    }

    [Fact]
    public void An_area_target_beats_the_star_target_for_the_area_and_its_providers_and_a_blank_margin_is_5()
    {
        var run = Run(new TargetOverride("A1", KpiIds.Acc01, 70m, null), new TargetOverride("*", KpiIds.Acc01, 60m, 1m));

        Assert.Equal((70.0, "amber"), (run.Find(KpiIds.Acc01, "P1", "2025-26-Q1").Target, run.Find(KpiIds.Acc01, "P1", "2025-26-Q1").Rag));
        Assert.Equal(70.0, run.Find(KpiIds.Acc01, "A1", "2025-26-Q1").Target);
        Assert.Equal(60.0, run.Find(KpiIds.Acc01, "P3", "2025-26-Q1").Target);
        Assert.Equal(60.0, run.Find(KpiIds.Acc01, "ENGLAND", "2025-26-Q1").Target);
        Assert.Equal(60.0, run.Find(KpiIds.Acc01, "ALL", "2025-26-Q1").Target);
    }

    [Fact]
    public void Successful_completions_are_rated_against_the_all_row_which_itself_is_none()
    {
        var run = Run();

        // ALL: 2 of 5 = 40.0; P1: 1 of 3 = 33.3 (≥ 36 would be amber) → red; P3: 1 of 2 = 50.0 → green.
        Assert.Equal((40.0, "none", "national_benchmark"), RatedExt01(run, "ALL"));
        Assert.Equal((33.3, "red", "national_benchmark"), RatedExt01(run, "P1"));
        Assert.Equal((50.0, "green", "national_benchmark"), RatedExt01(run, "P3"));
        Assert.Equal((50.0, "green", "national_benchmark"), RatedExt01(run, "SCOTLAND"));
        Assert.Null(run.Find(KpiIds.Ext01, "P1", "2025-26-Q1").Target);
    }

    [Fact]
    public void A_target_on_successful_completions_switches_that_unit_to_basis_target()
    {
        var run = Run(new TargetOverride("A1", KpiIds.Ext01, 30m, null));

        Assert.Equal((33.3, "green", "target"), RatedExt01(run, "P1"));
        Assert.Equal((50.0, "green", "national_benchmark"), RatedExt01(run, "P3"));
    }

    [Fact]
    public void Targets_for_KPIs_without_a_polarity_are_ignored_with_a_warning()
    {
        var run = Run(new TargetOverride("*", KpiIds.Vol01, 10m, null));

        Assert.Equal("none", run.Find(KpiIds.Vol01, "ALL", "2025-26-Q1").RagBasis);
        Assert.Contains(run.Warnings, w => w.Contains(KpiIds.Vol01, StringComparison.Ordinal));
    }

    private static (double?, string, string) RatedExt01(KpiComputation run, string unit)
    {
        var row = run.Find(KpiIds.Ext01, unit, "2025-26-Q1");
        return (row.Value, row.Rag, row.RagBasis);
    }

    private static readonly EpisodeBuilder Base = new EpisodeBuilder().Referred("2025-04-01").Started("2025-04-08");

    private static (double? Value, double? Target, string Rag, string Basis) Rated(KpiComputation run, string kpi, string unit)
    {
        var row = run.Find(kpi, unit);
        return (row.Value, row.Target, row.Rag, row.RagBasis);
    }

    [Fact]
    public void A_lower_is_better_count_takes_the_star_target_the_area_row_beats_it_and_a_blank_margin_means_5()
    {
        var waiting = new EpisodeBuilder().Referred("2025-04-01").NotStarted();
        var episodes = Enumerable.Range(0, 3).Select(i => waiting.ForClient("p" + i))
            .Concat(Enumerable.Range(0, 12).Select(i => waiting.AtProvider("P3").ForClient("s" + i)))
            .ToArray();
        var returns = new ReturnsBuilder()
            .Episodes("P1", "2025-04", episodes.Where(e => e.Provider == "P1").Select(e => e.Build()).ToArray())
            .Episodes("P3", "2025-04", episodes.Where(e => e.Provider == "P3").Select(e => e.Build()).ToArray())
            .Build();

        var run = Rows.Compute(returns, "2025-06-30", TestReference.Standard(
            new TargetOverride("*", KpiIds.Acc04, 2m, null), new TargetOverride("A2", KpiIds.Acc04, 10m, 1m)));

        Assert.Equal((3.0, 2.0, "amber", "target"), Rated(run, KpiIds.Acc04, "P1"));      // 3 ≤ 2 + 5
        Assert.Equal((0.0, 2.0, "green", "target"), Rated(run, KpiIds.Acc04, "P2"));
        Assert.Equal((3.0, 2.0, "amber", "target"), Rated(run, KpiIds.Acc04, "A1"));
        Assert.Equal((3.0, 2.0, "amber", "target"), Rated(run, KpiIds.Acc04, "ENGLAND"));
        Assert.Equal((12.0, 10.0, "red", "target"), Rated(run, KpiIds.Acc04, "P3"));      // 12 > 10 + 1
        Assert.Equal((12.0, 10.0, "red", "target"), Rated(run, KpiIds.Acc04, "A2"));
        Assert.Equal((12.0, 2.0, "red", "target"), Rated(run, KpiIds.Acc04, "SCOTLAND")); // nations only take *
        Assert.Equal((15.0, 2.0, "red", "target"), Rated(run, KpiIds.Acc04, "ALL"));
    }

    [Fact]
    public void A_lower_is_better_count_without_a_target_is_context_with_no_target_column()
    {
        var run = Rows.ComputeEpisodes("2025-06-30", new EpisodeBuilder().Referred("2025-04-01").NotStarted());

        Assert.Equal((1.0, null, "none", "none"), Rated(run, KpiIds.Acc04, "P1"));
    }

    [Fact]
    public void Early_unplanned_exit_mirrors_the_target_rule_for_lower_is_better()
    {
        var run = Rows.ComputeEpisodes("2026-03-31",
            Base.ForClient("a").Exited("2025-05-01", ExitReason.DROPPED_OUT),
            Base.ForClient("b"), Base.ForClient("c"), Base.ForClient("d"), Base.ForClient("e"),
            Base.AtProvider("P3").ForClient("f").Exited("2025-05-01", ExitReason.DROPPED_OUT),
            Base.AtProvider("P3").ForClient("g"), Base.AtProvider("P3").ForClient("h"),
            Base.AtProvider("P2").ForClient("i"));

        Assert.Equal((20.0, 15.0, "amber", "target"), Rated(run, KpiIds.Ret02, "P1"));   // 1 of 5
        Assert.Equal((33.3, 15.0, "red", "target"), Rated(run, KpiIds.Ret02, "P3"));     // 1 of 3
        Assert.Equal((0.0, 15.0, "green", "target"), Rated(run, KpiIds.Ret02, "P2"));
        Assert.Equal((22.2, 15.0, "red", "target"), Rated(run, KpiIds.Ret02, "ALL"));    // 2 of 9
    }

    private static KpiComputation SuccessfulCompletions(params TargetOverride[] targets)
    {
        // P1: 89 clients in treatment, 16 exit successfully (17.98 → 18.0). P3: 11 clients, 4 successful (36.4). ALL: 20 of 100 = 20.0.
        var p1 = Enumerable.Range(0, 89)
            .Select(i => (i < 16 ? Base.Exited("2025-05-01", ExitReason.COMPLETED_DRUG_FREE) : Base).ForClient("p" + i).Build())
            .ToArray();
        var p3 = Enumerable.Range(0, 11)
            .Select(i => (i < 4 ? Base.Exited("2025-05-01", ExitReason.COMPLETED_DRUG_FREE) : Base).AtProvider("P3").ForClient("s" + i).Build())
            .ToArray();
        return Rows.Compute(new ReturnsBuilder().Episodes("P1", "2025-04", p1).Episodes("P3", "2025-04", p3).Build(),
            "2026-03-31", TestReference.Standard(targets));
    }

    [Fact]
    public void National_benchmark_compares_the_rounded_value_with_the_rounded_all_value_using_10V_at_least_9B()
    {
        var run = SuccessfulCompletions();

        Assert.Equal((20.0, null, "none", "national_benchmark"), Rated(run, KpiIds.Ext01, "ALL"));
        Assert.Equal((18.0, null, "amber", "national_benchmark"), Rated(run, KpiIds.Ext01, "P1"));
        Assert.Equal((18.0, null, "amber", "national_benchmark"), Rated(run, KpiIds.Ext01, "A1"));
        Assert.Equal((18.0, null, "amber", "national_benchmark"), Rated(run, KpiIds.Ext01, "ENGLAND"));
        Assert.Equal((null, null, "none", "national_benchmark"), Rated(run, KpiIds.Ext01, "P2"));
        Assert.Equal((36.4, null, "green", "national_benchmark"), Rated(run, KpiIds.Ext01, "P3"));
        Assert.Equal((36.4, null, "green", "national_benchmark"), Rated(run, KpiIds.Ext01, "SCOTLAND"));
        Assert.Equal((18.0, null, "amber", "national_benchmark"), Rated(run, KpiIds.Ext02, "P1"));
    }

    [Fact]
    public void A_star_target_on_successful_completions_rates_every_unit_on_basis_target_including_all()
    {
        var run = SuccessfulCompletions(new TargetOverride("*", KpiIds.Ext01, 19m, null));

        Assert.Equal((20.0, 19.0, "green", "target"), Rated(run, KpiIds.Ext01, "ALL"));
        Assert.Equal((18.0, 19.0, "amber", "target"), Rated(run, KpiIds.Ext01, "P1"));
        Assert.Equal((18.0, 19.0, "amber", "target"), Rated(run, KpiIds.Ext01, "ENGLAND"));
        Assert.Equal((36.4, 19.0, "green", "target"), Rated(run, KpiIds.Ext01, "SCOTLAND"));
        Assert.Equal((18.0, null, "amber", "national_benchmark"), Rated(run, KpiIds.Ext02, "P1"));
    }

    [Fact]
    public void An_area_target_on_successful_completions_leaves_the_nation_on_the_national_benchmark()
    {
        var run = SuccessfulCompletions(new TargetOverride("A2", KpiIds.Ext01, 40m, 2m));

        Assert.Equal((36.4, 40.0, "red", "target"), Rated(run, KpiIds.Ext01, "P3"));       // 36.4 < 40 − 2
        Assert.Equal((36.4, 40.0, "red", "target"), Rated(run, KpiIds.Ext01, "A2"));
        Assert.Equal((36.4, null, "green", "national_benchmark"), Rated(run, KpiIds.Ext01, "SCOTLAND"));
        Assert.Equal((18.0, null, "amber", "national_benchmark"), Rated(run, KpiIds.Ext01, "P1"));
    }

    [Fact]
    public void Re_presentation_is_rated_lower_is_better_against_the_rounded_all_value_using_10V_at_most_11B()
    {
        // P1: 59 successful exits, 13 re-present (22.03 → 22.0). P3: 6 successful exits, none re-present. ALL: 13 of 65 = 20.0.
        var p1 = Enumerable.Range(0, 59)
            .SelectMany(i => i < 13
                ? new[] { Base.ForClient("q" + i).Exited("2025-05-01", ExitReason.COMPLETED_DRUG_FREE), Base.ForClient("q" + i).Referred("2025-06-01").NotStarted() }
                : new[] { Base.ForClient("q" + i).Exited("2025-05-01", ExitReason.COMPLETED_DRUG_FREE) })
            .Select(e => e.Build())
            .ToArray();
        var p3 = Enumerable.Range(0, 6)
            .Select(i => Base.AtProvider("P3").ForClient("r" + i).Exited("2025-05-01", ExitReason.COMPLETED_OCCASIONAL_USE).Build())
            .ToArray();

        var run = Rows.Compute(new ReturnsBuilder().Episodes("P1", "2025-04", p1).Episodes("P3", "2025-04", p3).Build(), "2026-03-31");

        Assert.Equal((20.0, null, "none", "national_benchmark"), Rated(run, KpiIds.Ext03, "ALL"));
        Assert.Equal((22.0, null, "amber", "national_benchmark"), Rated(run, KpiIds.Ext03, "P1"));
        Assert.Equal((22.0, null, "amber", "national_benchmark"), Rated(run, KpiIds.Ext03, "ENGLAND"));
        Assert.Equal((0.0, null, "green", "national_benchmark"), Rated(run, KpiIds.Ext03, "P3"));
    }

    [Fact]
    public void Every_row_names_its_basis_and_only_target_rows_carry_a_target()
    {
        var run = SuccessfulCompletions(new TargetOverride("*", KpiIds.Soft01, 0m, null));

        Assert.All(run.All(), row =>
        {
            var kpi = KpiCatalogue.Get(row.KpiId);
            var expectedBasis = kpi.Id == KpiIds.Soft01 ? "target" : kpi.DefaultRagBasis.Code();
            Assert.Equal(expectedBasis, row.RagBasis);
            Assert.Equal(row.RagBasis == "target", row.Target is not null);
            if (row.Value is null || row.RagBasis == "none" || (row.RagBasis == "national_benchmark" && row.Level == "all"))
            {
                Assert.Equal("none", row.Rag);
            }
            else
            {
                Assert.Contains(row.Rag, new[] { "green", "amber", "red" });
            }
        });
    }
}
