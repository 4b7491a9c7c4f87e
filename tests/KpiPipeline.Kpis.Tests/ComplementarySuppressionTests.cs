using KpiPipeline.Kpis.Catalogue;

namespace KpiPipeline.Kpis.Tests;

/// <summary>
/// Complementary suppression in the public dataset: no count blanked for being 1–7 can be worked out exactly from the
/// published counts of a breakdown and its total, or of the areas of a nation and the nation, or of the nations and ALL.
/// </summary>
public class ComplementarySuppressionTests
{
    private static readonly DateOnly Start = new(2025, 4, 1);

    private static KpiResult Row(string unit, string level, string dimension, string value, long numerator, long? denominator = null, string kpi = KpiIds.Vol01) =>
        new("2025-26-Q1", Start, new DateOnly(2025, 6, 30), new DateOnly(2025, 9, 30), level, unit, level == "area" ? unit : null, kpi, dimension, value,
            numerator, denominator, denominator is { } d ? 100.0 * numerator / d : numerator, null, "none", "none", "final", false);

    private static KpiResult Cell(string value, long count, string unit = "A1") => Row(unit, "area", "sex", value, count);

    private static KpiResult Total(long count, string unit = "A1") => Row(unit, "area", "all", "ALL", count);

    /// <summary>ACC01 at area A1 as numerator and denominator: all, then M, F and X.</summary>
    private static KpiResult[] PercentsBySex((long N, long D) all, (long N, long D) m, (long N, long D) f, (long N, long D) x) =>
    [
        Row("A1", "area", "all", "ALL", all.N, all.D, KpiIds.Acc01),
        Row("A1", "area", "sex", "M", m.N, m.D, KpiIds.Acc01),
        Row("A1", "area", "sex", "F", f.N, f.D, KpiIds.Acc01),
        Row("A1", "area", "sex", "X", x.N, x.D, KpiIds.Acc01),
    ];

    /// <summary>A breakdown of one count KPI at area A1 (the total first) as published: each row's count and whether it is suppressed.</summary>
    private static (long? Count, bool Suppressed)[] Published(long total, params (string Value, long Count)[] cells) =>
        [.. Disclosure.Disclosure.Apply([Total(total), .. cells.Select(c => Cell(c.Value, c.Count))]).Select(r => (r.Numerator, r.Suppressed))];

    /// <summary>Found by an independent check on 2026-12-05: 170 in all, M 115, F 60 and X blank left X at most 172 − 113 − 58 = 1.</summary>
    [Fact]
    public void Blanks_the_smallest_other_cell_when_a_breakdown_pins_a_blanked_count()
    {
        var rows = Disclosure.Disclosure.Apply([Total(168), Cell("M", 117), Cell("F", 62), Cell("X", 1)]);

        Assert.Equal([(170L, false), (115L, false), (null, true), (null, true)], rows.Select(r => (r.Numerator, r.Suppressed)));
        Assert.Null(rows[2].Value);
    }

    /// <summary>Blanking the 10 would still leave X at most 1 (40 + 2 − 33 − 8): the 35 is blanked instead, and nothing more.</summary>
    [Fact]
    public void Blanks_the_smallest_cell_that_unpins_the_count_rather_than_the_smallest_cell()
    {
        Assert.Equal([(40L, false), (10L, false), (null, true), (null, true)], Published(42, ("M", 8), ("F", 33), ("X", 1)));
    }

    [Fact]
    public void Leaves_a_breakdown_alone_when_no_blanked_count_can_be_pinned()
    {
        Assert.Equal([(170L, false), (115L, false), (50L, false), (null, true)], Published(170, ("M", 115), ("F", 50), ("X", 5)));
    }

    [Fact]
    public void Blanks_every_count_of_a_percent_row_whose_denominator_would_pin_a_blanked_one()
    {
        var rows = Disclosure.Disclosure.Apply(PercentsBySex((40, 168), (30, 117), (10, 62), (0, 1)));

        Assert.Equal(((long?)null, (long?)null, (double?)null, true, "none"), (rows[2].Numerator, rows[2].Denominator, rows[2].Value, rows[2].Suppressed, rows[2].Rag));
    }

    /// <summary>Found by a review on 2026-12-06: F's numerator 60 (58 or more) bounds its blanked denominator, which left X's at most 172 − 113 − 58 = 1.</summary>
    [Fact]
    public void Does_not_leave_a_withheld_denominator_bounded_by_its_published_numerator()
    {
        var rows = Disclosure.Disclosure.Apply(PercentsBySex((120, 172), (62, 113), (58, 58), (0, 1)));

        Assert.Equal(((long?)null, (long?)null), (rows[2].Numerator, rows[2].Denominator));
    }

    /// <summary>
    /// Found by a review on 2026-12-06: A1's breakdown leaves X at most 172 − 108 − 58 = 6 and the nation's X at least
    /// 18 − 12 = 6; neither group pins it alone.
    /// </summary>
    [Fact]
    public void Pins_no_blanked_count_by_combining_a_breakdown_with_the_areas_of_its_nation()
    {
        KpiResult[] restricted =
        [
            Total(172, "A1"), Cell("M", 108, "A1"), Cell("F", 58, "A1"), Cell("X", 6, "A1"),
            Cell("X", 12, "A2"), Row("N", "nation", "sex", "X", 18),
        ];
        var nations = new Dictionary<string, string> { ["A1"] = "N", ["A2"] = "N" };

        var rows = Disclosure.Disclosure.Apply(restricted, nations);

        Assert.True(rows.Count(r => r.Suppressed) >= 2, string.Join("; ", rows.Select(r => $"{r.UnitCode} {r.DimensionValue} {r.Numerator}")));
    }

    [Fact]
    public void Checks_the_areas_of_a_nation_against_the_nation_when_the_nations_are_known()
    {
        KpiResult[] restricted =
        [
            Total(118, "A1"), Total(63, "A2"), Total(1, "A3"),
            Row("ENGLAND", "nation", "all", "ALL", 182), Row("WALES", "nation", "all", "ALL", 40),
            Row("ALL", "all", "all", "ALL", 222),
        ];
        var nations = new Dictionary<string, string> { ["A1"] = "ENGLAND", ["A2"] = "ENGLAND", ["A3"] = "ENGLAND", ["W1"] = "WALES" };

        var withoutNations = Disclosure.Disclosure.Apply(restricted);
        var withNations = Disclosure.Disclosure.Apply(restricted, nations);

        Assert.Equal(65L, withoutNations[1].Numerator);
        Assert.Equal((null, true), (withNations[1].Numerator, withNations[1].Suppressed));
    }

    /// <summary>
    /// Found by a re-audit on 2026-12-06: a nation of one area is that area, so withholding the nation's count while its
    /// area's stays published hides nothing (here ALL 182 − N1 − N2 would leave N3 at 1 again).
    /// </summary>
    [Fact]
    public void Ties_a_nation_of_one_area_to_that_area()
    {
        KpiResult[] restricted =
        [
            Total(118, "A1"), Total(63, "A2"), Total(1, "A3"),
            Row("N1", "nation", "all", "ALL", 118), Row("N2", "nation", "all", "ALL", 63), Row("N3", "nation", "all", "ALL", 1),
            Row("ALL", "all", "all", "ALL", 182),
        ];
        var nations = new Dictionary<string, string> { ["A1"] = "N1", ["A2"] = "N2", ["A3"] = "N3" };

        var rows = Disclosure.Disclosure.Apply(restricted, nations);

        // What an analyst knows of each nation from its own row or its one area's, and of N3 from ALL less the others.
        (long Low, long High)? Known(int nation, int area) =>
            (rows[nation].Numerator ?? rows[area].Numerator) is { } r ? (r - 2, r + 2) : null;
        if (Known(3, 0) is { } n1 && Known(4, 1) is { } n2 && rows[6].Numerator is { } all)
        {
            var (low, high) = (Math.Max(1, all - 2 - n1.High - n2.High), Math.Min(7, all + 2 - n1.Low - n2.Low));
            Assert.True(low < high, $"N3 can only be {low}: {string.Join("; ", rows.Select(r => $"{r.UnitCode} {r.Numerator}"))}");
        }
    }

    /// <summary>
    /// Seeded breakdowns of two to six cells; for each published result, every value a blanked count of 1–7 could have is
    /// found by enumerating the sums the other cells can make (not by the interval reasoning the code uses).
    /// </summary>
    [Fact]
    public void No_count_blanked_for_being_1_to_7_can_be_pinned_in_any_breakdown()
    {
        var random = new Random(20261205);
        var protectedCells = 0;
        for (var test = 0; test < 3000; test++)
        {
            var counts = Enumerable.Range(0, random.Next(2, 7)).Select(_ => random.Next(10) switch
            {
                < 3 => random.Next(1, 8),
                < 5 => 0,
                _ => random.Next(8, 90),
            }).Select(c => (long)c).ToArray();
            var restricted = new List<KpiResult> { Total(counts.Sum()) };
            restricted.AddRange(counts.Select((c, i) => Cell($"V{i}", c)));

            var published = Disclosure.Disclosure.Apply(restricted);

            var possible = published.Select((row, i) => PossibleValues(row.Numerator, restricted[i].Numerator!.Value)).ToArray();
            for (var i = 0; i < published.Count; i++)
            {
                if (restricted[i].Numerator is > 0 and < 8)
                {
                    protectedCells++;
                    var values = ValuesOf(i, possible);
                    Assert.True(values.Count > 1, $"Counts {string.Join(", ", counts)}: cell {i} can only be {string.Join(",", values)}.");
                }
            }
        }

        Assert.True(protectedCells > 1000);
    }

    /// <summary>What an analyst knows a published count stands for (a blank: 1–7 or, if blanked as a complement, 8 or more).</summary>
    private static HashSet<long> PossibleValues(long? published, long original) => published switch
    {
        null when original is > 0 and < 8 => Range(1, 7),
        null => Range(8, 800),
        0 => Range(0, 0),
        { } p => Range(p - 2, p + 2),
    };

    private static HashSet<long> Range(long from, long to) => [.. Enumerable.Range((int)from, (int)(to - from + 1)).Select(v => (long)v)];

    /// <summary>The values cell <paramref name="cell"/> (0: the total) can take with every row's possible values and the total the sum of the cells.</summary>
    private static HashSet<long> ValuesOf(int cell, HashSet<long>[] possible)
    {
        var sums = new HashSet<long> { 0 };
        for (var i = 1; i < possible.Length; i++)
        {
            if (i != cell)
            {
                sums = [.. sums.SelectMany(s => possible[i].Select(v => s + v))];
            }
        }

        return cell == 0
            ? [.. sums.Where(possible[0].Contains)]
            : [.. possible[cell].Where(v => possible[0].Any(total => sums.Contains(total - v)))];
    }
}
