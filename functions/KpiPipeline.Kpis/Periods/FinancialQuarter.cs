using System.Globalization;

namespace KpiPipeline.Kpis.Periods;

/// <summary>
/// A financial-year quarter (April start, kpis.md section 0): <c>2025-26-Q1</c> is 2025-04-01..2025-06-30,
/// Q2 Jul–Sep, Q3 Oct–Dec, Q4 Jan–Mar of the following calendar year.
/// </summary>
public readonly record struct FinancialQuarter(int StartYear, int Quarter) : IComparable<FinancialQuarter>
{
    /// <summary>A running number: consecutive quarters differ by one.</summary>
    public int Ordinal => StartYear * 4 + (Quarter - 1);

    /// <summary>The first day: April, July, October of <see cref="StartYear"/>, or January of the year after.</summary>
    public DateOnly Start => Quarter == 4 ? new DateOnly(StartYear + 1, 1, 1) : new DateOnly(StartYear, 1 + (Quarter * 3), 1);

    /// <summary>The last day: 30 June, 30 September, 31 December, or 31 March of the year after.</summary>
    public DateOnly End => Quarter switch
    {
        1 => new DateOnly(StartYear, 6, 30),
        2 => new DateOnly(StartYear, 9, 30),
        3 => new DateOnly(StartYear, 12, 31),
        _ => new DateOnly(StartYear + 1, 3, 31),
    };

    public string Label => string.Create(
        CultureInfo.InvariantCulture, $"{StartYear:D4}-{(StartYear + 1) % 100:D2}-Q{Quarter}");

    public FinancialQuarter Next => FromOrdinal(Ordinal + 1);

    public static FinancialQuarter FromOrdinal(int ordinal) => new(ordinal / 4, ordinal % 4 + 1);

    public static FinancialQuarter Of(DateOnly date)
    {
        var startYear = date.Month >= 4 ? date.Year : date.Year - 1;
        var quarter = ((date.Month + 8) % 12) / 3 + 1;
        return new FinancialQuarter(startYear, quarter);
    }

    /// <summary>Every quarter from the one holding <paramref name="first"/> to the one holding <paramref name="last"/>, inclusive.</summary>
    public static IReadOnlyList<FinancialQuarter> Range(DateOnly first, DateOnly last)
    {
        var from = Of(first).Ordinal;
        var to = Of(last).Ordinal;
        var quarters = new List<FinancialQuarter>(Math.Max(0, to - from + 1));
        for (var ordinal = from; ordinal <= to; ordinal++)
        {
            quarters.Add(FromOrdinal(ordinal));
        }

        return quarters;
    }

    public int CompareTo(FinancialQuarter other) => Ordinal.CompareTo(other.Ordinal);

    public static bool operator <(FinancialQuarter left, FinancialQuarter right) => left.Ordinal < right.Ordinal;

    public static bool operator >(FinancialQuarter left, FinancialQuarter right) => left.Ordinal > right.Ordinal;

    public static bool operator <=(FinancialQuarter left, FinancialQuarter right) => left.Ordinal <= right.Ordinal;

    public static bool operator >=(FinancialQuarter left, FinancialQuarter right) => left.Ordinal >= right.Ordinal;

    public override string ToString() => Label;
}
