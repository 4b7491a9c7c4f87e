using KpiPipeline.Core.Dataset;
using KpiPipeline.Kpis.Catalogue;

namespace KpiPipeline.Kpis.Tests;

/// <summary>DQ01–DQ03 (kpis.md sections 8 and 9, <c>Families/DataQualityKpis.cs</c>), on fixtures worked out by hand.</summary>
public class DataQualityKpiTests
{
    [Fact]
    public void Returns_on_time_counts_expected_provider_months_due_by_as_of_and_first_uploaded_by_the_15th()
    {
        var episode = new EpisodeBuilder().Build();
        var returns = new ReturnsBuilder()
            .Episodes("P1", "2025-04", episode)
            .Episodes("P2", "2025-04")
            .Upload("P1", "2025-04", ReturnFileKind.Episodes, "2025-05-15T23:00:00Z", accepted: true)
            .Upload("P2", "2025-04", ReturnFileKind.Episodes, "2025-05-16T08:00:00Z", accepted: true)
            .Build();

        var run = Rows.Compute(returns, "2025-06-15");

        Assert.Equal((1L, 2L, 50.0), run.Figures(KpiIds.Dq01, "P1"));
        Assert.Equal((0L, 2L, 0.0), run.Figures(KpiIds.Dq01, "P3"));
        Assert.Equal((1L, 4L, 25.0), run.Figures(KpiIds.Dq01, "A1"));
        Assert.Equal((1L, 6L, 16.7), run.Figures(KpiIds.Dq01, "ALL"));
    }

    [Fact]
    public void A_month_is_on_time_only_when_an_accepted_upload_came_in_by_the_15th()
    {
        var episode = new EpisodeBuilder().Build();
        var returns = new ReturnsBuilder()
            .Episodes("P1", "2025-04", episode)
            .Episodes("P2", "2025-04", episode with { ProviderCode = "P2" })
            // P1: accepted on time, corrected late: on time. P2: rejected on time, accepted late: late.
            .Upload("P1", "2025-04", ReturnFileKind.Episodes, "2025-05-10T09:00:00Z", accepted: true)
            .Upload("P1", "2025-04", ReturnFileKind.Episodes, "2025-05-20T09:00:00Z", accepted: true)
            .Upload("P2", "2025-04", ReturnFileKind.Episodes, "2025-05-10T09:00:00Z", accepted: false)
            .Upload("P2", "2025-04", ReturnFileKind.Episodes, "2025-05-20T09:00:00Z", accepted: true)
            .Build();

        var run = Rows.Compute(returns, "2025-05-31");

        Assert.Equal((1L, 1L, 100.0), run.Figures(KpiIds.Dq01, "P1"));
        Assert.Equal((0L, 1L, 0.0), run.Figures(KpiIds.Dq01, "P2"));
    }

    [Fact]
    public void Returns_on_time_is_blank_when_no_month_is_due()
    {
        var returns = new ReturnsBuilder().Episodes("P1", "2025-04", new EpisodeBuilder().Build()).Build();

        var run = Rows.Compute(returns, "2025-05-14");

        Assert.Equal((0L, 0L, null), run.Figures(KpiIds.Dq01, "ALL"));
    }

    [Fact]
    public void Rejected_uploads_count_for_the_provider_but_bad_paths_and_unregistered_providers_count_nowhere()
    {
        var returns = new ReturnsBuilder()
            .Episodes("P1", "2025-04", new EpisodeBuilder().Build())
            .Upload("P1", "2025-05", ReturnFileKind.Reviews, "2025-06-01T00:00:00Z", accepted: false)
            .Upload("P1", "2025-05", ReturnFileKind.Nsp, "2025-06-01T00:00:00Z", accepted: false)
            .Upload("ZZ", "2025-05", ReturnFileKind.Nsp, "2025-06-01T00:00:00Z", accepted: false, registered: false)
            .UploadWithBadPath("P1/2025-05/other.txt", "2025-06-01T00:00:00Z")
            .Build();

        var run = Rows.Compute(returns, "2025-06-30");

        Assert.Equal(2.0, run.Find(KpiIds.Dq02, "P1").Value);
        Assert.Equal(2.0, run.Find(KpiIds.Dq02, "ALL").Value);
    }

    [Fact]
    public void Missing_open_episodes_count_in_the_month_whose_file_left_them_out()
    {
        var kept = new EpisodeBuilder().WithId("KEPT").Build();
        var gone = new EpisodeBuilder().WithId("GONE").ForClient("b").Build();
        var returns = new ReturnsBuilder()
            .Episodes("P1", "2025-05", kept, gone)
            .Episodes("P1", "2025-06", kept)
            .Episodes("P1", "2025-07", kept)
            .Build();

        var run = Rows.Compute(returns, "2025-09-30");

        Assert.Equal(1.0, run.Find(KpiIds.Dq03, "P1", "2025-26-Q1").Value);
        Assert.Equal(0.0, run.Find(KpiIds.Dq03, "P1", "2025-26-Q2").Value);
        Assert.Equal(1.0, run.Find(KpiIds.Dq03, "ALL", "2025-26-Q1").Value);
    }

    private static readonly CuratedEpisode Episode = new EpisodeBuilder().WithId("E1").Referred("2025-04-01").Started("2025-04-08").Build();

    [Fact]
    public void Returns_on_time_expects_no_month_before_the_first_accepted_return_and_only_months_due_by_the_as_of_date()
    {
        var returns = new ReturnsBuilder()
            .Episodes("P1", "2025-05", Episode)
            .Upload("P1", "2025-05", ReturnFileKind.Episodes, "2025-06-10T09:00:00Z", accepted: true)
            .Episodes("P1", "2025-06", Episode)
            .Upload("P1", "2025-06", ReturnFileKind.Episodes, "2025-07-15T22:00:00Z", accepted: true)
            .Episodes("P2", "2025-06")
            .Upload("P2", "2025-06", ReturnFileKind.Episodes, "2025-07-16T08:00:00Z", accepted: true)
            .Upload("P3", "2025-05", ReturnFileKind.Episodes, "2025-06-01T08:00:00Z", accepted: false)
            .Build();

        var run = Rows.Compute(returns, "2025-07-20");

        // Expected: May and June (due 06-15 and 07-15) × 3 providers; April is before the first accepted month.
        Assert.Equal((2L, 2L, 100.0), run.Figures(KpiIds.Dq01, "P1"));
        Assert.Equal((0L, 2L, 0.0), run.Figures(KpiIds.Dq01, "P2"));
        Assert.Equal((0L, 2L, 0.0), run.Figures(KpiIds.Dq01, "P3"));
        Assert.Equal((2L, 4L, 50.0), run.Figures(KpiIds.Dq01, "A1"));
        Assert.Equal((2L, 4L, 50.0), run.Figures(KpiIds.Dq01, "ENGLAND"));
        Assert.Equal((0L, 2L, 0.0), run.Figures(KpiIds.Dq01, "SCOTLAND"));
        Assert.Equal((2L, 6L, 33.3), run.Figures(KpiIds.Dq01, "ALL"));
        var p1 = run.Find(KpiIds.Dq01, "P1");
        Assert.Equal(("green", "target", 95.0), (p1.Rag, p1.RagBasis, p1.Target));
        Assert.Equal("red", run.Find(KpiIds.Dq01, "ALL").Rag);

        // July is due 08-15, after the as-of date: nothing expected, blank value, still basis target.
        var q2 = run.Find(KpiIds.Dq01, "ALL", "2025-26-Q2");
        Assert.Equal((0L, 0L, (double?)null, "none", "target", 95.0), (q2.Numerator, q2.Denominator, q2.Value, q2.Rag, q2.RagBasis, q2.Target));
        Assert.Equal((1L, null, 1.0), run.Figures(KpiIds.Dq02, "P3"));
    }

    [Fact]
    public void Returns_on_time_starts_with_the_first_month_any_provider_has_any_accepted_file()
    {
        var returns = new ReturnsBuilder()
            .Nsp("P3", "2025-04", ReturnsBuilder.Transaction("P3", "2025-04-10", 5))
            .Episodes("P1", "2025-05", Episode)
            .Upload("P1", "2025-05", ReturnFileKind.Episodes, "2025-06-15T12:00:00Z", accepted: true)
            .Build();

        var run = Rows.Compute(returns, "2025-06-15");

        // April (due 05-15) and May (due 06-15) for P1, P2, P3; only P1's May episodes.csv is in.
        Assert.Equal((1L, 6L, 16.7), run.Figures(KpiIds.Dq01, "ALL"));
        Assert.Equal((1L, 2L, 50.0), run.Figures(KpiIds.Dq01, "P1"));
        Assert.Equal((0L, 2L, 0.0), run.Figures(KpiIds.Dq01, "P3"));
    }

    /// <summary>
    /// Found by an independent check on 2026-12-05: a run as of 20 January counted the rejected March uploads in 2025-26-Q4,
    /// although the month is ignored (dataset.md 2.3) and DQ01 expected no return for it.
    /// </summary>
    [Fact]
    public void Rejected_uploads_of_a_month_after_the_as_of_date_count_nowhere()
    {
        var returns = new ReturnsBuilder()
            .Episodes("P1", "2025-07", Episode)
            .Upload("P1", "2025-08", ReturnFileKind.Episodes, "2025-08-05T00:00:00Z", accepted: false)
            .Upload("P1", "2025-09", ReturnFileKind.Episodes, "2025-08-09T00:00:00Z", accepted: false)
            .Upload("P3", "2025-09", ReturnFileKind.Nsp, "2025-08-09T00:00:00Z", accepted: false)
            .Build();

        var run = Rows.Compute(returns, "2025-08-10");

        Assert.Equal((1L, null, 1.0), run.Figures(KpiIds.Dq02, "P1", "2025-26-Q2"));
        Assert.Equal((0L, null, 0.0), run.Figures(KpiIds.Dq02, "P3", "2025-26-Q2"));
        Assert.Equal((1L, null, 1.0), run.Figures(KpiIds.Dq02, "ALL", "2025-26-Q2"));
    }

    [Fact]
    public void Rejected_uploads_count_in_the_quarter_of_the_month_in_their_path_for_registered_providers_only()
    {
        var returns = new ReturnsBuilder()
            .Episodes("P1", "2025-04", Episode)
            .Upload("P1", "2025-06", ReturnFileKind.Episodes, "2025-07-10T00:00:00Z", accepted: false)
            .Upload("P1", "2025-06", ReturnFileKind.Episodes, "2025-07-12T00:00:00Z", accepted: false)
            .Upload("P1", "2025-06", ReturnFileKind.Reviews, "2025-07-10T00:00:00Z", accepted: true)
            .Upload("P3", "2025-07", ReturnFileKind.Reviews, "2025-08-01T00:00:00Z", accepted: false)
            .Upload("ZZ", "2025-06", ReturnFileKind.Nsp, "2025-07-01T00:00:00Z", accepted: false, registered: false)
            .UploadWithBadPath("P1/2025-06/episodes.txt", "2025-07-01T00:00:00Z")
            .Build();

        var run = Rows.Compute(returns, "2025-09-30");

        Assert.Equal((2L, null, 2.0), run.Figures(KpiIds.Dq02, "P1", "2025-26-Q1"));
        Assert.Equal((2L, null, 2.0), run.Figures(KpiIds.Dq02, "ENGLAND", "2025-26-Q1"));
        Assert.Equal((2L, null, 2.0), run.Figures(KpiIds.Dq02, "ALL", "2025-26-Q1"));
        Assert.Equal((0L, null, 0.0), run.Figures(KpiIds.Dq02, "P3", "2025-26-Q1"));
        Assert.Equal((1L, null, 1.0), run.Figures(KpiIds.Dq02, "P3", "2025-26-Q2"));
        Assert.Equal((1L, null, 1.0), run.Figures(KpiIds.Dq02, "SCOTLAND", "2025-26-Q2"));
        Assert.Equal((1L, null, 1.0), run.Figures(KpiIds.Dq02, "ALL", "2025-26-Q2"));
        Assert.Equal((0L, null, 0.0), run.Figures(KpiIds.Dq02, "P1", "2025-26-Q2"));
    }

    [Fact]
    public void Missing_open_episodes_count_in_the_month_whose_file_left_them_out_and_only_when_they_were_open()
    {
        var open = new EpisodeBuilder().Referred("2025-04-01").Started("2025-04-08");
        CuratedEpisode E(string id) => open.WithId(id).ForClient(id).Build();
        var c = open.WithId("C").ForClient("C").Exited("2025-06-10", ExitReason.DROPPED_OUT).Build();
        var d = open.WithId("D").ForClient("D").Deleted().Build();
        var e = open.WithId("E").ForClient("E").NotStarted().Build();
        var returns = new ReturnsBuilder()
            .Episodes("P1", "2025-05", E("A"), E("B"))
            .Episodes("P1", "2025-06", E("A"), c, d, e)        // leaves out B → June
            .Episodes("P1", "2025-07", E("A"))                 // leaves out E (open); C exited, D deleted → July: 1
            .Episodes("P1", "2025-08", E("A"), e)              // E comes back: still one event, in July
            .Episodes("P2", "2025-04", open.AtProvider("P2").WithId("F").ForClient("F").Build())
            .Episodes("P2", "2025-06")                         // previous accepted file is April → June
            .Build();

        var run = Rows.Compute(returns, "2025-09-30");

        Assert.Equal((1L, null, 1.0), run.Figures(KpiIds.Dq03, "P1", "2025-26-Q1"));
        Assert.Equal((1L, null, 1.0), run.Figures(KpiIds.Dq03, "P1", "2025-26-Q2"));
        Assert.Equal((1L, null, 1.0), run.Figures(KpiIds.Dq03, "P2", "2025-26-Q1"));
        Assert.Equal((2L, null, 2.0), run.Figures(KpiIds.Dq03, "A1", "2025-26-Q1"));
        Assert.Equal((1L, null, 1.0), run.Figures(KpiIds.Dq03, "ALL", "2025-26-Q2"));
    }
}
