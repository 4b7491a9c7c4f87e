using FsCheck;
using FsCheck.Fluent;
using KpiPipeline.Kpis.Engine;
using Microsoft.FSharp.Core;

namespace KpiPipeline.Kpis.Tests;

/// <summary>Rounding of kpis.md section 0 (<c>Engine/Rounding.cs</c>): the integer path of percents against decimal arithmetic.</summary>
public class RoundingTests
{
    private static decimal? DecimalPercent(long numerator, long denominator) =>
        denominator == 0 ? null : Math.Round(100m * numerator / denominator, 1, MidpointRounding.AwayFromZero);

    [Fact]
    public void Percent_equals_the_decimal_rounding_half_away_from_zero_for_every_count_up_to_400()
    {
        for (long d = 0; d <= 400; d++)
        {
            for (long n = 0; n <= d + 5; n++)
            {
                Assert.Equal(DecimalPercent(n, d), Rounding.Percent(n, d));
            }
        }
    }

    [Fact]
    public void Percent_equals_the_decimal_rounding_for_large_and_negative_counts()
    {
        var counts = Gen.Choose(0, int.MaxValue).Select(i => (long)i * (i % 7 + 1))
            .Or(Gen.Choose(int.MinValue, 0).Select(i => (long)i));
        var property = Prop.ForAll(Arb.From(counts), Arb.From(counts), (n, d) => Rounding.Percent(n, d) == DecimalPercent(n, d));
        var config = Config.QuickThrowOnFailure
            .WithMaxTest(5000)
            .WithReplay(FSharpOption<Replay>.Some(new Replay(new Rnd(20261204UL, 0x9E3779B97F4A7C15UL), FSharpOption<int>.None)));
        FsCheck.Check.One(config, property);
    }

    [Theory]
    [InlineData(1L, 8L, 12.5)]      // 12.5 exactly
    [InlineData(1L, 3L, 33.3)]
    [InlineData(2L, 3L, 66.7)]
    [InlineData(1L, 1600L, 0.1)]    // 0.0625 → 0.1
    [InlineData(1L, 2001L, 0.0)]    // 0.04998 → 0.0
    [InlineData(1L, 2000L, 0.1)]    // 0.05 exactly: half away from zero
    public void Percent_rounds_half_away_from_zero_on_the_exact_value(long numerator, long denominator, double expected) =>
        Assert.Equal((decimal)expected, Rounding.Percent(numerator, denominator));
}
