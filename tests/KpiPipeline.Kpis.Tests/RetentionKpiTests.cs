using KpiPipeline.Core.Dataset;
using KpiPipeline.Kpis.Catalogue;

namespace KpiPipeline.Kpis.Tests;

/// <summary>RET01–RET04 (kpis.md section 3, <c>Families/RetentionKpis.cs</c>), on fixtures worked out by hand.</summary>
public class RetentionKpiTests
{
    private static readonly EpisodeBuilder Base = new EpisodeBuilder().Referred("2025-04-01").Started("2025-04-08");

    [Fact]
    public void An_exit_83_days_after_start_is_not_retained_and_84_days_is()
    {
        var run = Rows.ComputeEpisodes("2026-03-31",
            Base.ForClient("a").Exited("2025-06-30", ExitReason.DROPPED_OUT),
            Base.ForClient("b").Exited("2025-07-01", ExitReason.DROPPED_OUT));

        Assert.Equal((1L, 2L, 50.0), run.Figures(KpiIds.Ret01));
        Assert.Equal((1L, 2L, 50.0), run.Figures(KpiIds.Ret02));
        Assert.Equal("final", run.Find(KpiIds.Ret01).Status);
    }

    [Fact]
    public void Transfers_and_deaths_within_84_days_leave_the_cohort_and_successful_early_exits_are_retained()
    {
        var run = Rows.ComputeEpisodes("2026-03-31",
            Base.ForClient("a").Exited("2025-06-30", ExitReason.TRANSFERRED),
            Base.ForClient("b").Exited("2025-05-01", ExitReason.DIED),
            Base.ForClient("c").Exited("2025-07-01", ExitReason.TRANSFERRED_CUSTODY),
            Base.ForClient("d").Exited("2025-05-20", ExitReason.COMPLETED_DRUG_FREE),
            Base.ForClient("e").Exited("2025-05-20", ExitReason.DECLINED));

        Assert.Equal((2L, 3L, 66.7), run.Figures(KpiIds.Ret01));
        Assert.Equal((1L, 3L, 33.3), run.Figures(KpiIds.Ret02));
    }

    [Fact]
    public void Before_period_end_plus_84_the_cohort_keeps_only_exited_episodes_and_those_84_days_old()
    {
        var run = Rows.ComputeEpisodes("2025-07-15",
            Base.ForClient("a"),
            Base.ForClient("b").Referred("2025-06-01").Started("2025-06-01"),
            Base.ForClient("c").Referred("2025-06-01").Started("2025-06-01").Exited("2025-06-20", ExitReason.DROPPED_OUT));

        Assert.Equal((1L, 2L, 50.0), run.Figures(KpiIds.Ret01));
        Assert.Equal("provisional", run.Find(KpiIds.Ret01).Status);
        Assert.Equal("provisional", run.Find(KpiIds.Ret02, "ALL").Status);
        Assert.Equal("final", run.Find(KpiIds.Acc01, period: "2025-26-Q2").Status);
    }

    [Theory]
    [InlineData("2025-09-21", "provisional")]
    [InlineData("2025-09-22", "final")]
    public void Retention_is_final_from_period_end_plus_84_days(string asOf, string status)
    {
        var run = Rows.ComputeEpisodes(asOf, Base);

        Assert.Equal(status, run.Find(KpiIds.Ret01, dimensionValue: "OPIATE").Status);
    }

    [Fact]
    public void An_episode_that_went_missing_ends_at_the_end_of_its_last_month()
    {
        var episode = Base.ForClient("a").WithId("GONE");
        var returns = new ReturnsBuilder()
            .Episodes("P1", "2025-04", episode.Build())
            .Episodes("P1", "2025-05")
            .Build();

        var run = Rows.Compute(returns, "2026-03-31");

        Assert.Equal((0L, 1L, 0.0), run.Figures(KpiIds.Ret01));
        Assert.Equal((0L, 1L, 0.0), run.Figures(KpiIds.Ret02));
    }

    [Fact]
    public void Ost_over_4_and_6_years_count_starts_1461_and_2191_days_before_period_end()
    {
        var ost = new EpisodeBuilder().OnMedication(Medication.METHADONE, 80m);
        var run = Rows.ComputeEpisodes("2025-06-30",
            ost.ForClient("a").Referred("2021-06-30").Started("2021-06-30"),
            ost.ForClient("b").Referred("2021-07-01").Started("2021-07-01"),
            ost.ForClient("c").Referred("2019-07-01").Started("2019-07-01"),
            ost.ForClient("d").Referred("2019-07-02").Started("2019-07-02"),
            new EpisodeBuilder().ForClient("e").Referred("2010-01-01").Started("2010-01-01"));

        Assert.Equal((3L, 4L, 75.0), run.Figures(KpiIds.Ret03));
        Assert.Equal((1L, 4L, 25.0), run.Figures(KpiIds.Ret04));
        Assert.Equal("2009-10-Q4", run.Periods[0].Label);
    }

    private static EpisodeBuilder[] CohortOfQ1() =>
    [
        Base.ForClient("a"),                                                                     // start+84 = 07-01
        Base.ForClient("b").Started("2025-04-22"),                                               // start+84 = 07-15
        Base.ForClient("c").Started("2025-04-23"),                                               // start+84 = 07-16
        Base.ForClient("d").Started("2025-06-01").Exited("2025-06-10", ExitReason.TRANSFERRED),  // out of the cohort
        Base.ForClient("e").Started("2025-06-01").Exited("2025-06-20", ExitReason.COMPLETED_DRUG_FREE),
        Base.ForClient("f").Started("2025-06-01").Exited("2025-06-25", ExitReason.DROPPED_OUT),
    ];

    [Fact]
    public void Provisional_cohort_keeps_exited_episodes_and_those_at_least_84_days_old_on_the_as_of_date()
    {
        var run = Rows.ComputeEpisodes("2025-07-15", CohortOfQ1());

        // Cohort a, b, e, f (c is 83 days old and open; d is a transfer within 84 days).
        Assert.Equal((3L, 4L, 75.0), run.Figures(KpiIds.Ret01));
        Assert.Equal((1L, 4L, 25.0), run.Figures(KpiIds.Ret02));
        Assert.All(run.All().Where(r => r.Period == "2025-26-Q1" && r.KpiId is KpiIds.Ret01 or KpiIds.Ret02),
            r => Assert.Equal("provisional", r.Status));
    }

    [Fact]
    public void Final_cohort_from_period_end_plus_84_keeps_every_start_except_early_transfers_and_deaths()
    {
        var run = Rows.ComputeEpisodes("2025-09-22", CohortOfQ1());

        Assert.Equal((4L, 5L, 80.0), run.Figures(KpiIds.Ret01));
        Assert.Equal((1L, 5L, 20.0), run.Figures(KpiIds.Ret02));
        Assert.All(run.All().Where(r => r.Period == "2025-26-Q1" && r.KpiId is KpiIds.Ret01 or KpiIds.Ret02),
            r => Assert.Equal("final", r.Status));
    }

    private static Returns.ReturnSet WentMissingReturns() => new ReturnsBuilder()
        .Episodes("P1", "2025-04", Base.ForClient("x").WithId("X").Started("2025-04-02").Build())
        .Episodes("P1", "2025-05", Base.ForClient("y").WithId("Y").Referred("2025-05-20").Started("2025-05-20").Build())
        .Episodes("P1", "2025-06", Base.ForClient("z").WithId("Z").Referred("2025-06-01").Started("2025-06-01").Build())
        .Build();

    [Fact]
    public void While_provisional_an_episode_that_only_went_missing_and_is_younger_than_84_days_is_left_out()
    {
        // X went missing (end 04-30) and is 84+ days old by 07-15 → in the cohort, not retained (28 days).
        // Y went missing (end 05-31), no exit_date and start + 84 = 08-12 > as-of → left out. Z is open and young → left out.
        var run = Rows.Compute(WentMissingReturns(), "2025-07-15");

        Assert.Equal((0L, 1L, 0.0), run.Figures(KpiIds.Ret01));
        Assert.Equal((0L, 1L, 0.0), run.Figures(KpiIds.Ret02));
    }

    [Fact]
    public void Once_final_went_missing_episodes_count_with_their_effective_end()
    {
        var run = Rows.Compute(WentMissingReturns(), "2025-09-30");

        // X: 28 days, Y: 11 days → not still open at 84 days; Z open → retained.
        Assert.Equal((1L, 3L, 33.3), run.Figures(KpiIds.Ret01));
        Assert.Equal((0L, 3L, 0.0), run.Figures(KpiIds.Ret02));
    }

    [Fact]
    public void Retention_substance_group_rows_use_the_cohort_of_the_group_and_RET02_has_none()
    {
        var run = Rows.ComputeEpisodes("2025-12-31",
            Base.ForClient("a"),
            Base.ForClient("b").WithSubstance(Substance.ALCOHOL).Exited("2025-05-01", ExitReason.DROPPED_OUT),
            Base.ForClient("c").WithSubstance(Substance.ALCOHOL),
            Base.ForClient("d").WithSubstance(Substance.CANNABIS).Exited("2025-05-01", ExitReason.DIED));

        Assert.Equal((2L, 3L, 66.7), run.Figures(KpiIds.Ret01));
        Assert.Equal((1L, 1L, 100.0), run.Figures(KpiIds.Ret01, dimensionValue: "OPIATE"));
        Assert.Equal((1L, 2L, 50.0), run.Figures(KpiIds.Ret01, dimensionValue: "ALCOHOL"));
        Assert.Equal((0L, 0L, null), run.Figures(KpiIds.Ret01, dimensionValue: "NON_OPIATE"));
        Assert.Equal((1L, 3L, 33.3), run.Figures(KpiIds.Ret02));
        Assert.DoesNotContain(run.All(), r => r.KpiId == KpiIds.Ret02 && r.Dimension != "all");
    }

    [Fact]
    public void A_transfer_or_death_84_days_or_more_after_start_stays_in_the_cohort_as_retained()
    {
        var run = Rows.ComputeEpisodes("2025-12-31",
            Base.ForClient("a").Exited("2025-07-01", ExitReason.TRANSFERRED),   // 84 days
            Base.ForClient("b").Exited("2025-07-01", ExitReason.DIED),          // 84 days
            Base.ForClient("c").Exited("2025-06-30", ExitReason.OTHER),         // 83 days, UNPLANNED
            Base.ForClient("d").Exited("2025-06-30", ExitReason.COMPLETED_OCCASIONAL_USE));

        Assert.Equal((3L, 4L, 75.0), run.Figures(KpiIds.Ret01));
        Assert.Equal((1L, 4L, 25.0), run.Figures(KpiIds.Ret02));
    }

    [Fact]
    public void Ost_retention_counts_distinct_clients_with_an_OST_episode_in_treatment_and_uses_only_such_episodes()
    {
        var ost = new EpisodeBuilder().OnMedication(Medication.METHADONE, 80m);
        var run = Rows.ComputeEpisodes("2025-06-30",
            ost.ForClient("a").Referred("2021-06-30").Started("2021-06-30"),                                  // 1461 days
            ost.ForClient("a").OnMedication(Medication.BUPRENORPHINE, 16m),                                   // same client
            ost.ForClient("b").Referred("2019-01-01").Started("2019-01-01").Exited("2025-03-31", ExitReason.TRANSFERRED),
            ost.ForClient("b"),                                                                                // recent OST episode only
            new EpisodeBuilder().ForClient("c").Referred("2015-01-01").Started("2015-01-01"),                  // medication NONE
            ost.ForClient("d").OnMedication(Medication.DIAMORPHINE).Referred("2019-07-01").Started("2019-07-01")
                .Exited("2025-04-01", ExitReason.DROPPED_OUT),                                                 // 2191 days, IT in Q1
            ost.ForClient("e").OnMedication(Medication.BUPRENORPHINE_DEPOT).Referred("2019-07-02").Started("2019-07-02"));

        Assert.Equal((3L, 4L, 75.0), run.Figures(KpiIds.Ret03));
        Assert.Equal((1L, 4L, 25.0), run.Figures(KpiIds.Ret04));
        Assert.Equal((3L, 4L, 75.0), run.Figures(KpiIds.Ret03, "ALL"));
    }

    [Fact]
    public void Ost_retention_has_no_polarity_so_it_is_never_rated_and_ignores_targets()
    {
        var ost = new EpisodeBuilder().OnMedication(Medication.METHADONE, 80m);
        var returns = new ReturnsBuilder().Episodes("P1", "2025-04", ost.Referred("2020-01-01").Started("2020-01-01").Build()).Build();

        var run = Rows.Compute(returns, "2025-06-30",
            TestReference.Standard(new Core.Reference.TargetOverride("*", KpiIds.Ret03, 50m, null)));

        Assert.All(run.All().Where(r => r.KpiId is KpiIds.Ret03 or KpiIds.Ret04),
            r => Assert.Equal(("none", "none", (double?)null), (r.Rag, r.RagBasis, r.Target)));
    }
}
