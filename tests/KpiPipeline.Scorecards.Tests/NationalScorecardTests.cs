using Microsoft.Playwright;

namespace KpiPipeline.Scorecards.Tests;

/// <summary>The public national scorecard in Chromium, against the public (disclosure-controlled) Parquet rows.</summary>
[Collection(ScorecardRunCollection.Name)]
public sealed class NationalScorecardTests(ScorecardRun run)
{
    [Fact]
    public async Task Shows_no_count_from_1_to_7_and_no_provider()
    {
        var page = await OpenAsync();
        var html = await page.ContentAsync();
        // Every count on the page, also those in closed breakdowns: numerators, denominators, n and count values.
        var counts = (await page.Locator(".count").AllTextContentsAsync()).Select(Shown.Count).ToList();

        Assert.True(counts.Count > 50, $"only {counts.Count} counts on the page");
        Assert.DoesNotContain(counts, c => c is >= 1 and <= 7);
        Assert.All(counts, c => Assert.Equal(0, c % 5));
        foreach (var (code, name, _) in run.Providers)
        {
            Assert.DoesNotContain(code, html, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(name, html, StringComparison.OrdinalIgnoreCase);
        }

        Assert.Equal(0, await page.Locator("[data-unit^='PR']").CountAsync());
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScorecardRun.ScreenshotFolder, "national.png"), FullPage = true });
        Assert.True(new FileInfo(Path.Combine(ScorecardRun.ScreenshotFolder, "national.png")).Length > 10_000);
        await page.CloseAsync();
    }

    [Fact]
    public async Task Shows_the_public_rows_of_all_areas_and_each_nation_with_suppressed_values_as_suppressed()
    {
        var rows = await run.RowsAsync("public", ScorecardRun.Period);
        var page = await OpenAsync();
        var nations = rows.Values.Where(r => r.Level == "nation").Select(r => r.Unit).Distinct().ToList();
        Assert.NotEmpty(nations);
        var shown = 0;
        var suppressed = 0;
        foreach (var row in rows.Values.Where(r => r.Level is "all" or "nation"))
        {
            var css = row.Level == "all" ? "main" : "unit";
            var selector = row.Dimension == "all"
                ? $"tr[data-kpi='{row.KpiId}']:not([data-dimension]) > td.{css}[data-unit='{row.Unit}'] .value"
                : $"tr[data-kpi='{row.KpiId}'][data-dimension-value='{row.DimensionValue}'] > td.{css}[data-unit='{row.Unit}'] .value";
            var text = await page.Locator(selector).TextContentAsync();
            Shown.AssertValue(row, text!);
            shown++;
            suppressed += row.Suppressed ? 1 : 0;
        }

        Assert.True(shown > 100, $"{shown} rows compared");
        Assert.True(suppressed > 0, "the sample data should have suppressed public rows");
        Assert.Equal(run.Areas.Count, await page.Locator("section[aria-labelledby='areas'] tbody tr").CountAsync());
        await page.CloseAsync();
    }

    private async Task<IPage> OpenAsync()
    {
        var path = run.NationalPage();
        Assert.True(File.Exists(path), path);
        var page = await run.Browser.NewPageAsync();
        await page.GotoAsync(new Uri(path).AbsoluteUri);
        return page;
    }
}
