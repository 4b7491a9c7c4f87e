using KpiPipeline.Core.Dataset;
using KpiPipeline.Core.Reference;
using KpiPipeline.Kpis.Catalogue;

namespace KpiPipeline.Kpis.Tests;

/// <summary>Independent audit of NSP01–NSP06 and POP01 against kpis.md sections 7, 8 and 9 (fixtures worked out by hand).</summary>
public class AuditNspAndPopulationTests
{
    /// <summary>B1 (ENGLAND, 8 opiate users, 800 PWID) with PX; B2 (ENGLAND, no estimates) with PY; B3 (WALES, 3 and 3) with PZ.</summary>
    private static readonly ReferenceData Reference = new(
        [new ProviderInfo("PX", "Provider X", "B1"), new ProviderInfo("PY", "Provider Y", "B2"), new ProviderInfo("PZ", "Provider Z", "B3")],
        [new AreaInfo("B1", "Area B1", Nation.ENGLAND, 8, 800), new AreaInfo("B2", "Area B2", Nation.ENGLAND, null, null),
            new AreaInfo("B3", "Area B3", Nation.WALES, 3, 3)],
        []);

    private static readonly EpisodeBuilder Opiate = new EpisodeBuilder().AtProvider("PX").Referred("2025-04-01").Started("2025-04-08");

    [Fact]
    public void Needles_per_pwid_is_times_4_over_the_estimates_of_areas_that_have_one_to_two_decimals_half_away_from_zero()
    {
        var returns = new ReturnsBuilder()
            .Episodes("PX", "2025-04", Opiate.Build())
            .Nsp("PX", "2025-04", ReturnsBuilder.Transaction("PX", "2025-04-02", 1, newRegistration: true, naloxone: true, referred: true))
            .Nsp("PY", "2025-05", ReturnsBuilder.Transaction("PY", "2025-05-02", 1000), ReturnsBuilder.Transaction("PY", "2025-05-03", 0))
            .Nsp("PZ", "2025-06", ReturnsBuilder.Transaction("PZ", "2025-06-30", 2))
            .Nsp("PZ", "2025-07", ReturnsBuilder.Transaction("PZ", "2025-07-01", 500))
            .Build();

        var run = Rows.Compute(returns, "2025-09-30", Reference);

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

    [Fact]
    public void Unmet_need_counts_distinct_opiate_clients_in_the_year_to_period_end_and_can_be_negative()
    {
        // Q1: window [2024-07-01, 2025-06-30].
        var run = Rows.Compute(new ReturnsBuilder().Episodes("PX", "2025-04",
                Opiate.ForClient("a").Referred("2024-01-01").Started("2024-01-02").Exited("2024-07-01", ExitReason.DROPPED_OUT).Build(),
                Opiate.ForClient("b").Referred("2024-01-01").Started("2024-01-02").Exited("2024-06-30", ExitReason.DROPPED_OUT).Build(),
                Opiate.ForClient("c").Started("2025-06-30").Build(),
                Opiate.ForClient("d").Started("2025-07-01").Build(),
                Opiate.ForClient("e").WithSubstance(Substance.ALCOHOL).Build(),
                Opiate.ForClient("f").NotStarted().Build())
            .Episodes("PY", "2025-04", Opiate.AtProvider("PY").ForClient("y").Build())
            .Episodes("PZ", "2025-04",
                Opiate.AtProvider("PZ").ForClient("a").Build(),
                Opiate.AtProvider("PZ").ForClient("w1").Build(),
                Opiate.AtProvider("PZ").ForClient("w2").WithSubstance(Substance.OTHER_OPIOID).Build(),
                Opiate.AtProvider("PZ").ForClient("w3").Build())
            .Build(), "2025-09-30", Reference);

        Assert.Equal((2L, 8L, 75.0), run.Figures(KpiIds.Pop01, "B1"));
        Assert.Equal((0L, 0L, null), run.Figures(KpiIds.Pop01, "B2"));
        Assert.Equal((4L, 3L, -33.3), run.Figures(KpiIds.Pop01, "B3"));
        Assert.Equal((2L, 8L, 75.0), run.Figures(KpiIds.Pop01, "ENGLAND"));
        Assert.Equal((4L, 3L, -33.3), run.Figures(KpiIds.Pop01, "WALES"));
        Assert.Equal((5L, 11L, 54.5), run.Figures(KpiIds.Pop01, "ALL"));
        Assert.DoesNotContain(run.All(), r => r.KpiId is KpiIds.Pop01 or KpiIds.Nsp04 && r.Level == "provider");
    }

    [Fact]
    public void Unmet_need_keeps_counting_a_client_for_364_days_after_the_effective_end()
    {
        // Ended 2024-07-01: counted in 2025-26-Q1 (P.end − 364 = 2024-07-01), not in Q2 (P.end − 364 = 2024-10-01).
        var run = Rows.Compute(new ReturnsBuilder().Episodes("PX", "2025-04",
                Opiate.ForClient("a").Referred("2024-01-01").Started("2024-01-02").Exited("2024-07-01", ExitReason.DROPPED_OUT).Build())
            .Build(), "2025-09-30", Reference);

        Assert.Equal((1L, 8L, 87.5), run.Figures(KpiIds.Pop01, "B1", "2025-26-Q1"));
        Assert.Equal((0L, 8L, 100.0), run.Figures(KpiIds.Pop01, "B1", "2025-26-Q2"));
        Assert.Equal((1L, 8L, 87.5), run.Figures(KpiIds.Pop01, "B1", "2024-25-Q1"));
    }
}
