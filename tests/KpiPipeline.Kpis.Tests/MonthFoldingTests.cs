using KpiPipeline.Core.Dataset;
using KpiPipeline.Kpis.Folding;
using static KpiPipeline.Kpis.Tests.EpisodeBuilder;

namespace KpiPipeline.Kpis.Tests;

public class MonthFoldingTests
{
    private static readonly EpisodeBuilder Episode = new EpisodeBuilder().WithId("E1");

    private static FoldedReturns Fold(ReturnsBuilder builder, string asOf = "2025-12-31") =>
        MonthFolding.Fold(builder.Build(), D(asOf));

    [Fact]
    public void The_latest_month_wins()
    {
        var folded = Fold(new ReturnsBuilder()
            .Episodes("P1", "2025-05", Episode.Exited("2025-05-20", ExitReason.DROPPED_OUT).Build())
            .Episodes("P1", "2025-04", Episode.Build()));

        var episode = Assert.Single(folded.Episodes);
        Assert.Equal(D("2025-05-20"), episode.EffectiveEnd);
        Assert.Equal(new ReportingMonth(2025, 5), episode.LastMonth);
    }

    [Fact]
    public void Deleted_removes_the_episode_and_a_later_active_row_brings_it_back()
    {
        var deleted = Fold(new ReturnsBuilder()
            .Episodes("P1", "2025-04", Episode.Build())
            .Episodes("P1", "2025-05", Episode.Deleted().Build()));
        var back = Fold(new ReturnsBuilder()
            .Episodes("P1", "2025-04", Episode.Build())
            .Episodes("P1", "2025-05", Episode.Deleted().Build())
            .Episodes("P1", "2025-06", Episode.Build()));

        Assert.Empty(deleted.Episodes);
        var episode = Assert.Single(back.Episodes);
        Assert.Null(episode.EffectiveEnd);
    }

    [Fact]
    public void An_open_episode_missing_from_a_later_file_ends_at_the_end_of_its_last_month()
    {
        var folded = Fold(new ReturnsBuilder()
            .Episodes("P1", "2025-04", Episode.Build(), Episode.WithId("E2").Build())
            .Episodes("P1", "2025-06", Episode.WithId("E2").Build()));

        var gone = folded.Episodes.Single(e => e.Row.EpisodeId == "E1");
        Assert.True(gone.WentMissing);
        Assert.Equal(D("2025-04-30"), gone.EffectiveEnd);
        Assert.Null(folded.Episodes.Single(e => e.Row.EpisodeId == "E2").EffectiveEnd);
        var missing = Assert.Single(folded.MissingEvents);
        Assert.Equal(new ReportingMonth(2025, 6), missing.Month);
    }

    [Fact]
    public void Files_for_months_after_the_as_of_date_are_ignored_with_a_warning()
    {
        var folded = Fold(new ReturnsBuilder()
            .Episodes("P1", "2025-04", Episode.Build())
            .Episodes("P1", "2025-06", Episode.WithId("E2").Build()), asOf: "2025-05-31");

        var episode = Assert.Single(folded.Episodes);
        Assert.Null(episode.EffectiveEnd);
        Assert.Contains(folded.Warnings, w => w.Contains("P1/2025-06/episodes.csv", StringComparison.Ordinal));
    }

    [Fact]
    public void Reviews_fold_by_date_and_stage_and_reviews_of_unknown_episodes_are_left_out()
    {
        var episode = Episode.Build();
        var review = ReviewBuilder.For(episode, "2025-04-20", ReviewStage.START);
        var folded = Fold(new ReturnsBuilder()
            .Episodes("P1", "2025-04", episode)
            .Reviews("P1", "2025-04", review.WithBarc10(20).Build(), (review with { EpisodeId = "NOPE" }).Build())
            .Reviews("P1", "2025-05", review.WithBarc10(30).Build()));

        var kept = Assert.Single(folded.Reviews);
        Assert.Equal(30, kept.Barc10Score);
    }

    [Fact]
    public void Nsp_months_do_not_combine()
    {
        var folded = Fold(new ReturnsBuilder()
            .Nsp("P1", "2025-04", ReturnsBuilder.Transaction("P1", "2025-04-02", 5))
            .Nsp("P1", "2025-05", ReturnsBuilder.Transaction("P1", "2025-05-02", 5)));

        Assert.Equal(2, folded.Nsp.Count);
    }
}
