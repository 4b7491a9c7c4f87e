using KpiPipeline.Core.Dataset;
using KpiPipeline.Kpis.Catalogue;

namespace KpiPipeline.Kpis.Tests;

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
}
