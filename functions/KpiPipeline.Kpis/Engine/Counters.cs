using System.Runtime.CompilerServices;

namespace KpiPipeline.Kpis.Engine;

/// <summary>Where a KPI row reads its counters: a period, a unit and a cell (0 = dimension all; see <see cref="Breakdowns"/>).</summary>
internal readonly record struct At(int Period, int Unit, int Cell);

/// <summary>
/// The counters of a run: every family's <see cref="Counters{TCounter}"/> block is created here, so that one
/// <see cref="DistinctScope"/> per worker can hold the stamps of all of them.
/// </summary>
internal sealed class CounterSpace(int periods, int units)
{
    public int Periods { get; } = periods;

    public int Units { get; } = units;

    /// <summary>Cells of one period over every block: the size of a worker's stamps.</summary>
    public int StampCells { get; private set; }

    /// <summary>A block of counters declared by <typeparamref name="TCounter"/>; those in <paramref name="brokenDown"/> have a cell per breakdown value.</summary>
    public Counters<TCounter> Create<TCounter>(params TCounter[] brokenDown)
        where TCounter : struct, Enum
    {
        var block = new Counters<TCounter>(this, StampCells, brokenDown);
        StampCells += block.PeriodSize;
        return block;
    }
}

/// <summary>
/// One family's counters as a flat array indexed by (period, counter, unit, cell). A counter that feeds a ‡ KPI has
/// <see cref="Breakdowns.CellCount"/> cells per unit (all, then every breakdown value); every other counter has one, so
/// the breakdowns cost memory only where rows need them. Cells of different periods never overlap, so workers that take
/// different periods can add at the same time.
/// </summary>
internal sealed class Counters<TCounter>
    where TCounter : struct, Enum
{
    private readonly long[] counts;
    private readonly int[] offset;
    private readonly int[] cells;
    private readonly int units;
    private readonly int stampBase;

    internal Counters(CounterSpace space, int stampBase, TCounter[] brokenDown)
    {
        if (Enum.GetUnderlyingType(typeof(TCounter)) != typeof(int))
        {
            throw new ArgumentException($"{typeof(TCounter).Name} must be an int enum numbered from 0.", nameof(brokenDown));
        }

        var count = Enum.GetValues<TCounter>().Length;
        units = space.Units;
        this.stampBase = stampBase;
        offset = new int[count];
        cells = new int[count];
        Array.Fill(cells, 1);
        foreach (var counter in brokenDown)
        {
            cells[Index(counter)] = Breakdowns.CellCount;
        }

        var size = 0;
        for (var c = 0; c < count; c++)
        {
            offset[c] = size;
            size += units * cells[c];
        }

        PeriodSize = size;
        counts = new long[space.Periods * size];
    }

    /// <summary>Cells per period.</summary>
    public int PeriodSize { get; }

    /// <summary>The count in a cell. Reading a breakdown cell of a counter without breakdowns is a bug in a formula.</summary>
    public long this[At at, TCounter counter]
    {
        get
        {
            var c = Index(counter);
            if (at.Cell >= cells[c])
            {
                throw new InvalidOperationException($"{typeof(TCounter).Name}.{counter} has no breakdown cells.");
            }

            return counts[(at.Period * PeriodSize) + offset[c] + (at.Unit * cells[c]) + at.Cell];
        }
    }

    /// <summary>Adds to every unit of the chain: to cell all and, for a counter with breakdowns, to the episode's cells.</summary>
    public void Add(int period, TCounter counter, int[] chain, in EpisodeCells episode, long amount = 1)
    {
        var c = Index(counter);
        var width = cells[c];
        var first = (period * PeriodSize) + offset[c];
        foreach (var unit in chain)
        {
            var at = first + (unit * width);
            counts[at] += amount;
            if (width > 1)
            {
                counts[at + episode.Group] += amount;
                counts[at + episode.Goal] += amount;
                counts[at + episode.Sex] += amount;
                counts[at + episode.AgeBand] += amount;
            }
        }
    }

    /// <summary>Adds to every unit of the chain, for a counter without breakdowns (NSP, data quality, staffing).</summary>
    public void Add(int period, TCounter counter, int[] chain, long amount = 1)
    {
        var c = Index(counter);
        if (cells[c] > 1)
        {
            throw new InvalidOperationException($"{typeof(TCounter).Name}.{counter} has breakdowns: add with the episode's cells.");
        }

        var first = (period * PeriodSize) + offset[c];
        foreach (var unit in chain)
        {
            counts[first + unit] += amount;
        }
    }

    /// <summary>Like <see cref="Add(int, TCounter, int[], in EpisodeCells, long)"/>, counting at most once per cell within the scope (distinct clients).</summary>
    public void AddDistinct(DistinctScope scope, int period, TCounter counter, int[] chain, in EpisodeCells episode)
    {
        var c = Index(counter);
        var width = cells[c];
        var first = (period * PeriodSize) + offset[c];
        var stamps = scope.Stamps;
        var stamp = scope.Stamp;
        var key = stampBase + offset[c];
        foreach (var unit in chain)
        {
            var at = first + (unit * width);
            var seen = key + (unit * width);
            Once(at, ref stamps[seen], stamp);
            if (width > 1)
            {
                Once(at + episode.Group, ref stamps[seen + episode.Group], stamp);
                Once(at + episode.Goal, ref stamps[seen + episode.Goal], stamp);
                Once(at + episode.Sex, ref stamps[seen + episode.Sex], stamp);
                Once(at + episode.AgeBand, ref stamps[seen + episode.AgeBand], stamp);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Once(int at, ref int seen, int stamp)
    {
        if (seen != stamp)
        {
            seen = stamp;
            counts[at]++;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Index(TCounter counter) => Unsafe.As<TCounter, int>(ref counter);
}

/// <summary>
/// One worker's stamps, which make "distinct clients" cheap: within one scope (a client in a period) a cell counts once.
/// Each worker has its own, so workers never share a stamp.
/// </summary>
internal sealed class DistinctScope(CounterSpace space)
{
    internal int[] Stamps { get; } = new int[space.StampCells];

    internal int Stamp { get; private set; }

    /// <summary>Starts a new (client, period) scope for distinct counting.</summary>
    public void NewScope() => Stamp++;
}
