using KpiPipeline.Core.Dataset;
using KpiPipeline.Core.Validation;
using static KpiPipeline.Core.Tests.Fixture;

namespace KpiPipeline.Core.Tests;

/// <summary>reviews.csv (dataset.md section 3): R01–R10 and W03 at the boundaries the spec states, and the curated row.</summary>
public class ReviewsRulesTests
{
    public static TheoryData<string> DayColumns { get; } =
        ["opiate_days", "crack_days", "cocaine_days", "benzodiazepine_days", "alcohol_days", "injecting_days", "paid_work_days"];

    public static TheoryData<string> RatingColumns { get; } = ["psychological_health", "physical_health", "quality_of_life"];

    public static TheoryData<string> FlagColumns { get; } = ["shared_equipment", "acute_housing_problem"];

    [Fact]
    public async Task Accepts_a_good_review_with_blank_measures_as_null()
    {
        var (report, sink) = await Reviews(GoodReview, ReviewRow(("stage", "exit"), ("opiate_days", ""), ("shared_equipment", "")));

        Assert.True(report.Accepted);
        Assert.Equal(new CuratedReview("PROV1", "EP1", new DateOnly(2024, 3, 5), ReviewStage.EXIT, null, 0, 0, 0, 2, 5, null, 12, 14, 13, false, 0, 35, 4, 2), sink.Reviews[1]);
    }

    [Theory]
    [InlineData("prov1", null)]
    [InlineData("PROV2", "R01")]
    [InlineData("", "R01")]
    public async Task R01_provider_code_equals_the_path_provider(string value, string? rule) =>
        await Expect(rule, ReviewRow(("provider_code", value)));

    [Theory]
    [InlineData("2024-03-31", null)]
    [InlineData("2023-06-01", null)]
    [InlineData("2024-04-01", "R02")]
    [InlineData("2024-02-30", "R02")]
    [InlineData("2024-3-05", "R02")]
    [InlineData(" 2024-03-05", "R02")]
    [InlineData("", "R02")]
    public async Task R02_review_date_is_a_date_not_after_month_end(string value, string? rule) =>
        await Expect(rule, ReviewRow(("review_date", value)));

    [Theory]
    [InlineData("START", null)]
    [InlineData("exit", null)]
    [InlineData("Post_Exit", null)]
    [InlineData("FOLLOW_UP", "R03")]
    [InlineData("", "R03")]
    public async Task R03_stage_is_a_code_of_the_list(string value, string? rule) =>
        await Expect(rule, ReviewRow(("stage", value)));

    [Fact]
    public async Task R04_rejects_a_repeated_episode_review_date_and_stage()
    {
        var (report, _) = await Reviews(ReviewRow(), ReviewRow(("opiate_days", "3")));

        AssertRejectedBy(report, "R04");
        Assert.Equal(2, report.Issues.Single().Row);
    }

    [Fact]
    public async Task R04_treats_stage_codes_case_insensitively()
    {
        var (report, _) = await Reviews(ReviewRow(), ReviewRow(("stage", "review")));

        AssertRejectedBy(report, "R04");
    }

    [Theory]
    [InlineData("stage", "START")]
    [InlineData("review_date", "2024-03-06")]
    [InlineData("episode_id", "EP2")]
    public async Task R04_accepts_rows_differing_in_one_part_of_the_key(string column, string value)
    {
        var (report, sink) = await Reviews(ReviewRow(), ReviewRow((column, value)));

        AssertClean(report);
        Assert.Equal(2, sink.Reviews.Count);
    }

    [Theory]
    [MemberData(nameof(DayColumns))]
    public async Task R05_days_are_whole_numbers_0_to_28(string column)
    {
        await Expect(null, ReviewRow((column, "0")));
        await Expect(null, ReviewRow((column, "28")));
        await Expect(null, ReviewRow((column, "")));
        foreach (var bad in new[] { "29", "-1", "1.5", "1e1", " 5", "5 ", "x" })
        {
            await Expect("R05", ReviewRow((column, bad)));
        }
    }

    [Fact]
    public async Task R05_names_the_column_and_value_of_a_day_count_outside_0_to_28()
    {
        var (report, _) = await Reviews(ReviewRow(("alcohol_days", "29")));

        Assert.Equal(("R05", "alcohol_days", "29"), (report.Issues[0].RuleId, report.Issues[0].Column, report.Issues[0].Value));
    }

    [Theory]
    [InlineData("05")]
    [InlineData("0000000005")] // ten characters, the whole number 5
    public async Task R05_a_whole_number_with_leading_zeros_is_still_a_whole_number_0_to_28(string value) =>
        await Expect(null, ReviewRow(("opiate_days", value)));

    [Theory]
    [InlineData(64, null)]
    [InlineData(65, "R10")]
    public async Task Review_episode_id_is_1_to_64_characters(int length, string? rule)
    {
        var id = new string('e', length);
        var (report, _) = await Upload("PROV1/2024-03/reviews.csv", Lines(ReviewsHeader, [ReviewRow(("episode_id", id))]),
            Context(known: new HashSet<string>(StringComparer.Ordinal) { id }));

        if (rule is null)
        {
            AssertClean(report);
        }
        else
        {
            AssertRejectedBy(report, rule);
        }
    }

    [Theory]
    [MemberData(nameof(FlagColumns))]
    public async Task R06_flags_are_Y_or_N_in_either_case(string column)
    {
        await Expect(null, ReviewRow((column, "y")));
        await Expect(null, ReviewRow((column, "N")));
        await Expect(null, ReviewRow((column, "")));
        await Expect("R06", ReviewRow((column, "YES")));
        await Expect("R06", ReviewRow((column, "0")));
    }

    [Theory]
    [MemberData(nameof(RatingColumns))]
    public async Task R07_ratings_are_whole_numbers_0_to_20(string column)
    {
        await Expect(null, ReviewRow((column, "0")));
        await Expect(null, ReviewRow((column, "20")));
        await Expect("R07", ReviewRow((column, "21")));
        await Expect("R07", ReviewRow((column, "-1")));
        await Expect("R07", ReviewRow((column, "10.5")));
    }

    [Theory]
    [InlineData("10", null)]
    [InlineData("60", null)]
    [InlineData("", null)]
    [InlineData("9", "R08")]
    [InlineData("61", "R08")]
    [InlineData("0", "R08")]
    public async Task R08_barc10_score_is_10_to_60(string value, string? rule) =>
        await Expect(rule, ReviewRow(("barc10_score", value)));

    [Theory]
    [InlineData("0", "0", null)]
    [InlineData("50", "50", null)]
    [InlineData("50", "0", null)]
    [InlineData("51", "0", "R09")]
    [InlineData("50", "51", "R09")]
    [InlineData("2", "3", "R09")]
    [InlineData("-1", "0", "R09")]
    [InlineData("", "", null)]
    public async Task R09_goals_are_0_to_50_and_progressed_at_most_set(string set, string progressed, string? rule) =>
        await Expect(rule, ReviewRow(("goals_set", set), ("goals_progressed", progressed)));

    [Fact]
    public async Task W03_warns_about_an_unknown_episode_but_accepts_the_file()
    {
        var (report, sink) = await Reviews(ReviewRow(("episode_id", "EP404")));

        Assert.True(report.Accepted);
        Assert.Equal(["W03"], Rules(report));
        Assert.Equal(IssueSeverity.Warning, report.Issues.Single().Severity);
        Assert.Single(sink.Reviews);
    }

    [Fact]
    public async Task W03_warns_about_a_review_of_a_deleted_episode_whose_review_is_left_out_of_KPIs()
    {
        var context = Context(deleted: new HashSet<string>(StringComparer.Ordinal) { "EP2" });
        var (report, sink) = await Upload("PROV1/2024-03/reviews.csv", Lines(ReviewsHeader, [ReviewRow(), ReviewRow(("episode_id", "EP2"))]), context);

        Assert.True(report.Accepted);
        var issue = Assert.Single(report.Issues);
        Assert.Equal(("W03", 2L, "EP2"), (issue.RuleId, issue.Row!.Value, issue.Value));
        Assert.Contains("deleted", issue.Message, StringComparison.Ordinal);
        Assert.Equal(2, sink.Reviews.Count);
    }

    [Fact]
    public async Task Stores_review_values_as_sent_and_codes_upper_case()
    {
        var (report, sink) = await Reviews(ReviewRow(("stage", "post_exit"), ("shared_equipment", "y")));

        AssertClean(report);
        var review = sink.Reviews.Single();
        Assert.Equal((ReviewStage.POST_EXIT, (bool?)true, (int?)10, (int?)35), (review.Stage, review.SharedEquipment, review.OpiateDays, review.Barc10Score));
        Assert.Equal("PROV1", review.ProviderCode);
    }

    private static async Task Expect(string? rule, string row) => AssertOneRow(rule, await Reviews(row));
}
