using System.Text;
using Microsoft.Playwright;

namespace KpiPipeline.Scorecards.Tests;

/// <summary>Both page kinds work offline, print, read on a phone, and are built for screen readers.</summary>
[Collection(ScorecardRunCollection.Name)]
public sealed class SelfContainedPageTests(ScorecardRun run)
{
    public static TheoryData<string> PageKinds => ["area", "national"];

    [Theory]
    [MemberData(nameof(PageKinds))]
    public async Task Loads_nothing_but_itself_and_has_no_script(string kind)
    {
        var path = PathOf(kind);
        var source = await File.ReadAllTextAsync(path);
        Assert.DoesNotContain("<script", source, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("http://", source, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("https://", source, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("@import", source, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("@font-face", source, StringComparison.OrdinalIgnoreCase);

        var page = await run.Browser.NewPageAsync();
        var requests = new List<string>();
        page.Request += (_, request) => requests.Add(request.Url);
        await page.GotoAsync(new Uri(path).AbsoluteUri);
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        Assert.Equal([new Uri(path).AbsoluteUri], requests);
        await page.CloseAsync();
    }

    [Theory]
    [MemberData(nameof(PageKinds))]
    public async Task Has_real_headings_table_semantics_and_ratings_in_words(string kind)
    {
        var page = await run.Browser.NewPageAsync();
        await page.GotoAsync(new Uri(PathOf(kind)).AbsoluteUri);
        Assert.Equal(1, await page.Locator("h1").CountAsync());
        var headings = await page.Locator("h2").AllInnerTextsAsync();
        foreach (var group in new[] { "Access, waiting times and numbers in treatment", "Retention", "Exits and balancing measures",
                     "Medication and harm reduction", "Soft outcomes", "Needle and syringe programmes", "Population", "Workforce and caseload", "Data quality" })
        {
            Assert.Contains(group, headings);
        }

        var tables = page.Locator("table.kpis");
        Assert.True(await tables.CountAsync() >= 9);
        Assert.Equal(0, await page.Locator("table.kpis > thead th:not([scope='col'])").CountAsync());
        Assert.True(await page.Locator("table.kpis > tbody > tr > th[scope='row']").CountAsync() >= 46);
        Assert.Equal(await page.Locator("table").CountAsync(), await page.Locator("table > caption").CountAsync());
        foreach (var rating in await page.Locator(".rag").AllTextContentsAsync())
        {
            Assert.Matches("^[●▲■○] (Green|Amber|Red|Not rated)$", rating.Trim());
        }

        Assert.Equal(await page.Locator("svg.spark").CountAsync(), await page.Locator("svg.spark[role='img'] > title").CountAsync());
        await page.CloseAsync();
    }

    [Theory]
    [MemberData(nameof(PageKinds))]
    public async Task Prints_to_pdf_and_fits_a_phone_screen(string kind)
    {
        var page = await run.Browser.NewPageAsync();
        await page.GotoAsync(new Uri(PathOf(kind)).AbsoluteUri);
        var pdf = await page.PdfAsync(new PagePdfOptions { Format = "A4", Landscape = true, PrintBackground = true });
        Assert.StartsWith("%PDF", Encoding.ASCII.GetString(pdf, 0, 4), StringComparison.Ordinal);
        Assert.True(pdf.Length > 20_000, $"{pdf.Length} bytes of PDF");

        await page.SetViewportSizeAsync(390, 844);
        var overflow = await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth > window.innerWidth + 1");
        Assert.False(overflow, "the page is wider than a phone; only tables may scroll sideways");
        Assert.True(await page.Locator("h1").IsVisibleAsync());
        var fontSize = await page.EvaluateAsync<string>("() => getComputedStyle(document.body).fontSize");
        Assert.Equal("14px", fontSize);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScorecardRun.ScreenshotFolder, $"{kind}-phone.png") });
        await page.CloseAsync();
    }

    private string PathOf(string kind) => kind == "area" ? run.AreaPage(run.Areas[0]) : run.NationalPage();
}
