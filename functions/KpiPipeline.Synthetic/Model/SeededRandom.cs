namespace KpiPipeline.Synthetic.Model;

/// <summary>
/// A small, fast, platform-independent pseudo-random generator (xoshiro256**, seeded by SplitMix64).
/// Owned here rather than System.Random so the sequence for a seed never changes with the runtime.
/// </summary>
public sealed class SeededRandom
{
    private ulong s0;
    private ulong s1;
    private ulong s2;
    private ulong s3;

    public SeededRandom(ulong seed)
    {
        var x = seed;
        s0 = SplitMix(ref x);
        s1 = SplitMix(ref x);
        s2 = SplitMix(ref x);
        s3 = SplitMix(ref x);
    }

    /// <summary>Derives an independent seed from a parent seed and a path of numbers (provider index, stream id...).</summary>
    public static ulong Derive(ulong seed, params ReadOnlySpan<long> path)
    {
        var x = seed;
        foreach (var part in path)
        {
            x ^= (ulong)part * 0x9E3779B97F4A7C15UL;
            x = Mix(x + 0x632BE59BD9B4E019UL);
        }

        return x;
    }

    /// <summary>The SplitMix64 finaliser: a good 64-bit hash of one value.</summary>
    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public ulong NextUInt64()
    {
        var result = RotateLeft(s1 * 5, 7) * 9;
        var t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = RotateLeft(s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform integer in [0, maxExclusive).</summary>
    public int Next(int maxExclusive) => maxExclusive <= 1 ? 0 : (int)((NextUInt64() >> 33) % (ulong)maxExclusive);

    /// <summary>Uniform integer in [min, max] inclusive.</summary>
    public int Between(int min, int max) => min + Next(max - min + 1);

    public bool Chance(double probability) => NextDouble() < probability;

    /// <summary>A standard normal draw (Box–Muller).</summary>
    public double Normal()
    {
        var u1 = 1.0 - NextDouble();
        var u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    public double Normal(double mean, double sd) => mean + sd * Normal();

    public double Exponential(double mean) => -mean * Math.Log(1.0 - NextDouble());

    /// <summary>Log-normal with the given median and spread (sd of the log).</summary>
    public double LogNormal(double median, double sigma) => median * Math.Exp(sigma * Normal());

    /// <summary>A Poisson draw (Knuth for small means, a rounded normal approximation for large ones).</summary>
    public int Poisson(double mean)
    {
        if (mean <= 0)
        {
            return 0;
        }

        if (mean > 40)
        {
            return Math.Max(0, (int)Math.Round(Normal(mean, Math.Sqrt(mean))));
        }

        var limit = Math.Exp(-mean);
        var k = 0;
        var p = NextDouble();
        while (p > limit)
        {
            k++;
            p *= NextDouble();
        }

        return k;
    }

    /// <summary>Picks a value by weight.</summary>
    public T Pick<T>(WeightedChoice<T> choice) => choice.Pick(NextDouble());

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));

    private static ulong SplitMix(ref ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        return Mix(x);
    }
}

/// <summary>A fixed table of values and weights, picked by a uniform draw.</summary>
public sealed class WeightedChoice<T>
{
    private readonly T[] values;
    private readonly double[] cumulative;

    public WeightedChoice(params (T Value, double Weight)[] entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        values = entries.Select(e => e.Value).ToArray();
        cumulative = new double[entries.Length];
        var total = entries.Sum(e => e.Weight);
        var running = 0.0;
        for (var i = 0; i < entries.Length; i++)
        {
            running += entries[i].Weight / total;
            cumulative[i] = running;
        }

        cumulative[^1] = 1.0;
    }

    public T Pick(double uniform)
    {
        for (var i = 0; i < cumulative.Length; i++)
        {
            if (uniform < cumulative[i])
            {
                return values[i];
            }
        }

        return values[^1];
    }
}
