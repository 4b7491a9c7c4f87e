using KpiPipeline.Core.Dataset;
using KpiPipeline.Core.Reference;
using KpiPipeline.Kpis.Catalogue;
using static KpiPipeline.Kpis.Tests.EpisodeBuilder;

namespace KpiPipeline.Kpis.Tests;

/// <summary>Which rows a run has (kpis.md section 0: every unit, period, KPI and breakdown) and their status, final or provisional.</summary>
public class RowCoverageTests
{
    /// <summary>Rows per unit of a ‡ KPI: all, 3 substance groups, 5 treatment goals, 3 sexes and 5 age bands (kpis.md 10.1).</summary>
    public const int Breakdowns = 17;

    [Fact]
    public void Every_unit_gets_every_KPI_for_every_period_even_without_data()
    {
        var run = Rows.ComputeEpisodes("2025-12-31", new EpisodeBuilder().Referred("2025-05-01").Started("2025-05-02"));

        Assert.Equal(["2025-26-Q1", "2025-26-Q2", "2025-26-Q3"], run.Periods.Select(p => p.Label));
        // 3 providers + 2 areas + 2 nations + ALL = 8 units; 5 without providers.
        var perPeriod = KpiCatalogue.All.Sum(k => (k.AreaLevelAndAbove ? 5 : 8) * (k.HasBreakdowns ? Breakdowns : 1));
        Assert.Equal(perPeriod * 3, run.All().Count);
        Assert.Equal(run.All().Count, run.All().Select(r => (r.Period, r.UnitCode, r.KpiId, r.Dimension, r.DimensionValue)).Distinct().Count());
        Assert.Equal((0L, null, 0.0), run.Figures(KpiIds.Vol01, "P3"));
        Assert.Equal((0L, 0L, null), run.Figures(KpiIds.Acc01, "P3"));
    }

    /// <summary>
    /// An as-of date more than a year after the last month an accepted return is for is named in the run log (a mistyped year
    /// such as 2052 for 2025 runs, with every quarter since showing the open episodes as still in treatment); a year after is
    /// not, and a rejected upload of a later month does not count.
    /// </summary>
    [Theory]
    [InlineData("2026-04-30", false)]
    [InlineData("2026-05-01", true)]
    public void An_as_of_date_more_than_a_year_after_the_last_return_is_warned_of(string asOf, bool warned)
    {
        var run = Rows.Compute(new ReturnsBuilder()
            .Episodes("P1", "2025-04", new EpisodeBuilder().Referred("2025-04-01").Started("2025-04-02").Build())
            .Upload("P1", "2025-04", ReturnFileKind.Episodes, "2025-05-01T09:00:00Z", accepted: true)
            .Upload("P1", "2025-06", ReturnFileKind.Episodes, "2025-07-01T09:00:00Z", accepted: false)
            .Build(), asOf);

        Assert.Equal(warned, run.Warnings.Any(w => w.Contains($"The as-of date {asOf} is more than a year after the last month returned (2025-04)", StringComparison.Ordinal)));
    }

    [Fact]
    public void Levels_and_area_codes_follow_the_reference_data()
    {
        var run = Rows.ComputeEpisodes("2025-06-30", new EpisodeBuilder());

        var provider = run.Find(KpiIds.Vol01, "P3");
        Assert.Equal(("provider", "A2"), (provider.Level, provider.AreaCode));
        Assert.Equal(("area", "A2"), (run.Find(KpiIds.Vol01, "A2").Level, run.Find(KpiIds.Vol01, "A2").AreaCode));
        Assert.Equal(("nation", (string?)null), (run.Find(KpiIds.Vol01, "SCOTLAND").Level, run.Find(KpiIds.Vol01, "SCOTLAND").AreaCode));
        Assert.Equal("all", run.Find(KpiIds.Vol01, "ALL").Level);
        Assert.All(run.All(), r => Assert.Equal(1, r.SchemaVersion));
    }

    [Fact]
    public void Without_any_episode_only_the_as_of_quarter_is_published()
    {
        var run = Rows.Compute(Returns.ReturnSet.Empty, "2025-08-01");

        Assert.Equal(["2025-26-Q2"], run.Periods.Select(p => p.Label));
        Assert.Equal(0.0, run.Find(KpiIds.Vol01, "ALL", "2025-26-Q2").Value);
    }

    [Fact]
    public void The_period_range_starts_at_the_earliest_referral_of_the_combined_state_and_ends_at_the_as_of_quarter()
    {
        // E1's April row says referred 2024-12-01; its May row (which wins) says 2025-04-01. NSP in January does not extend the range.
        var episode = new EpisodeBuilder().WithId("E1");
        var returns = new ReturnsBuilder()
            .Episodes("P1", "2025-04", episode.Referred("2024-12-01").Build())
            .Episodes("P1", "2025-05", episode.Referred("2025-04-01").Build())
            .Nsp("P1", "2025-01", ReturnsBuilder.Transaction("P1", "2025-01-10", 40))
            .Build();

        var run = Rows.Compute(returns, "2025-10-01");

        Assert.Equal(["2025-26-Q1", "2025-26-Q2", "2025-26-Q3"], run.Periods.Select(p => p.Label));
        Assert.Equal(0.0, run.Find(KpiIds.Nsp01, "ALL", "2025-26-Q1").Value);
        Assert.All(run.All(), r => Assert.Contains(r.Period, new[] { "2025-26-Q1", "2025-26-Q2", "2025-26-Q3" }));
    }

    [Fact]
    public void Deleted_episodes_do_not_extend_the_period_range()
    {
        var returns = new ReturnsBuilder()
            .Episodes("P1", "2025-04", new EpisodeBuilder().Referred("2020-01-01").Deleted().Build(), new EpisodeBuilder().Build())
            .Build();

        var run = Rows.Compute(returns, "2025-06-30");

        Assert.Equal("2025-26-Q1", Assert.Single(run.Periods).Label);
    }

    private static readonly EpisodeBuilder Base = new EpisodeBuilder().Referred("2025-04-01").Started("2025-04-08");
    /// <summary>The KPIs that can be provisional (kpis.md sections 0 and 10.7), with the days after P.end until they are final.</summary>
    private static readonly Dictionary<string, int> ProvisionalWindows = new()
    {
        [KpiIds.Ret01] = 84,
        [KpiIds.Ret02] = 84,
        [KpiIds.Ext02] = 182,
        [KpiIds.Ext03] = 182,
        [KpiIds.Cj01] = 21,
        [KpiIds.Hat01] = 0,
    };

    private static readonly string[] ProvisionalKpis = [.. ProvisionalWindows.Keys];

    [Theory]
    [InlineData("2025-08-01")]
    [InlineData("2025-07-20")]
    [InlineData("2025-07-21")]
    [InlineData("2025-09-30")]
    public void Only_RET01_RET02_EXT02_EXT03_CJ01_and_HAT01_are_ever_provisional_each_until_its_window_after_period_end(string asOf)
    {
        var run = Rows.ComputeEpisodes(asOf,
            Base.ForClient("a").Exited("2025-05-01", ExitReason.COMPLETED_DRUG_FREE), Base.ForClient("b"));

        Assert.All(run.All(), r => Assert.Equal(
            ProvisionalWindows.TryGetValue(r.KpiId, out var days) && D(asOf) < r.PeriodEnd.AddDays(days) ? "provisional" : "final",
            r.Status));
        Assert.Equal(asOf == "2025-07-20" ? "provisional" : "final", run.Find(KpiIds.Cj01, "ALL", "2025-26-Q1").Status);
        Assert.Equal("final", run.Find(KpiIds.Hat01, "ALL", "2025-26-Q1").Status);
        Assert.Equal(asOf == "2025-09-30" ? "final" : "provisional", run.Find(KpiIds.Hat01, "ALL", "2025-26-Q2").Status);
        Assert.Equal("final", run.Find(KpiIds.Ext07, "ALL", "2025-26-Q2").Status);
    }

    [Fact]
    public void Retention_becomes_final_84_days_after_period_end_while_re_presentation_waits_182()
    {
        var run = Rows.ComputeEpisodes("2025-10-15", Base.ForClient("a"));

        var q1 = run.All().Where(r => r.Period == "2025-26-Q1").ToList();
        Assert.All(q1.Where(r => r.KpiId is KpiIds.Ret01 or KpiIds.Ret02), r => Assert.Equal("final", r.Status));
        Assert.All(q1.Where(r => r.KpiId is KpiIds.Ext02 or KpiIds.Ext03), r => Assert.Equal("provisional", r.Status));
        Assert.All(run.All().Where(r => r.Period == "2025-26-Q3" && ProvisionalKpis.Contains(r.KpiId)),
            r => Assert.Equal("provisional", r.Status));
    }

    /// <summary>PX in B1 (ENGLAND); PY in B9, which is not in areas.csv; B2 (WALES) has no provider; no area in SCOTLAND.</summary>
    private static readonly ReferenceData Sparse = new(
        [new ProviderInfo("PX", "Provider X", "B1"), new ProviderInfo("PY", "Provider Y", "B9")],
        [new AreaInfo("B1", "Area B1", Nation.ENGLAND, null, null), new AreaInfo("B2", "Area B2", Nation.WALES, 40, 20)],
        []);

    [Fact]
    public void Every_registered_provider_area_and_nation_with_an_area_gets_every_row_even_without_data()
    {
        var returns = new ReturnsBuilder()
            .Episodes("PX", "2025-04", Base.AtProvider("PX").ForClient("a").Build())
            .Episodes("PY", "2025-04", Base.AtProvider("PY").ForClient("b").Build())
            .Build();

        var run = Rows.Compute(returns, "2025-06-30", Sparse);

        var units = run.All().Select(r => (r.Level, r.UnitCode)).Distinct().Order().ToList();
        Assert.Equal(
            [("all", "ALL"), ("area", "B1"), ("area", "B2"), ("nation", "ENGLAND"), ("nation", "WALES"), ("provider", "PX"), ("provider", "PY")],
            units);
        foreach (var kpi in KpiCatalogue.All)
        {
            var rows = run.All().Where(r => r.KpiId == kpi.Id).ToList();
            var unitCount = kpi.AreaLevelAndAbove ? 5 : 7;
            Assert.Equal(unitCount * (kpi.HasBreakdowns ? Breakdowns : 1), rows.Count);
            if (kpi.HasBreakdowns)
            {
                Assert.All(rows.GroupBy(r => r.UnitCode), g => Assert.Equal(
                    [
                        ("age_band", "18-29"), ("age_band", "30-39"), ("age_band", "40-49"), ("age_band", "50-59"), ("age_band", "60-PLUS"),
                        ("all", "ALL"),
                        ("sex", "F"), ("sex", "M"), ("sex", "X"),
                        ("substance_group", "ALCOHOL"), ("substance_group", "NON_OPIATE"), ("substance_group", "OPIATE"),
                        ("treatment_goal", "ABSTINENCE"), ("treatment_goal", "HARM_REDUCTION"), ("treatment_goal", "MAINTENANCE"),
                        ("treatment_goal", "NOT_RECORDED"), ("treatment_goal", "UNDECIDED"),
                    ],
                    g.Select(r => (r.Dimension, r.DimensionValue)).Order()));
            }
        }

        Assert.Equal((0L, null, 0.0), run.Figures(KpiIds.Vol01, "WALES"));
        Assert.Equal((0L, 0L, null), run.Figures(KpiIds.Acc01, "B2", dimensionValue: "ALCOHOL"));
        Assert.Equal((null, 0L, null), run.Figures(KpiIds.Acc02, "B2"));
        Assert.Equal((null, 0L, null), run.Figures(KpiIds.Soft05, "WALES"));
        Assert.Equal((0L, 40L, 100.0), run.Figures(KpiIds.Pop01, "WALES"));
        Assert.Equal((0L, 0L, null), run.Figures(KpiIds.Pop01, "B1"));
        Assert.Equal((0L, 0L, null), run.Figures(KpiIds.Nsp04, "ENGLAND"));
        // PY's area is unknown: PY has its rows and counts in ALL, not in any area or nation (docs/kpis.md reading).
        Assert.Equal((1L, null, 1.0), run.Figures(KpiIds.Vol01, "PY"));
        Assert.Equal((1L, null, 1.0), run.Figures(KpiIds.Vol01, "ENGLAND"));
        Assert.Equal((2L, null, 2.0), run.Figures(KpiIds.Vol01, "ALL"));
        Assert.Equal("B9", run.Find(KpiIds.Vol01, "PY").AreaCode);
    }
}
