using KpiPipeline.Core.Dataset;
using KpiPipeline.Kpis.Catalogue;

namespace KpiPipeline.Kpis.Tests;

/// <summary>EXT01–EXT06 and re-presentation (kpis.md sections 0 and 4, <c>Families/ExitKpis.cs</c>), on fixtures worked out by hand.</summary>
public class ExitKpiTests
{
    private static readonly EpisodeBuilder Base = new EpisodeBuilder().Referred("2025-04-01").Started("2025-04-08");

    private static EpisodeBuilder[] RepresentationAt182And183() =>
    [
        Base.ForClient("a").Exited("2025-05-01", ExitReason.COMPLETED_DRUG_FREE),
        Base.ForClient("a").Referred("2025-10-30").NotStarted(),
        Base.ForClient("b").Exited("2025-05-01", ExitReason.COMPLETED_OCCASIONAL_USE),
        Base.ForClient("b").Referred("2025-10-31").NotStarted(),
    ];

    [Fact]
    public void Re_presentation_counts_182_days_after_exit_but_not_183()
    {
        var run = Rows.ComputeEpisodes("2026-01-01", RepresentationAt182And183());

        Assert.Equal((2L, 2L, 100.0), run.Figures(KpiIds.Ext01));
        Assert.Equal((1L, 2L, 50.0), run.Figures(KpiIds.Ext02));
        Assert.Equal((1L, 2L, 50.0), run.Figures(KpiIds.Ext03));
        Assert.Equal("final", run.Find(KpiIds.Ext02).Status);
    }

    [Theory]
    [InlineData("2025-12-28", "provisional")]
    [InlineData("2025-12-29", "final")]
    public void Re_presentation_KPIs_are_final_from_period_end_plus_182_days(string asOf, string status)
    {
        var run = Rows.ComputeEpisodes(asOf, RepresentationAt182And183());

        Assert.Equal(status, run.Find(KpiIds.Ext02).Status);
        Assert.Equal(status, run.Find(KpiIds.Ext03, "ALL").Status);
        Assert.Equal("final", run.Find(KpiIds.Ext01).Status);
    }

    [Fact]
    public void Re_presentation_is_found_at_another_provider_in_another_area()
    {
        var run = Rows.ComputeEpisodes("2026-01-01",
            Base.ForClient("a").Exited("2025-05-01", ExitReason.COMPLETED_DRUG_FREE),
            Base.ForClient("a").AtProvider("P3").Referred("2025-06-01").NotStarted());

        Assert.Equal((0L, 1L, 0.0), run.Figures(KpiIds.Ext02));
        Assert.Equal((1L, 1L, 100.0), run.Figures(KpiIds.Ext03));
    }

    [Fact]
    public void A_client_with_two_successful_exits_counts_in_EXT02_when_any_one_has_no_re_presentation()
    {
        var run = Rows.ComputeEpisodes("2026-01-01",
            Base.ForClient("a").Exited("2025-04-10", ExitReason.COMPLETED_DRUG_FREE),
            Base.ForClient("a").Referred("2025-05-01").Started("2025-05-01").Exited("2025-06-01", ExitReason.COMPLETED_DRUG_FREE));

        Assert.Equal((1L, 1L, 100.0), run.Figures(KpiIds.Ext01));
        Assert.Equal((1L, 1L, 100.0), run.Figures(KpiIds.Ext02));
        Assert.Equal((0L, 1L, 0.0), run.Figures(KpiIds.Ext03));
    }

    [Fact]
    public void Unplanned_exits_and_deaths_count_distinct_clients_with_the_reason()
    {
        var run = Rows.ComputeEpisodes("2026-01-01",
            Base.ForClient("a").Exited("2025-05-01", ExitReason.DROPPED_OUT),
            Base.ForClient("b").Exited("2025-05-01", ExitReason.WITHDRAWN_BY_PROVIDER),
            Base.ForClient("c").Exited("2025-05-01", ExitReason.DIED),
            Base.ForClient("d"));

        Assert.Equal((1L, 4L, 25.0), run.Figures(KpiIds.Ext04));
        Assert.Equal((1L, 4L, 25.0), run.Figures(KpiIds.Ext05));
        Assert.Equal((1L, null, 1.0), run.Figures(KpiIds.Ext06));
    }

    [Fact]
    public void Exits_of_episodes_that_never_started_count_as_exits()
    {
        var run = Rows.ComputeEpisodes("2026-01-01",
            Base.ForClient("a").NotStarted().Exited("2025-05-01", ExitReason.DROPPED_OUT));

        Assert.Equal((1L, 0L, null), run.Figures(KpiIds.Ext04));
    }

    [Fact]
    public void Successful_exits_are_broken_down_by_substance_group_over_the_group_VOL01()
    {
        var run = Rows.ComputeEpisodes("2026-01-01",
            Base.ForClient("a").WithSubstance(Substance.ALCOHOL).Exited("2025-05-01", ExitReason.COMPLETED_DRUG_FREE),
            Base.ForClient("a"),
            Base.ForClient("b").WithSubstance(Substance.ALCOHOL));

        Assert.Equal((1L, 2L, 50.0), run.Figures(KpiIds.Ext01, dimensionValue: "ALCOHOL"));
        Assert.Equal((0L, 1L, 0.0), run.Figures(KpiIds.Ext01, dimensionValue: "OPIATE"));
    }

    [Fact]
    public void Exits_of_never_started_episodes_count_as_exits_but_the_episodes_are_not_in_treatment()
    {
        var never = new EpisodeBuilder().Referred("2025-04-01").NotStarted();
        var run = Rows.ComputeEpisodes("2026-03-31",
            never.ForClient("a").Exited("2025-05-01", ExitReason.DROPPED_OUT),
            never.ForClient("b").Exited("2025-05-01", ExitReason.WITHDRAWN_BY_PROVIDER),
            never.ForClient("c").Exited("2025-05-01", ExitReason.DIED),
            never.ForClient("e").Exited("2025-05-01", ExitReason.COMPLETED_DRUG_FREE),
            Base.ForClient("d"));

        Assert.Equal((1L, null, 1.0), run.Figures(KpiIds.Vol01));
        Assert.Equal((1L, 1L, 100.0), run.Figures(KpiIds.Ext04));
        Assert.Equal((1L, 1L, 100.0), run.Figures(KpiIds.Ext05));
        Assert.Equal((1L, null, 1.0), run.Figures(KpiIds.Ext06));
        Assert.Equal((1L, 1L, 100.0), run.Figures(KpiIds.Ext01));
        Assert.Equal((1L, 1L, 100.0), run.Figures(KpiIds.Ext02));
    }

    [Fact]
    public void Exit_reasons_count_distinct_clients_per_unit()
    {
        var run = Rows.ComputeEpisodes("2026-03-31",
            Base.ForClient("a").Exited("2025-04-20", ExitReason.DROPPED_OUT),
            Base.ForClient("a").Referred("2025-05-01").Started("2025-05-01").Exited("2025-06-01", ExitReason.DROPPED_OUT),
            Base.ForClient("a").AtProvider("P2").Exited("2025-05-10", ExitReason.DROPPED_OUT),
            Base.ForClient("b"),
            Base.ForClient("c").Exited("2025-05-10", ExitReason.DIED),
            Base.ForClient("f").AtProvider("P2").Exited("2025-05-10", ExitReason.DIED));

        Assert.Equal((1L, 3L, 33.3), run.Figures(KpiIds.Ext04, "P1"));
        Assert.Equal((1L, 2L, 50.0), run.Figures(KpiIds.Ext04, "P2"));
        Assert.Equal((1L, 4L, 25.0), run.Figures(KpiIds.Ext04, "A1"));
        Assert.Equal((1L, null, 1.0), run.Figures(KpiIds.Ext06, "P1"));
        Assert.Equal((2L, null, 2.0), run.Figures(KpiIds.Ext06, "ALL"));
        Assert.Equal((0L, 4L, 0.0), run.Figures(KpiIds.Ext05, "ALL"));
    }

    private static EpisodeBuilder[] SeveralSuccessfulExits() =>
    [
        // a: two SUCCESSFUL exits at P1; the first (04-20) re-presents at P3 (other area) on 05-01, the second (06-15) never does.
        Base.ForClient("a").Started("2025-04-02").Exited("2025-04-20", ExitReason.COMPLETED_DRUG_FREE),
        Base.ForClient("a").AtProvider("P3").Referred("2025-05-01").Started("2025-05-01"),
        Base.ForClient("a").Exited("2025-06-15", ExitReason.COMPLETED_OCCASIONAL_USE),
        // b: its only re-presentation is a DELETED episode → none.
        Base.ForClient("b").Exited("2025-05-10", ExitReason.COMPLETED_DRUG_FREE),
        Base.ForClient("b").Referred("2025-06-01").Started("2025-06-01").Deleted(),
        // c: re-presents 180 days later at P3 for another substance, never starting.
        Base.ForClient("c").Exited("2025-05-10", ExitReason.COMPLETED_DRUG_FREE),
        Base.ForClient("c").AtProvider("P3").WithSubstance(Substance.ALCOHOL).Referred("2025-11-06").NotStarted(),
    ];

    [Fact]
    public void Several_successful_exits_in_a_period_count_in_EXT02_if_any_has_no_re_presentation_and_in_EXT03_only_if_all_have()
    {
        var run = Rows.ComputeEpisodes("2026-01-15", SeveralSuccessfulExits());

        Assert.Equal((3L, 3L, 100.0), run.Figures(KpiIds.Ext01, "P1"));
        Assert.Equal((2L, 3L, 66.7), run.Figures(KpiIds.Ext02, "P1"));
        Assert.Equal((1L, 3L, 33.3), run.Figures(KpiIds.Ext03, "P1"));
        Assert.Equal((2L, 3L, 66.7), run.Figures(KpiIds.Ext02, "ALL"));
        Assert.Equal((1L, 3L, 33.3), run.Figures(KpiIds.Ext03, "ALL"));
        Assert.Equal((0L, 1L, 0.0), run.Figures(KpiIds.Ext01, "P3"));
        Assert.Equal((0L, 0L, null), run.Figures(KpiIds.Ext03, "P3"));
        Assert.Equal("final", run.Find(KpiIds.Ext02, "P1").Status);
    }

    [Fact]
    public void A_client_whose_every_successful_exit_re_presents_counts_in_EXT03()
    {
        var run = Rows.ComputeEpisodes("2026-03-31",
            Base.ForClient("a").Started("2025-04-02").Exited("2025-04-20", ExitReason.COMPLETED_DRUG_FREE),
            Base.ForClient("a").Referred("2025-05-01").Started("2025-05-01").Exited("2025-06-10", ExitReason.COMPLETED_DRUG_FREE),
            Base.ForClient("a").Referred("2025-07-01").NotStarted(),
            Base.ForClient("b").Exited("2025-06-10", ExitReason.COMPLETED_DRUG_FREE));

        Assert.Equal((2L, 2L, 100.0), run.Figures(KpiIds.Ext01));
        Assert.Equal((1L, 2L, 50.0), run.Figures(KpiIds.Ext02));
        Assert.Equal((1L, 2L, 50.0), run.Figures(KpiIds.Ext03));
    }

    [Fact]
    public void A_re_presentation_must_be_referred_after_the_exit_day()
    {
        var run = Rows.ComputeEpisodes("2026-03-31",
            Base.ForClient("a").Exited("2025-05-01", ExitReason.COMPLETED_DRUG_FREE),
            Base.ForClient("a").AtProvider("P2").Referred("2025-05-01").NotStarted());   // same day as the exit: not in (X, X+182]

        Assert.Equal((1L, 1L, 100.0), run.Figures(KpiIds.Ext02, "A1"));
        Assert.Equal((0L, 1L, 0.0), run.Figures(KpiIds.Ext03, "A1"));
    }

    [Fact]
    public void Substance_group_rows_of_EXT01_and_EXT02_use_exits_of_the_group_over_VOL01_of_the_same_group()
    {
        var run = Rows.ComputeEpisodes("2026-03-31",
            Base.ForClient("a").Exited("2025-05-01", ExitReason.COMPLETED_DRUG_FREE),
            Base.ForClient("a").WithSubstance(Substance.ALCOHOL),
            Base.ForClient("b").WithSubstance(Substance.ALCOHOL),
            Base.ForClient("c").WithSubstance(Substance.COCAINE).Exited("2025-05-01", ExitReason.COMPLETED_DRUG_FREE),
            Base.ForClient("c").Referred("2025-06-01").NotStarted());

        Assert.Equal((2L, 3L, 66.7), run.Figures(KpiIds.Ext01));
        Assert.Equal((1L, 1L, 100.0), run.Figures(KpiIds.Ext01, dimensionValue: "OPIATE"));
        Assert.Equal((0L, 2L, 0.0), run.Figures(KpiIds.Ext01, dimensionValue: "ALCOHOL"));
        Assert.Equal((1L, 1L, 100.0), run.Figures(KpiIds.Ext01, dimensionValue: "NON_OPIATE"));
        Assert.Equal((1L, 3L, 33.3), run.Figures(KpiIds.Ext02));
        Assert.Equal((1L, 1L, 100.0), run.Figures(KpiIds.Ext02, dimensionValue: "OPIATE"));
        Assert.Equal((0L, 1L, 0.0), run.Figures(KpiIds.Ext02, dimensionValue: "NON_OPIATE"));
        Assert.Equal((1L, 2L, 50.0), run.Figures(KpiIds.Ext03));
        Assert.DoesNotContain(run.All(), r => r.KpiId is KpiIds.Ext03 or KpiIds.Ext04 or KpiIds.Ext05 or KpiIds.Ext06 && r.Dimension != "all");
    }

    [Theory]
    [InlineData("2025-12-28", "provisional")]
    [InlineData("2025-12-29", "final")]
    public void Re_presentation_KPIs_are_provisional_on_every_row_until_period_end_plus_182(string asOf, string status)
    {
        var run = Rows.ComputeEpisodes(asOf, SeveralSuccessfulExits());

        var q1 = run.All().Where(r => r.Period == "2025-26-Q1").ToList();
        Assert.All(q1.Where(r => r.KpiId is KpiIds.Ext02 or KpiIds.Ext03), r => Assert.Equal(status, r.Status));
        Assert.All(q1.Where(r => r.KpiId is KpiIds.Ext01 or KpiIds.Ext04 or KpiIds.Ext05 or KpiIds.Ext06), r => Assert.Equal("final", r.Status));
        // RET01/RET02 of Q1 are final from 09-22, long before.
        Assert.All(q1.Where(r => r.KpiId is KpiIds.Ret01 or KpiIds.Ret02), r => Assert.Equal("final", r.Status));
    }

    [Fact]
    public void A_successful_exit_83_days_after_start_is_early_and_84_days_is_not()
    {
        var started = new EpisodeBuilder().Referred("2025-04-01").Started("2025-04-01");
        var run = Rows.ComputeEpisodes("2025-09-30",
            started.ForClient("a").Exited("2025-06-23", ExitReason.COMPLETED_DRUG_FREE),          // day 83
            started.ForClient("b").Exited("2025-06-24", ExitReason.COMPLETED_OCCASIONAL_USE),     // day 84
            started.ForClient("c").Exited("2025-04-10", ExitReason.DROPPED_OUT),                  // not successful
            started.ForClient("d").NotStarted().Exited("2025-04-10", ExitReason.COMPLETED_DRUG_FREE), // never started
            started.ForClient("e"));

        Assert.Equal((1L, 2L, 50.0), run.Figures(KpiIds.Ext07));
        Assert.Equal((1L, 2L, 50.0), run.Figures(KpiIds.Ext07, "ALL"));
        // The never-started successful exit still counts in EXT01 (kpis.md section 0 and 10.7).
        Assert.Equal((3L, 4L, 75.0), run.Figures(KpiIds.Ext01));
        Assert.Equal(("none", "none"), (run.Find(KpiIds.Ext07).Rag, run.Find(KpiIds.Ext07).RagBasis));
        Assert.DoesNotContain(run.All(), r => r.KpiId is KpiIds.Ext07 or KpiIds.Ext08 && r.Dimension != "all");
    }

    [Fact]
    public void Early_successful_exits_count_episodes_not_people()
    {
        var run = Rows.ComputeEpisodes("2025-09-30",
            Base.ForClient("a").Exited("2025-04-20", ExitReason.COMPLETED_DRUG_FREE),
            Base.ForClient("a").Referred("2025-04-21").Started("2025-04-21").Exited("2025-05-01", ExitReason.COMPLETED_DRUG_FREE));

        Assert.Equal((2L, 2L, 100.0), run.Figures(KpiIds.Ext07));
    }

    /// <summary>On MAINTENANCE, open at the end of 2025-26 Q1 (2025-06-30), started a year before it (2024-06-30 = P.end − 365).</summary>
    private static readonly EpisodeBuilder Maintained = new EpisodeBuilder()
        .Referred("2024-06-30").Started("2024-06-30").WithGoal(TreatmentGoal.MAINTENANCE);

    [Fact]
    public void Stable_maintenance_counts_maintenance_episodes_started_365_days_before_period_end_and_open_at_it()
    {
        var run = Rows.ComputeEpisodes("2025-09-30",
            Maintained.ForClient("a").OnMedication(Medication.METHADONE, 60m),                        // exactly 365 days: in, optimal
            Maintained.ForClient("b").Referred("2024-07-01").Started("2024-07-01").OnMedication(Medication.METHADONE, 80m), // 364 days: out
            Maintained.ForClient("c").OnMedication(Medication.METHADONE, 59.9m),                      // in, not optimal
            Maintained.ForClient("d").OnMedication(Medication.BUPRENORPHINE_NALOXONE, 32m),           // in, optimal
            Maintained.ForClient("e").OnMedication(Medication.BUPRENORPHINE, null),                   // in, no dose: never optimal
            Maintained.ForClient("f").OnMedication(Medication.METHADONE, 80m).Exited("2025-06-30", ExitReason.TRANSFERRED), // ended at P.end: out
            Maintained.ForClient("g").OnMedication(Medication.METHADONE, 80m).Exited("2025-07-01", ExitReason.TRANSFERRED), // open at P.end: in
            Maintained.ForClient("h").OnMedication(Medication.DIAMORPHINE, 300m),                     // no optimal range: out
            Maintained.ForClient("i").OnMedication(Medication.BUPRENORPHINE_DEPOT, 20m),              // out
            Maintained.ForClient("j").WithGoal(TreatmentGoal.HARM_REDUCTION).OnMedication(Medication.METHADONE, 80m), // not MAINTENANCE: out
            Maintained.ForClient("k").WithGoal(null).OnMedication(Medication.METHADONE, 80m));        // goal not recorded: out

        Assert.Equal((3L, 5L, 60.0), run.Figures(KpiIds.Ext08, period: "2025-26-Q1"));
        Assert.Equal((3L, 5L, 60.0), run.Figures(KpiIds.Ext08, "A1", "2025-26-Q1"));
    }

    [Theory]
    [InlineData(Medication.METHADONE, 60, true)]
    [InlineData(Medication.METHADONE, 120, true)]
    [InlineData(Medication.METHADONE, 120.01, false)]
    [InlineData(Medication.METHADONE, 0, false)]
    [InlineData(Medication.BUPRENORPHINE, 12, true)]
    [InlineData(Medication.BUPRENORPHINE, 11.99, false)]
    [InlineData(Medication.BUPRENORPHINE_NALOXONE, 32, true)]
    [InlineData(Medication.BUPRENORPHINE_NALOXONE, 32.5, false)]
    public void Stable_maintenance_takes_the_optimal_dose_ranges_of_DOS01_and_DOS02(Medication medication, double dose, bool optimal)
    {
        var run = Rows.ComputeEpisodes("2025-09-30", Maintained.OnMedication(medication, (decimal)dose));

        Assert.Equal((optimal ? 1L : 0L, 1L), (run.Figures(KpiIds.Ext08).Numerator, run.Figures(KpiIds.Ext08).Denominator));
    }

    [Fact]
    public void Stable_maintenance_counts_a_person_once_with_some_episode_at_an_optimal_dose()
    {
        var run = Rows.ComputeEpisodes("2025-09-30",
            Maintained.ForClient("a").OnMedication(Medication.METHADONE, 150m),
            Maintained.ForClient("a").AtProvider("P2").OnMedication(Medication.METHADONE, 90m));

        Assert.Equal((0L, 1L, 0.0), run.Figures(KpiIds.Ext08, "P1"));
        Assert.Equal((1L, 1L, 100.0), run.Figures(KpiIds.Ext08, "A1"));
    }
}
