using FsCheck;
using FsCheck.Fluent;
using KpiPipeline.Kpis.Rag;
using Microsoft.FSharp.Core;

namespace KpiPipeline.Kpis.Tests;

/// <summary>
/// <see cref="KpiResult"/> stores its optional figures compactly (a number and a presence bit each) and its rarely given
/// values apart: every property must still read back exactly what was given, and equality must still tell every row apart.
/// </summary>
public class KpiResultTests
{
    private static readonly Gen<long?> Count = Gen.OneOf(Gen.Constant<long?>(null), Gen.Choose(-2, 40).Select(c => (long?)c));
    private static readonly Gen<double?> Figure = Gen.OneOf(Gen.Constant<double?>(null), Gen.Elements(0.0, -0.0, 0.5, 12.25, 100.0).Select(v => (double?)v));

    private static readonly Gen<(long? Numerator, long? Denominator, double? Value, double? Target)> Figures =
        from numerator in Count
        from denominator in Count
        from value in Figure
        from target in Figure
        select (numerator, denominator, value, target);

    private static KpiResult Row((long? Numerator, long? Denominator, double? Value, double? Target) f) => new(
        "2024-25-Q1", new DateOnly(2024, 4, 1), new DateOnly(2024, 6, 30), new DateOnly(2025, 3, 31), KpiVocabulary.LevelArea, "E1", "E1",
        "ACC01_waited_3_weeks_or_less", KpiVocabulary.DimensionAll, KpiVocabulary.DimensionValueAll, f.Numerator, f.Denominator, f.Value, f.Target,
        KpiVocabulary.RagNone, KpiVocabulary.BasisNone, KpiVocabulary.StatusFinal, Suppressed: false);

    private static void Check(Property property)
    {
        var config = Config.QuickThrowOnFailure
            .WithMaxTest(500)
            .WithReplay(FSharpOption<Replay>.Some(new Replay(new Rnd(20261206UL, 0x9E3779B97F4A7C15UL), FSharpOption<int>.None)));
        FsCheck.Check.One(config, property);
    }

    [Fact]
    public void Reads_back_every_figure_as_given_and_as_set_by_with() => Check(Prop.ForAll(Arb.From(Figures), Arb.From(Figures), (given, changed) =>
    {
        var row = Row(given);
        var edited = row with { Numerator = changed.Numerator, Denominator = changed.Denominator, Value = changed.Value, Target = changed.Target };
        return (row.Numerator, row.Denominator, row.Value, row.Target) == given
            && (edited.Numerator, edited.Denominator, edited.Value, edited.Target) == changed
            && edited with { Numerator = given.Numerator, Denominator = given.Denominator, Value = given.Value, Target = given.Target } == row;
    }));

    [Fact]
    public void Two_rows_are_equal_exactly_when_their_figures_are() => Check(Prop.ForAll(Arb.From(Figures), Arb.From(Figures), (a, b) =>
    {
        var (first, second) = (Row(a), Row(b));
        return (first == second) == (a == b) && (a != b || first.GetHashCode() == second.GetHashCode());
    }));

    [Fact]
    public void A_blank_figure_is_not_a_zero()
    {
        var blank = Row((null, null, null, null));
        var zeros = Row((0, 0, 0.0, 0.0));

        Assert.NotEqual(blank, zeros);
        Assert.Null(blank.Numerator);
        Assert.Equal(0, zeros.Numerator);
        Assert.Equal(zeros, blank with { Numerator = 0, Denominator = 0, Value = 0.0, Target = 0.0 });
    }

    [Fact]
    public void Keeps_the_divisor_and_the_target_in_force_through_with_and_in_equality()
    {
        var target = new TargetInForce(90m, 5m);
        var plain = Row((70, 80, 87.5, 90.0));
        var rated = plain with { Divisor = 2.5m, TargetInForce = target };

        Assert.Null(plain.Divisor);
        Assert.Null(plain.TargetInForce);
        Assert.Equal((2.5m, target), (rated.Divisor, rated.TargetInForce));
        Assert.NotEqual(plain, rated);
        Assert.Equal(target, (rated with { Divisor = null }).TargetInForce);
        Assert.Null((rated with { Divisor = null }).Divisor);
        Assert.Equal(plain, rated with { Divisor = null, TargetInForce = null });
        Assert.Equal(rated, plain with { TargetInForce = target, Divisor = 2.5m });
    }
}
