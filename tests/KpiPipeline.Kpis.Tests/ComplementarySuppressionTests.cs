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

    /// <summary>VOL01 at area A1 by sex, 172 in all with M 113, F 58 and X 1: published as 170, 115 and 60, X is at most 172 − 113 − 58 = 1.</summary>
    private static readonly KpiResult[] XPinnedBySex = [Total(172), Cell("M", 113), Cell("F", 58), Cell("X", 1)];

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
        var rows = Disclosure.Disclosure.Apply(XPinnedBySex);

        Assert.Equal([(170L, false), (115L, false), (null, true), (null, true)], rows.Select(r => (r.Numerator, r.Suppressed)));
        Assert.Null(rows[2].Value);
    }

    /// <summary>
    /// X is at most 42 − 8 − 33 = 1. Blanking M's 10 would not hide it: M is all of the nation's M (the other area has none),
    /// and the nation's 10 stays published. So the 35 is blanked instead, and nothing more.
    /// </summary>
    [Fact]
    public void Blanks_the_smallest_cell_that_unpins_the_count_rather_than_one_given_away_elsewhere()
    {
        KpiResult[] restricted =
        [
            Total(42), Cell("M", 8), Cell("F", 33), Cell("X", 1),
            Cell("M", 0, "A2"), Row("N", "nation", "sex", "M", 8),
        ];
        var nations = new Dictionary<string, string> { ["A1"] = "N", ["A2"] = "N" };

        var rows = Disclosure.Disclosure.Apply(restricted, nations);

        Assert.Equal([(40L, false), (10L, false), (null, true), (null, true), (0L, false), (10L, false)], rows.Select(r => (r.Numerator, r.Suppressed)));
    }

    /// <summary>
    /// X is at most 42 − 8 − 33 = 1. With M's 10 blanked, an analyst cannot tell M from a count of 1–7 (the row says nothing
    /// else), so X is only known to be at most 42 − 33 − 1 = 8: the smallest cell is enough.
    /// </summary>
    [Fact]
    public void Blanks_the_smallest_cell_as_an_analyst_cannot_tell_a_withheld_count_from_a_small_one()
    {
        Assert.Equal([(40L, false), (null, true), (35L, false), (null, true)], Published(42, ("M", 8), ("F", 33), ("X", 1)));
    }

    [Fact]
    public void Leaves_a_breakdown_alone_when_no_blanked_count_can_be_pinned()
    {
        Assert.Equal([(170L, false), (115L, false), (50L, false), (null, true)], Published(170, ("M", 115), ("F", 50), ("X", 5)));
    }

    [Fact]
    public void Blanks_every_count_of_a_percent_row_whose_denominator_would_pin_a_blanked_one()
    {
        var rows = Disclosure.Disclosure.Apply(PercentsBySex((40, 172), (30, 113), (10, 58), (0, 1)));

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
    /// Found by a re-audit on 2026-12-06 (a sparse first quarter): seven age bands each of 1 start with a wait under 3 weeks
    /// add up to at least 7, and the all row's denominator (10) says its numerator is at most 7.
    /// </summary>
    [Fact]
    public void Blanks_the_denominator_beside_a_numerator_its_cells_pin_at_7()
    {
        var restricted = new List<KpiResult> { Row("A1", "area", "all", "ALL", 7, 8, KpiIds.Acc01) };
        restricted.AddRange(Enumerable.Range(0, 7).Select(i => Row("A1", "area", "age_band", $"B{i}", 1, i == 0 ? 2 : 1, KpiIds.Acc01)));

        var rows = Disclosure.Disclosure.Apply(restricted);

        Assert.Equal(((long?)null, (long?)null, true), (rows[0].Numerator, rows[0].Denominator, rows[0].Suppressed));
    }

    /// <summary>
    /// VOL01's X (1) is pinned by its breakdown; F's 58 is withheld (M's 113 would take as many rows along). EXT04 divides by
    /// VOL01, so its F denominator is the same count and is withheld with it (else an analyst reads F there).
    /// </summary>
    [Fact]
    public void Withholds_a_count_under_every_KPI_that_publishes_it()
    {
        KpiResult[] restricted =
        [
            .. XPinnedBySex,
            Row("A1", "area", "sex", "F", 9, 58, KpiIds.Ext04), Row("A1", "area", "sex", "M", 20, 113, KpiIds.Ext04),
        ];

        var rows = Disclosure.Disclosure.Apply(restricted);

        Assert.Equal([(170L, false), (115L, false), (null, true), (null, true), (null, true), (20L, false)], rows.Select(r => (r.Numerator, r.Suppressed)));
        Assert.Null(rows[4].Denominator);
    }

    /// <summary>
    /// Found by an audit on 2026-12-06: HRM01's denominator (distinct OPIATE clients in treatment) is VOL01's OPIATE cell, so
    /// withholding that cell to hide ALCOHOL's 1 would withhold HRM01's headline row with it. Since the review of 2026-12-06
    /// the NON_OPIATE cell, which takes nothing along, is withheld instead, and HRM01 stays published.
    /// </summary>
    [Fact]
    public void Withholds_a_cell_that_takes_nothing_along_rather_than_VOL01s_opiate_cell_with_HRM01s_denominator()
    {
        KpiResult[] restricted =
        [
            Total(172), Row("A1", "area", "substance_group", "OPIATE", 58), Row("A1", "area", "substance_group", "NON_OPIATE", 113),
            Row("A1", "area", "substance_group", "ALCOHOL", 1), Row("A1", "area", "all", "ALL", 40, 58, KpiIds.Hrm01),
        ];

        var rows = Disclosure.Disclosure.Apply(restricted);

        Assert.Equal([(170L, false), (60L, false), (null, true), (null, true), (40L, false)], rows.Select(r => (r.Numerator, r.Suppressed)));
        Assert.Equal(60L, rows[4].Denominator);
    }

    /// <summary>
    /// Found by an audit on 2026-12-06: a median ending in .5 says its n is even. ENGLAND's starts (published 35, median 9.5)
    /// are 34 or 36, and E1's (35, median 10.5) 34 or 36; E2's blank is at least 1, so ENGLAND is 36, E1 34 and E2 exactly 2.
    /// </summary>
    [Fact]
    public void Pins_no_blanked_count_through_the_even_n_of_a_median_ending_in_5()
    {
        KpiResult Starts(string unit, string kpi, long n, double? median = null) =>
            Row(unit, unit == "ENGLAND" ? "nation" : "area", "all", "ALL", kpi == KpiIds.Acc01 ? n - 1 : 0, n, kpi) with
            {
                Numerator = kpi == KpiIds.Acc01 ? n - 1 : null,
                Value = median ?? 100.0 * (n - 1) / n,
            };
        KpiResult[] restricted =
        [
            Starts("E1", KpiIds.Acc01, 34), Starts("E2", KpiIds.Acc01, 2), Starts("ENGLAND", KpiIds.Acc01, 36),
            Starts("E1", KpiIds.Acc02, 34, 10.5), Starts("E2", KpiIds.Acc02, 2, 3.5), Starts("ENGLAND", KpiIds.Acc02, 36, 9.5),
        ];
        var nations = new Dictionary<string, string> { ["E1"] = "ENGLAND", ["E2"] = "ENGLAND" };

        var rows = Disclosure.Disclosure.Apply(restricted, nations);

        Assert.True(
            rows[0].Denominator is null || rows[2].Denominator is null,
            $"E2's starts can only be 2: {string.Join("; ", rows.Select(r => $"{r.KpiId[..5]} {r.UnitCode} {r.Denominator} {r.Value}"))}");
    }

    /// <summary>
    /// Found by a re-audit on 2026-12-06. Area E2's EXT01 and EXT02 rows are withheld (to hide X elsewhere), but E2's EXT01
    /// numerator is at most EXT07's denominator (a client with a successful exit has an episode with one), published 50; with
    /// EXT02 at least 108 − 57 = 51 from the nation, EXT03 = EXT01 − EXT02 is at most 52 − 51 = 1. EXT07's row, outside every
    /// group holding EXT03's count, is withheld too.
    /// </summary>
    [Fact]
    public void Withholds_a_count_of_another_KPI_that_bounds_a_group_from_outside_it()
    {
        string[] units = ["E1", "E2", "ENGLAND"];
        KpiResult At(int unit, string kpi, long? numerator, long? denominator) =>
            Row(units[unit], unit == 2 ? "nation" : "area", "all", "ALL", numerator ?? 0, denominator, kpi) with { Numerator = numerator };
        KpiResult[] restricted =
        [
            At(0, KpiIds.Vol01, 571, null), At(1, KpiIds.Vol01, 499, null), At(2, KpiIds.Vol01, 1070, null),
            At(0, KpiIds.Ext01, 58, 571), At(1, KpiIds.Ext01, 52, 499), At(2, KpiIds.Ext01, 110, 1070),
            At(0, KpiIds.Ext02, 57, 571), At(1, KpiIds.Ext02, 51, 499), At(2, KpiIds.Ext02, 108, 1070),
            At(0, KpiIds.Ext03, 1, 58), At(1, KpiIds.Ext03, 1, 52), At(2, KpiIds.Ext03, 2, 110),
            At(0, KpiIds.Ext07, 0, 58), At(1, KpiIds.Ext07, 6, 52), At(2, KpiIds.Ext07, 6, 110),
        ];
        var nations = new Dictionary<string, string> { ["E1"] = "ENGLAND", ["E2"] = "ENGLAND" };

        var rows = Disclosure.Disclosure.Apply(restricted, nations);

        var e2 = rows.Where(r => r.UnitCode == "E2").ToDictionary(r => r.KpiId);
        if (e2[KpiIds.Ext01].Numerator is null && e2[KpiIds.Ext02].Numerator is null)
        {
            Assert.Null(e2[KpiIds.Ext07].Denominator);
        }

        // Whatever is withheld, E2's EXT03 numerator is not pinned by EXT01's upper and EXT02's lower bound.
        long Published(string kpi, string unit, bool denominator = false) =>
            rows.Single(r => r.KpiId == kpi && r.UnitCode == unit) is var r && (denominator ? r.Denominator : r.Numerator) is { } c ? c : -1;
        var ext01High = Math.Min(
            Published(KpiIds.Ext01, "E2") is var p and >= 0 ? p + 2 : long.MaxValue,
            Published(KpiIds.Ext07, "E2", denominator: true) is var q and > 0 ? q + 2 : long.MaxValue);
        var ext02Low = Published(KpiIds.Ext02, "E2") is var d and >= 0 ? d - 2 : Published(KpiIds.Ext02, "ENGLAND") - 2 - (Published(KpiIds.Ext02, "E1") + 2);
        Assert.True(ext01High - ext02Low > 1, $"E2's EXT03 numerator can only be 1: EXT01 at most {ext01High}, EXT02 at least {ext02Low}.");
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

            var possible = published.Select(row => PossibleValues(row.Numerator, counts.Sum() + 100)).ToArray();
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

    /// <summary>
    /// What an analyst knows a published count of a count KPI stands for (a blank: 1–7 or withheld, so 1 or more; no count
    /// of these breakdowns comes near <paramref name="most"/>).
    /// </summary>
    private static HashSet<long> PossibleValues(long? published, long most) => published switch
    {
        null => Range(1, most),
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

    /// <summary>
    /// Review of 2026-12-06: withholding a cell whose count another KPI republishes takes that row along, so the complement
    /// is the cell that takes least along (here M, though F is smaller); and a total, whose withholding costs every reader of
    /// the headline, only when no cell will do.
    /// </summary>
    [Fact]
    public void Withholds_the_cell_that_takes_fewest_rows_along_and_keeps_the_total()
    {
        KpiResult[] restricted =
        [
            .. XPinnedBySex,
            Row("A1", "area", "sex", "F", 9, 58, KpiIds.Ext04), Row("A1", "area", "all", "ALL", 30, 172, KpiIds.Ext04),
        ];

        var rows = Disclosure.Disclosure.Apply(restricted);

        Assert.Equal([(170L, false), (null, true), (60L, false), (null, true), (10L, false), (30L, false)], rows.Select(r => (r.Numerator, r.Suppressed)));
    }
}
