using KpiPipeline.Kpis.Catalogue;

namespace KpiPipeline.Kpis.Tests;

/// <summary>NSP01–NSP06 (kpis.md sections 7 and 9, <c>Families/NspKpis.cs</c>), on fixtures worked out by hand.</summary>
public class NspKpiTests
{
    private static KpiComputation NspRun() => Rows.Compute(new ReturnsBuilder()
        .Episodes("P1", "2025-04", new EpisodeBuilder().Build())
        .Nsp("P1", "2025-04",
            ReturnsBuilder.Transaction("P1", "2025-04-03", 10, newRegistration: true),
            ReturnsBuilder.Transaction("P1", "2025-04-04", 20, naloxone: true))
        .Nsp("P1", "2025-05", ReturnsBuilder.Transaction("P1", "2025-05-04", 30, referred: true))
        .Nsp("P3", "2025-05", ReturnsBuilder.Transaction("P3", "2025-05-04", 100))
        .Build(), "2025-09-30");

    [Fact]
    public void Nsp_counts_add_up_each_month_file_at_every_level()
    {
        var run = NspRun();

        Assert.Equal((3L, null, 3.0), run.Figures(KpiIds.Nsp01));
        Assert.Equal((60L, null, 60.0), run.Figures(KpiIds.Nsp02));
        Assert.Equal(1.0, run.Find(KpiIds.Nsp03).Value);
        Assert.Equal(1.0, run.Find(KpiIds.Nsp05).Value);
        Assert.Equal(1.0, run.Find(KpiIds.Nsp06).Value);
        Assert.Equal(160.0, run.Find(KpiIds.Nsp02, "ALL").Value);
    }

    [Fact]
    public void Needles_per_pwid_uses_only_areas_with_an_estimate_and_has_no_provider_rows()
    {
        var run = NspRun();

        Assert.Equal((60L, 50L, 4.8), run.Figures(KpiIds.Nsp04, "A1"));
        Assert.Equal((0L, 0L, null), run.Figures(KpiIds.Nsp04, "A2"));
        Assert.Equal((0L, 0L, null), run.Figures(KpiIds.Nsp04, "SCOTLAND"));
        Assert.Equal((60L, 50L, 4.8), run.Figures(KpiIds.Nsp04, "ALL"));
        Assert.DoesNotContain(run.All(), r => r.KpiId == KpiIds.Nsp04 && r.Level == "provider");
    }

    [Fact]
    public void Needles_per_pwid_is_times_4_over_the_estimates_of_areas_that_have_one_to_two_decimals_half_away_from_zero()
    {
        var returns = new ReturnsBuilder()
            .Episodes("PX", "2025-04", new EpisodeBuilder().AtProvider("PX").Build())
            .Nsp("PX", "2025-04", ReturnsBuilder.Transaction("PX", "2025-04-02", 1, newRegistration: true, naloxone: true, referred: true))
            .Nsp("PY", "2025-05", ReturnsBuilder.Transaction("PY", "2025-05-02", 1000), ReturnsBuilder.Transaction("PY", "2025-05-03", 0))
            .Nsp("PZ", "2025-06", ReturnsBuilder.Transaction("PZ", "2025-06-30", 2))
            .Nsp("PZ", "2025-07", ReturnsBuilder.Transaction("PZ", "2025-07-01", 500))
            .Build();

        var run = Rows.Compute(returns, "2025-09-30", TestReference.ThreeAreas());

        Assert.Equal((1L, 800L, 0.01), run.Figures(KpiIds.Nsp04, "B1"));       // 0.005 → 0.01
        Assert.Equal((0L, 0L, null), run.Figures(KpiIds.Nsp04, "B2"));
        Assert.Equal((2L, 3L, 2.67), run.Figures(KpiIds.Nsp04, "B3"));
        Assert.Equal((1L, 800L, 0.01), run.Figures(KpiIds.Nsp04, "ENGLAND"));
        Assert.Equal((2L, 3L, 2.67), run.Figures(KpiIds.Nsp04, "WALES"));
        Assert.Equal((3L, 803L, 0.01), run.Figures(KpiIds.Nsp04, "ALL"));
        Assert.Equal((500L, 803L, 2.49), run.Figures(KpiIds.Nsp04, "ALL", "2025-26-Q2"));
        Assert.Equal((4L, null, 4.0), run.Figures(KpiIds.Nsp01, "ALL"));
        Assert.Equal((2L, null, 2.0), run.Figures(KpiIds.Nsp01, "PY"));
        Assert.Equal((1003L, null, 1003.0), run.Figures(KpiIds.Nsp02, "ALL"));
        Assert.Equal((1001L, null, 1001.0), run.Figures(KpiIds.Nsp02, "ENGLAND"));
        Assert.Equal(1.0, run.Find(KpiIds.Nsp03, "ALL").Value);
        Assert.Equal(1.0, run.Find(KpiIds.Nsp05, "B1").Value);
        Assert.Equal(1.0, run.Find(KpiIds.Nsp06, "PX").Value);
        Assert.Equal(0.0, run.Find(KpiIds.Nsp06, "PZ").Value);
        Assert.All(run.All().Where(r => r.KpiId.StartsWith("NSP", StringComparison.Ordinal)),
            r => Assert.Equal(("none", "none"), (r.Rag, r.RagBasis)));
    }
}
