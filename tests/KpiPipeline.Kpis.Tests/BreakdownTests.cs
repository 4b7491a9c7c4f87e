using KpiPipeline.Core.Dataset;
using KpiPipeline.Kpis.Catalogue;

namespace KpiPipeline.Kpis.Tests;

/// <summary>
/// The breakdowns of the ‡ KPIs by treatment_goal, sex and age_band (kpis.md 10.1, <c>Engine/Breakdowns.cs</c>), counted
/// like substance groups, on fixtures worked out by hand.
/// </summary>
public class BreakdownTests
{
    private static readonly EpisodeBuilder Base = new EpisodeBuilder().Referred("2025-04-01").Started("2025-04-08");

    [Fact]
    public void A_client_counts_once_in_every_value_in_which_they_have_a_qualifying_episode()
    {
        // a: an ABSTINENCE episode referred at 29 and a goal-less one referred at 30. b: MAINTENANCE, female, 30.
        var run = Rows.ComputeEpisodes("2025-06-30",
            Base.ForClient("a").WithGoal(TreatmentGoal.ABSTINENCE).AgedAtReferral(29),
            Base.ForClient("a").AgedAtReferral(30),
            Base.ForClient("b").WithGoal(TreatmentGoal.MAINTENANCE).OfSex(Sex.F).AgedAtReferral(30));

        Assert.Equal(2.0, run.Find(KpiIds.Vol01).Value);
        Assert.Equal(1.0, run.Find(KpiIds.Vol01, dimensionValue: "ABSTINENCE").Value);
        Assert.Equal(1.0, run.Find(KpiIds.Vol01, dimensionValue: "NOT_RECORDED").Value);
        Assert.Equal(1.0, run.Find(KpiIds.Vol01, dimensionValue: "MAINTENANCE").Value);
        Assert.Equal(0.0, run.Find(KpiIds.Vol01, dimensionValue: "HARM_REDUCTION").Value);
        Assert.Equal(1.0, run.Find(KpiIds.Vol01, dimensionValue: "18-29").Value);
        Assert.Equal(2.0, run.Find(KpiIds.Vol01, dimensionValue: "30-39").Value);
        Assert.Equal(1.0, run.Find(KpiIds.Vol01, dimensionValue: "M").Value);
        Assert.Equal(1.0, run.Find(KpiIds.Vol01, dimensionValue: "F").Value);
        Assert.Equal(0.0, run.Find(KpiIds.Vol01, dimensionValue: "X").Value);
        Assert.Equal(2.0, run.Find(KpiIds.Vol01, "ALL", dimensionValue: "30-39").Value);
        // ACC01 counts episodes: a's two starts fall in two goals and two age bands.
        Assert.Equal((2L, 2L, 100.0), run.Figures(KpiIds.Acc01, dimensionValue: "30-39"));
        Assert.Equal((1L, 1L, 100.0), run.Figures(KpiIds.Acc01, dimensionValue: "NOT_RECORDED"));
        Assert.Equal("treatment_goal", run.Find(KpiIds.Vol01, dimensionValue: "NOT_RECORDED").Dimension);
        Assert.Equal("age_band", run.Find(KpiIds.Vol01, dimensionValue: "30-39").Dimension);
        Assert.Equal("sex", run.Find(KpiIds.Vol01, dimensionValue: "F").Dimension);
    }

    [Theory]
    [InlineData(18, "18-29")]
    [InlineData(29, "18-29")]
    [InlineData(30, "30-39")]
    [InlineData(39, "30-39")]
    [InlineData(40, "40-49")]
    [InlineData(49, "40-49")]
    [InlineData(50, "50-59")]
    [InlineData(59, "50-59")]
    [InlineData(60, "60-PLUS")]
    [InlineData(100, "60-PLUS")]
    public void Age_at_referral_falls_in_one_band(int age, string band)
    {
        var run = Rows.ComputeEpisodes("2025-06-30", Base.AgedAtReferral(age));

        Assert.Equal([band], run.All()
            .Where(r => r.KpiId == KpiIds.Vol02 && r.UnitCode == "P1" && r.Dimension == "age_band" && r.Value == 1)
            .Select(r => r.DimensionValue));
    }

    [Fact]
    public void Exit_percentages_divide_by_VOL01_of_the_same_value()
    {
        // MAINTENANCE: a (successful exit) and b in treatment → 1 of 2. ABSTINENCE: c (successful exit) → 1 of 1.
        var run = Rows.ComputeEpisodes("2026-03-31",
            Base.ForClient("a").WithGoal(TreatmentGoal.MAINTENANCE).Exited("2025-05-01", ExitReason.COMPLETED_DRUG_FREE),
            Base.ForClient("b").WithGoal(TreatmentGoal.MAINTENANCE),
            Base.ForClient("c").WithGoal(TreatmentGoal.ABSTINENCE).OfSex(Sex.X).Exited("2025-05-01", ExitReason.COMPLETED_DRUG_FREE));

        Assert.Equal((1L, 2L, 50.0), run.Figures(KpiIds.Ext01, dimensionValue: "MAINTENANCE"));
        Assert.Equal((1L, 1L, 100.0), run.Figures(KpiIds.Ext01, dimensionValue: "ABSTINENCE"));
        Assert.Equal((0L, 0L, null), run.Figures(KpiIds.Ext01, dimensionValue: "UNDECIDED"));
        Assert.Equal((1L, 1L, 100.0), run.Figures(KpiIds.Ext02, dimensionValue: "X"));
        Assert.Equal((1L, 2L, 50.0), run.Figures(KpiIds.Ext02, dimensionValue: "M"));
        // RET01: a exited successfully before 12 weeks (retained), b and c retained.
        Assert.Equal((2L, 2L, 100.0), run.Figures(KpiIds.Ret01, dimensionValue: "MAINTENANCE"));
    }

    [Fact]
    public void The_value_comes_from_the_episodes_combined_latest_row()
    {
        var episode = Base.WithId("E1").ForClient("a");
        var returns = new ReturnsBuilder()
            .Episodes("P1", "2025-04", episode.WithGoal(TreatmentGoal.ABSTINENCE).AgedAtReferral(29).Build())
            .Episodes("P1", "2025-07", episode.WithGoal(TreatmentGoal.MAINTENANCE).AgedAtReferral(29).Build())
            .Build();

        var run = Rows.Compute(returns, "2025-09-30");

        Assert.Equal(1.0, run.Find(KpiIds.Vol01, period: "2025-26-Q1", dimensionValue: "MAINTENANCE").Value);
        Assert.Equal(0.0, run.Find(KpiIds.Vol01, period: "2025-26-Q1", dimensionValue: "ABSTINENCE").Value);
    }

    [Fact]
    public void Opiate_abstinence_is_broken_down_by_the_goal_of_the_episode_reviewed()
    {
        var maintenance = Base.ForClient("a").WithGoal(TreatmentGoal.MAINTENANCE).Build();
        var harmReduction = Base.ForClient("b").WithGoal(TreatmentGoal.HARM_REDUCTION).Build();
        var run = Rows.Compute(new ReturnsBuilder()
            .Episodes("P1", "2025-06", maintenance, harmReduction)
            .Reviews("P1", "2025-06",
                ReviewBuilder.For(maintenance, "2025-04-08", ReviewStage.START).WithOpiateDays(20).Build(),
                ReviewBuilder.For(maintenance, "2025-06-01", ReviewStage.REVIEW).WithOpiateDays(0).Build(),
                ReviewBuilder.For(harmReduction, "2025-04-08", ReviewStage.START).WithOpiateDays(20).Build(),
                ReviewBuilder.For(harmReduction, "2025-06-01", ReviewStage.REVIEW).WithOpiateDays(4).Build())
            .Build(), "2025-06-30");

        Assert.Equal((1L, 1L, 100.0), run.Figures(KpiIds.Soft03, dimensionValue: "MAINTENANCE"));
        Assert.Equal((0L, 1L, 0.0), run.Figures(KpiIds.Soft03, dimensionValue: "HARM_REDUCTION"));
        Assert.Equal((1L, 2L, 50.0), run.Figures(KpiIds.Soft03, dimensionValue: "40-49"));
    }

    [Fact]
    public void The_national_benchmark_of_a_value_is_the_same_value_at_all()
    {
        // Women: P1 2 of 10 successful (20.0), P3 1 of 10 (10.0), ALL 3 of 20 (15.0). Men at P1: 10 of 10. ALL: 13 of 30 (43.3).
        var p1 = Enumerable.Range(0, 10)
            .Select(i => (i < 2 ? Base.Exited("2025-05-01", ExitReason.COMPLETED_DRUG_FREE) : Base).OfSex(Sex.F).ForClient("f" + i))
            .Concat(Enumerable.Range(0, 10).Select(i => Base.Exited("2025-05-01", ExitReason.COMPLETED_DRUG_FREE).ForClient("m" + i)))
            .Select(e => e.Build())
            .ToArray();
        var p3 = Enumerable.Range(0, 10)
            .Select(i => (i < 1 ? Base.Exited("2025-05-01", ExitReason.COMPLETED_DRUG_FREE) : Base).AtProvider("P3").OfSex(Sex.F).ForClient("g" + i).Build())
            .ToArray();
        var run = Rows.Compute(new ReturnsBuilder().Episodes("P1", "2025-04", p1).Episodes("P3", "2025-04", p3).Build(), "2026-03-31");

        Assert.Equal((15.0, "none"), Rated(run.Find(KpiIds.Ext01, "ALL", dimensionValue: "F")));
        Assert.Equal((43.3, "none"), Rated(run.Find(KpiIds.Ext01, "ALL")));
        // P1's women are green against women at ALL (15.0), though far below everyone at ALL (43.3).
        Assert.Equal((20.0, "green"), Rated(run.Find(KpiIds.Ext01, "P1", dimensionValue: "F")));
        Assert.Equal((10.0, "red"), Rated(run.Find(KpiIds.Ext01, "P3", dimensionValue: "F")));
        Assert.Equal((100.0, "green"), Rated(run.Find(KpiIds.Ext01, "P1", dimensionValue: "M")));
        Assert.Equal((60.0, "green"), Rated(run.Find(KpiIds.Ext01, "P1")));
    }

    private static (double?, string) Rated(KpiResult row) => (row.Value, row.Rag);

    [Fact]
    public void Public_breakdown_rows_are_rounded_and_suppressed_like_substance_groups()
    {
        // A1 (P1): 9 women and 3 men referred at 52.
        var episodes = Enumerable.Range(0, 9).Select(i => Base.OfSex(Sex.F).ForClient("f" + i))
            .Concat(Enumerable.Range(0, 3).Select(i => Base.ForClient("m" + i)))
            .Select(e => e.AgedAtReferral(52).Build())
            .ToArray();
        var run = Rows.Compute(new ReturnsBuilder().Episodes("P1", "2025-04", episodes).Build(), "2025-06-30");

        var rows = Disclosure.Disclosure.Apply(run.All());

        KpiResult Public(string value) =>
            rows.Single(r => r.KpiId == KpiIds.Vol01 && r.UnitCode == "A1" && r.Period == "2025-26-Q1" && r.DimensionValue == value);
        Assert.Equal((10L, 10.0, false), (Public("F").Numerator, Public("F").Value, Public("F").Suppressed));
        Assert.Equal(((long?)null, (double?)null, true), (Public("M").Numerator, Public("M").Value, Public("M").Suppressed));
        Assert.Equal((10L, 10.0, false), (Public("50-59").Numerator, Public("50-59").Value, Public("50-59").Suppressed));
        Assert.Equal((0L, 0.0, false), (Public("X").Numerator, Public("X").Value, Public("X").Suppressed));
        Assert.DoesNotContain(rows, r => r.Level == "provider");
    }
}
