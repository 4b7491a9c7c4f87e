using KpiPipeline.Kpis.Catalogue;
using KpiPipeline.Kpis.Engine;

namespace KpiPipeline.Kpis.Disclosure;

internal static partial class ComplementarySuppression
{
    /// <summary>How a <see cref="PlanStep"/> relates its counts.</summary>
    internal enum PlanStepKind
    {
        /// <summary>The first count is the sum of the others, where the counts say so (<see cref="Relations"/>).</summary>
        Group,

        /// <summary>The first count is at most the second, where the counts say so.</summary>
        AtMost,

        /// <summary>One count published by each of several KPIs: each that has it is a group of two with the first that has it.</summary>
        Shared,
    }

    /// <summary>A relation a period's layout allows between counts (variables: row × 2 + column).</summary>
    internal readonly record struct PlanStep(PlanStepKind Kind, int[] Variables);

    /// <summary>
    /// The relations a period's public rows could have from their layout alone (each row's KPI, unit and breakdown cell, and
    /// each area's nation), in the order <see cref="Relations"/> checks them against the counts: the same for every period of a
    /// publication (<see cref="DisclosureLayouts"/>), where working them out took a fifth of disclosure control's time.
    /// </summary>
    internal sealed class Plan
    {
        private readonly string[] kpiIds;
        private readonly string[] unitCodes;
        private readonly string[] dimensions;
        private readonly string[] dimensionValues;
        private readonly IReadOnlyDictionary<string, string>? nationOfArea;

        private Plan(List<KpiResult> rows, IReadOnlyDictionary<string, string>? nationOfArea, PlanStep[] steps, int[] medianRows)
        {
            kpiIds = [.. rows.Select(r => r.KpiId)];
            unitCodes = [.. rows.Select(r => r.UnitCode)];
            dimensions = [.. rows.Select(r => r.Dimension)];
            dimensionValues = [.. rows.Select(r => r.DimensionValue)];
            this.nationOfArea = nationOfArea;
            Steps = steps;
            MedianRows = medianRows;
        }

        /// <summary>The relations, in order.</summary>
        public PlanStep[] Steps { get; }

        /// <summary>The rows of a median (ACC02): the n of one ending in .5 is even.</summary>
        public int[] MedianRows { get; }

        /// <summary>Whether <paramref name="rows"/> and <paramref name="nations"/> are the layout this plan was made for.</summary>
        public bool Fits(List<KpiResult> rows, IReadOnlyDictionary<string, string>? nations)
        {
            if (rows.Count != kpiIds.Length || !ReferenceEquals(nations, nationOfArea))
            {
                return false;
            }

            for (var i = 0; i < rows.Count; i++)
            {
                var row = rows[i];
                if (!Same(row.KpiId, kpiIds[i]) || !Same(row.UnitCode, unitCodes[i]) || !Same(row.Dimension, dimensions[i])
                    || !Same(row.DimensionValue, dimensionValues[i]))
                {
                    return false;
                }
            }

            return true;

            static bool Same(string a, string b) => ReferenceEquals(a, b) || string.Equals(a, b, StringComparison.Ordinal);
        }

        /// <summary>The relations the layout of <paramref name="rows"/> allows, with <paramref name="nationOfArea"/> (null: breakdowns only).</summary>
        public static Plan Of(List<KpiResult> rows, IReadOnlyDictionary<string, string>? nationOfArea)
        {
            var steps = new List<PlanStep>();

            // Every row's KPI, unit, dimension and value as small integers: one string lookup each (a string key hashes fast,
            // a tuple of strings does not), then integer keys for everything else.
            var (kpis, units, dimensions, values) = (new Ids(), new Ids(), new Ids(), new Ids());
            var rowKeys = new (int Kpi, int Unit, int Dimension, int Value)[rows.Count];
            for (var i = 0; i < rows.Count; i++)
            {
                var row = rows[i];
                rowKeys[i] = (kpis.Of(row.KpiId), units.Of(row.UnitCode), dimensions.Of(row.Dimension), values.Of(row.DimensionValue));
            }

            var all = dimensions.Find(KpiVocabulary.DimensionAll);
            var totals = new Dictionary<(int Kpi, int Unit), int>();
            var cells = new Dictionary<(int Kpi, int Unit, int Dimension), List<int>>();
            var byUnit = new Dictionary<(int Kpi, int Dimension, int Value, int Unit), int>();
            for (var i = 0; i < rows.Count; i++)
            {
                var (kpi, unit, dimension, value) = rowKeys[i];
                if (dimension == all)
                {
                    totals[(kpi, unit)] = i;
                }
                else
                {
                    if (!cells.TryGetValue((kpi, unit, dimension), out var list))
                    {
                        cells[(kpi, unit, dimension)] = list = [];
                    }

                    list.Add(i);
                }

                byUnit[(kpi, dimension, value, unit)] = i;
            }

            var rowGroups = new List<int[]>();
            foreach (var ((kpi, unit, _), list) in cells)
            {
                if (list.Count > 1 && totals.TryGetValue((kpi, unit), out var total))
                {
                    rowGroups.Add([total, .. list]);
                }
            }

            // The tables' KPIs and the nations' units as the rows' integers, once (-1: no row has it).
            var shared = SharedCounts.Select(counts => counts.Select(c => (Kpi: kpis.Find(c.Kpi), c.Column)).ToArray()).ToArray();
            var ordered = Ordered.Select(o => (Smaller: (Kpi: kpis.Find(o.Smaller.Kpi), o.Smaller.Column), Larger: (Kpi: kpis.Find(o.Larger.Kpi), o.Larger.Column))).ToArray();
            var (ext01, ext02, ext03) = (kpis.Find(KpiIds.Ext01), kpis.Find(KpiIds.Ext02), kpis.Find(KpiIds.Ext03));
            var areasOfNation = nationOfArea?.GroupBy(p => p.Value, p => p.Key)
                .Select(g => (Nation: units.Find(g.Key), Areas: g.Order(StringComparer.Ordinal).Select(units.Find).ToArray()))
                .ToList();
            var allUnit = units.Find(KpiVocabulary.UnitAll);

            var seen = new HashSet<(int Kpi, int Dimension, int Value)>();
            foreach (var (rowKpi, _, dimension, value) in rowKeys)
            {
                if (!seen.Add((rowKpi, dimension, value)))
                {
                    continue;
                }

                int RowOf(int kpi, int unit) => kpi >= 0 && unit >= 0 && byUnit.TryGetValue((kpi, dimension, value, unit), out var i) ? i : -1;
                if (areasOfNation is not null)
                {
                    AddHierarchy(rowGroups, areasOfNation, allUnit, unit => RowOf(rowKpi, unit));
                }

                foreach (var counts in shared)
                {
                    if (counts[0].Kpi != rowKpi)
                    {
                        continue;
                    }

                    for (var unit = 0; unit < units.Count; unit++)
                    {
                        var published = new List<int>(counts.Length);
                        foreach (var (kpi, column) in counts)
                        {
                            if (RowOf(kpi, unit) is var r and >= 0)
                            {
                                published.Add(Variable(r, column));
                            }
                        }

                        if (published.Count > 1)
                        {
                            steps.Add(new PlanStep(PlanStepKind.Shared, [.. published]));
                        }
                    }
                }

                foreach (var (smaller, larger) in ordered)
                {
                    if (smaller.Kpi != rowKpi)
                    {
                        continue;
                    }

                    for (var unit = 0; unit < units.Count; unit++)
                    {
                        var (s, l) = (RowOf(rowKpi, unit), RowOf(larger.Kpi, unit));
                        if (s >= 0 && l >= 0)
                        {
                            steps.Add(AtMost(Variable(s, smaller.Column), Variable(l, larger.Column)));
                        }
                    }
                }

                if (rowKpi == ext01)
                {
                    // EXT03's numerator is EXT01's less EXT02's (kpis.md 10.2), unit by unit.
                    for (var unit = 0; unit < units.Count; unit++)
                    {
                        var (whole, without, with) = (RowOf(ext01, unit), RowOf(ext02, unit), RowOf(ext03, unit));
                        if (whole >= 0 && without >= 0 && with >= 0)
                        {
                            steps.Add(new PlanStep(PlanStepKind.Group, [Variable(whole, 0), Variable(without, 0), Variable(with, 0)]));
                        }
                    }
                }
            }

            foreach (var group in rowGroups)
            {
                for (var column = 0; column < 2; column++)
                {
                    var variables = new int[group.Length];
                    for (var m = 0; m < group.Length; m++)
                    {
                        variables[m] = Variable(group[m], column);
                    }

                    steps.Add(new PlanStep(PlanStepKind.Group, variables));
                }
            }

            KpiEntry? entry = null;
            for (var row = 0; row < rows.Count; row++)
            {
                // A proportion's numerator counts some of its denominator's people (POP01, NSP04 and CAP01 are ratios). Rows
                // come KPI by KPI: the entry is looked up again only when the KPI changes.
                entry = entry is not null && ReferenceEquals(entry.Definition.Id, rows[row].KpiId) ? entry : KpiRun.Entry(rows[row].KpiId);
                if (entry is { PublicValue: null, Definition.Unit: KpiUnit.Percent })
                {
                    steps.Add(AtMost(Variable(row, 0), Variable(row, 1)));
                }
            }

            // HRM01's denominator, distinct OPIATE clients in treatment, is VOL01's OPIATE cell at the same unit.
            var (hrm01, vol01, allValue) = (kpis.Find(KpiIds.Hrm01), kpis.Find(KpiIds.Vol01), values.Find(KpiVocabulary.DimensionValueAll));
            var (substance, opiate) = (dimensions.Find(KpiVocabulary.DimensionSubstanceGroup), values.Find("OPIATE"));
            for (var unit = 0; unit < units.Count; unit++)
            {
                if (byUnit.TryGetValue((hrm01, all, allValue, unit), out var h) && byUnit.TryGetValue((vol01, substance, opiate, unit), out var o))
                {
                    steps.Add(new PlanStep(PlanStepKind.Group, [Variable(h, 1), Variable(o, 0)]));
                }
            }

            var medianRows = Enumerable.Range(0, rows.Count).Where(row => rows[row].KpiId == KpiIds.Acc02).ToArray();
            return new Plan(rows, nationOfArea, [.. steps], medianRows);

            static PlanStep AtMost(int smaller, int larger) => new(PlanStepKind.AtMost, [smaller, larger]);
        }

        /// <summary>
        /// The row groups of one KPI and breakdown cell: each nation with its areas, and ALL with the nations, where every member
        /// has a row; a nation of one area is that area (a re-audit on 2026-12-06 recovered counts through one).
        /// </summary>
        private static void AddHierarchy(List<int[]> groups, List<(int Nation, int[] Areas)> areasOfNation, int allUnit, Func<int, int> rowOf)
        {
            var nations = new List<int>();
            foreach (var (nation, areas) in areasOfNation)
            {
                var nationRow = rowOf(nation);
                if (nationRow < 0)
                {
                    continue;
                }

                nations.Add(nationRow);
                var areaRows = new List<int>(areas.Length);
                foreach (var area in areas)
                {
                    if (rowOf(area) is var areaRow and >= 0)
                    {
                        areaRows.Add(areaRow);
                    }
                }

                if (areaRows.Count > 0 && areaRows.Count == areas.Length)
                {
                    groups.Add([nationRow, .. areaRows]);
                }
            }

            if (nations.Count > 0 && nations.Count == areasOfNation.Count && rowOf(allUnit) is var all and >= 0)
            {
                groups.Add([all, .. nations]);
            }
        }


        /// <summary>Small integers for the distinct strings of one column, in order of first sight.</summary>
        private sealed class Ids
        {
            private readonly Dictionary<string, int> ids = new(StringComparer.Ordinal);

            public int Count => ids.Count;

            public int Of(string text) => ids.TryGetValue(text, out var id) ? id : ids[text] = ids.Count;

            /// <summary>The string's integer, -1 if it was never seen.</summary>
            public int Find(string text) => ids.TryGetValue(text, out var id) ? id : -1;
        }
    }
}
