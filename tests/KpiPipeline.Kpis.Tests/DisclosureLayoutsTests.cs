using KpiPipeline.Kpis.Catalogue;
using KpiPipeline.Kpis.Disclosure;

namespace KpiPipeline.Kpis.Tests;

/// <summary>
/// The relations a period's layout allows, kept from period to period of a publication: the public rows are exactly those
/// worked out for each period alone, whether the next period has the same layout, another one, or other nations.
/// </summary>
public class DisclosureLayoutsTests
{
    private static readonly DateOnly Start = new(2025, 4, 1);

    private static KpiResult Row(string unit, string level, string dimension, string value, long numerator, string kpi) =>
        new("2025-26-Q1", Start, new DateOnly(2025, 6, 30), new DateOnly(2025, 9, 30), level, unit, level == "area" ? unit : null, kpi,
            dimension, value, numerator, null, numerator, null, "none", "none", "final", false);

    /// <summary>
    /// Seeded periods of one to three areas in a nation, in any order, each with VOL01 and EXT01 by sex over two to four
    /// cells: a layout often repeats (the relations are kept) and often changes (they are worked out again), with and
    /// without the nations.
    /// </summary>
    [Fact]
    public void Gives_every_period_the_rows_it_gets_alone()
    {
        var random = new Random(20261206);
        var layouts = new DisclosureLayouts();
        var nationsOf = new Dictionary<int, Dictionary<string, string>>();
        var suppressed = 0;
        for (var period = 0; period < 400; period++)
        {
            var (areas, cells) = (random.Next(1, 4), random.Next(2, 5));
            var nations = random.Next(3) == 0 ? null : NationsOf(areas);
            var order = Enumerable.Range(1, areas).OrderBy(_ => random.Next()).ToArray();
            var restricted = new List<KpiResult>();
            foreach (var kpi in new[] { KpiIds.Vol01, KpiIds.Ext01 })
            {
                var nationCells = new long[cells];
                var nationTotal = 0L;
                foreach (var area in order)
                {
                    var counts = Enumerable.Range(0, cells).Select(_ => (long)(random.Next(3) == 0 ? random.Next(1, 8) : random.Next(8, 60))).ToArray();
                    restricted.Add(Row($"A{area}", "area", "all", "ALL", counts.Sum(), kpi));
                    restricted.AddRange(counts.Select((c, i) => Row($"A{area}", "area", "sex", $"V{i}", c, kpi)));
                    nationTotal += counts.Sum();
                    for (var i = 0; i < cells; i++)
                    {
                        nationCells[i] += counts[i];
                    }
                }

                restricted.Add(Row("N", "nation", "all", "ALL", nationTotal, kpi));
                restricted.AddRange(nationCells.Select((c, i) => Row("N", "nation", "sex", $"V{i}", c, kpi)));
            }

            var alone = Disclosure.Disclosure.Apply(restricted, nations);
            var kept = Disclosure.Disclosure.Apply(restricted, nations, layouts);

            Assert.Equal(alone, kept);
            suppressed += kept.Count(r => r.Suppressed);
        }

        Assert.True(suppressed > 1000, $"Only {suppressed} rows suppressed: the periods test too little.");

        Dictionary<string, string> NationsOf(int areas)
        {
            // One dictionary per number of areas, as a publication has one: the same nations give the same relations.
            if (!nationsOf.TryGetValue(areas, out var nations))
            {
                nationsOf[areas] = nations = Enumerable.Range(1, areas).ToDictionary(a => $"A{a}", _ => "N");
            }

            return nations;
        }
    }

    /// <summary>
    /// The same rows with and without their nations (as in ComplementarySuppressionTests: A2's 63 is withheld only when A3's 1
    /// can be worked out through England): the relations of one are not used for the other, in either order.
    /// </summary>
    [Fact]
    public void Works_the_relations_out_again_for_other_nations()
    {
        KpiResult[] restricted =
        [
            Row("A1", "area", "all", "ALL", 118, KpiIds.Vol01), Row("A2", "area", "all", "ALL", 63, KpiIds.Vol01),
            Row("A3", "area", "all", "ALL", 1, KpiIds.Vol01), Row("ENGLAND", "nation", "all", "ALL", 182, KpiIds.Vol01),
            Row("WALES", "nation", "all", "ALL", 40, KpiIds.Vol01), Row("ALL", "all", "all", "ALL", 222, KpiIds.Vol01),
        ];
        var nations = new Dictionary<string, string> { ["A1"] = "ENGLAND", ["A2"] = "ENGLAND", ["A3"] = "ENGLAND", ["W1"] = "WALES" };
        var layouts = new DisclosureLayouts();

        var first = Disclosure.Disclosure.Apply(restricted, nations, layouts)[1];
        var second = Disclosure.Disclosure.Apply(restricted, null, layouts)[1];
        var third = Disclosure.Disclosure.Apply(restricted, nations, layouts)[1];

        Assert.Equal([(null, true), (65L, false), (null, true)], new[] { first, second, third }.Select(r => (r.Numerator, r.Suppressed)));
    }

    /// <summary>
    /// Two periods of four rows: in the first, M, F and X add up to the total and pin X's 1; in the second the 58 is in
    /// another breakdown, of another KPI or of another area, so nothing adds up to the total and the 1 is blanked alone.
    /// The first period's relations would pin it again.
    /// </summary>
    [Theory]
    [InlineData("breakdown")]
    [InlineData("KPI")]
    [InlineData("area")]
    public void Works_the_relations_out_again_for_another_layout_of_as_many_rows(string elsewhere)
    {
        KpiResult[] bySex =
        [
            Row("A1", "area", "all", "ALL", 172, KpiIds.Vol01), Row("A1", "area", "sex", "M", 113, KpiIds.Vol01),
            Row("A1", "area", "sex", "F", 58, KpiIds.Vol01), Row("A1", "area", "sex", "X", 1, KpiIds.Vol01),
        ];
        // The third row differs from the first period's in one thing only.
        var other = elsewhere switch
        {
            "breakdown" => Row("A1", "area", "age_band", "F", 58, KpiIds.Vol01),
            "KPI" => Row("A1", "area", "sex", "F", 58, KpiIds.Nsp05),
            _ => Row("A2", "area", "sex", "F", 58, KpiIds.Vol01),
        };
        KpiResult[] notAddingUp = [bySex[0], bySex[1], other, bySex[3]];
        var layouts = new DisclosureLayouts();

        var first = Disclosure.Disclosure.Apply(bySex, null, layouts);
        var second = Disclosure.Disclosure.Apply(notAddingUp, null, layouts);

        Assert.Equal(2, first.Count(r => r.Suppressed));
        Assert.Equal([(170L, false), (115L, false), (60L, false), (null, true)], second.Select(r => (r.Numerator, r.Suppressed)));
    }
}
