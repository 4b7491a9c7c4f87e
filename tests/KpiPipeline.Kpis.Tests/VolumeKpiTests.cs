using KpiPipeline.Core.Dataset;
using KpiPipeline.Kpis.Catalogue;

namespace KpiPipeline.Kpis.Tests;

/// <summary>VOL01 and VOL02 (kpis.md section 2, <c>Families/VolumeKpis.cs</c>), on fixtures worked out by hand.</summary>
public class VolumeKpiTests
{
    private static readonly EpisodeBuilder Base = new EpisodeBuilder().Referred("2025-04-01").Started("2025-04-08");

    [Fact]
    public void A_person_with_several_episodes_counts_once_per_unit_and_once_per_substance_group()
    {
        // Client a: P1 HEROIN, P1 OTHER_OPIOID, P1 ALCOHOL, P2 CRACK, P3 ALCOHOL. Client b: P1 ALCOHOL. All start in Q1.
        var run = Rows.ComputeEpisodes("2025-06-30",
            Base.ForClient("a"),
            Base.ForClient("a").WithSubstance(Substance.OTHER_OPIOID),
            Base.ForClient("a").WithSubstance(Substance.ALCOHOL),
            Base.ForClient("a").AtProvider("P2").WithSubstance(Substance.CRACK),
            Base.ForClient("a").AtProvider("P3").WithSubstance(Substance.ALCOHOL),
            Base.ForClient("b").WithSubstance(Substance.ALCOHOL));

        foreach (var kpi in new[] { KpiIds.Vol01, KpiIds.Vol02 })
        {
            Assert.Equal((2L, null, 2.0), run.Figures(kpi, "P1"));
            Assert.Equal(1.0, run.Find(kpi, "P1", dimensionValue: "OPIATE").Value);
            Assert.Equal(2.0, run.Find(kpi, "P1", dimensionValue: "ALCOHOL").Value);
            Assert.Equal(0.0, run.Find(kpi, "P1", dimensionValue: "NON_OPIATE").Value);
            Assert.Equal(1.0, run.Find(kpi, "P2", dimensionValue: "NON_OPIATE").Value);
            Assert.Equal(2.0, run.Find(kpi, "A1").Value);
            Assert.Equal(1.0, run.Find(kpi, "A1", dimensionValue: "OPIATE").Value);
            Assert.Equal(1.0, run.Find(kpi, "A1", dimensionValue: "NON_OPIATE").Value);
            Assert.Equal(2.0, run.Find(kpi, "A1", dimensionValue: "ALCOHOL").Value);
            Assert.Equal(1.0, run.Find(kpi, "A2").Value);
            Assert.Equal(1.0, run.Find(kpi, "A2", dimensionValue: "ALCOHOL").Value);
            Assert.Equal(1.0, run.Find(kpi, "SCOTLAND").Value);
            Assert.Equal(2.0, run.Find(kpi, "ENGLAND").Value);
            Assert.Equal(2.0, run.Find(kpi, "ALL").Value);
            Assert.Equal(2.0, run.Find(kpi, "ALL", dimensionValue: "ALCOHOL").Value);
        }

        // ACC01 counts episodes, not clients: P1 has 4 starts (a ×3, b), all waited 7 days.
        Assert.Equal((4L, 4L, 100.0), run.Figures(KpiIds.Acc01, "P1"));
        Assert.Equal((2L, 2L, 100.0), run.Figures(KpiIds.Acc01, "P1", dimensionValue: "OPIATE"));
        Assert.Equal((6L, 6L, 100.0), run.Figures(KpiIds.Acc01, "ALL"));
        Assert.Equal((3L, 3L, 100.0), run.Figures(KpiIds.Acc01, "ALL", dimensionValue: "ALCOHOL"));
    }

    [Fact]
    public void Two_client_keys_are_one_person_exactly_when_their_texts_are_equal()
    {
        // Keys as the pseudonymiser writes them (64 lowercase hex digits) are compared packed; any other text as it is.
        const string Key = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
        var run = Rows.ComputeEpisodes("2025-06-30",
            Base.ForClient(Key),
            Base.ForClient(Key).WithSubstance(Substance.ALCOHOL),
            Base.ForClient(Key.ToUpperInvariant()),
            Base.ForClient(Key[..63] + "0"),
            Base.ForClient("0123456789abcdef0123456789abcdef" + new string('0', 32)),
            Base.ForClient(Key[..63]),
            Base.ForClient("short"),
            Base.ForClient("short"));

        Assert.Equal(6.0, run.Find(KpiIds.Vol01, "P1").Value);
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

    [Fact]
    public void An_episode_that_went_missing_is_in_treatment_up_to_the_end_of_its_last_month_only()
    {
        // M appears only in P1's April file; P1 has a later accepted file (May) → effective end 2025-04-30.
        // N appears only in P2's April file and P2 sends nothing later → still open.
        var returns = new ReturnsBuilder()
            .Episodes("P1", "2025-04", Base.ForClient("m").WithId("M").Build(), Base.ForClient("k").WithId("K").Build())
            .Episodes("P1", "2025-05", Base.ForClient("k").WithId("K").Build())
            .Episodes("P2", "2025-04", Base.AtProvider("P2").ForClient("n").WithId("N").Build())
            .Build();

        var run = Rows.Compute(returns, "2025-09-30");

        Assert.Equal(2.0, run.Find(KpiIds.Vol01, "P1", "2025-26-Q1").Value);
        Assert.Equal(1.0, run.Find(KpiIds.Vol01, "P1", "2025-26-Q2").Value);
        Assert.Equal(1.0, run.Find(KpiIds.Vol01, "P2", "2025-26-Q2").Value);
        Assert.Equal(2.0, run.Find(KpiIds.Vol01, "ALL", "2025-26-Q2").Value);
    }

    [Fact]
    public void An_episode_deleted_and_sent_again_as_active_comes_back()
    {
        var returns = new ReturnsBuilder()
            .Episodes("P1", "2025-04", Base.WithId("E1").ForClient("x").Referred("2025-02-01").Started("2025-02-02").Build())
            .Episodes("P1", "2025-05", Base.WithId("E1").ForClient("x").Referred("2025-02-01").Started("2025-02-02").Deleted().Build())
            .Episodes("P1", "2025-06", Base.WithId("E1").ForClient("x").Referred("2025-02-01").Started("2025-02-02").Build())
            .Build();

        var run = Rows.Compute(returns, "2025-06-30");

        Assert.Equal(["2024-25-Q4", "2025-26-Q1"], run.Periods.Select(p => p.Label));
        Assert.Equal(1.0, run.Find(KpiIds.Vol01, "ALL", "2025-26-Q1").Value);
    }
}
