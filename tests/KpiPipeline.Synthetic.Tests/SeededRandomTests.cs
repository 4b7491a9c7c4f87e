using FsCheck;
using FsCheck.Fluent;
using KpiPipeline.Synthetic.Model;

namespace KpiPipeline.Synthetic.Tests;

public sealed class SeededRandomTests
{
    [Fact]
    public void Between_stays_inside_its_bounds_for_every_seed()
    {
        Prop.ForAll<ulong, int, int>((seed, a, b) =>
        {
            var (min, max) = (Math.Min(a, b) / 4, Math.Max(a, b) / 4);
            var random = new SeededRandom(seed);
            return Enumerable.Range(0, 50).Select(_ => random.Between(min, max)).All(v => v >= min && v <= max);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void The_same_seed_gives_the_same_sequence_and_derived_seeds_differ()
    {
        Prop.ForAll<ulong>(seed =>
        {
            var a = new SeededRandom(seed);
            var b = new SeededRandom(seed);
            var same = Enumerable.Range(0, 20).All(_ => a.NextUInt64() == b.NextUInt64());
            return same && SeededRandom.Derive(seed, 1) != SeededRandom.Derive(seed, 2);
        }).QuickCheckThrowOnFailure();
    }
}
