using KpiPipeline.Core.Dataset;
using KpiPipeline.Kpis.Catalogue;

namespace KpiPipeline.Kpis.Tests;

/// <summary>POP01 (kpis.md sections 8 and 9, <c>Families/PopulationKpis.cs</c>), on fixtures worked out by hand.</summary>
public class PopulationKpiTests
{
    private static readonly EpisodeBuilder Opiate = new EpisodeBuilder().AtProvider("PX").Referred("2025-04-01").Started("2025-04-08");

    [Fact]
    public void Unmet_need_counts_opiate_clients_in_treatment_in_the_year_to_period_end_in_areas_with_an_estimate()
    {
        var opiate = new EpisodeBuilder().Referred("2024-01-01").Started("2024-01-02");
        var run = Rows.ComputeEpisodes("2025-09-30",
            opiate.ForClient("a").Exited("2024-07-01", ExitReason.DROPPED_OUT),
            opiate.ForClient("b").Exited("2024-06-30", ExitReason.DROPPED_OUT),
            opiate.ForClient("c").AtProvider("P2"),
            opiate.ForClient("c").AtProvider("P1"),
            opiate.ForClient("d").AtProvider("P3"),
            opiate.ForClient("e").WithSubstance(Substance.ALCOHOL));

        Assert.Equal((2L, 100L, 98.0), run.Figures(KpiIds.Pop01, "A1", "2025-26-Q1"));
        Assert.Equal((2L, 100L, 98.0), run.Figures(KpiIds.Pop01, "ALL", "2025-26-Q1"));
        Assert.Equal((0L, 0L, null), run.Figures(KpiIds.Pop01, "A2", "2025-26-Q1"));
        Assert.DoesNotContain(run.All(), r => r.KpiId == KpiIds.Pop01 && r.Level == "provider");
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
            .Build(), "2025-09-30", TestReference.ThreeAreas());

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
            .Build(), "2025-09-30", TestReference.ThreeAreas());

        Assert.Equal((1L, 8L, 87.5), run.Figures(KpiIds.Pop01, "B1", "2025-26-Q1"));
        Assert.Equal((0L, 8L, 100.0), run.Figures(KpiIds.Pop01, "B1", "2025-26-Q2"));
        Assert.Equal((1L, 8L, 87.5), run.Figures(KpiIds.Pop01, "B1", "2024-25-Q1"));
    }
}
