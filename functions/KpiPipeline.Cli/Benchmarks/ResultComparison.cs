using System.Globalization;
using KpiPipeline.Kpis;
using KpiPipeline.Kpis.Catalogue;

namespace KpiPipeline.Cli.Benchmarks;

/// <summary>How the project's KPI rows and DuckDB's compare over the benchmark's subset.</summary>
/// <param name="Compared">Rows present on both sides and compared field by field.</param>
/// <param name="Differences">Descriptions of the first differences (at most <see cref="ResultComparison.MaxListed"/>).</param>
/// <param name="DifferenceCount">Every difference: a row on one side only, or a numerator, denominator, value or status that differs.</param>
public sealed record ComparisonOutcome(long Compared, IReadOnlyList<string> Differences, long DifferenceCount)
{
    public bool Agree => DifferenceCount == 0 && Compared > 0;
}

/// <summary>
/// Compares numerator, denominator, value and status of every KPI row of the subset that DuckDB computes
/// (<see cref="ComparedKpis"/> at provider and area level, every quarter, dimension ALL and each substance group).
/// </summary>
public static class ResultComparison
{
    public const int MaxListed = 20;

    public static IReadOnlySet<string> ComparedKpis { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        KpiIds.Vol01, KpiIds.Acc01, KpiIds.Ret01, KpiIds.Ext01, KpiIds.Ext02,
    };

    private static readonly string[] ComparedLevels = [KpiVocabulary.LevelProvider, KpiVocabulary.LevelArea];

    /// <summary>The dimensions the DuckDB side computes; the version 1.1 breakdowns (treatment goal, sex, age band) are not compared.</summary>
    private static readonly string[] ComparedDimensions = [KpiVocabulary.DimensionAll, KpiVocabulary.DimensionSubstanceGroup];

    private sealed record Figures(long? Numerator, long? Denominator, double? Value, string Status)
    {
        public override string ToString() =>
            string.Create(CultureInfo.InvariantCulture, $"{Numerator?.ToString(CultureInfo.InvariantCulture) ?? "blank"}/{Denominator?.ToString(CultureInfo.InvariantCulture) ?? "blank"} = {Value?.ToString(CultureInfo.InvariantCulture) ?? "blank"} ({Status})");
    }

    public static ComparisonOutcome Compare(IEnumerable<KpiResult> project, string duckDbCsv)
    {
        ArgumentNullException.ThrowIfNull(project);
        var duck = ReadDuckDb(duckDbCsv);
        var differences = new List<string>();
        long count = 0;
        long compared = 0;

        void Differ(string text)
        {
            count++;
            if (differences.Count < MaxListed)
            {
                differences.Add(text);
            }
        }

        foreach (var row in project)
        {
            if (!ComparedKpis.Contains(row.KpiId) || Array.IndexOf(ComparedLevels, row.Level) < 0
                || Array.IndexOf(ComparedDimensions, row.Dimension) < 0)
            {
                continue;
            }

            var key = Key(row.Period, row.Level, row.UnitCode, row.KpiId, row.DimensionValue);
            var ours = new Figures(row.Numerator, row.Denominator, row.Value, row.Status);
            if (!duck.Remove(key, out var theirs))
            {
                Differ($"{key}: project {ours}, DuckDB has no row");
                continue;
            }

            compared++;
            var sameValue = ours.Value is null ? theirs.Value is null : theirs.Value is { } v && Math.Abs(v - ours.Value.Value) < 1e-9;
            if (ours.Numerator != theirs.Numerator || ours.Denominator != theirs.Denominator || !sameValue || ours.Status != theirs.Status)
            {
                Differ($"{key}: project {ours}, DuckDB {theirs}");
            }
        }

        foreach (var (key, theirs) in duck)
        {
            Differ($"{key}: DuckDB {theirs}, the project has no row");
        }

        return new ComparisonOutcome(compared, differences, count);
    }

    private static string Key(string period, string level, string unit, string kpi, string dimensionValue) =>
        $"{period} {level} {unit} {kpi} {dimensionValue}";

    private static Dictionary<string, Figures> ReadDuckDb(string path)
    {
        var rows = new Dictionary<string, Figures>(StringComparer.Ordinal);
        using var reader = new StreamReader(path);
        var header = reader.ReadLine()?.Split(',') ?? throw new InvalidDataException($"{path} is empty.");
        int Column(string name) => Array.IndexOf(header, name) is var i and >= 0 ? i : throw new InvalidDataException($"{path} has no column {name}.");
        var (period, level, unit, kpi, dimension, numerator, denominator, value, status) = (
            Column("period"), Column("level"), Column("unit_code"), Column("kpi_id"), Column("dimension_value"),
            Column("numerator"), Column("denominator"), Column("value"), Column("status"));
        while (reader.ReadLine() is { } line)
        {
            var f = line.Split(',');
            rows[Key(f[period], f[level], f[unit], f[kpi], f[dimension])] = new Figures(
                Long(f[numerator]), Long(f[denominator]),
                f[value].Length == 0 ? null : double.Parse(f[value], CultureInfo.InvariantCulture), f[status]);
        }

        return rows;
    }

    private static long? Long(string text) => text.Length == 0 ? null : long.Parse(text, CultureInfo.InvariantCulture);
}
