using KpiPipeline.Core.Dataset;
using KpiPipeline.Kpis.Catalogue;

namespace KpiPipeline.Kpis.Tests;

public class SoftOutcomeKpiTests
{
    private static readonly EpisodeBuilder Base = new EpisodeBuilder().Referred("2025-04-01").Started("2025-04-07");

    private static KpiComputation Run(CuratedEpisode[] episodes, params ReviewBuilder[] reviews) =>
        Rows.Compute(new ReturnsBuilder()
            .Episodes("P1", "2025-06", episodes)
            .Reviews("P1", "2025-06", reviews.Select(r => r.Build()).ToArray())
            .Build(), "2025-09-30");

    [Fact]
    public void Paired_change_uses_the_earliest_START_and_the_latest_review_with_EXIT_beating_REVIEW_on_one_date()
    {
        var a = Base.ForClient("a").Build();
        var b = Base.ForClient("b").Build();
        var run = Run([a, b],
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
        var run = Run([a],
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

        var run = Run(episodes, reviews);

        Assert.Equal((null, 4L, -1.8), run.Figures(KpiIds.Soft05));
    }

    [Fact]
    public void Opiate_abstinence_injecting_and_housing_count_among_those_with_the_problem_at_start()
    {
        var a = Base.ForClient("a").Build();
        var b = Base.ForClient("b").Build();
        var run = Run([a, b],
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
        var run = Run([a],
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
        var run = Run([a, b, c],
            ReviewBuilder.For(a, "2025-06-30", ReviewStage.REVIEW),
            ReviewBuilder.For(b, "2025-06-30", ReviewStage.EXIT));

        Assert.Equal((1L, 2L, 50.0), run.Figures(KpiIds.Soft08));
    }
}
