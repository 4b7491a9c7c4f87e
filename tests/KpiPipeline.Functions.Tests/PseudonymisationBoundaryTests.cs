using System.Text;
using KpiPipeline.Core.Pseudonymisation;
using KpiPipeline.LocalRun.FunctionsHost;
using KpiPipeline.Testing;

namespace KpiPipeline.Functions.Tests;

/// <summary>Names and dates of birth never leave ingest (dataset.md 2.2), and a missing secret stops the app with a clear error.</summary>
public sealed class PseudonymisationBoundaryTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task No_initials_or_dates_of_birth_reach_curated_data_outputs_reports_ledger_or_logs()
    {
        await using var harness = await PipelineHarness.StartAsync(azurite);
        await harness.UploadReferenceAsync();
        await harness.UploadReturnAsync("P1/2025-04/episodes.csv", ReturnFiles.EpisodesCsv(
            ReturnFiles.Episode(id: "E1", initials: "QZ", dateOfBirth: "1977-03-29"),
            ReturnFiles.Episode(id: "E2", initials: "XV", dateOfBirth: "1991-11-02", sex: "F")));
        // A rejected file with identifiers in the offending row: its report must withhold them.
        await harness.UploadReturnAsync("P2/2025-04/episodes.csv", ReturnFiles.EpisodesCsv(
            ReturnFiles.Episode(provider: "P2", id: "Y1", initials: "QZ", dateOfBirth: "1977-13-29")));
        await harness.TriggerIngestAsync("P1/2025-04/episodes.csv");
        await harness.TriggerIngestAsync("P2/2025-04/episodes.csv");
        await harness.TriggerComputeAsync();

        foreach (var (_, curated) in await StorageReads.ContentsAsync(harness.Storage.Curated))
        {
            var header = curated.Split('\n')[0];
            Assert.DoesNotContain("initial", header, StringComparison.Ordinal);
            Assert.DoesNotContain("date_of_birth", header, StringComparison.Ordinal);
        }

        var stored = new StringBuilder();
        foreach (var container in new[] { harness.Storage.Curated, harness.Storage.Reports, harness.Storage.Published })
        {
            foreach (var (name, content) in await StorageReads.ContentsAsync(container))
            {
                stored.Append(name).Append('\n').Append(content).Append('\n');
            }
        }

        foreach (var table in new[] { harness.Storage.Ledger, harness.Storage.AcceptedReturns })
        {
            foreach (var (key, value) in await StorageReads.ContentsAsync(table))
            {
                stored.Append(key).Append(value).Append('\n');
            }
        }

        foreach (var message in await harness.Storage.ReportNotifications.ReceiveTextsAsync(32))
        {
            stored.Append(message).Append('\n');
        }

        var everything = stored.Append(string.Join('\n', harness.Logs)).ToString();
        Assert.Contains("client_key", everything, StringComparison.Ordinal);
        foreach (var secret in new[] { "1977-03-29", "19770329", "1991-11-02", "19911102", "1977-13-29", ",Q,Z,", ",X,V," })
        {
            Assert.DoesNotContain(secret, everything, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_worker_stops_with_a_clear_error_when_the_pseudonymisation_secret_is_missing()
    {
        var error = await Assert.ThrowsAsync<WorkerStartException>(() =>
            PipelineHarness.StartAsync(azurite, new Dictionary<string, string?> { ["KpiPipeline:PseudonymisationSecret"] = "" }));

        Assert.Contains("exited", error.Message, StringComparison.Ordinal);
        var console = string.Join('\n', error.Logs);
        Assert.Contains(nameof(PseudonymisationSecretException), console, StringComparison.Ordinal);
        Assert.DoesNotContain(PipelineHarness.RegistrantSecret, console, StringComparison.Ordinal);
    }
}
