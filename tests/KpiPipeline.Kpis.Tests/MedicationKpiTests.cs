using KpiPipeline.Core.Dataset;
using KpiPipeline.Kpis.Catalogue;

namespace KpiPipeline.Kpis.Tests;

/// <summary>DOS01, DOS02 and HRM01 (kpis.md sections 0 and 5, <c>Families/MedicationKpis.cs</c>), on fixtures worked out by hand.</summary>
public class MedicationKpiTests
{
    private static readonly EpisodeBuilder Base = new();

    [Fact]
    public void Methadone_optimal_dose_is_60_to_120_inclusive_over_clients_with_a_dose_above_0()
    {
        var run = Rows.ComputeEpisodes("2025-09-30",
            Base.ForClient("a").OnMedication(Medication.METHADONE, 59.9m),
            Base.ForClient("b").OnMedication(Medication.METHADONE, 60m),
            Base.ForClient("c").OnMedication(Medication.METHADONE, 120m),
            Base.ForClient("d").OnMedication(Medication.METHADONE, 120.5m),
            Base.ForClient("e").OnMedication(Medication.METHADONE, 0m),
            Base.ForClient("f").OnMedication(Medication.METHADONE));

        Assert.Equal((2L, 4L, 50.0), run.Figures(KpiIds.Dos01));
    }

    [Fact]
    public void Buprenorphine_optimal_dose_is_12_to_32_inclusive_with_or_without_naloxone()
    {
        var run = Rows.ComputeEpisodes("2025-09-30",
            Base.ForClient("a").OnMedication(Medication.BUPRENORPHINE, 12m),
            Base.ForClient("b").OnMedication(Medication.BUPRENORPHINE_NALOXONE, 32m),
            Base.ForClient("c").OnMedication(Medication.BUPRENORPHINE, 11m),
            Base.ForClient("d").OnMedication(Medication.DIAMORPHINE, 20m));

        Assert.Equal((2L, 3L, 66.7), run.Figures(KpiIds.Dos02));
    }

    [Fact]
    public void Naloxone_counts_opiate_clients_supplied_on_an_opiate_episode()
    {
        var run = Rows.ComputeEpisodes("2025-09-30",
            Base.ForClient("a").WithNaloxone(),
            Base.ForClient("b").WithNaloxone(false),
            Base.ForClient("b").WithSubstance(Substance.ALCOHOL).WithNaloxone(),
            Base.ForClient("c").WithSubstance(Substance.ALCOHOL).WithNaloxone());

        Assert.Equal((1L, 2L, 50.0), run.Figures(KpiIds.Hrm01));
    }

    private static readonly EpisodeBuilder Earlier =
        new EpisodeBuilder().Referred("2025-01-01").Started("2025-01-02").Exited("2025-03-31", ExitReason.TRANSFERRED);

    [Fact]
    public void Optimal_dose_counts_clients_with_some_recorded_dose_in_range_on_an_episode_in_treatment()
    {
        var run = Rows.ComputeEpisodes("2025-06-30",
            Base.ForClient("a").OnMedication(Medication.METHADONE, 50m),
            Base.ForClient("a").OnMedication(Medication.METHADONE, 80m),
            Base.ForClient("b").OnMedication(Medication.METHADONE, 0m),
            Base.ForClient("c").OnMedication(Medication.METHADONE, 150m),
            Earlier.ForClient("c").OnMedication(Medication.METHADONE, 80m),       // not in treatment in Q1
            Base.ForClient("d").OnMedication(Medication.METHADONE),
            Base.ForClient("e").OnMedication(Medication.BUPRENORPHINE, 16m),
            Base.ForClient("f").OnMedication(Medication.BUPRENORPHINE_NALOXONE, 32.5m),
            Base.ForClient("g").OnMedication(Medication.BUPRENORPHINE_DEPOT, 20m),
            Base.ForClient("h").OnMedication(Medication.BUPRENORPHINE, 11.9m),
            Base.ForClient("h").OnMedication(Medication.BUPRENORPHINE_NALOXONE, 12m));

        Assert.Equal((1L, 2L, 50.0), run.Figures(KpiIds.Dos01));
        Assert.Equal((2L, 3L, 66.7), run.Figures(KpiIds.Dos02));
    }

    [Fact]
    public void The_latest_combined_dose_is_used_for_every_period_the_episode_is_in_treatment()
    {
        var episode = Base.WithId("E1").ForClient("a");
        var returns = new ReturnsBuilder()
            .Episodes("P1", "2025-04", episode.OnMedication(Medication.METHADONE, 80m).Build())
            .Episodes("P1", "2025-07", episode.OnMedication(Medication.METHADONE, 150m).Build())
            .Build();

        var run = Rows.Compute(returns, "2025-09-30");

        Assert.Equal((0L, 1L, 0.0), run.Figures(KpiIds.Dos01, period: "2025-26-Q1"));
        Assert.Equal((0L, 1L, 0.0), run.Figures(KpiIds.Dos01, period: "2025-26-Q2"));
    }

    [Fact]
    public void Naloxone_counts_only_opiate_episodes_in_treatment_in_the_period()
    {
        var run = Rows.ComputeEpisodes("2025-06-30",
            Base.ForClient("a"),
            Base.ForClient("a").WithSubstance(Substance.ALCOHOL).WithNaloxone(),
            Base.ForClient("b").WithSubstance(Substance.OTHER_OPIOID).WithNaloxone(),
            Earlier.ForClient("c").WithNaloxone(),
            Base.ForClient("c").WithNaloxone(false),
            Base.ForClient("d").NotStarted().WithNaloxone(),
            Base.ForClient("e").WithSubstance(Substance.CRACK).WithNaloxone());

        Assert.Equal((1L, 3L, 33.3), run.Figures(KpiIds.Hrm01));
        Assert.DoesNotContain(run.All(), r => r.KpiId is KpiIds.Hrm01 or KpiIds.Dos01 or KpiIds.Dos02 && r.Dimension != "all");
    }
}
