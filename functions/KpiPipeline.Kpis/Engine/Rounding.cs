namespace KpiPipeline.Kpis.Engine;

/// <summary>Rounding of kpis.md section 0: half away from zero on the exact decimal value.</summary>
public static class Rounding
{
    public static decimal HalfAwayFromZero(decimal value, int decimals) =>
        Math.Round(value, decimals, MidpointRounding.AwayFromZero);

    /// <summary>100 × numerator ÷ denominator to one decimal; null when the denominator is 0.</summary>
    /// <remarks>
    /// Counts (both at least 0, as every KPI's are) take an exact integer path, tenths = ⌊(2000 × n + d) ÷ 2d⌋, several
    /// times cheaper than decimal division and the same value: the publisher computes this for millions of rows.
    /// </remarks>
    public static decimal? Percent(long numerator, long denominator)
    {
        if (denominator == 0)
        {
            return null;
        }

        if (numerator is >= 0 and <= MaxExactCount && denominator is > 0 and <= MaxExactCount)
        {
            var tenths = ((2000 * numerator) + denominator) / (2 * denominator);
            return new decimal((int)tenths, (int)(tenths >> 32), 0, isNegative: false, scale: 1);
        }

        return HalfAwayFromZero(100m * numerator / denominator, 1);
    }

    /// <summary>Counts up to this keep 2000 × n + d within a long.</summary>
    private const long MaxExactCount = 1L << 50;
}
