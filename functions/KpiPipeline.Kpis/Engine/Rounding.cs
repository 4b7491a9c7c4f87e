namespace KpiPipeline.Kpis.Engine;

/// <summary>Rounding of kpis.md section 0: half away from zero on the exact decimal value.</summary>
public static class Rounding
{
    public static decimal HalfAwayFromZero(decimal value, int decimals) =>
        Math.Round(value, decimals, MidpointRounding.AwayFromZero);

    /// <summary>100 × numerator ÷ denominator to one decimal; null when the denominator is 0.</summary>
    public static decimal? Percent(long numerator, long denominator) =>
        denominator == 0 ? null : HalfAwayFromZero(100m * numerator / denominator, 1);
}
