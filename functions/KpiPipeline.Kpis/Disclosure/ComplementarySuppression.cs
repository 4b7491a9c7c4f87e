using KpiPipeline.Kpis.Catalogue;

namespace KpiPipeline.Kpis.Disclosure;

/// <summary>
/// Complementary suppression of the public rows of one period (added to outputs.md section 4; docs/kpis.md, "Disclosure:
/// complementary suppression"). Rounding to 5 and blanking 1–7 does not always hide a blanked count: a breakdown adds up to
/// its total, so an analyst who knows that a published count r stands for r − 2 … r + 2 (0 for 0) and a blank for 1 … 7 can
/// sometimes pin the blank exactly (a total of 170 with M 115, F 60 and X blank leaves X at most 172 − 113 − 58 = 1).
/// </summary>
/// <remarks>
/// The counts are tied by additive groups: each breakdown (the cells of one dimension) and the row of the same KPI and unit
/// it breaks down; where the areas' nations are known, each nation and its areas and ALL and the nations (same KPI and
/// breakdown cell); and EXT01 = EXT02 + EXT03 (numerators, same unit and cell). The analyst's bounds are tightened through
/// every group in turn until none narrows further (bounds propagation, as an analyst would combine the groups). When a count
/// blanked for being 1–7 is then left with one value, the smallest published count of a group holding it (a cell before a
/// total; one that leaves that group's blanks unpinned if there is one) is withheld as well: every non-zero count of its row
/// is blanked, so that its other count does not bound it, its value is blank and the row suppressed. Then everything is
/// worked out again, until no such count is pinned. A withheld count is taken as known to be 8 or more, the most an analyst
/// could learn of it. Numerators and denominators are separate variables; zeros stay published (a zero hides nothing).
/// </remarks>
internal static class ComplementarySuppression
{
    private const long Unbounded = 1L << 40;
    private const int MaxRounds = 64;

    /// <summary>Blanks further counts of <paramref name="rows"/> (public, one period) as needed; <paramref name="sources"/> are their restricted rows.</summary>
    public static void Apply(List<KpiResult> rows, IReadOnlyList<KpiResult> sources, IReadOnlyDictionary<string, string>? nationOfArea)
    {
        var small = new List<int>();
        for (var row = 0; row < rows.Count; row++)
        {
            for (var column = 0; column < 2; column++)
            {
                if (IsSmall(Count(sources[row], column)))
                {
                    small.Add(Variable(row, column));
                }
            }
        }

        if (small.Count == 0)
        {
            return;
        }

        var groups = Groups(rows, sources, nationOfArea);
        var groupsOf = new Dictionary<int, List<int>>();
        for (var g = 0; g < groups.Count; g++)
        {
            foreach (var variable in groups[g])
            {
                if (!groupsOf.TryGetValue(variable, out var list))
                {
                    groupsOf[variable] = list = [];
                }

                list.Add(g);
            }
        }

        var givenUp = new HashSet<int>();
        var low = new long[rows.Count * 2];
        var high = new long[rows.Count * 2];
        while (true)
        {
            Bound(rows, sources, low, high);
            Propagate(groups, low, high);
            // Every count pinned now gets a complement in one go (one per group it is in), then all is worked out again:
            // a round per complement cost seconds a run.
            var touchedGroups = new HashSet<int>();
            var withheldNow = false;
            foreach (var pinned in small)
            {
                if (low[pinned] != high[pinned] || givenUp.Contains(pinned))
                {
                    continue;
                }

                var itsGroups = groupsOf.GetValueOrDefault(pinned) ?? [];
                if (itsGroups.Any(touchedGroups.Contains))
                {
                    continue;
                }

                var chosen = Complement(pinned, itsGroups, groups, rows, sources);
                if (chosen < 0)
                {
                    givenUp.Add(pinned);
                    continue;
                }

                Withhold(rows, chosen);
                withheldNow = true;
                touchedGroups.UnionWith(itsGroups);
                touchedGroups.UnionWith(groupsOf.GetValueOrDefault(Variable(chosen, 0)) ?? []);
                touchedGroups.UnionWith(groupsOf.GetValueOrDefault(Variable(chosen, 1)) ?? []);
            }

            if (!withheldNow)
            {
                return;
            }
        }
    }

    /// <summary>Blanks every non-zero count of <paramref name="row"/>, so that none bounds another, with its value and rating.</summary>
    private static void Withhold(List<KpiResult> rows, int row)
    {
        var result = rows[row];
        rows[row] = result with
        {
            Numerator = result.Numerator is 0 ? 0 : null,
            Denominator = result.Denominator is 0 ? 0 : null,
            Value = null,
            Rag = KpiVocabulary.RagNone,
            Suppressed = true,
        };
    }

    private static bool IsSmall(long? count) => count is > 0 and < Disclosure.SmallestShown;

    private static int Variable(int row, int column) => (row * 2) + column;

    private static long? Count(KpiResult row, int column) => column == 0 ? row.Numerator : row.Denominator;

    /// <summary>What an analyst knows of each count from the public rows alone (<see cref="Initial"/>).</summary>
    private static void Bound(List<KpiResult> rows, IReadOnlyList<KpiResult> sources, long[] low, long[] high)
    {
        for (var v = 0; v < low.Length; v++)
        {
            (low[v], high[v]) = Initial(v, rows, sources);
        }
    }

    /// <summary>Tightens every count's bounds through every group (total = sum of cells) until nothing narrows.</summary>
    private static void Propagate(List<int[]> groups, long[] low, long[] high)
    {
        for (var round = 0; round < MaxRounds; round++)
        {
            var changed = false;
            foreach (var group in groups)
            {
                changed |= Tighten(group, low, high);
            }

            if (!changed)
            {
                return;
            }
        }
    }

    /// <summary>One group's equation applied to its bounds; true when any narrowed. Bounds the data contradict are left as they were.</summary>
    private static bool Tighten(int[] group, long[] low, long[] high)
    {
        long lowSum = 0, highSum = 0;
        for (var g = 1; g < group.Length; g++)
        {
            lowSum += low[group[g]];
            highSum += high[group[g]];
        }

        var changed = false;
        var total = group[0];
        changed |= Narrow(total, lowSum, highSum, low, high);
        for (var g = 1; g < group.Length; g++)
        {
            var v = group[g];
            changed |= Narrow(v, low[total] - (highSum - high[v]), high[total] - (lowSum - low[v]), low, high);
        }

        return changed;
    }

    private static bool Narrow(int v, long newLow, long newHigh, long[] low, long[] high)
    {
        var l = Math.Max(low[v], Math.Max(newLow, -Unbounded));
        var h = Math.Min(high[v], Math.Min(newHigh, Unbounded));
        if (l > h || (l == low[v] && h == high[v]))
        {
            return false;
        }

        (low[v], high[v]) = (l, h);
        return true;
    }

    /// <summary>
    /// The row to withhold for pinned count <paramref name="pinned"/>: in the groups holding it, the smallest published count
    /// (a cell before a total) whose withholding leaves that group's small counts unpinned by the group alone, else the
    /// smallest; -1 when there is none.
    /// </summary>
    private static int Complement(
        int pinned, List<int> groupIndexes, List<int[]> groups, List<KpiResult> rows, IReadOnlyList<KpiResult> sources)
    {
        var candidates = new List<(int Variable, int Group, bool IsTotal, long Published)>();
        foreach (var g in groupIndexes)
        {
            var group = groups[g];
            for (var i = 0; i < group.Length; i++)
            {
                var v = group[i];
                var row = v / 2;
                // A withheld row's counts are blank (or 0), so it is never a candidate again.
                if (v != pinned && Count(rows[row], v % 2) is { } published && published > 0 && !IsSmall(Count(sources[row], v % 2)))
                {
                    candidates.Add((v, g, i == 0, published));
                }
            }
        }

        if (candidates.Count == 0)
        {
            return -1;
        }

        var ordered = candidates.OrderBy(c => c.IsTotal).ThenBy(c => c.Published).ThenBy(c => c.Variable).ToList();
        foreach (var candidate in ordered)
        {
            var group = groups[candidate.Group];
            var trial = group.Select(v => v == candidate.Variable ? (Low: (long)Disclosure.SmallestShown, High: Unbounded) : Initial(v, rows, sources)).ToArray();
            var trialLow = trial.Select(b => b.Low).ToArray();
            var trialHigh = trial.Select(b => b.High).ToArray();
            var local = Enumerable.Range(0, group.Length).ToArray();
            Tighten(local, trialLow, trialHigh);
            if (!Enumerable.Range(0, group.Length).Any(i => IsSmall(Count(sources[group[i] / 2], group[i] % 2)) && trialLow[i] == trialHigh[i]))
            {
                return candidate.Variable / 2;
            }
        }

        return ordered[0].Variable / 2;
    }

    /// <summary>
    /// A count's bounds from its own row alone: any value where the row has no such count, 1–7 when blanked for being small,
    /// 0 for 0, 8 or more when withheld, else its published value ± 2.
    /// </summary>
    private static (long Low, long High) Initial(int v, List<KpiResult> rows, IReadOnlyList<KpiResult> sources)
    {
        var original = Count(sources[v / 2], v % 2);
        if (original is null or < 0)
        {
            return (-Unbounded, Unbounded);
        }

        if (IsSmall(original))
        {
            return (1, Disclosure.SmallestShown - 1);
        }

        return Count(rows[v / 2], v % 2) is { } published
            ? (published == 0 ? (0, 0) : (published - 2, published + 2))
            : (Disclosure.SmallestShown, Unbounded);
    }

    /// <summary>Every additive group of the counts (variables: row × 2 + 0 for the numerator, 1 for the denominator), its total first.</summary>
    private static List<int[]> Groups(List<KpiResult> rows, IReadOnlyList<KpiResult> sources, IReadOnlyDictionary<string, string>? nationOfArea)
    {
        var groups = new List<int[]>();
        var totals = new Dictionary<(string Kpi, string Unit), int>();
        var cells = new Dictionary<(string Kpi, string Unit, string Dimension), List<int>>();
        var byUnit = new Dictionary<(string Kpi, string Dimension, string Value, string Unit), int>();
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            if (row.Dimension == KpiVocabulary.DimensionAll)
            {
                totals[(row.KpiId, row.UnitCode)] = i;
            }
            else
            {
                var key = (row.KpiId, row.UnitCode, row.Dimension);
                if (!cells.TryGetValue(key, out var list))
                {
                    cells[key] = list = [];
                }

                list.Add(i);
            }

            byUnit[(row.KpiId, row.Dimension, row.DimensionValue, row.UnitCode)] = i;
        }

        var rowGroups = new List<int[]>();
        foreach (var ((kpi, unit, _), list) in cells)
        {
            if (list.Count > 1 && totals.TryGetValue((kpi, unit), out var total))
            {
                rowGroups.Add([total, .. list]);
            }
        }

        var unitCodes = rows.Select(r => r.UnitCode).Distinct(StringComparer.Ordinal).ToList();
        var seen = new HashSet<(string Kpi, string Dimension, string Value)>();
        var areasOfNation = nationOfArea?.GroupBy(p => p.Value, p => p.Key).ToDictionary(g => g.Key, g => g.Order(StringComparer.Ordinal).ToList());
        foreach (var row in rows)
        {
            if (!seen.Add((row.KpiId, row.Dimension, row.DimensionValue)))
            {
                continue;
            }

            int RowOf(string kpi, string unit) => byUnit.TryGetValue((kpi, row.Dimension, row.DimensionValue, unit), out var i) ? i : -1;
            if (areasOfNation is not null)
            {
                AddHierarchy(rowGroups, areasOfNation, unit => RowOf(row.KpiId, unit));
            }

            if (row.KpiId == KpiIds.Ext01)
            {
                // EXT03's numerator is EXT01's less EXT02's (kpis.md 10.2), unit by unit.
                foreach (var unit in unitCodes)
                {
                    var (ext01, ext02, ext03) = (RowOf(KpiIds.Ext01, unit), RowOf(KpiIds.Ext02, unit), RowOf(KpiIds.Ext03, unit));
                    if (ext01 >= 0 && ext02 >= 0 && ext03 >= 0)
                    {
                        AddGroup([Variable(ext01, 0), Variable(ext02, 0), Variable(ext03, 0)]);
                    }
                }
            }
        }

        foreach (var group in rowGroups)
        {
            AddGroup([.. group.Select(r => Variable(r, 0))]);
            AddGroup([.. group.Select(r => Variable(r, 1))]);
        }

        return groups;

        void AddGroup(int[] variables)
        {
            // A group counts only when every member has the count.
            if (variables.All(v => Count(sources[v / 2], v % 2) is >= 0))
            {
                groups.Add(variables);
            }
        }
    }

    /// <summary>
    /// The row groups of one KPI and breakdown cell: each nation with its areas, and ALL with the nations, where every member
    /// has a row; a nation of one area is that area (a re-audit on 2026-12-06 recovered counts through one).
    /// </summary>
    private static void AddHierarchy(List<int[]> groups, Dictionary<string, List<string>> areasOfNation, Func<string, int> rowOf)
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
            var areaRows = new List<int>(areas.Count);
            foreach (var area in areas)
            {
                if (rowOf(area) is var areaRow and >= 0)
                {
                    areaRows.Add(areaRow);
                }
            }

            if (areaRows.Count > 0 && areaRows.Count == areas.Count)
            {
                groups.Add([nationRow, .. areaRows]);
            }
        }

        if (nations.Count > 0 && nations.Count == areasOfNation.Count && rowOf(KpiVocabulary.UnitAll) is var all and >= 0)
        {
            groups.Add([all, .. nations]);
        }
    }
}
