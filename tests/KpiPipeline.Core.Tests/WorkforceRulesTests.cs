using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using KpiPipeline.Core.Dataset;
using KpiPipeline.Core.Validation;
using static KpiPipeline.Core.Tests.Fixture;

namespace KpiPipeline.Core.Tests;

/// <summary>workforce.csv (dataset.md section 6): K01–K07 and W04, and the curated row of an accepted file.</summary>
public class WorkforceRulesTests
{
    [Fact]
    public async Task Accepts_one_row_and_curates_it_with_the_available_fte()
    {
        var (report, sink) = await Workforce(WorkforceRow());

        AssertClean(report);
        var row = Assert.Single(sink.Workforce);
        Assert.Equal(new CuratedWorkforce("PROV1", 30, 26.5m, 1.5m, 2, 9), row);
        Assert.Equal(25m, row.AvailableFte);
    }

    [Fact]
    public async Task Stores_the_provider_of_the_path_upper_case_whatever_the_case_of_the_row()
    {
        var (report, sink) = await Workforce(WorkforceRow(("provider_code", "prov1")));

        AssertClean(report);
        Assert.Equal("PROV1", sink.Workforce[0].ProviderCode);
    }

    [Theory]
    [InlineData("PROV2")]
    [InlineData("")]
    [InlineData("PROV1 ")]
    public async Task Rejects_a_provider_code_other_than_the_paths(string provider)
    {
        var (report, sink) = await Workforce(WorkforceRow(("provider_code", provider)));

        AssertRejectedBy(report, "K01");
        Assert.Empty(sink.Workforce);
    }

    [Theory]
    [InlineData("0", true)]
    [InlineData("10000", true)]
    [InlineData("010000", true)]
    [InlineData("10001", false)]
    [InlineData("30.0", false)]
    [InlineData("-1", false)]
    [InlineData("", false)]
    [InlineData(" 30", false)]
    public async Task Takes_a_headcount_of_0_to_10000_whole_people(string headcount, bool accepted)
    {
        // Sub-counts of 0 so that only the headcount is in question.
        var (report, _) = await Workforce(WorkforceRow(("staff_headcount", headcount), ("staff_on_long_term_leave", "0"), ("staff_under_2_years", "0")));

        AssertAcceptedOrRejectedBy(report, accepted, "K02", "staff_headcount");
    }

    [Theory]
    [InlineData("0", true)]
    [InlineData("10000", true)]
    [InlineData("10000.00", true)]
    [InlineData("26.55", true)]
    [InlineData("26.550", true)]
    [InlineData("26.5500000", true)]
    [InlineData("26.", false)]
    [InlineData(".5", false)]
    [InlineData("26.555", false)]
    [InlineData("26.501", false)]
    [InlineData("10000.01", false)]
    [InlineData("-26.5", false)]
    [InlineData("\"26,5\"", false)]
    [InlineData("2.65e1", false)]
    [InlineData("", false)]
    public async Task Takes_a_staff_fte_of_0_to_10000_with_at_most_two_decimal_places(string fte, bool accepted)
    {
        var (report, _) = await Workforce(WorkforceRow(("staff_fte", fte), ("long_term_leave_fte", "0")));

        AssertAcceptedOrRejectedBy(report, accepted, "K03", "staff_fte");
    }

    [Theory]
    [InlineData("0", true)]
    [InlineData("26.5", true)]
    [InlineData("26.50", true)]
    [InlineData("26.51", false)]
    [InlineData("1.505", false)]
    [InlineData("-1", false)]
    [InlineData("", false)]
    public async Task Takes_a_long_term_leave_fte_of_0_to_the_staff_fte(string leave, bool accepted)
    {
        var (report, _) = await Workforce(WorkforceRow(("long_term_leave_fte", leave)));

        AssertAcceptedOrRejectedBy(report, accepted, "K04", "long_term_leave_fte");
    }

    [Fact]
    public async Task Says_what_the_staff_fte_is_when_the_leave_fte_is_more()
    {
        var (report, _) = await Workforce(WorkforceRow(("staff_fte", "10"), ("long_term_leave_fte", "10.5")));

        var issue = Assert.Single(report.Issues);
        Assert.Equal(("K04", "long_term_leave_fte", "10.5"), (issue.RuleId, issue.Column, issue.Value));
        Assert.Contains("staff_fte (10 on this row)", issue.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Compares_no_leave_fte_with_a_staff_fte_that_is_not_valid()
    {
        var (report, _) = await Workforce(WorkforceRow(("staff_fte", "x"), ("long_term_leave_fte", "1.5")));

        AssertRejectedBy(report, "K03");
    }

    [Theory]
    [InlineData("staff_on_long_term_leave", "K05")]
    [InlineData("staff_under_2_years", "K06")]
    public async Task Takes_people_on_leave_and_under_two_years_from_0_to_the_headcount(string column, string rule)
    {
        var atHeadcount = await Workforce(WorkforceRow((column, "30")));
        var overHeadcount = await Workforce(WorkforceRow((column, "31")));
        var negative = await Workforce(WorkforceRow((column, "-1")));
        var fraction = await Workforce(WorkforceRow((column, "1.5")));
        var blank = await Workforce(WorkforceRow((column, "")));

        Assert.True(atHeadcount.Report.Accepted, Describe(atHeadcount.Report));
        Assert.All(new[] { overHeadcount, negative, fraction, blank }, upload => AssertRejectedBy(upload.Report, rule));
        Assert.Contains("staff_headcount (30 on this row)", overHeadcount.Report.Issues[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Compares_no_count_with_a_headcount_that_is_not_valid()
    {
        var (report, _) = await Workforce(WorkforceRow(("staff_headcount", "many"), ("staff_on_long_term_leave", "5000"), ("staff_under_2_years", "5000")));

        AssertRejectedBy(report, "K02");
    }

    [Fact]
    public async Task Rejects_a_file_with_a_header_and_no_row()
    {
        var (report, _) = await Workforce();

        AssertRejectedBy(report, "K07");
        Assert.Equal((null, null), (report.Issues[0].Row, report.Issues[0].Line));
    }

    [Fact]
    public async Task Rejects_a_file_of_several_rows_once_naming_the_second_row_and_the_count()
    {
        var (report, _) = await Workforce(WorkforceRow(), WorkforceRow(("staff_headcount", "31")), WorkforceRow());

        AssertRejectedBy(report, "K07");
        var issue = Assert.Single(report.Issues);
        Assert.Equal((2L, 3L), (issue.Row!.Value, issue.Line!.Value));
        Assert.Contains("3 data rows", issue.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Counts_a_row_with_a_csv_problem_as_a_row()
    {
        var (report, _) = await Workforce(WorkforceRow(), "PROV1,1,1,0,0");

        Assert.Equal(["F10", "K07"], Rules(report));
    }

    [Fact]
    public async Task Reports_only_f04_for_one_good_row_under_a_header_missing_a_column()
    {
        var (report, _) = await Upload("PROV1/2024-03/workforce.csv", "provider_code,staff_headcount,staff_fte,long_term_leave_fte,staff_on_long_term_leave\nPROV1,30,26.5,1.5,2\n");

        Assert.Equal(["F04"], Rules(report));
    }

    [Theory]
    [InlineData("0", "2.5", "staff_headcount")]
    [InlineData("3", "0", "staff_fte")]
    public async Task Warns_when_one_of_headcount_and_fte_is_0_and_the_other_is_not(string headcount, string fte, string column)
    {
        var (report, sink) = await Workforce(WorkforceRow(
            ("staff_headcount", headcount), ("staff_fte", fte), ("long_term_leave_fte", "0"), ("staff_on_long_term_leave", "0"), ("staff_under_2_years", "0")));

        Assert.True(report.Accepted);
        var issue = Assert.Single(report.Issues);
        Assert.Equal(("W04", IssueSeverity.Warning, column), (issue.RuleId, issue.Severity, issue.Column));
        Assert.Single(sink.Workforce);
    }

    [Fact]
    public async Task Accepts_a_provider_month_with_no_staff_without_a_warning()
    {
        var (report, sink) = await Workforce("PROV1,0,0,0,0,0");

        AssertClean(report);
        Assert.Equal(0m, sink.Workforce[0].AvailableFte);
    }

    [Fact]
    public void Accepts_any_consistent_row_and_curates_exactly_its_values()
    {
        var rows =
            from headcount in Gen.Choose(0, 10_000)
            from fteHundredths in Gen.Choose(0, 1_000_000)
            from leaveHundredths in Gen.Choose(0, fteHundredths)
            from onLeave in Gen.Choose(0, headcount)
            from under2 in Gen.Choose(0, headcount)
            select (headcount, Fte: fteHundredths / 100m, Leave: leaveHundredths / 100m, onLeave, under2);

        Fixture.CheckProperty(rows, row =>
        {
            var (report, sink) = Workforce(
                $"PROV1,{row.headcount},{row.Fte.ToString(CultureInfo.InvariantCulture)},{row.Leave.ToString(CultureInfo.InvariantCulture)},{row.onLeave},{row.under2}")
                .GetAwaiter().GetResult();
            var expectWarning = (row.headcount == 0) != (row.Fte == 0);
            return report.Accepted
                && Rules(report).SequenceEqual(expectWarning ? ["W04"] : [])
                && sink.Workforce.Single() == new CuratedWorkforce("PROV1", row.headcount, row.Fte, row.Leave, row.onLeave, row.under2);
        }, tests: 200);
    }

    [Fact]
    public void Rejects_any_count_above_the_headcount_under_its_own_rule()
    {
        var rows =
            from headcount in Gen.Choose(0, 10_000)
            from over in Gen.Choose(1, 1_000_000)
            from column in Gen.Elements(("staff_on_long_term_leave", "K05"), ("staff_under_2_years", "K06"))
            select (headcount, Count: headcount + over, column.Item1, column.Item2);

        Fixture.CheckProperty(rows, row =>
        {
            // The FTE follows the headcount, so that a headcount of 0 gets no W04.
            var headcount = row.headcount.ToString(CultureInfo.InvariantCulture);
            var (report, sink) = Workforce(WorkforceRow(
                    ("staff_headcount", headcount), ("staff_fte", headcount), ("long_term_leave_fte", "0"), ("staff_on_long_term_leave", "0"),
                    ("staff_under_2_years", "0"), (row.Item3, row.Count.ToString(CultureInfo.InvariantCulture))))
                .GetAwaiter().GetResult();
            return !report.Accepted && Rules(report).SequenceEqual([row.Item4]) && sink.Workforce.Count == 0;
        }, tests: 200);
    }

    /// <summary>Accepted with no error, or rejected by <paramref name="rule"/> alone on row 1 at <paramref name="column"/>.</summary>
    private static void AssertAcceptedOrRejectedBy(ValidationReport report, bool accepted, string rule, string column)
    {
        if (accepted)
        {
            Assert.True(report.Accepted, Describe(report));
            return;
        }

        AssertRejectedBy(report, rule);
        Assert.Equal((column, 1L), (report.Issues[0].Column, report.Issues[0].Row!.Value));
    }
}
