namespace KpiPipeline.Scorecards.Tests;

/// <summary>Which quarters get pages: those the service has reported on, while the datasets keep every quarter.</summary>
[Collection(ScorecardRunCollection.Name)]
public sealed class ScorecardPeriodsTests(ScorecardRun run)
{
    [Fact]
    public void Pages_start_at_the_first_quarter_with_an_accepted_return_while_the_datasets_reach_back_further()
    {
        static List<string> Periods(string folder) =>
            [.. Directory.GetDirectories(folder).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)];

        var datasetPeriods = Periods(Path.Combine(run.Out, "restricted", "kpi_results"));
        var areaPages = Periods(Path.Combine(run.Out, "restricted", "scorecards"));
        var nationalPages = Periods(Path.Combine(run.Out, "public", "scorecards"));

        // The returns run from January 2025 (2024-25 Q4); the as-of date (15 October) opens 2025-26 Q3; referrals reach back further.
        Assert.Equal(["period=2024-25-Q4", "period=2025-26-Q1", "period=2025-26-Q2", "period=2025-26-Q3"], areaPages);
        Assert.Equal(areaPages, nationalPages);
        Assert.Contains("period=2024-25-Q3", datasetPeriods);
        Assert.True(datasetPeriods.Count > areaPages.Count);
        Assert.Equal(areaPages, datasetPeriods.TakeLast(areaPages.Count));
    }
}
