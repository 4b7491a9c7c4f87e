using System.Text;
using System.Text.Json;
using Azure.Storage.Queues;
using KpiPipeline.LocalRun.FunctionsHost;
using KpiPipeline.Pipeline.Ingest;
using KpiPipeline.Testing;

namespace KpiPipeline.Functions.Tests;

/// <summary>
/// Every bad file of the corpus (tests/corpus/manifest.json), uploaded through the published worker and the host stand-in on top of an accepted
/// return, gets a report naming its rules and changes nothing: the accepted files of the same return stay in force.
/// </summary>
public sealed class CorpusIngestTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private const string CorpusProviders = "provider_code,provider_name,area_code\nPROV1,Provider One,A1\nPROV2,Provider Two,A1\n";
    private const string CorpusAreas = "area_code,area_name,nation,estimated_opiate_users,estimated_pwid\nA1,Area One,ENGLAND,1000,300\n";

    [Fact]
    public async Task Every_rejected_corpus_file_gets_a_report_naming_its_rules_and_changes_nothing_else()
    {
        var manifest = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(RepoPaths.Corpus, "manifest.json"))).RootElement;
        var entries = manifest.GetProperty("files").EnumerateArray().ToList();
        await using var harness = await PipelineHarness.StartAsync(azurite);
        await harness.UploadReferenceAsync(CorpusProviders, CorpusAreas);

        // The accepted return the bad files arrive on top of: one valid file of each kind.
        foreach (var valid in new[] { "episodes/valid_basic.csv", "reviews/valid.csv", "nsp/valid.csv", "workforce/valid.csv" })
        {
            var entry = entries.Single(e => e.GetProperty("file").GetString() == valid);
            var blob = entry.GetProperty("blob_name").GetString()!;
            await harness.UploadReturnAsync(blob, await File.ReadAllTextAsync(Path.Combine(RepoPaths.Corpus, valid)));
            Assert.Equal(IngestStatus.Accepted, (await harness.TriggerIngestAsync(blob)).Ingest().Status);
        }

        var curated = await StorageReads.ContentsAsync(harness.Storage.Curated);
        var accepted = await StorageReads.ContentsAsync(harness.Storage.AcceptedReturns);
        Assert.Equal(4, accepted.Count);

        var problems = new List<string>();
        var rejected = entries.Where(e => e.GetProperty("outcome").GetString() == "rejected").ToList();
        Assert.True(rejected.Count >= 40, $"the corpus has only {rejected.Count} rejected files");
        foreach (var entry in rejected)
        {
            var file = entry.GetProperty("file").GetString()!;
            var blob = entry.GetProperty("blob_name").GetString()!;
            var etag = await harness.UploadReturnAsync(blob, await File.ReadAllBytesAsync(Path.Combine(RepoPaths.Corpus, file)));
            var answer = await harness.TriggerIngestAsync(blob);
            if (!answer.Succeeded || answer.Ingest().Status != IngestStatus.Rejected)
            {
                problems.Add($"{file}: expected a rejection, got {answer.Last.Status} {answer.Last.ReturnValue} {answer.Last.Exception}");
                continue;
            }

            var report = await harness.Storage.Reports.DownloadBytesAsync($"{blob}.{etag.Trim('"')}.report.json");
            var rules = JsonDocument.Parse(report).RootElement.GetProperty("counts_by_rule").EnumerateArray()
                .Select(c => c.GetProperty("rule_id").GetString()).ToHashSet();
            foreach (var rule in entry.GetProperty("rules").EnumerateArray().Select(r => r.GetString()).Where(r => r![0] is 'E' or 'R' or 'N' or 'F' or 'K'))
            {
                if (!rules.Contains(rule))
                {
                    problems.Add($"{file}: report lacks rule {rule} (has {string.Join(",", rules)})");
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
        Assert.Equal(curated, await StorageReads.ContentsAsync(harness.Storage.Curated));
        Assert.Equal(accepted, await StorageReads.ContentsAsync(harness.Storage.AcceptedReturns));
    }

    [Fact]
    public async Task After_the_whole_corpus_and_a_KPI_run_nothing_the_pipeline_wrote_carries_a_date_of_birth_or_initials()
    {
        var entries = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(RepoPaths.Corpus, "manifest.json"))).RootElement
            .GetProperty("files").EnumerateArray().ToList();
        await using var harness = await PipelineHarness.StartAsync(azurite);
        await harness.UploadReferenceAsync(CorpusProviders, CorpusAreas);
        var uploads = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var entry in entries)
        {
            var steps = entry.TryGetProperty("previous", out var previous) ? new[] { previous, entry } : [entry];
            foreach (var step in steps)
            {
                var blob = step.GetProperty("blob_name").GetString()!;
                var content = await File.ReadAllBytesAsync(Path.Combine(RepoPaths.Corpus, step.GetProperty("file").GetString()!));
                var uploadId = (await harness.UploadReturnAsync(blob, content)).Trim('"');
                uploads[uploadId] = content;
                var answer = await harness.TriggerIngestAsync(blob);
                if (!answer.Succeeded)
                {
                    problems.Add($"{step.GetProperty("file").GetString()}: {answer.Last.Exception}");
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
        Assert.True((await harness.TriggerComputeAsync()).Succeeded);

        // Every byte written: curated, reports, published, the report copies in quarantine, both tables, the report
        // notifications, the host's poison queue and every log line of the worker and the host. The raw copies in quarantine
        // are the provider's own uploads kept byte for byte (for the provider to correct, purged after the retention days):
        // they are checked to be exactly that and nothing more.
        var written = new StringBuilder();
        foreach (var container in new[] { harness.Storage.Curated, harness.Storage.Reports, harness.Storage.Published, harness.Storage.Quarantine })
        {
            foreach (var name in await container.BlobNamesAsync())
            {
                var bytes = await container.DownloadBytesAsync(name);
                if (container == harness.Storage.Quarantine && !name.EndsWith(".report.json", StringComparison.Ordinal))
                {
                    var uploadId = name[(name.LastIndexOf('.') + 1)..];
                    Assert.True(uploads.TryGetValue(uploadId, out var upload) && upload.AsSpan().SequenceEqual(bytes), $"quarantine/{name} is not an upload as sent");
                    continue;
                }

                written.Append(name).Append('\n').Append(Encoding.UTF8.GetString(bytes)).Append('\n');
            }
        }

        foreach (var table in new[] { harness.Storage.Ledger, harness.Storage.AcceptedReturns })
        {
            foreach (var (key, value) in await StorageReads.ContentsAsync(table))
            {
                written.Append(key).Append(value).Append('\n');
            }
        }

        var poison = new QueueClient(harness.Settings[FunctionsHostStandIn.HostStorageSetting], FunctionsHostStandIn.BlobPoisonQueue,
            new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        foreach (var queue in new[] { harness.Storage.ReportNotifications, poison })
        {
            if ((await queue.ExistsAsync()).Value)
            {
                foreach (var message in (await queue.PeekMessagesAsync(32)).Value)
                {
                    written.Append(message.Body).Append('\n');
                }
            }
        }

        written.AppendJoin('\n', harness.Logs);
        var everything = written.ToString();
        Assert.Contains("client_key", everything, StringComparison.Ordinal);
        Assert.Contains("counts_by_rule", everything, StringComparison.Ordinal);
        var corpus = CorpusIdentifiers.OfWholeCorpus();
        Assert.True(corpus.DatesOfBirth.Count > 20);
        Assert.All(corpus.DatesOfBirth, date => Assert.DoesNotContain(date, everything, StringComparison.Ordinal));

        // Initials are single letters, found anywhere in text: they are looked for where a value is named, in every issue
        // of every report (its column and its value). Curated files have no initials column (PseudonymisationBoundaryTests).
        foreach (var name in (await harness.Storage.Reports.BlobNamesAsync()).Where(n => n.EndsWith(".json", StringComparison.Ordinal)))
        {
            var report = JsonDocument.Parse(await harness.Storage.Reports.DownloadBytesAsync(name)).RootElement;
            foreach (var issue in report.GetProperty("issues").EnumerateArray())
            {
                foreach (var field in new[] { "column", "value" })
                {
                    Assert.False(corpus.IsInitials(issue.GetProperty(field).GetString()), $"{name}: an issue's {field} is initials");
                }
            }
        }
    }
}
