using KpiPipeline.Core.Dataset;
using KpiPipeline.Core.Reference;
using KpiPipeline.Kpis.Catalogue;
using KpiPipeline.Kpis.Rag;

namespace KpiPipeline.Kpis.Tests;

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

    private static readonly EpisodeBuilder Base = new EpisodeBuilder().Referred("2025-04-01").Started("2025-04-02");

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
        Assert.Equal((40.0, "none", "national_benchmark"), Rated(run, "ALL"));
        Assert.Equal((33.3, "red", "national_benchmark"), Rated(run, "P1"));
        Assert.Equal((50.0, "green", "national_benchmark"), Rated(run, "P3"));
        Assert.Equal((50.0, "green", "national_benchmark"), Rated(run, "SCOTLAND"));
        Assert.Null(run.Find(KpiIds.Ext01, "P1", "2025-26-Q1").Target);
    }

    [Fact]
    public void A_target_on_successful_completions_switches_that_unit_to_basis_target()
    {
        var run = Run(new TargetOverride("A1", KpiIds.Ext01, 30m, null));

        Assert.Equal((33.3, "green", "target"), Rated(run, "P1"));
        Assert.Equal((50.0, "green", "national_benchmark"), Rated(run, "P3"));
    }

    [Fact]
    public void Targets_for_KPIs_without_a_polarity_are_ignored_with_a_warning()
    {
        var run = Run(new TargetOverride("*", KpiIds.Vol01, 10m, null));

        Assert.Equal("none", run.Find(KpiIds.Vol01, "ALL", "2025-26-Q1").RagBasis);
        Assert.Contains(run.Warnings, w => w.Contains(KpiIds.Vol01, StringComparison.Ordinal));
    }

    private static (double?, string, string) Rated(KpiComputation run, string unit)
    {
        var row = run.Find(KpiIds.Ext01, unit, "2025-26-Q1");
        return (row.Value, row.Rag, row.RagBasis);
    }
}
