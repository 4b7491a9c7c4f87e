using KpiPipeline.Core.Dataset;
using KpiPipeline.Kpis.Catalogue;

namespace KpiPipeline.Kpis.Tests;

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
}
