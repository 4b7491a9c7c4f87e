using System.Globalization;

namespace KpiPipeline.Core.Dataset;

/// <summary>A reporting month, written <c>YYYY-MM</c> in upload paths.</summary>
public readonly record struct ReportingMonth(int Year, int Month) : IComparable<ReportingMonth>
{
    /// <summary>
    /// The latest year a path may name: a month of 9999 has no day after its end (the offline upload time, the month
    /// arithmetic of KPI windows), so 9999-12 is not a reporting month (F01) rather than an overflow that stops a run.
    /// </summary>
    public const int MaxYear = 9998;

    public DateOnly FirstDay => new(Year, Month, 1);

    public DateOnly LastDay => new(Year, Month, DateTime.DaysInMonth(Year, Month));

    /// <summary>
    /// Whether a run as of <paramref name="asOf"/> reads this month's returns: a month whose first day is after the as-of
    /// date is ignored (dataset.md 2.3), for the KPIs, DQ02 and the count of returns used alike.
    /// </summary>
    public bool IsReadAsOf(DateOnly asOf) => FirstDay <= asOf;

    public ReportingMonth Next => Month == 12 ? new(Year + 1, 1) : new(Year, Month + 1);

    public ReportingMonth Previous => Month == 1 ? new(Year - 1, 12) : new(Year, Month - 1);

    public static ReportingMonth Of(DateOnly date) => new(date.Year, date.Month);

    public static bool TryParse(string? text, out ReportingMonth month)
    {
        month = default;
        if (text is not { Length: 7 } || text[4] != '-')
        {
            return false;
        }

        if (!int.TryParse(text.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture, out var year)
            || !int.TryParse(text.AsSpan(5, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var m)
            || year is < 1900 or > MaxYear || m is < 1 or > 12)
        {
            return false;
        }

        month = new ReportingMonth(year, m);
        return true;
    }

    public int CompareTo(ReportingMonth other) => (Year * 12 + Month).CompareTo(other.Year * 12 + other.Month);

    public static bool operator <(ReportingMonth left, ReportingMonth right) => left.CompareTo(right) < 0;

    public static bool operator >(ReportingMonth left, ReportingMonth right) => left.CompareTo(right) > 0;

    public static bool operator <=(ReportingMonth left, ReportingMonth right) => left.CompareTo(right) <= 0;

    public static bool operator >=(ReportingMonth left, ReportingMonth right) => left.CompareTo(right) >= 0;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Year:D4}-{Month:D2}");
}
