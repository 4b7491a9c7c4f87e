using KpiPipeline.Kpis.Periods;

namespace KpiPipeline.Kpis.Tests;

/// <summary>The quarter's days (kpis.md section 0), built from its year and month without month arithmetic.</summary>
public sealed class FinancialQuarterTests
{
    [Fact]
    public void Every_quarter_from_1900_to_9997_starts_in_April_July_October_or_January_and_ends_the_day_before_the_next_starts()
    {
        for (var year = 1900; year <= 9997; year++)
        {
            for (var quarter = 1; quarter <= 4; quarter++)
            {
                var q = new FinancialQuarter(year, quarter);
                var start = new DateOnly(year, 4, 1).AddMonths((quarter - 1) * 3);
                Assert.Equal(start, q.Start);
                Assert.Equal(start.AddMonths(3).AddDays(-1), q.End);
                Assert.Equal(q, FinancialQuarter.Of(q.Start));
                Assert.Equal(q, FinancialQuarter.Of(q.End));
                Assert.Equal(q.End.AddDays(1), q.Next.Start);
            }
        }
    }

    [Fact]
    public void Q4_of_2024_25_is_January_to_March_2025_and_takes_29_February_in_a_leap_year()
    {
        Assert.Equal((new DateOnly(2025, 1, 1), new DateOnly(2025, 3, 31)), (new FinancialQuarter(2024, 4).Start, new FinancialQuarter(2024, 4).End));
        Assert.Equal(FinancialQuarter.Of(new DateOnly(2024, 2, 29)), new FinancialQuarter(2023, 4));
    }
}
