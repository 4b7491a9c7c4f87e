using KpiPipeline.Core.Dataset;
using KpiPipeline.Kpis.Catalogue;

namespace KpiPipeline.Kpis.Tests;

/// <summary>Independent audit of VOL01, VOL02 and ACC01–ACC04 against kpis.md sections 0–2 (fixtures worked out by hand).</summary>
public class AuditVolumeAndAccessTests
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
    public void Waits_of_21_days_count_as_3_weeks_22_do_not_and_groups_follow_the_episode_substance()
    {
        var run = Rows.ComputeEpisodes("2025-06-30",
            Base.ForClient("a").Started("2025-04-22"),
            Base.ForClient("b").Started("2025-04-23").WithSubstance(Substance.ALCOHOL),
            Base.ForClient("c").Started("2025-04-01").WithSubstance(Substance.COCAINE),
            Base.ForClient("d").Started("2025-04-23"));

        Assert.Equal((2L, 4L, 50.0), run.Figures(KpiIds.Acc01));
        Assert.Equal((1L, 2L, 50.0), run.Figures(KpiIds.Acc01, dimensionValue: "OPIATE"));
        Assert.Equal((0L, 1L, 0.0), run.Figures(KpiIds.Acc01, dimensionValue: "ALCOHOL"));
        Assert.Equal((1L, 1L, 100.0), run.Figures(KpiIds.Acc01, dimensionValue: "NON_OPIATE"));
        Assert.Equal((1L, 4L, 25.0), run.Figures(KpiIds.Acc03));
        // Waits {0, 21, 22, 22}: even n → mean of the two middle values, not rounded.
        Assert.Equal((null, 4L, 21.5), run.Figures(KpiIds.Acc02));
        Assert.DoesNotContain(run.All(), r => r.KpiId == KpiIds.Acc03 && r.Dimension != "all");
    }

    [Fact]
    public void Median_wait_of_an_odd_number_of_starts_is_the_middle_value_and_blank_without_starts()
    {
        var run = Rows.ComputeEpisodes("2025-06-30",
            Base.ForClient("a").Started("2025-04-01"),
            Base.ForClient("b").Started("2025-04-22"),
            Base.ForClient("c").Started("2025-06-30"));

        Assert.Equal((null, 3L, 21.0), run.Figures(KpiIds.Acc02));
        Assert.Equal((null, 0L, null), run.Figures(KpiIds.Acc02, "P3"));
    }

    [Fact]
    public void Waiting_over_3_weeks_counts_episodes_referred_by_period_end_minus_21_not_started_by_period_end_and_still_open()
    {
        var waiting = new EpisodeBuilder().Referred("2025-05-01").NotStarted();
        var run = Rows.ComputeEpisodes("2025-09-30",
            waiting.ForClient("a").Referred("2025-06-09"),                                  // Q1: counts (06-09 = P.end − 21)
            waiting.ForClient("b").Referred("2025-06-10"),                                  // Q1: too recent
            waiting.ForClient("c").Started("2025-07-01"),                                   // Q1: started only after P.end
            waiting.ForClient("d").Started("2025-06-30"),                                   // started on P.end
            waiting.ForClient("e").Exited("2025-06-30", ExitReason.DECLINED),               // effective end not > P.end
            waiting.ForClient("f").Exited("2025-07-01", ExitReason.DECLINED),               // effective end > P.end
            waiting.ForClient("g").Deleted(),
            waiting.ForClient("a"));                                                        // a second episode of a: episodes count

        Assert.Equal((4L, null, 4.0), run.Figures(KpiIds.Acc04, "P1", "2025-26-Q1"));
        // Q2 (P.end − 21 = 09-09): a ×2 and b still waiting; c started, f exited.
        Assert.Equal((3L, null, 3.0), run.Figures(KpiIds.Acc04, "P1", "2025-26-Q2"));
        Assert.Equal(3.0, run.Find(KpiIds.Acc04, "ALL", "2025-26-Q2").Value);
    }

    [Fact]
    public void An_episode_that_went_missing_is_in_treatment_up_to_the_end_of_its_last_month_only()
    {
        // M appears only in P1's April file; P1 has a later accepted file (May) → effective end 2025-04-30.
        // N appears only in P2's April file and P2 sends nothing later → still open.
        var returns = new ReturnsBuilder()
            .Episodes("P1", "2025-04", Base.ForClient("m").WithId("M").Build(), Base.ForClient("k").WithId("K").Build(),
                new EpisodeBuilder().ForClient("w").WithId("W").Referred("2025-04-01").NotStarted().Build())
            .Episodes("P1", "2025-05", Base.ForClient("k").WithId("K").Build())
            .Episodes("P2", "2025-04", Base.AtProvider("P2").ForClient("n").WithId("N").Build())
            .Build();

        var run = Rows.Compute(returns, "2025-09-30");

        Assert.Equal(2.0, run.Find(KpiIds.Vol01, "P1", "2025-26-Q1").Value);
        Assert.Equal(1.0, run.Find(KpiIds.Vol01, "P1", "2025-26-Q2").Value);
        Assert.Equal(1.0, run.Find(KpiIds.Vol01, "P2", "2025-26-Q2").Value);
        Assert.Equal(2.0, run.Find(KpiIds.Vol01, "ALL", "2025-26-Q2").Value);
        // The unstarted referral W also went missing (effective end 04-30), so it is not waiting at the end of Q1.
        Assert.Equal(0.0, run.Find(KpiIds.Acc04, "P1", "2025-26-Q1").Value);
    }

    [Fact]
    public void The_period_range_starts_at_the_earliest_referral_of_the_combined_state_and_ends_at_the_as_of_quarter()
    {
        // E1's April row says referred 2024-12-01; its May row (which wins) says 2025-04-01. NSP in January does not extend the range.
        var returns = new ReturnsBuilder()
            .Episodes("P1", "2025-04", Base.WithId("E1").Referred("2024-12-01").Build())
            .Episodes("P1", "2025-05", Base.WithId("E1").Referred("2025-04-01").Build())
            .Nsp("P1", "2025-01", ReturnsBuilder.Transaction("P1", "2025-01-10", 40))
            .Build();

        var run = Rows.Compute(returns, "2025-10-01");

        Assert.Equal(["2025-26-Q1", "2025-26-Q2", "2025-26-Q3"], run.Periods.Select(p => p.Label));
        Assert.Equal(0.0, run.Find(KpiIds.Nsp01, "ALL", "2025-26-Q1").Value);
        Assert.All(run.All(), r => Assert.Contains(r.Period, new[] { "2025-26-Q1", "2025-26-Q2", "2025-26-Q3" }));
    }

    [Fact]
    public void An_episode_deleted_and_sent_again_as_active_comes_back_and_extends_the_period_range()
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
