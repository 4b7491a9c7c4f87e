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

/// <summary>
/// One period's published rows (restricted or public), indexed for a page: by key, the areas and their providers, the
/// nations, and the breakdowns each KPI has. The rows are the very objects written to Parquet.
/// </summary>
public sealed class ScorecardRows
{
    private static readonly Dictionary<string, int> Slots =
        KpiCatalogue.All.Select((k, i) => (k.Id, i)).ToDictionary(x => x.Id, x => x.i, StringComparer.Ordinal);

    private static readonly KpiResult?[] NoRows = new KpiResult?[KpiCatalogue.All.Count];

    /// <summary>Dimension-all rows per unit, one slot per catalogue KPI (a page reads these thousands of times).</summary>
    private readonly Dictionary<(string Level, string UnitCode), KpiResult?[]> unitRows = [];

    /// <summary>Every other row (breakdowns, and KPIs outside the catalogue).</summary>
    private readonly Dictionary<RowKey, KpiResult> byKey;
    private readonly Dictionary<string, List<(string Dimension, string Value)>> breakdowns = new(StringComparer.Ordinal);

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
        byKey = [];
        var areas = new List<string>();
        var nations = new List<string>();
        var providers = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var seenUnits = new HashSet<(string, string)>();
        var seenBreakdowns = new HashSet<(string, string, string)>();
        foreach (var row in rows)
        {
            if (row.Dimension == KpiVocabulary.DimensionAll && Slots.TryGetValue(row.KpiId, out var slot))
            {
                if (!unitRows.TryGetValue((row.Level, row.UnitCode), out var slots))
                {
                    unitRows[(row.Level, row.UnitCode)] = slots = new KpiResult?[Slots.Count];
                }

                slots[slot] = row;
            }
            else
            {
                byKey[KeyOf(row)] = row;
            }

            if (seenUnits.Add((row.Level, row.UnitCode)))
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

            if (row.Dimension != KpiVocabulary.DimensionAll && seenBreakdowns.Add((row.KpiId, row.Dimension, row.DimensionValue)))
            {
                if (!breakdowns.TryGetValue(row.KpiId, out var list))
                {
                    breakdowns[row.KpiId] = list = [];
                }

                list.Add((row.Dimension, row.DimensionValue));
            }
        }

        Areas = areas;
        Nations = nations;
        ProvidersByArea = providers.ToDictionary(p => p.Key, p => (IReadOnlyList<string>)p.Value, StringComparer.Ordinal);
    }

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

    /// <summary>The unit's dimension-all rows, by <see cref="Slot"/> (null where the unit has no row of that KPI).</summary>
    public IReadOnlyList<KpiResult?> RowsOf(string level, string unitCode) => unitRows.GetValueOrDefault((level, unitCode)) ?? NoRows;

    public KpiResult? Find(RowKey key) => Find(key.Level, key.UnitCode, key.KpiId, key.Dimension, key.DimensionValue);

    public KpiResult? Find(string level, string unitCode, string kpiId, string dimension = KpiVocabulary.DimensionAll,
        string dimensionValue = KpiVocabulary.DimensionValueAll) =>
        dimension == KpiVocabulary.DimensionAll && Slot(kpiId) is >= 0 and var slot
            ? RowsOf(level, unitCode)[slot]
            : byKey.GetValueOrDefault(new RowKey(level, unitCode, kpiId, dimension, dimensionValue));

    /// <summary>The (dimension, value) pairs other than <c>all</c> that this KPI has rows for, in row order.</summary>
    public IReadOnlyList<(string Dimension, string Value)> BreakdownsOf(string kpiId) =>
        breakdowns.GetValueOrDefault(kpiId) ?? [];

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
        foreach (var row in rows)
        {
            if (row.Dimension == KpiVocabulary.DimensionAll && Slots.TryGetValue(row.KpiId, out var slot))
            {
                if (!points.TryGetValue((row.Level, row.UnitCode), out var unit))
                {
                    points[(row.Level, row.UnitCode)] = unit = new TrendPoint[Slots.Count];
                }

                unit[slot] = new TrendPoint(row.Value, row.Suppressed);
            }
        }

        return new QuarterPoints(rows[0].Period, points);
    }
}
