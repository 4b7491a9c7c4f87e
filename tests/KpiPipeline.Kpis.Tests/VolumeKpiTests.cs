using KpiPipeline.Core.Dataset;
using KpiPipeline.Kpis.Catalogue;

namespace KpiPipeline.Kpis.Tests;

public class VolumeKpiTests
{
    private static readonly EpisodeBuilder Base = new();

    [Fact]
    public void The_same_person_at_two_providers_of_one_area_counts_once_in_the_area()
    {
        var run = Rows.ComputeEpisodes("2025-09-30",
            Base.ForClient("a").AtProvider("P1"),
            Base.ForClient("a").AtProvider("P2"),
            Base.ForClient("a").AtProvider("P3"),
            Base.ForClient("b").AtProvider("P1"));

        Assert.Equal(2.0, run.Find(KpiIds.Vol01, "P1").Value);
        Assert.Equal(1.0, run.Find(KpiIds.Vol01, "P2").Value);
        Assert.Equal(2.0, run.Find(KpiIds.Vol01, "A1").Value);
        Assert.Equal(1.0, run.Find(KpiIds.Vol01, "A2").Value);
        Assert.Equal(2.0, run.Find(KpiIds.Vol01, "ENGLAND").Value);
        Assert.Equal(1.0, run.Find(KpiIds.Vol01, "SCOTLAND").Value);
        Assert.Equal(2.0, run.Find(KpiIds.Vol01, "ALL").Value);
    }

    [Fact]
    public void A_person_counts_in_every_substance_group_they_have_an_episode_in()
    {
        var run = Rows.ComputeEpisodes("2025-09-30",
            Base.ForClient("a"),
            Base.ForClient("a").WithSubstance(Substance.ALCOHOL),
            Base.ForClient("a").WithSubstance(Substance.OTHER_OPIOID));

        Assert.Equal(1.0, run.Find(KpiIds.Vol01).Value);
        Assert.Equal(1.0, run.Find(KpiIds.Vol01, dimensionValue: "OPIATE").Value);
        Assert.Equal(1.0, run.Find(KpiIds.Vol01, dimensionValue: "ALCOHOL").Value);
        Assert.Equal(0.0, run.Find(KpiIds.Vol01, dimensionValue: "NON_OPIATE").Value);
        Assert.Equal(1.0, run.Find(KpiIds.Vol02, dimensionValue: "ALCOHOL").Value);
    }

    [Fact]
    public void In_treatment_needs_a_start_by_period_end_and_an_end_on_or_after_period_start()
    {
        var run = Rows.ComputeEpisodes("2025-12-31",
            Base.ForClient("a").Started("2025-04-02").Exited("2025-06-30", ExitReason.DROPPED_OUT),
            Base.ForClient("b").Started("2025-04-02").Exited("2025-07-01", ExitReason.DROPPED_OUT),
            Base.ForClient("c").Referred("2025-06-01").Started("2025-09-30"),
            Base.ForClient("d").Referred("2025-06-01").NotStarted());

        Assert.Equal((2L, null, 2.0), run.Figures(KpiIds.Vol01, period: "2025-26-Q2"));
        Assert.Equal(1.0, run.Find(KpiIds.Vol02, period: "2025-26-Q2").Value);
        Assert.Equal(2.0, run.Find(KpiIds.Vol01, period: "2025-26-Q1").Value);
        Assert.Equal(1.0, run.Find(KpiIds.Vol01, period: "2025-26-Q3").Value);
    }
}
