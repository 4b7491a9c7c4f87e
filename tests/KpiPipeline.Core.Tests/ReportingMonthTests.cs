using KpiPipeline.Core.Dataset;

namespace KpiPipeline.Core.Tests;

/// <summary>A reporting month's first and last days.</summary>
public sealed class ReportingMonthTests
{
    [Fact]
    public void Every_month_from_1900_to_the_last_allowed_year_ends_the_day_before_the_next_month_starts()
    {
        for (var month = new ReportingMonth(1900, 1); month.Year <= ReportingMonth.MaxYear; month = month.Next)
        {
            Assert.Equal(month.FirstDay.AddMonths(1).AddDays(-1), month.LastDay);
            Assert.Equal(month.Next.FirstDay, month.LastDay.AddDays(1));
        }
    }

    [Fact]
    public void February_has_29_days_in_2024_and_2000_but_28_in_1900_and_2025()
    {
        Assert.Equal(29, new ReportingMonth(2024, 2).LastDay.Day);
        Assert.Equal(29, new ReportingMonth(2000, 2).LastDay.Day);
        Assert.Equal(28, new ReportingMonth(1900, 2).LastDay.Day);
        Assert.Equal(28, new ReportingMonth(2025, 2).LastDay.Day);
    }
}
