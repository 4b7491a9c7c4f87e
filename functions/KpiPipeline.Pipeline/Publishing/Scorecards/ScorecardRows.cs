using KpiPipeline.Kpis;
using KpiPipeline.Kpis.Catalogue;

namespace KpiPipeline.Pipeline.Publishing.Scorecards;

/// <summary>Identifies a kpi_results row within a period.</summary>
public readonly record struct RowKey(string Level, string UnitCode, string KpiId, string Dimension, string DimensionValue);

/// <summary>What a sparkline and the direction of travel need of a row of an earlier quarter.</summary>
public readonly record struct TrendPoint(double? Value, bool Suppressed);

/// <summary>
/// The trend points of one earlier quarter (dimension <c>all</c> rows only): per unit (level, code), one point per KPI
/// of the catalogue, at the KPI's place in <see cref="ScorecardRows.Slot"/>.
/// </summary>
public sealed record QuarterPoints(string Period, IReadOnlyDictionary<(string Level, string UnitCode), TrendPoint[]> Points)
{
    /// <summary>The unit's points, or null when the unit had no rows that quarter.</summary>
    public TrendPoint[]? PointsOf(string level, string unitCode) => Points.GetValueOrDefault((level, unitCode));
}

/// <summary>One unit's rows of a period, by KPI slot (<see cref="ScorecardRows.Slot"/>) and breakdown position.</summary>
public sealed class UnitRows
{
    private readonly KpiResult?[]?[] breakdowns = new KpiResult?[]?[ScorecardRows.SlotCount];

    internal UnitRows(string level, string code)
    {
        Level = level;
        Code = code;
    }

    public string Level { get; }

    public string Code { get; }

    /// <summary>Dimension-all rows, one slot per catalogue KPI (null where the unit has no row of that KPI).</summary>
    public KpiResult?[] All { get; } = new KpiResult?[ScorecardRows.SlotCount];

    /// <summary>The row of a KPI's breakdown at its position in <see cref="ScorecardRows.BreakdownsOf"/>, or null.</summary>
    public KpiResult? Breakdown(int slot, int position) =>
        breakdowns[slot] is { } rows && position < rows.Length ? rows[position] : null;

    internal void SetBreakdown(int slot, int position, KpiResult row)
    {
        ref var rows = ref breakdowns[slot];
        if (rows is null || rows.Length <= position)
        {
            Array.Resize(ref rows, Math.Max(position + 1, rows?.Length * 2 ?? 20));
        }

        rows[position] = row;
    }
}

/// <summary>
/// One period's published rows (restricted or public), indexed for a page: per unit, its dimension-all row of each
/// catalogue KPI and its breakdown rows by position, the areas and their providers, the nations, and the breakdowns each
/// KPI has. The rows are the very objects written to Parquet. A period of a national run has over 100,000 rows, most of
/// them breakdowns, so a row is placed by its KPI's slot and its breakdown's position rather than by hashing its key, and
/// a page reads its cells by index.
/// </summary>
public sealed class ScorecardRows
{
    private static readonly Dictionary<string, int> Slots =
        KpiCatalogue.All.Select((k, i) => (k.Id, i)).ToDictionary(x => x.Id, x => x.i, StringComparer.Ordinal);

    private static readonly KpiResult?[] NoRows = new KpiResult?[KpiCatalogue.All.Count];

    private readonly Dictionary<(string Level, string UnitCode), UnitRows> units = [];

    /// <summary>Rows of KPIs outside the catalogue, by key.</summary>
    private readonly Dictionary<RowKey, KpiResult> others = [];

    /// <summary>Per catalogue KPI: its breakdowns in row order, and each one's position.</summary>
    private readonly List<(string Dimension, string Value)>[] breakdowns = [.. KpiCatalogue.All.Select(_ => new List<(string, string)>())];
    private readonly Dictionary<(string Dimension, string Value), int>[] positions =
        [.. KpiCatalogue.All.Select(_ => new Dictionary<(string, string), int>())];

    public ScorecardRows(IReadOnlyList<KpiResult> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0)
        {
            throw new ArgumentException("A period has rows for every unit and KPI; none were given.", nameof(rows));
        }

        var first = rows[0];
        Period = first.Period;
        PeriodStart = first.PeriodStart;
        PeriodEnd = first.PeriodEnd;
        AsOf = first.AsOf;
        var areas = new List<string>();
        var nations = new List<string>();
        var providers = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var lookup = new UnitLookup<UnitRows>(units, static (level, code) => new UnitRows(level, code));
        var kpi = new SlotLookup();
        (string? Dimension, string? Value, int Slot, int Position) lastBreakdown = (null, null, -1, -1);
        foreach (var row in rows)
        {
            var unit = lookup.Find(row.Level, row.UnitCode, out var added);
            if (added)
            {
                switch (row.Level)
                {
                    case KpiVocabulary.LevelArea:
                        areas.Add(row.UnitCode);
                        break;
                    case KpiVocabulary.LevelNation:
                        nations.Add(row.UnitCode);
                        break;
                    case KpiVocabulary.LevelProvider when row.AreaCode is { } area:
                        if (!providers.TryGetValue(area, out var list))
                        {
                            providers[area] = list = [];
                        }

                        list.Add(row.UnitCode);
                        break;
                }
            }

            var slot = kpi.SlotOf(row.KpiId);
            if (slot < 0)
            {
                others[KeyOf(row)] = row;
            }
            else if (row.Dimension == KpiVocabulary.DimensionAll)
            {
                unit.All[slot] = row;
            }
            else
            {
                // Rows come breakdown by breakdown, unit by unit: the position is looked up again only when the breakdown changes.
                if (lastBreakdown.Slot != slot || !ReferenceEquals(lastBreakdown.Dimension, row.Dimension)
                    || !ReferenceEquals(lastBreakdown.Value, row.DimensionValue))
                {
                    lastBreakdown = (row.Dimension, row.DimensionValue, slot, PositionOf(slot, row.Dimension, row.DimensionValue));
                }

                unit.SetBreakdown(slot, lastBreakdown.Position, row);
            }
        }

        Areas = areas;
        Nations = nations;
        ProvidersByArea = providers.ToDictionary(p => p.Key, p => (IReadOnlyList<string>)p.Value, StringComparer.Ordinal);
    }

    internal static int SlotCount => Slots.Count;

    public string Period { get; }

    public DateOnly PeriodStart { get; }

    public DateOnly PeriodEnd { get; }

    public DateOnly AsOf { get; }

    /// <summary>Area codes in the order of the rows.</summary>
    public IReadOnlyList<string> Areas { get; }

    public IReadOnlyList<string> Nations { get; }

    public IReadOnlyDictionary<string, IReadOnlyList<string>> ProvidersByArea { get; }

    public IReadOnlyList<string> ProvidersOf(string areaCode) => ProvidersByArea.GetValueOrDefault(areaCode) ?? [];

    public static RowKey KeyOf(KpiResult row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return new RowKey(row.Level, row.UnitCode, row.KpiId, row.Dimension, row.DimensionValue);
    }

    /// <summary>The place of a catalogue KPI in <see cref="RowsOf"/> and <see cref="QuarterPoints"/>; -1 for an id outside the catalogue.</summary>
    public static int Slot(string kpiId) => Slots.GetValueOrDefault(kpiId, -1);

    /// <summary>The unit's rows, or null when the period has none.</summary>
    public UnitRows? UnitOf(string level, string unitCode) => units.GetValueOrDefault((level, unitCode));

    /// <summary>The unit's dimension-all rows, by <see cref="Slot"/> (null where the unit has no row of that KPI).</summary>
    public IReadOnlyList<KpiResult?> RowsOf(string level, string unitCode) => UnitOf(level, unitCode)?.All ?? NoRows;

    public KpiResult? Find(RowKey key) => Find(key.Level, key.UnitCode, key.KpiId, key.Dimension, key.DimensionValue);

    public KpiResult? Find(string level, string unitCode, string kpiId, string dimension = KpiVocabulary.DimensionAll,
        string dimensionValue = KpiVocabulary.DimensionValueAll)
    {
        if (Slot(kpiId) is not (>= 0 and var slot))
        {
            return others.GetValueOrDefault(new RowKey(level, unitCode, kpiId, dimension, dimensionValue));
        }

        var unit = UnitOf(level, unitCode);
        return dimension == KpiVocabulary.DimensionAll ? unit?.All[slot]
            : positions[slot].TryGetValue((dimension, dimensionValue), out var position) ? unit?.Breakdown(slot, position)
            : null;
    }

    /// <summary>The (dimension, value) pairs other than <c>all</c> that this KPI has rows for, in row order: their positions.</summary>
    public IReadOnlyList<(string Dimension, string Value)> BreakdownsOf(string kpiId) =>
        Slot(kpiId) is >= 0 and var slot ? breakdowns[slot] : [];

    private int PositionOf(int slot, string dimension, string value)
    {
        if (!positions[slot].TryGetValue((dimension, value), out var position))
        {
            position = breakdowns[slot].Count;
            breakdowns[slot].Add((dimension, value));
            positions[slot][(dimension, value)] = position;
        }

        return position;
    }

    /// <summary>
    /// The points a later quarter's sparklines and direction of travel read, for every unit: its dimension-all row of each
    /// catalogue KPI, by <see cref="Slot"/>. Read straight from the period's rows, without indexing every breakdown row.
    /// </summary>
    public static QuarterPoints TrendPointsOf(IReadOnlyList<KpiResult> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0)
        {
            throw new ArgumentException("A period has rows for every unit and KPI; none were given.", nameof(rows));
        }

        var points = new Dictionary<(string Level, string UnitCode), TrendPoint[]>();
        var lookup = new UnitLookup<TrendPoint[]>(points, static (_, _) => new TrendPoint[Slots.Count]);
        var kpi = new SlotLookup();
        foreach (var row in rows)
        {
            if (row.Dimension == KpiVocabulary.DimensionAll && kpi.SlotOf(row.KpiId) is >= 0 and var slot)
            {
                lookup.Find(row.Level, row.UnitCode, out _)[slot] = new TrendPoint(row.Value, row.Suppressed);
            }
        }

        return new QuarterPoints(rows[0].Period, points);
    }

    /// <summary>The slot of a row's KPI, looked up again only when the KPI changes (rows come KPI by KPI).</summary>
    private struct SlotLookup()
    {
        private string? kpiId;
        private int slot = -1;

        public int SlotOf(string id)
        {
            if (!ReferenceEquals(id, kpiId))
            {
                (kpiId, slot) = (id, Slot(id));
            }

            return slot;
        }
    }

    /// <summary>
    /// A unit's entry by (level, code). The rows of one run share each unit code's string, so a code is first looked up by
    /// reference (cheap), then by value.
    /// </summary>
    private sealed class UnitLookup<T>(Dictionary<(string Level, string UnitCode), T> byValue, Func<string, string, T> create)
        where T : class
    {
        private readonly Dictionary<string, (string Level, T Entry)> byReference = new(ReferenceEqualityComparer.Instance);

        public T Find(string level, string code, out bool added)
        {
            added = false;
            if (byReference.TryGetValue(code, out var known) && known.Level == level)
            {
                return known.Entry;
            }

            if (!byValue.TryGetValue((level, code), out var entry))
            {
                byValue[(level, code)] = entry = create(level, code);
                added = true;
            }

            byReference.TryAdd(code, (level, entry));
            return entry;
        }
    }
}
