using KpiPipeline.Core.Dataset;
using KpiPipeline.Kpis.Catalogue;

namespace KpiPipeline.Kpis.Tests;

public class NspAndPopulationKpiTests
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
}
