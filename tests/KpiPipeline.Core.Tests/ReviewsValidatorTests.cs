using KpiPipeline.Core.Dataset;
using KpiPipeline.Core.Validation;
using static KpiPipeline.Core.Tests.TestData;

namespace KpiPipeline.Core.Tests;

public class ReviewsValidatorTests
{
    private static async Task<(ValidationReport Report, CollectingRowSink Sink)> Reviews(params string[] rows)
    {
        var sink = new CollectingRowSink();
        var report = await Validate("PROV1/2024-03/reviews.csv", string.Join("\n", [ReviewsHeader, .. rows]), sink);
        return (report, sink);
    }

    private static string Review(params (string, string)[] changes) => With(ReviewsHeader, GoodReview, changes);

    [Fact]
    public async Task Accepts_a_good_review_with_blank_measures_as_null()
    {
        var (report, sink) = await Reviews(GoodReview, Review(("stage", "exit"), ("opiate_days", ""), ("shared_equipment", "")));

        Assert.True(report.Accepted);
        Assert.Equal(new CuratedReview("PROV1", "EP1", new DateOnly(2024, 3, 5), ReviewStage.EXIT, null, 0, 0, 0, 2, 5, null, 12, 14, 13, false, 0, 35, 4, 2), sink.Reviews[1]);
    }

    [Fact]
    public async Task Rejects_a_duplicate_episode_date_and_stage()
    {
        var (report, _) = await Reviews(GoodReview, Review(("opiate_days", "1")));

        Assert.Equal(["R04"], RulesOf(report));
    }

    [Fact]
    public async Task Rejects_days_outside_0_to_28()
    {
        var (report, _) = await Reviews(Review(("alcohol_days", "29")));

        Assert.Equal(("R05", "alcohol_days", "29"), (report.Issues[0].RuleId, report.Issues[0].Column, report.Issues[0].Value));
    }

    [Fact]
    public async Task Rejects_more_goals_progressed_than_set()
    {
        var (report, _) = await Reviews(Review(("goals_set", "1"), ("goals_progressed", "2")));

        Assert.Equal(["R09"], RulesOf(report));
    }

    [Fact]
    public async Task Rejects_a_barc10_score_below_10()
    {
        var (report, _) = await Reviews(Review(("barc10_score", "9")));

        Assert.Equal(["R08"], RulesOf(report));
    }

    [Fact]
    public async Task Warns_about_an_unknown_episode_and_still_accepts()
    {
        var (report, sink) = await Reviews(Review(("episode_id", "UNKNOWN")));

        Assert.Equal(["W03"], RulesOf(report));
        Assert.True(report.Accepted);
        Assert.Single(sink.Reviews);
    }

    [Fact]
    public async Task Rejects_a_review_after_the_month_end()
    {
        var (report, _) = await Reviews(Review(("review_date", "2024-04-01")));

        Assert.Equal(["R02"], RulesOf(report));
    }
}
