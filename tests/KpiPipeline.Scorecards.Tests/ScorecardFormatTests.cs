using System.Text;
using FsCheck;
using FsCheck.Fluent;
using KpiPipeline.Kpis.Catalogue;
using KpiPipeline.Pipeline.Publishing.Scorecards;

namespace KpiPipeline.Scorecards.Tests;

/// <summary>
/// The page writer appends numbers and quarters straight into the page; what it appends is, for every input, the text
/// of the formatting functions the rest of the project uses.
/// </summary>
public class ScorecardFormatTests
{
    private static readonly Gen<double> Values = Gen.OneOf(
        Gen.Choose(-1_000_000, 1_000_000).Select(i => i / 100.0),
        Gen.Choose(-2000, 2000).Select(i => i / 20.0),
        Gen.Elements(0.0, -0.0, 0.05, -0.05, 0.049999, 99.95, 1e12, -1e12, 123456789.125, double.MaxValue, double.Epsilon));

    [Fact]
    public void Appended_values_and_change_sizes_read_as_the_formatted_values_for_every_unit()
    {
        var gen = from kpi in Gen.Elements(KpiCatalogue.All.ToArray())
                  from value in Values
                  select (kpi, value);
        Check(gen, p =>
            ScorecardFormat.AppendValue(new StringBuilder("x"), p.kpi, p.value).ToString() == "x" + ScorecardFormat.Value(p.kpi, p.value)
            && ScorecardFormat.AppendChangeSize(new StringBuilder(), p.kpi, p.value).ToString() == ScorecardFormat.ChangeSize(p.kpi, p.value));
    }

    [Fact]
    public void Appended_counts_read_as_the_formatted_counts()
    {
        var gen = Gen.OneOf(Gen.Choose(int.MinValue, int.MaxValue).Select(i => (long)i), Gen.Elements(0L, long.MaxValue, long.MinValue, 1_000L, 999_999L));
        Check(gen, n => ScorecardFormat.AppendCount(new StringBuilder(), n).ToString() == ScorecardFormat.Count(n));
    }

    [Theory]
    [InlineData("2025-26-Q1", "2025-26 Q1")]
    [InlineData("1995-96-Q4", "1995-96 Q4")]
    [InlineData("Q1", "Q1")]
    [InlineData("2025", "2025")]
    public void Appended_quarters_read_as_the_shown_quarters(string period, string shown)
    {
        Assert.Equal(shown, ScorecardFormat.Quarter(period));
        Assert.Equal(shown, ScorecardFormat.AppendQuarter(new StringBuilder(), period).ToString());
    }

    private static void Check<T>(Gen<T> generator, Func<T, bool> property)
    {
        var config = Config.QuickThrowOnFailure.WithMaxTest(2000)
            .WithReplay(Microsoft.FSharp.Core.FSharpOption<Replay>.Some(new Replay(new Rnd(20261205, 0x9E3779B97F4A7C15UL), Microsoft.FSharp.Core.FSharpOption<int>.None)));
        FsCheck.Check.One(config, Prop.ForAll(Arb.From(generator), property));
    }
}
