using KpiPipeline.Core.Dataset;
using KpiPipeline.Kpis.Catalogue;
using KpiPipeline.Kpis.Rag;
using static KpiPipeline.Kpis.Tests.EpisodeBuilder;

namespace KpiPipeline.Kpis.Tests;

/// <summary>Disclosure control of the public dataset (outputs.md section 4), on single rows and on rows the engine produced.</summary>
public class DisclosureTests
{
    private static KpiResult Row(
        string kpiId, long? numerator, long? denominator, double? value, string level = "area", string rag = "green", double? target = 25, decimal margin = 5) =>
        new("2025-26-Q1", D("2025-04-01"), D("2025-06-30"), D("2025-09-30"), level, "A1", "A1", kpiId, "all", "ALL",
            numerator, denominator, value, target, rag, target is null ? "none" : "target", "final", false)
        {
            TargetInForce = target is { } t ? new TargetInForce((decimal)t, margin) : null,
        };

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

    /// <summary>
    /// Found by an independent check on 2026-12-05: 13 of 17 (76.5, red against 90) was published as 15 of 15 = 100.0 and
    /// still rated red, which no published figure explains, and which left 13 of 17 the only figures that fit.
    /// </summary>
    [Theory]
    [InlineData(13L, 17L, 76.5, "red", 15L, 15L, 100.0, "green")]
    [InlineData(43L, 52L, 82.7, "red", 45L, 50L, 90.0, "green")]
    [InlineData(8L, 12L, 66.7, "red", 10L, 10L, 100.0, "green")]
    [InlineData(92L, 98L, 93.9, "green", 90L, 100L, 90.0, "green")]
    [InlineData(88L, 103L, 85.4, "amber", 90L, 105L, 85.7, "amber")]
    public void A_public_percent_is_rated_on_its_published_value_against_its_target(
        long numerator, long denominator, double value, string rag, long publishedNumerator, long publishedDenominator, double publishedValue, string publishedRag)
    {
        var row = Protect(Row(KpiIds.Acc01, numerator, denominator, value, rag: rag, target: 90));

        Assert.Equal((publishedNumerator, publishedDenominator, publishedValue, publishedRag), (row.Numerator, row.Denominator, row.Value, row.Rag));
    }

    [Fact]
    public void A_public_rating_uses_the_amber_margin_of_the_target_in_force()
    {
        // 70 of 80 = 87.5 is published as 70 of 80; against 90 it is amber within a margin of 5 and red within one of 2.
        Assert.Equal("amber", Protect(Row(KpiIds.Acc01, 70, 80, 87.5, rag: "amber", target: 90, margin: 5)).Rag);
        Assert.Equal("red", Protect(Row(KpiIds.Acc01, 70, 80, 87.5, rag: "red", target: 90, margin: 2)).Rag);
    }

    [Fact]
    public void A_public_national_benchmark_rating_compares_the_published_value_with_the_published_all_value()
    {
        // EXT02: area 27 of 280 (9.6) beats the ALL row's 9.2 in the restricted figures; published, 25 of 280 = 8.9 is within
        // a tenth below the ALL row's published 9.2 (amber), not above it.
        Assert.True(KpiCatalogue.Get(KpiIds.Ext02).NationalBenchmark);
        KpiResult Benchmarked(string level, string unit, long n, long d, double v, string rag) =>
            Row(KpiIds.Ext02, n, d, v, level: level, rag: rag, target: null) with { UnitCode = unit, RagBasis = "national_benchmark" };
        var rows = Disclosure.Disclosure.Apply([
            Benchmarked("area", "A1", 27, 280, 9.6, "green"),
            Benchmarked("nation", "ENGLAND", 3003, 32640, 9.2, "green"),
            Benchmarked("all", "ALL", 3002, 32641, 9.2, "none")]);

        Assert.Equal([("A1", 8.9, "amber"), ("ENGLAND", 9.2, "green"), ("ALL", 9.2, "none")], rows.Select(r => (r.UnitCode, r.Value!.Value, r.Rag)));
    }

    [Fact]
    public void A_mean_or_median_keeps_its_rating_since_its_value_is_published_as_it_is()
    {
        // SOFT01 (a mean score change, higher is better) with a target of 5: 3.2 is amber within the margin of 5.
        var row = Protect(Row(KpiIds.Soft01, null, 12, 3.2, rag: "amber", target: 5));

        Assert.Equal((10L, 3.2, "amber"), (row.Denominator!.Value, row.Value!.Value, row.Rag));
    }

    [Fact]
    public void A_row_rated_on_a_target_without_the_target_in_force_is_refused()
    {
        var row = Row(KpiIds.Acc01, 70, 80, 87.5, target: 90) with { TargetInForce = null };

        Assert.Throws<ArgumentException>(() => Protect(row));
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

    [Theory]
    [InlineData(12L, 2.5, 10L, 4.0, false)]       // 12 → 10; 10 ÷ 2.5 (the FTE is not rounded)
    [InlineData(13L, 2.25, 15L, 6.7, false)]      // 13 → 15; 15 ÷ 2.25 = 6.67
    [InlineData(5L, 2.5, null, null, true)]       // a caseload of 1–7 is suppressed and the value blanked
    [InlineData(0L, 2.5, 0L, 0.0, false)]
    [InlineData(9L, 0.0, 10L, null, false)]       // no available FTE: blank value, the caseload still published
    public void Caseload_per_FTE_is_recomputed_from_the_rounded_caseload_and_the_unrounded_FTE(
        long caseload, double fte, long? publishedCaseload, double? publishedValue, bool suppressed)
    {
        var restricted = Row(KpiIds.Cap01, caseload, null, fte == 0 ? null : (double)Math.Round(caseload / (decimal)fte, 1)) with
        {
            Divisor = (decimal)fte,
        };

        var row = Protect(restricted);

        Assert.Equal((publishedCaseload, (long?)null, publishedValue, suppressed),
            (row.Numerator, row.Denominator, row.Value, row.Suppressed));
    }

    [Fact]
    public void Staff_counts_of_1_to_7_are_suppressed_like_any_count()
    {
        var row = Protect(Row(KpiIds.Cap02, 3, 40, 7.5));

        Assert.Equal(((long?)null, 40L, (double?)null, true), (row.Numerator, row.Denominator, row.Value, row.Suppressed));
    }

    [Fact]
    public void Provider_rows_are_dropped()
    {
        var rows = Disclosure.Disclosure.Apply([Row(KpiIds.Vol01, 10, null, 10, level: "provider"), Row(KpiIds.Vol01, 10, null, 10)]);

        Assert.Equal("area", Assert.Single(rows).Level);
    }

    private static readonly EpisodeBuilder Base = new EpisodeBuilder().Referred("2025-04-01").Started("2025-04-08");

    private static KpiResult PublicRow(IReadOnlyList<KpiResult> rows, string kpi, string unit, string dimensionValue = "ALL") =>
        rows.Single(r => r.KpiId == kpi && r.UnitCode == unit && r.Period == "2025-26-Q1" && r.DimensionValue == dimensionValue);

    private static (KpiComputation Run, IReadOnlyList<KpiResult> Public) SeventeenAndEighteen()
    {
        // A1 (P1): 17 clients starting in Q1 after 7 days. A2 (P3): 18 clients, 16 after 7 days and 2 after 30 days.
        var p1 = Enumerable.Range(0, 17).Select(i => Base.ForClient("p" + i).Build()).ToArray();
        var p3 = Enumerable.Range(0, 18)
            .Select(i => (i < 16 ? Base : Base.Started("2025-05-01")).AtProvider("P3").ForClient("s" + i).Build())
            .ToArray();
        var run = Rows.Compute(new ReturnsBuilder().Episodes("P1", "2025-04", p1).Episodes("P2", "2025-04").Episodes("P3", "2025-04", p3).Build(),
            "2025-06-30");
        return (run, Disclosure.Disclosure.Apply(run.All()));
    }

    [Fact]
    public void Public_rows_have_no_provider_level_and_counts_are_rounded_to_5()
    {
        var (_, rows) = SeventeenAndEighteen();

        Assert.DoesNotContain(rows, r => r.Level == "provider");
        Assert.Equal((15L, (long?)null, 15.0, false), Counted(PublicRow(rows, KpiIds.Vol01, "A1")));
        Assert.Equal((20L, (long?)null, 20.0, false), Counted(PublicRow(rows, KpiIds.Vol01, "A2")));
        Assert.Equal((20L, (long?)null, 20.0, false), Counted(PublicRow(rows, KpiIds.Vol01, "SCOTLAND")));
        Assert.Equal((35L, (long?)null, 35.0, false), Counted(PublicRow(rows, KpiIds.Vol01, "ALL")));
        Assert.Equal((0L, (long?)null, 0.0, false), Counted(PublicRow(rows, KpiIds.Vol01, "A1", "ALCOHOL")));
        Assert.Equal((0L, (long?)null, 0.0, false), Counted(PublicRow(rows, KpiIds.Dq02, "ALL")));
    }

    private static (long?, long?, double?, bool) Counted(KpiResult row) => (row.Numerator, row.Denominator, row.Value, row.Suppressed);

    [Fact]
    public void Percents_are_recomputed_from_rounded_figures_and_rated_on_the_published_value()
    {
        var (run, rows) = SeventeenAndEighteen();

        // 88.9 is amber against the target of 90; what is published, 75.0, is red. Rated amber, the public row would contradict
        // its own value and tell a reader that the figures behind 15 of 20 lie within 5 points of 90.
        var restricted = run.Find(KpiIds.Acc01, "A2");
        Assert.Equal((16L, 18L, 88.9, "amber"), (restricted.Numerator, restricted.Denominator, restricted.Value, restricted.Rag));
        var published = PublicRow(rows, KpiIds.Acc01, "A2");
        Assert.Equal((15L, 20L, 75.0, "red", false), (published.Numerator, published.Denominator, published.Value, published.Rag, published.Suppressed));
        var a1 = PublicRow(rows, KpiIds.Acc01, "A1");
        Assert.Equal((15L, 15L, 100.0, "green"), (a1.Numerator, a1.Denominator, a1.Value, a1.Rag));
        var none = PublicRow(rows, KpiIds.Acc03, "A1");
        Assert.Equal((0L, 15L, 0.0, false), (none.Numerator, none.Denominator, none.Value, none.Suppressed));
        var median = PublicRow(rows, KpiIds.Acc02, "A1");
        Assert.Equal(((long?)null, 15L, 7.0, false), (median.Numerator, median.Denominator, median.Value, median.Suppressed));
        // POP01: 17 opiate clients of an estimate of 100 → published from 15 and 100.
        var pop = PublicRow(rows, KpiIds.Pop01, "A1");
        Assert.Equal((15L, 100L, 85.0), (pop.Numerator, pop.Denominator, pop.Value));
    }

    [Fact]
    public void Small_provider_month_counts_suppress_the_all_row_too_and_its_rating_becomes_none()
    {
        var (run, rows) = SeventeenAndEighteen();

        // Expected provider-months: April and May × P1, P2, P3 (June is due after the as-of date); on time: the three April files.
        var restricted = run.Find(KpiIds.Dq01, "ALL");
        Assert.Equal((3L, 6L, 50.0, "red"), (restricted.Numerator, restricted.Denominator, restricted.Value, restricted.Rag));
        var published = PublicRow(rows, KpiIds.Dq01, "ALL");
        Assert.Equal(((long?)null, (long?)null, (double?)null, "none", true, "target"),
            (published.Numerator, published.Denominator, published.Value, published.Rag, published.Suppressed, published.RagBasis));
    }

    [Fact]
    public void Means_based_on_7_values_are_suppressed_and_on_8_kept_with_n_rounded()
    {
        var p1 = Enumerable.Range(0, 7).Select(i => Base.ForClient("p" + i).Build()).ToArray();
        var p3 = Enumerable.Range(0, 8).Select(i => Base.AtProvider("P3").ForClient("s" + i).Build()).ToArray();
        var reviews1 = p1.SelectMany(e => new[]
        {
            ReviewBuilder.For(e, "2025-04-08", ReviewStage.START).WithBarc10(30).Build(),
            ReviewBuilder.For(e, "2025-06-01", ReviewStage.REVIEW).WithBarc10(32).Build(),
        }).ToArray();
        var reviews3 = p3.SelectMany(e => new[]
        {
            ReviewBuilder.For(e, "2025-04-08", ReviewStage.START).WithBarc10(30).Build(),
            ReviewBuilder.For(e, "2025-06-01", ReviewStage.REVIEW).WithBarc10(34).Build(),
        }).ToArray();
        var run = Rows.Compute(new ReturnsBuilder()
            .Episodes("P1", "2025-06", p1).Reviews("P1", "2025-06", reviews1)
            .Episodes("P3", "2025-06", p3).Reviews("P3", "2025-06", reviews3)
            .Build(), "2025-06-30");
        var rows = Disclosure.Disclosure.Apply(run.All());

        Assert.Equal((null, 7L, 2.0), run.Figures(KpiIds.Soft01, "A1"));
        Assert.Equal((null, 15L, 3.1), run.Figures(KpiIds.Soft01, "ALL"));     // (14 + 32) / 15 = 3.07
        Assert.Equal(((long?)null, (long?)null, (double?)null, true, "none"), Mean(PublicRow(rows, KpiIds.Soft01, "A1")));
        Assert.Equal(((long?)null, (long?)null, (double?)null, true, "none"), Mean(PublicRow(rows, KpiIds.Soft01, "ENGLAND")));
        Assert.Equal(((long?)null, 10L, 4.0, false, "none"), Mean(PublicRow(rows, KpiIds.Soft01, "A2")));
        Assert.Equal(((long?)null, 15L, 3.1, false, "none"), Mean(PublicRow(rows, KpiIds.Soft01, "ALL")));
        // A 7/7 percent rated green in restricted is blank, suppressed and rated none in public.
        Assert.Equal("green", run.Find(KpiIds.Acc01, "A1").Rag);
        var acc01 = PublicRow(rows, KpiIds.Acc01, "A1");
        Assert.Equal(((long?)null, (long?)null, (double?)null, true, "none"), Mean(acc01));
        var soft02 = PublicRow(rows, KpiIds.Soft02, "A1");
        Assert.Equal((0L, (long?)null, (double?)null, true), (soft02.Numerator, soft02.Denominator, soft02.Value, soft02.Suppressed));
    }

    private static (long?, long?, double?, bool, string) Mean(KpiResult row) => (row.Numerator, row.Denominator, row.Value, row.Suppressed, row.Rag);

    [Theory]
    [InlineData(8L, 10L)]
    [InlineData(17L, 15L)]
    [InlineData(18L, 20L)]
    [InlineData(22L, 20L)]
    [InlineData(23L, 25L)]
    [InlineData(1003L, 1005L)]
    public void Counts_round_to_the_nearest_multiple_of_5(long count, long published)
    {
        var row = Disclosure.Disclosure.Protect(Row(KpiIds.Nsp02, count, null, count));

        Assert.Equal((published, (long?)null, (double)published, false), (row.Numerator, row.Denominator, row.Value, row.Suppressed));
    }

    [Fact]
    public void A_percent_with_a_small_denominator_is_blank_even_with_a_zero_numerator()
    {
        var row = Disclosure.Disclosure.Protect(Row(KpiIds.Ext04, 0, 3, 0.0));

        Assert.Equal((0L, (long?)null, (double?)null, true), (row.Numerator, row.Denominator, row.Value, row.Suppressed));
    }

    [Fact]
    public void A_percent_is_recomputed_from_17_over_23_as_15_over_25()
    {
        var row = Disclosure.Disclosure.Protect(Row(KpiIds.Acc03, 17, 23, 73.9));

        Assert.Equal((15L, 25L, 60.0), (row.Numerator, row.Denominator, row.Value));
    }
}
