using KpiPipeline.Core.Dataset;
using KpiPipeline.Kpis.Catalogue;

namespace KpiPipeline.Kpis.Tests;

/// <summary>SOFT01–SOFT08 (kpis.md sections 0, 6 and 9, <c>Families/SoftOutcomeKpis.cs</c>), on fixtures worked out by hand.</summary>
public class SoftOutcomeKpiTests
{
    private static readonly EpisodeBuilder Base = new EpisodeBuilder().Referred("2025-03-01").Started("2025-03-01");

    private static KpiComputation Run(string month, CuratedEpisode[] episodes, params ReviewBuilder[] reviews) =>
        Rows.Compute(new ReturnsBuilder()
            .Episodes("P1", month, episodes)
            .Reviews("P1", month, reviews.Select(r => r.Build()).ToArray())
            .Build(), "2025-09-30");

    [Fact]
    public void Paired_change_uses_the_earliest_START_and_the_latest_review_with_EXIT_beating_REVIEW_on_one_date()
    {
        var a = Base.ForClient("a").Build();
        var b = Base.ForClient("b").Build();
        var run = Run("2025-06", [a, b],
            ReviewBuilder.For(a, "2025-04-07", ReviewStage.START).WithBarc10(20),
            ReviewBuilder.For(a, "2025-04-20", ReviewStage.START).WithBarc10(25),
            ReviewBuilder.For(a, "2025-05-01", ReviewStage.REVIEW).WithBarc10(30),
            ReviewBuilder.For(a, "2025-06-01", ReviewStage.REVIEW).WithBarc10(35),
            ReviewBuilder.For(b, "2025-04-07", ReviewStage.START).WithBarc10(30),
            ReviewBuilder.For(b, "2025-06-10", ReviewStage.REVIEW).WithBarc10(10),
            ReviewBuilder.For(b, "2025-06-10", ReviewStage.EXIT).WithBarc10(47));

        Assert.Equal((null, 2L, 16.0), run.Figures(KpiIds.Soft01));
        Assert.Equal((1L, 2L, 50.0), run.Figures(KpiIds.Soft02));
    }

    [Fact]
    public void A_latest_review_without_the_measure_gives_no_pair_even_if_an_earlier_one_has_it()
    {
        var a = Base.ForClient("a").Build();
        var run = Run("2025-06", [a],
            ReviewBuilder.For(a, "2025-04-07", ReviewStage.START).WithBarc10(20),
            ReviewBuilder.For(a, "2025-05-01", ReviewStage.REVIEW).WithBarc10(30),
            ReviewBuilder.For(a, "2025-06-01", ReviewStage.REVIEW));

        Assert.Equal((null, 0L, null), run.Figures(KpiIds.Soft01));
    }

    [Fact]
    public void Mean_changes_round_half_away_from_zero()
    {
        var episodes = Enumerable.Range(0, 4).Select(i => Base.ForClient("c" + i).Build()).ToArray();
        int[] changes = [-1, -2, -2, -2];
        var reviews = episodes.SelectMany((e, i) => new[]
        {
            ReviewBuilder.For(e, "2025-04-07", ReviewStage.START).WithQualityOfLife(10),
            ReviewBuilder.For(e, "2025-06-01", ReviewStage.REVIEW).WithQualityOfLife(10 + changes[i]),
        }).ToArray();

        var run = Run("2025-06", episodes, reviews);

        Assert.Equal((null, 4L, -1.8), run.Figures(KpiIds.Soft05));
    }

    [Fact]
    public void Opiate_abstinence_injecting_and_housing_count_among_those_with_the_problem_at_start()
    {
        var a = Base.ForClient("a").Build();
        var b = Base.ForClient("b").Build();
        var run = Run("2025-06", [a, b],
            ReviewBuilder.For(a, "2025-04-07", ReviewStage.START).WithOpiateDays(10).WithInjectingDays(5).WithHousingProblem(true),
            ReviewBuilder.For(a, "2025-06-01", ReviewStage.REVIEW).WithOpiateDays(0).WithInjectingDays(2).WithHousingProblem(false),
            ReviewBuilder.For(b, "2025-04-07", ReviewStage.START).WithOpiateDays(0).WithInjectingDays(3).WithHousingProblem(false),
            ReviewBuilder.For(b, "2025-06-01", ReviewStage.REVIEW).WithOpiateDays(0).WithInjectingDays(0).WithHousingProblem(false));

        Assert.Equal((1L, 1L, 100.0), run.Figures(KpiIds.Soft03));
        Assert.Equal((1L, 1L, 100.0), run.Figures(KpiIds.Soft03, dimensionValue: "OPIATE"));
        Assert.Equal((1L, 2L, 50.0), run.Figures(KpiIds.Soft04));
        Assert.Equal((1L, 1L, 100.0), run.Figures(KpiIds.Soft06));
    }

    [Fact]
    public void Goals_progressed_counts_reviews_with_goals_set_and_blank_progress_as_not_progressed()
    {
        var a = Base.ForClient("a").Build();
        var run = Run("2025-06", [a],
            ReviewBuilder.For(a, "2025-05-01", ReviewStage.REVIEW).WithGoals(2, 1),
            ReviewBuilder.For(a, "2025-05-02", ReviewStage.REVIEW).WithGoals(1, null),
            ReviewBuilder.For(a, "2025-05-03", ReviewStage.EXIT).WithGoals(null, null),
            ReviewBuilder.For(a, "2025-05-04", ReviewStage.POST_EXIT).WithGoals(3, 3));

        Assert.Equal((1L, 2L, 50.0), run.Figures(KpiIds.Soft07));
    }

    [Fact]
    public void Review_coverage_counts_open_episodes_started_84_days_before_period_end_with_a_review_in_the_last_112_days()
    {
        var a = Base.ForClient("a").Started("2025-04-07").Build();
        var b = Base.ForClient("b").Started("2025-04-07").Build();
        var c = Base.ForClient("c").Started("2025-04-08").Build();
        var run = Run("2025-06", [a, b, c],
            ReviewBuilder.For(a, "2025-06-30", ReviewStage.REVIEW),
            ReviewBuilder.For(b, "2025-06-30", ReviewStage.EXIT));

        Assert.Equal((1L, 2L, 50.0), run.Figures(KpiIds.Soft08));
    }

    [Fact]
    public void Pairing_is_per_measure_and_START_is_the_earliest_START_review_even_when_it_lacks_the_measure()
    {
        var a = Base.ForClient("a").Build();
        var b = Base.ForClient("b").Build();
        var run = Run("2025-06", [a, b],
            ReviewBuilder.For(a, "2025-04-07", ReviewStage.START).WithQualityOfLife(10),
            ReviewBuilder.For(a, "2025-04-20", ReviewStage.START).WithBarc10(30),
            ReviewBuilder.For(a, "2025-06-01", ReviewStage.REVIEW).WithBarc10(40).WithQualityOfLife(15),
            ReviewBuilder.For(b, "2025-04-07", ReviewStage.START).WithBarc10(20),
            ReviewBuilder.For(b, "2025-06-01", ReviewStage.REVIEW).WithBarc10(47).WithQualityOfLife(12));

        Assert.Equal((null, 1L, 27.0), run.Figures(KpiIds.Soft01));
        Assert.Equal((1L, 1L, 100.0), run.Figures(KpiIds.Soft02));
        Assert.Equal((null, 1L, 5.0), run.Figures(KpiIds.Soft05));
    }

    [Fact]
    public void LATEST_is_strictly_after_START_and_dated_in_the_period_and_POST_EXIT_reviews_are_never_LATEST()
    {
        var a = Base.ForClient("a").Build();
        var b = Base.ForClient("b").Build();
        var c = Base.ForClient("c").Build();
        var d = Base.ForClient("d").Build();
        var run = Run("2025-07", [a, b, c, d],
            ReviewBuilder.For(a, "2025-03-05", ReviewStage.START).WithBarc10(20),        // START in the quarter before
            ReviewBuilder.For(a, "2025-05-01", ReviewStage.REVIEW).WithBarc10(30),
            ReviewBuilder.For(a, "2025-07-10", ReviewStage.REVIEW).WithBarc10(50),       // after Q1: LATEST of Q2 only
            ReviewBuilder.For(b, "2025-05-01", ReviewStage.START).WithBarc10(20),
            ReviewBuilder.For(b, "2025-05-01", ReviewStage.REVIEW).WithBarc10(40),       // same day as START: no pair
            ReviewBuilder.For(c, "2025-05-01", ReviewStage.START).WithBarc10(20),
            ReviewBuilder.For(c, "2025-04-20", ReviewStage.REVIEW).WithBarc10(40),       // before START: no pair
            ReviewBuilder.For(d, "2025-04-07", ReviewStage.START).WithBarc10(20),
            ReviewBuilder.For(d, "2025-05-01", ReviewStage.REVIEW).WithBarc10(22),
            ReviewBuilder.For(d, "2025-06-01", ReviewStage.POST_EXIT).WithBarc10(60));

        Assert.Equal((null, 2L, 6.0), run.Figures(KpiIds.Soft01, period: "2025-26-Q1"));   // a +10, d +2
        Assert.Equal((null, 1L, 30.0), run.Figures(KpiIds.Soft01, period: "2025-26-Q2"));  // a +30
        Assert.Equal((0L, 2L, 0.0), run.Figures(KpiIds.Soft02, period: "2025-26-Q1"));
        Assert.Equal((1L, 1L, 100.0), run.Figures(KpiIds.Soft02, period: "2025-26-Q2"));
    }

    [Fact]
    public void Mean_change_rounds_a_quarter_point_away_from_zero()
    {
        var episodes = Enumerable.Range(0, 4).Select(i => Base.ForClient("c" + i).Build()).ToArray();
        int[] changes = [1, 0, 0, 0];
        var reviews = episodes.SelectMany((e, i) => new[]
        {
            ReviewBuilder.For(e, "2025-04-07", ReviewStage.START).WithBarc10(30),
            ReviewBuilder.For(e, "2025-06-01", ReviewStage.EXIT).WithBarc10(30 + changes[i]),
        }).ToArray();

        var run = Run("2025-06", episodes, reviews);

        Assert.Equal((null, 4L, 0.3), run.Figures(KpiIds.Soft01));
    }

    [Fact]
    public void Opiate_abstinence_is_broken_down_by_the_episode_substance_group_and_needs_LATEST_to_hold_the_measure()
    {
        var alcohol = Base.ForClient("a").WithSubstance(Substance.ALCOHOL).Build();
        var heroin = Base.ForClient("b").Build();
        var blank = Base.ForClient("c").Build();
        var none = Base.ForClient("d").Build();
        var run = Run("2025-06", [alcohol, heroin, blank, none],
            ReviewBuilder.For(alcohol, "2025-04-07", ReviewStage.START).WithOpiateDays(5),
            ReviewBuilder.For(alcohol, "2025-06-01", ReviewStage.REVIEW).WithOpiateDays(0),
            ReviewBuilder.For(heroin, "2025-04-07", ReviewStage.START).WithOpiateDays(10),
            ReviewBuilder.For(heroin, "2025-06-01", ReviewStage.REVIEW).WithOpiateDays(3),
            ReviewBuilder.For(blank, "2025-04-07", ReviewStage.START).WithOpiateDays(10),
            ReviewBuilder.For(blank, "2025-06-01", ReviewStage.REVIEW),
            ReviewBuilder.For(none, "2025-04-07", ReviewStage.START).WithOpiateDays(0),
            ReviewBuilder.For(none, "2025-06-01", ReviewStage.REVIEW).WithOpiateDays(0));

        Assert.Equal((1L, 2L, 50.0), run.Figures(KpiIds.Soft03));
        Assert.Equal((1L, 1L, 100.0), run.Figures(KpiIds.Soft03, dimensionValue: "ALCOHOL"));
        Assert.Equal((0L, 1L, 0.0), run.Figures(KpiIds.Soft03, dimensionValue: "OPIATE"));
        Assert.Equal((0L, 0L, null), run.Figures(KpiIds.Soft03, dimensionValue: "NON_OPIATE"));
    }

    [Fact]
    public void Housing_resolved_needs_a_problem_at_START_and_a_recorded_N_at_LATEST()
    {
        var a = Base.ForClient("a").Build();
        var b = Base.ForClient("b").Build();
        var c = Base.ForClient("c").Build();
        var run = Run("2025-06", [a, b, c],
            ReviewBuilder.For(a, "2025-04-07", ReviewStage.START).WithHousingProblem(true),
            ReviewBuilder.For(a, "2025-06-01", ReviewStage.REVIEW).WithHousingProblem(false),
            ReviewBuilder.For(b, "2025-04-07", ReviewStage.START).WithHousingProblem(true),
            ReviewBuilder.For(b, "2025-06-01", ReviewStage.REVIEW).WithHousingProblem(true),
            ReviewBuilder.For(c, "2025-04-07", ReviewStage.START).WithHousingProblem(true),
            ReviewBuilder.For(c, "2025-06-01", ReviewStage.REVIEW));

        Assert.Equal((1L, 2L, 50.0), run.Figures(KpiIds.Soft06));
    }

    [Fact]
    public void Goals_progressed_counts_REVIEW_and_EXIT_reviews_dated_in_the_period_of_episodes_in_treatment()
    {
        var a = Base.ForClient("a").Build();
        var gone = new EpisodeBuilder().ForClient("b").Referred("2025-01-01").Started("2025-01-02")
            .Exited("2025-03-31", ExitReason.DROPPED_OUT).Build();
        var run = Run("2025-07", [a, gone],
            ReviewBuilder.For(a, "2025-04-07", ReviewStage.START).WithGoals(2, 2),
            ReviewBuilder.For(a, "2025-05-01", ReviewStage.REVIEW).WithGoals(3, 0),
            ReviewBuilder.For(a, "2025-05-02", ReviewStage.EXIT).WithGoals(1, 1),
            ReviewBuilder.For(a, "2025-05-03", ReviewStage.REVIEW).WithGoals(0, 0),
            ReviewBuilder.For(a, "2025-07-05", ReviewStage.REVIEW).WithGoals(1, 1),
            ReviewBuilder.For(gone, "2025-04-15", ReviewStage.REVIEW).WithGoals(1, 1));

        Assert.Equal((1L, 2L, 50.0), run.Figures(KpiIds.Soft07, period: "2025-26-Q1"));
        Assert.Equal((1L, 1L, 100.0), run.Figures(KpiIds.Soft07, period: "2025-26-Q2"));
    }

    [Fact]
    public void Review_coverage_uses_the_window_after_period_end_minus_112_and_open_episodes_started_84_days_before_period_end()
    {
        // Q1: P.end − 84 = 04-07, window (03-10, 06-30]. M only appears in April and P1 has a later file → ended 04-30.
        var a = Base.ForClient("a").Build();
        var b = Base.ForClient("b").Build();
        var c = Base.ForClient("c").Referred("2025-04-07").Started("2025-04-07").Build();
        var d = Base.ForClient("d").Referred("2025-04-08").Started("2025-04-08").Build();
        var e = Base.ForClient("e").Exited("2025-06-30", ExitReason.DROPPED_OUT).Build();
        var f = Base.ForClient("f").Exited("2025-07-01", ExitReason.DROPPED_OUT).Build();
        var g = Base.ForClient("g").Build();
        var h = Base.ForClient("h").Build();
        var m = Base.ForClient("m").WithId("M").Build();
        var returns = new ReturnsBuilder()
            .Episodes("P1", "2025-04", m)
            .Episodes("P1", "2025-07", a, b, c, d, e, f, g, h)
            .Reviews("P1", "2025-07",
                ReviewBuilder.For(a, "2025-03-11", ReviewStage.REVIEW).Build(),
                ReviewBuilder.For(b, "2025-03-10", ReviewStage.REVIEW).Build(),
                ReviewBuilder.For(d, "2025-06-01", ReviewStage.REVIEW).Build(),
                ReviewBuilder.For(e, "2025-06-01", ReviewStage.REVIEW).Build(),
                ReviewBuilder.For(f, "2025-06-01", ReviewStage.REVIEW).Build(),
                ReviewBuilder.For(g, "2025-06-15", ReviewStage.EXIT).Build(),
                ReviewBuilder.For(h, "2025-07-01", ReviewStage.REVIEW).Build(),
                ReviewBuilder.For(m, "2025-04-20", ReviewStage.REVIEW).Build())
            .Build();

        var run = Rows.Compute(returns, "2025-09-30");

        // Due: a, b, c, f, g, h. Done: a, f.
        Assert.Equal((2L, 6L, 33.3), run.Figures(KpiIds.Soft08, period: "2025-26-Q1"));
    }
}
