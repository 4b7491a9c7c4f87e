using KpiPipeline.Kpis.Catalogue;
using static KpiPipeline.Kpis.Tests.EpisodeBuilder;

namespace KpiPipeline.Kpis.Tests;

public class DisclosureTests
{
    private static KpiResult Row(string kpiId, long? numerator, long? denominator, double? value, string level = "area", string rag = "green") =>
        new("2025-26-Q1", D("2025-04-01"), D("2025-06-30"), D("2025-09-30"), level, "A1", "A1", kpiId, "all", "ALL",
            numerator, denominator, value, null, rag, "target", "final", false);

    private static KpiResult Protect(KpiResult row) => Assert.Single(Disclosure.Disclosure.Apply([row]));

    [Theory]
    [InlineData(0L, 0L, false)]
    [InlineData(1L, null, true)]
    [InlineData(7L, null, true)]
    [InlineData(8L, 10L, false)]
    [InlineData(12L, 10L, false)]
    [InlineData(13L, 15L, false)]
    [InlineData(1234L, 1235L, false)]
    public void Counts_of_1_to_7_are_blanked_and_others_rounded_to_5(long count, long? published, bool suppressed)
    {
        var row = Protect(Row(KpiIds.Vol01, count, null, count, rag: "none"));

        Assert.Equal((published, (double?)published, suppressed), (row.Numerator, row.Value, row.Suppressed));
    }

    [Fact]
    public void Percents_are_recomputed_from_the_rounded_numerator_and_denominator()
    {
        var row = Protect(Row(KpiIds.Acc01, 12, 33, 36.4));

        Assert.Equal((10L, 35L, 28.6, false, "green"), (row.Numerator, row.Denominator, row.Value, row.Suppressed, row.Rag));
    }

    [Fact]
    public void A_percent_with_a_small_numerator_is_blank_suppressed_and_rated_none()
    {
        var row = Protect(Row(KpiIds.Acc01, 3, 40, 7.5));

        Assert.Equal((null, 40L, null, true, "none"), (row.Numerator, row.Denominator, row.Value, row.Suppressed, row.Rag));
    }

    [Theory]
    [InlineData(7L, null, null, true)]
    [InlineData(8L, 10L, 21.5, false)]
    public void Means_and_medians_need_8_values_and_keep_their_value_with_n_rounded(long n, long? publishedN, double? value, bool suppressed)
    {
        var row = Protect(Row(KpiIds.Acc02, null, n, 21.5, rag: "none"));

        Assert.Equal((null, publishedN, value, suppressed), (row.Numerator, row.Denominator, row.Value, row.Suppressed));
    }

    [Fact]
    public void Needles_per_pwid_and_unmet_need_are_recomputed_from_rounded_figures()
    {
        var nsp = Protect(Row(KpiIds.Nsp04, 62, 48, 5.17));
        var pop = Protect(Row(KpiIds.Pop01, 12, 98, 87.8));

        Assert.Equal((60L, 50L, 4.8), (nsp.Numerator, nsp.Denominator, nsp.Value));
        Assert.Equal((10L, 100L, 90.0), (pop.Numerator, pop.Denominator, pop.Value));
    }

    [Fact]
    public void Provider_rows_are_dropped()
    {
        var rows = Disclosure.Disclosure.Apply([Row(KpiIds.Vol01, 10, null, 10, level: "provider"), Row(KpiIds.Vol01, 10, null, 10)]);

        Assert.Equal("area", Assert.Single(rows).Level);
    }
}
