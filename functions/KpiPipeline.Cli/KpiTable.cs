using System.Globalization;
using System.Text;
using KpiPipeline.Kpis;

namespace KpiPipeline.Cli;

/// <summary>
/// Renders one unit's KPIs from restricted rows as a text table: a row per KPI, a column per quarter, values with their RAG
/// rating; then what a reader comparing it with the public dataset, or reading the last quarter, needs to know.
/// </summary>
public static class KpiTable
{
    public static void Write(TextWriter output, IReadOnlyList<KpiResult> results, string level, string unitCode, int maxPeriods)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(results);
        var rows = results.Where(r => r.Level == level && r.UnitCode == unitCode && r.Dimension == KpiVocabulary.DimensionAll).ToList();
        var periods = rows.Select(r => r.Period).Distinct().Order(StringComparer.Ordinal).TakeLast(maxPeriods).ToList();
        var kpis = rows.Select(r => r.KpiId).Distinct().ToList();
        var cells = rows.Where(r => periods.Contains(r.Period)).ToDictionary(r => (r.KpiId, r.Period), Cell);

        var idWidth = Math.Max(3, kpis.DefaultIfEmpty("KPI").Max(k => k.Length));
        var widths = periods.Select(p => Math.Max(p.Length, periods.Max(q => kpis.Max(k => cells.GetValueOrDefault((k, q), "").Length)))).ToList();
        var line = new StringBuilder();
        var unit = level == KpiVocabulary.LevelAll ? $"{unitCode} (every provider, area and nation together)" : $"{level} {unitCode}";
        output.WriteLine($"KPIs for {unit}, restricted dataset (value [rag], * = provisional)");
        line.Append("KPI".PadRight(idWidth));
        for (var i = 0; i < periods.Count; i++)
        {
            line.Append("  ").Append(periods[i].PadLeft(widths[i]));
        }

        output.WriteLine(line.ToString());
        output.WriteLine(new string('-', line.Length));
        foreach (var kpi in kpis)
        {
            line.Clear().Append(kpi.PadRight(idWidth));
            for (var i = 0; i < periods.Count; i++)
            {
                line.Append("  ").Append(cells.GetValueOrDefault((kpi, periods[i]), "").PadLeft(widths[i]));
            }

            output.WriteLine(line.ToString());
        }

        if (periods.Count > 0 && rows.FirstOrDefault(r => r.Period == periods[^1]) is { } last && last.PeriodEnd > last.AsOf)
        {
            var asOf = last.AsOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            output.WriteLine($"{last.Period} holds the as-of date {asOf} and is still in progress: its counts of what happens in a " +
                             "quarter (starts, exits, presentations, needles) cover part of it, and its ratings read them as they stand.");
        }

        output.WriteLine("The public dataset rounds counts to the nearest 5 and withholds small ones (disclosure control), so its figures differ a little from these.");
    }

    private static string Cell(KpiResult row)
    {
        var value = row.Value is { } v ? v.ToString("0.##", CultureInfo.InvariantCulture) : "-";
        var rag = row.Rag == KpiVocabulary.RagNone ? string.Empty : $" [{row.Rag}]";
        var provisional = row.Status == KpiVocabulary.StatusProvisional ? "*" : string.Empty;
        return value + provisional + rag;
    }
}
