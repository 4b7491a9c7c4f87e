namespace KpiPipeline.Kpis.Engine;

/// <summary>The published figures of one row before RAG (kpis.md section 0: count, percent, mean and median rows).</summary>
/// <param name="Divisor">See <see cref="KpiResult.Divisor"/>.</param>
internal readonly record struct Figures(long? Numerator, long? Denominator, decimal? Value, decimal? Divisor = null)
{
    /// <summary>A count KPI: the count is the numerator and the value; denominator blank.</summary>
    public static Figures Count(long count) => new(count, null, count);

    /// <summary>100 × numerator ÷ denominator, one decimal; blank when the denominator is 0.</summary>
    public static Figures Percent(long numerator, long denominator) =>
        new(numerator, denominator, Rounding.Percent(numerator, denominator));

    /// <summary>A mean of <paramref name="n"/> values adding up to <paramref name="sum"/>, one decimal; numerator blank, denominator n.</summary>
    public static Figures Mean(long sum, long n) =>
        new(null, n, n == 0 ? null : Rounding.HalfAwayFromZero((decimal)sum / n, 1));

    /// <summary>The median of sorted values, not rounded (even n: the mean of the two middle values); numerator blank, denominator n.</summary>
    public static Figures Median(List<int>? sorted)
    {
        if (sorted is null || sorted.Count == 0)
        {
            return new Figures(null, 0, null);
        }

        var n = sorted.Count;
        var median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + (decimal)sorted[n / 2]) / 2;
        return new Figures(null, n, median);
    }
}
