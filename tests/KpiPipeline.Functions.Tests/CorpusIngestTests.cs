using System.Text.Json;
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
        foreach (var valid in new[] { "episodes/valid_basic.csv", "reviews/valid.csv", "nsp/valid.csv" })
        {
            var entry = entries.Single(e => e.GetProperty("file").GetString() == valid);
            var blob = entry.GetProperty("blob_name").GetString()!;
            await harness.UploadReturnAsync(blob, await File.ReadAllTextAsync(Path.Combine(RepoPaths.Corpus, valid)));
            Assert.Equal(IngestStatus.Accepted, (await harness.TriggerIngestAsync(blob)).Ingest().Status);
        }

        var curated = await StorageReads.ContentsAsync(harness.Storage.Curated);
        var accepted = await StorageReads.ContentsAsync(harness.Storage.AcceptedReturns);
        Assert.Equal(3, accepted.Count);

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
            foreach (var rule in entry.GetProperty("rules").EnumerateArray().Select(r => r.GetString()).Where(r => r![0] is 'E' or 'R' or 'N' or 'F'))
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
}
