using KpiPipeline.Core.Dataset;
using KpiPipeline.Kpis.Periods;

namespace KpiPipeline.Kpis.Engine;

/// <summary>The quarters of a run (kpis.md section 0, period range), with their first and last days as day numbers for the loop.</summary>
internal sealed class Quarters
{
    private readonly int firstOrdinal;

    public Quarters(IReadOnlyList<FinancialQuarter> periods)
    {
        Periods = periods;
        firstOrdinal = periods[0].Ordinal;
        Start = [.. periods.Select(p => p.Start.DayNumber)];
        End = [.. periods.Select(p => p.End.DayNumber)];
    }

    public IReadOnlyList<FinancialQuarter> Periods { get; }

    public int Count => Periods.Count;

    /// <summary>P.start of each quarter, as a day number.</summary>
    public int[] Start { get; }

    /// <summary>P.end of each quarter, as a day number.</summary>
    public int[] End { get; }

    public int Last => Periods.Count - 1;

    /// <summary>The index of the quarter holding the day; below 0 or above <see cref="Last"/> outside the run.</summary>
    public int IndexOf(int dayNumber) => FinancialQuarter.Of(DateOnly.FromDayNumber(dayNumber)).Ordinal - firstOrdinal;

    /// <summary>The index of the quarter holding the month, or -1 when the month is outside the run.</summary>
    public int IndexOf(ReportingMonth month)
    {
        var q = IndexOf(month.FirstDay.DayNumber);
        return q >= 0 && q <= Last ? q : -1;
    }
}
