using KpiPipeline.Core.Dataset;
using KpiPipeline.Kpis.Folding;
using static KpiPipeline.Kpis.Tests.EpisodeBuilder;

namespace KpiPipeline.Kpis.Tests;

public class MonthFoldingBuilderTests
{
    private static readonly EpisodeBuilder Episode = new EpisodeBuilder().WithId("E1");

    [Fact]
    public void Files_added_one_at_a_time_fold_like_the_whole_set()
    {
        var e1 = Episode.Build();
        var e2 = Episode.WithId("E2").Build();
        var review = ReviewBuilder.For(e1, "2025-04-20", ReviewStage.START);
        var returns = new ReturnsBuilder()
            .Episodes("P1", "2025-04", e1, e2)
            .Reviews("P1", "2025-04", review.WithBarc10(20).Build())
            .Episodes("P1", "2025-05", e2)
            .Reviews("P1", "2025-05", review.WithBarc10(30).Build())
            .Episodes("P1", "2025-06", e2, Episode.WithId("E3").Build())
            .Build();

        var builder = new MonthFoldingBuilder(D("2025-12-31"));
        foreach (var month in new[] { 0, 1, 2 })
        {
            builder.AddEpisodesFile(returns.Episodes[month].Path, returns.Episodes[month].Rows);
            if (month < returns.Reviews.Count)
            {
                builder.AddReviewsFile(returns.Reviews[month].Path, returns.Reviews[month].Rows);
            }
        }

        builder.CompleteProvider("P1");
        var incremental = builder.Build();
        var whole = MonthFolding.Fold(returns, D("2025-12-31"));

        Assert.Equal(whole.Episodes, incremental.Episodes);
        Assert.Equal(whole.MissingEvents, incremental.MissingEvents);
        Assert.Equal(whole.Reviews, incremental.Reviews);
        Assert.Equal(whole.UsedFiles, incremental.UsedFiles);
        Assert.Equal(30, Assert.Single(incremental.Reviews).Barc10Score);
        Assert.Single(incremental.MissingEvents);
    }

    [Fact]
    public void Rejects_a_provider_file_older_than_one_already_added()
    {
        var builder = new MonthFoldingBuilder(D("2025-12-31"));
        builder.AddEpisodesFile(ReturnsBuilder.PathOf("P1", "2025-05", ReturnFileKind.Episodes), [Episode.Build()]);

        Assert.Throws<InvalidOperationException>(() =>
            builder.AddEpisodesFile(ReturnsBuilder.PathOf("P1", "2025-04", ReturnFileKind.Episodes), [Episode.Build()]));
    }

    [Fact]
    public void Keeps_every_accepted_workforce_month_of_a_provider_in_month_order_and_leaves_out_months_after_the_as_of_date()
    {
        var builder = new MonthFoldingBuilder(D("2025-06-30"));
        var april = new CuratedWorkforce("P1", 10, 8.5m, 0.5m, 1, 3);
        var may = april with { StaffHeadcount = 11 };
        builder.AddWorkforceFile(ReturnsBuilder.PathOf("P1", "2025-04", ReturnFileKind.Workforce), april);
        builder.AddWorkforceFile(ReturnsBuilder.PathOf("P1", "2025-05", ReturnFileKind.Workforce), may);
        builder.AddWorkforceFile(ReturnsBuilder.PathOf("P1", "2025-07", ReturnFileKind.Workforce), may);

        var folded = builder.Build();

        Assert.Equal(["2025-04", "2025-05"], folded.Workforce.Select(w => w.Month.ToString()));
        Assert.Equal([april, may], folded.Workforce.Select(w => w.Row));
        Assert.Equal(8m, april.AvailableFte);
        Assert.Contains(folded.Warnings, w => w.Contains("P1/2025-07/workforce.csv", StringComparison.Ordinal));
        Assert.Equal(2, folded.UsedFiles.Count(p => p.Kind == ReturnFileKind.Workforce));
    }
}
