using System.Globalization;
using Microsoft.Playwright;

namespace KpiPipeline.Scorecards.Tests;

/// <summary>An area's restricted scorecard in Chromium, read like a commissioner would, against the restricted Parquet rows.</summary>
[Collection(ScorecardRunCollection.Name)]
public sealed class AreaScorecardTests(ScorecardRun run)
{
    private static readonly string[] SampleKpis =
    [
        "ACC01_waited_3_weeks_or_less", "ACC02_median_wait_days", "VOL01_in_treatment", "RET01_retained_12_weeks",
        "RET02_early_unplanned_exit", "EXT01_successful_completions", "EXT02_successful_no_representation", "DOS01_methadone_optimal_dose",
        "SOFT01_recovery_capital_change", "SOFT08_outcome_review_coverage", "NSP02_needles_supplied", "NSP04_needles_per_pwid_per_year",
        "POP01_unmet_need_opiate", "DQ01_returns_on_time", "DQ02_rejected_uploads",
    ];

    [Fact]
    public async Task Shows_the_published_value_rating_counts_and_status_of_the_area_its_providers_and_the_national_figure()
    {
        var rows = await run.RowsAsync("restricted", ScorecardRun.Period);
        var page = await OpenAsync(run.AreaPage(run.Areas[0]));
        var area = run.Areas[0];
        var units = new List<(string Level, string Code, string Css)> { ("area", area, "main"), ("all", "ALL", "national") };
        units.AddRange(run.Providers.Where(p => p.Area == area).Select(p => ("provider", p.Code, "unit")));
        var checkedCells = 0;
        foreach (var kpi in SampleKpis)
        {
            foreach (var (level, code, css) in units)
            {
                if (!rows.TryGetValue(PublishedRow.KeyOf(level, code, kpi), out var expected))
                {
                    // Area-level-and-above KPIs have no provider rows, and the page says so.
                    Assert.Equal("provider", level);
                    Assert.Equal("not published", (await Cell(page, kpi, code, css).Locator(".value").InnerTextAsync()).Trim());
                    continue;
                }

                var cell = Cell(page, kpi, code, css);
                Shown.AssertValue(expected, await cell.Locator(".value").InnerTextAsync());
                var counts = (await cell.Locator(".nd .count").AllInnerTextsAsync()).Select(Shown.Count).ToList();
                if (expected.Numerator is { } n && expected.Denominator is { } d && counts.Count == 2)
                {
                    Assert.Equal([n, d], counts);
                }
                else if (expected.Numerator is null && expected.Denominator is { } count && counts.Count == 1)
                {
                    Assert.Equal(count, counts[0]); // n of a mean or median
                }

                Assert.Equal(expected.Status == "provisional" ? 1 : 0, await cell.Locator(".prov").CountAsync());
                if (css == "unit" && expected.Rag != "none")
                {
                    Assert.Contains(Shown.Rating(expected.Rag), await cell.InnerTextAsync(), StringComparison.Ordinal);
                }

                checkedCells++;
            }

            var main = rows[PublishedRow.KeyOf("area", area, kpi)];
            var rating = await page.Locator($"tr[data-kpi='{kpi}']:not([data-dimension]) > td.rating").InnerTextAsync();
            Assert.Contains(Shown.Rating(main.Rag), rating, StringComparison.Ordinal);
            var basis = await page.Locator($"tr[data-kpi='{kpi}']:not([data-dimension]) > td.basis").InnerTextAsync();
            if (main is { RagBasis: "target", Target: { } target })
            {
                Assert.Contains(target.ToString("0.0", CultureInfo.InvariantCulture), basis, StringComparison.Ordinal);
            }
            else if (main.RagBasis == "national_benchmark")
            {
                Assert.Contains("National", basis, StringComparison.Ordinal);
            }
        }

        Assert.True(checkedCells >= SampleKpis.Length * 3, $"{checkedCells} cells checked");
        Assert.Contains(rows.Values, r => r.Status == "provisional" && r.Unit == area);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScorecardRun.ScreenshotFolder, "area.png"), FullPage = true });
        Assert.True(new FileInfo(Path.Combine(ScorecardRun.ScreenshotFolder, "area.png")).Length > 10_000);
        if (Environment.GetEnvironmentVariable("KPI_DOCS_WRITE") == "1")
        {
            // docs/scorecard.png: the top of this very page, as the README shows it.
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Testing.RepoPaths.Root, "docs", "scorecard.png") });
        }

        await page.CloseAsync();
    }

    [Fact]
    public async Task Answers_which_providers_are_red_on_12_week_retention_and_whether_they_are_getting_better()
    {
        const string kpi = "RET01_retained_12_weeks";
        var now = await run.RowsAsync("restricted", ScorecardRun.Period);
        var before = await run.RowsAsync("restricted", ScorecardRun.PreviousPeriod);
        foreach (var area in run.Areas)
        {
            var page = await OpenAsync(run.AreaPage(area));
            foreach (var provider in run.Providers.Where(p => p.Area == area))
            {
                var expected = now[PublishedRow.KeyOf("provider", provider.Code, kpi)];
                var cell = Cell(page, kpi, provider.Code, "unit");
                var text = await cell.InnerTextAsync();
                Shown.AssertValue(expected, await cell.Locator(".value").InnerTextAsync());
                if (expected.Rag != "none")
                {
                    Assert.Contains(Shown.Rating(expected.Rag), text, StringComparison.Ordinal);
                }

                var previous = before[PublishedRow.KeyOf("provider", provider.Code, kpi)].Value;
                var change = await cell.Locator(".chg-s").AllInnerTextsAsync();
                if (expected.Value is { } v && previous is { } p)
                {
                    var difference = Math.Round(v - p, 1, MidpointRounding.AwayFromZero);
                    var arrow = difference > 0 ? "↑ better" : difference < 0 ? "↓ worse" : "=";
                    Assert.Equal(arrow, Assert.Single(change).Trim());
                }
                else
                {
                    Assert.Empty(change);
                }
            }

            // The trend line of the area carries the published values of the quarters as its text.
            var trend = await page.Locator($"tr[data-kpi='VOL01_in_treatment'] > td.trend svg title").TextContentAsync();
            foreach (var (period, rows) in new[] { (ScorecardRun.PreviousPeriod, before), (ScorecardRun.Period, now) })
            {
                var value = rows[PublishedRow.KeyOf("area", area, "VOL01_in_treatment")].Value!.Value;
                Assert.Contains($"{period[..^3]} {period[^2..]} {value.ToString("#,##0", CultureInfo.InvariantCulture)}", trend, StringComparison.Ordinal);
            }

            await page.CloseAsync();
        }
    }

    [Fact]
    public async Task Substance_groups_and_definitions_open_on_the_page_and_the_data_quality_banner_follows_the_rows()
    {
        var rows = await run.RowsAsync("restricted", ScorecardRun.Period);
        var definitions = await run.DefinitionsAsync();
        foreach (var area in run.Areas)
        {
            var page = await OpenAsync(run.AreaPage(area));

            var breakdown = page.Locator("tr.breakdown summary", new PageLocatorOptions { HasText = "People in treatment by substance group" });
            var opiate = page.Locator("tr[data-kpi='VOL01_in_treatment'][data-dimension-value='OPIATE'] > td[data-unit='" + area + "']");
            Assert.False(await opiate.IsVisibleAsync());
            await breakdown.ClickAsync();
            Assert.True(await opiate.IsVisibleAsync());
            foreach (var group in new[] { "OPIATE", "NON_OPIATE", "ALCOHOL" })
            {
                var cell = page.Locator($"tr[data-kpi='VOL01_in_treatment'][data-dimension-value='{group}'] > td[data-unit='{area}'] .value");
                Shown.AssertValue(rows[PublishedRow.KeyOf("area", area, "VOL01_in_treatment", "substance_group", group)], await cell.InnerTextAsync());
            }

            var definition = page.Locator("tr#k-RET01_retained_12_weeks th.measure details p").First;
            Assert.False(await definition.IsVisibleAsync());
            Assert.Equal(definitions["RET01_retained_12_weeks"],
                await page.Locator("tr#k-RET01_retained_12_weeks th.measure summary").GetAttributeAsync("title"));
            await page.Locator("tr#k-RET01_retained_12_weeks th.measure summary").ClickAsync();
            Assert.True(await definition.IsVisibleAsync());
            Assert.Equal(definitions["RET01_retained_12_weeks"], (await definition.InnerTextAsync()).Trim());

            var onTime = rows[PublishedRow.KeyOf("area", area, "DQ01_returns_on_time")];
            var rejected = rows[PublishedRow.KeyOf("area", area, "DQ02_rejected_uploads")];
            var missing = rows[PublishedRow.KeyOf("area", area, "DQ03_missing_open_episodes")];
            var expectBanner = onTime.Value < 100 || rejected.Numerator > 0 || missing.Numerator > 0;
            Assert.Equal(expectBanner ? 1 : 0, await page.Locator("section.dq").CountAsync());
            if (rejected.Numerator > 0)
            {
                Assert.Contains("rejected", await page.Locator("section.dq").InnerTextAsync(), StringComparison.Ordinal);
            }

            await page.CloseAsync();
        }
    }

    [Theory]
    [InlineData("g-access", "CJ01_prison_release_engaged_3_weeks")]
    [InlineData("g-exits", "EXT07_early_successful_exit")]
    [InlineData("g-exits", "EXT08_stable_maintenance")]
    [InlineData("g-medication", "HAT01_engaged_12_months")]
    [InlineData("g-medication", "HAT02_left_within_6_months")]
    [InlineData("g-medication", "HAT03_in_treatment")]
    [InlineData("g-workforce", "CAP01_caseload_per_fte")]
    [InlineData("g-workforce", "CAP02_staff_under_2_years_service")]
    [InlineData("g-workforce", "CAP03_staff_on_long_term_leave")]
    public async Task Version_1_1_measures_sit_in_their_groups_with_the_area_and_provider_figures(string group, string kpi)
    {
        var rows = await run.RowsAsync("restricted", ScorecardRun.Period);
        var area = run.Areas[0];
        var page = await OpenAsync(run.AreaPage(area));

        var line = page.Locator($"section[aria-labelledby='{group}'] tr#k-{kpi}");
        Assert.Equal(1, await line.CountAsync());
        Shown.AssertValue(rows[PublishedRow.KeyOf("area", area, kpi)], await Cell(page, kpi, area, "main").Locator(".value").InnerTextAsync());
        foreach (var provider in run.Providers.Where(p => p.Area == area))
        {
            Shown.AssertValue(rows[PublishedRow.KeyOf("provider", provider.Code, kpi)],
                await Cell(page, kpi, provider.Code, "unit").Locator(".value").InnerTextAsync());
        }

        Assert.Equal(0, await page.Locator($"tr[data-kpi='{kpi}'][data-dimension]").CountAsync());
        await page.CloseAsync();
    }

    [Theory]
    [InlineData("treatment_goal", "treatment goal", new[] { "ABSTINENCE", "MAINTENANCE", "HARM_REDUCTION", "UNDECIDED", "NOT_RECORDED" }, "Not recorded")]
    [InlineData("sex", "sex", new[] { "M", "F", "X" }, "Other or not stated")]
    [InlineData("age_band", "age band", new[] { "18-29", "30-39", "40-49", "50-59", "60-PLUS" }, "60 and over")]
    public async Task Every_breakdown_of_a_double_dagger_measure_is_a_folded_line_with_a_row_per_value(
        string dimension, string shownDimension, string[] values, string lastValueShown)
    {
        var rows = await run.RowsAsync("restricted", ScorecardRun.Period);
        var area = run.Areas[0];
        var page = await OpenAsync(run.AreaPage(area));

        foreach (var (kpi, title) in new[] { ("EXT01_successful_completions", "Successful completions"), ("ACC01_waited_3_weeks_or_less", "Waited 3 weeks or less") })
        {
            var lines = page.Locator($"tr[data-kpi='{kpi}'][data-dimension='{dimension}']");
            Assert.Equal(values, await lines.EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.dimensionValue)"));
            Assert.False(await lines.First.IsVisibleAsync());
            await page.Locator("tr.breakdown summary", new PageLocatorOptions { HasText = $"{title} by {shownDimension}" }).ClickAsync();
            Assert.True(await lines.First.IsVisibleAsync());
            foreach (var value in values)
            {
                var row = rows[PublishedRow.KeyOf("area", area, kpi, dimension, value)];
                var cell = page.Locator($"tr[data-kpi='{kpi}'][data-dimension-value='{value}'] > td.main[data-unit='{area}']");
                Shown.AssertValue(row, await cell.Locator(".value").InnerTextAsync());
                var national = rows[PublishedRow.KeyOf("all", "ALL", kpi, dimension, value)];
                Shown.AssertValue(national, await page.Locator($"tr[data-kpi='{kpi}'][data-dimension-value='{value}'] > td.national").Locator(".value").InnerTextAsync());
            }
        }

        Assert.Equal(lastValueShown,
            (await page.Locator($"tr[data-kpi='EXT01_successful_completions'][data-dimension-value='{values[^1]}'] > th").InnerTextAsync()).Trim());
        await page.CloseAsync();
    }

    [Fact]
    public async Task A_quarter_in_progress_says_so_shows_no_change_on_a_part_quarter_and_tags_provisional_flags()
    {
        const string inProgress = "2025-26-Q3";
        var area = run.Areas[0];
        var page = await OpenAsync(run.AreaPage(area, inProgress));
        Assert.Contains("quarter in progress: returns to 15 October 2025", await page.Locator("header .period").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal("This quarter is not over", (await page.Locator("#coverage").InnerTextAsync()).Trim());
        var changes = (await page.Locator("td.change").AllInnerTextsAsync()).Select(c => c.Trim()).ToList();
        Assert.Contains("quarter in progress", changes);
        Assert.All(changes, c => Assert.True(c is "" or "quarter in progress", c));
        Assert.Equal(0, await page.Locator(".chg-s").CountAsync());
        await page.CloseAsync();

        // "At a glance" lists red and amber measures; a provisional one says so there too, in both quarters.
        var tagged = 0;
        foreach (var period in new[] { ScorecardRun.Period, inProgress })
        {
            var rows = await run.RowsAsync("restricted", period);
            page = await OpenAsync(run.AreaPage(area, period));
            foreach (var row in rows.Values.Where(r => r.Level == "area" && r.Unit == area && r.Dimension == "all" && r.Rag is "red" or "amber"))
            {
                var flag = page.Locator($"ul.flags li:has(a[href='#k-{row.KpiId}'])");
                Assert.Equal(1, await flag.CountAsync());
                Assert.Equal(row.Status == "provisional" ? 1 : 0, await flag.Locator(".prov").CountAsync());
                tagged += row.Status == "provisional" ? 1 : 0;
            }

            await page.CloseAsync();
        }

        Assert.True(tagged > 0, "no provisional red or amber measure to check");
    }

    [Fact]
    public async Task Trends_and_changes_begin_with_the_first_quarter_of_returns()
    {
        // The returns begin in January 2025; the datasets hold earlier quarters, reconstructed from the episodes still open then.
        var before = await run.RowsAsync("restricted", "2024-25-Q3");
        Assert.Contains(before.Values, r => r.KpiId == "VOL01_in_treatment" && r.Value > 0);
        var area = run.Areas[0];

        var first = await OpenAsync(run.AreaPage(area, "2024-25-Q4"));
        Assert.Equal(0, await first.Locator("#coverage").CountAsync()); // January is the quarter's first month
        Assert.Equal("first quarter of returns", (await first.Locator("tr[data-kpi='VOL01_in_treatment']:not([data-dimension]) > td.change").InnerTextAsync()).Trim());
        Assert.StartsWith("The first quarter of returns: 2024-25 Q4 ",
            await first.Locator("tr[data-kpi='VOL01_in_treatment'] > td.trend svg title").TextContentAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain("2024-25 Q3", await first.ContentAsync(), StringComparison.Ordinal);
        await first.CloseAsync();

        var second = await OpenAsync(run.AreaPage(area, ScorecardRun.PreviousPeriod));
        Assert.StartsWith("Last 2 quarters: 2024-25 Q4 ",
            await second.Locator("tr[data-kpi='VOL01_in_treatment'] > td.trend svg title").TextContentAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain("2024-25 Q3", await second.ContentAsync(), StringComparison.Ordinal);
        await second.CloseAsync();
    }

    [Fact]
    public async Task A_first_quarter_the_returns_cover_in_part_says_which_month_they_begin_with()
    {
        var file = Path.Combine(run.Out, "restricted", "kpi_results", "period=2024-25-Q4", "part-0.parquet");
        IReadOnlyList<Kpis.KpiResult> rows;
        await using (var input = File.OpenRead(file))
        {
            rows = await Pipeline.Publishing.KpiResultsParquet.ReadAsync(input, CancellationToken.None);
        }

        var html = Pipeline.Publishing.Scorecards.ScorecardHtml.AreaPage(
            new Pipeline.Publishing.Scorecards.ScorecardRows(rows), [], run.Areas[0], Pipeline.Publishing.Scorecards.ScorecardNames.None,
            new Pipeline.Publishing.Scorecards.ScorecardContext(new DateOnly(2025, 2, 1), null));
        var page = await run.Browser.NewPageAsync();
        await page.SetContentAsync(html);
        var banner = await page.Locator("section:has(#coverage)").InnerTextAsync();
        Assert.Contains("The returns begin in this quarter", banner, StringComparison.Ordinal);
        Assert.Contains("The returns begin with February 2025", banner, StringComparison.Ordinal);
        Assert.DoesNotContain("not over", banner, StringComparison.Ordinal);
        await page.CloseAsync();
    }

    [Fact]
    public async Task Unmet_need_and_needles_per_person_who_injects_say_what_their_counts_are()
    {
        var rows = await run.RowsAsync("restricted", ScorecardRun.Period);
        var area = run.Areas[0];
        var page = await OpenAsync(run.AreaPage(area));
        var unmet = rows[PublishedRow.KeyOf("area", area, "POP01_unmet_need_opiate")];
        var needles = rows[PublishedRow.KeyOf("area", area, "NSP04_needles_per_pwid_per_year")];
        Assert.True(unmet.Denominator > 0 && needles.Denominator > 0, "the area has both estimates");
        Assert.Equal($"{unmet.Numerator:#,##0} in treatment of {unmet.Denominator:#,##0} estimated",
            (await Cell(page, "POP01_unmet_need_opiate", area, "main").Locator(".nd").InnerTextAsync()).Trim());
        Assert.Equal($"{needles.Numerator:#,##0} needles in the quarter for {needles.Denominator:#,##0} estimated people who inject",
            (await Cell(page, "NSP04_needles_per_pwid_per_year", area, "main").Locator(".nd").InnerTextAsync()).Trim());
        await page.CloseAsync();
    }

    [Fact]
    public async Task The_basis_shows_where_amber_begins_and_each_rating_follows_the_thresholds_shown()
    {
        var rows = await run.RowsAsync("restricted", ScorecardRun.Period);
        var checkedRows = 0;
        foreach (var area in run.Areas)
        {
            var page = await OpenAsync(run.AreaPage(area));
            foreach (var row in rows.Values.Where(r => r.Level == "area" && r.Unit == area && r.Dimension == "all" && r.RagBasis == "target" && r.Value is not null))
            {
                var basis = (await page.Locator($"tr[data-kpi='{row.KpiId}']:not([data-dimension]) > td.basis").InnerTextAsync()).Trim();
                var match = System.Text.RegularExpressions.Regex.Match(basis, @"^Target ([≥≤]) ([\d.,]+)\D*, amber \1 ([\d.,]+)\D*$");
                Assert.True(match.Success, $"{row.KpiId}: '{basis}'");
                var higher = match.Groups[1].Value == "≥";
                var (target, amber) = (Number(match.Groups[2].Value), Number(match.Groups[3].Value));
                var value = row.Value!.Value;
                var expected = (higher ? value >= target : value <= target) ? "green" : (higher ? value >= amber : value <= amber) ? "amber" : "red";
                Assert.Equal(expected, row.Rag);
                checkedRows++;
            }

            await page.CloseAsync();
        }

        Assert.True(checkedRows >= 4, $"{checkedRows} rows");

        // targets.csv gives E06000002 its own amber margin of 3 on EXT01 (the catalogue's is 5).
        var ext01 = await OpenAsync(run.AreaPage("E06000002"));
        Assert.Equal("Target ≥ 15.0%, amber ≥ 12.0%",
            (await ext01.Locator("tr[data-kpi='EXT01_successful_completions']:not([data-dimension]) > td.basis").InnerTextAsync()).Trim());
        await ext01.CloseAsync();
    }

    private async Task<IPage> OpenAsync(string path)
    {
        Assert.True(File.Exists(path), path);
        var page = await run.Browser.NewPageAsync();
        await page.GotoAsync(new Uri(path).AbsoluteUri);
        return page;
    }

    private static double Number(string text) => double.Parse(text.Replace(",", "", StringComparison.Ordinal), CultureInfo.InvariantCulture);

    private static ILocator Cell(IPage page, string kpi, string unit, string css) =>
        page.Locator($"tr[data-kpi='{kpi}']:not([data-dimension]) > td.{css}[data-unit='{unit}']");
}
