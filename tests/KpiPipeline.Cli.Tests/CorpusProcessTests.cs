using System.Text;
using KpiPipeline.Testing;

namespace KpiPipeline.Cli.Tests;

/// <summary>
/// Every file of the bad-file corpus (tests/corpus/manifest.json) through <c>kpi process</c>, each in a returns folder of
/// its own (after the accepted month its entry names, if any): it gets its outcome and rules, the run completes, and
/// nothing the run writes or prints — reports, published Parquet, output — carries a date of birth or initials of the
/// corpus.
/// </summary>
public sealed class CorpusProcessTests
{
    private const string Providers = "provider_code,provider_name,area_code\nPROV1,Provider One,A1\nPROV2,Provider Two,A1\n";
    private const string Areas = "area_code,area_name,nation,estimated_opiate_users,estimated_pwid\nA1,Area One,ENGLAND,1000,300\n";

    [Fact]
    public async Task Every_corpus_file_gets_its_outcome_through_kpi_process_and_no_output_carries_an_identifier()
    {
        var root = RepoPaths.NewTempFolder("corpus-process");
        var problems = new List<string>();
        var written = new StringBuilder();
        var run = 0;
        foreach (var corpusCase in CorpusCase.All())
        {
            var folder = Path.Combine(root, $"run-{run++:000}");
            var returns = Path.Combine(folder, "returns");
            var reference = Path.Combine(folder, "reference");
            var output = Path.Combine(folder, "out");
            Directory.CreateDirectory(reference);
            await File.WriteAllTextAsync(Path.Combine(reference, "providers.csv"), Providers);
            await File.WriteAllTextAsync(Path.Combine(reference, "areas.csv"), Areas);
            if (corpusCase.PreviousFile is { } previous)
            {
                Place(returns, corpusCase.PreviousBlobName!, previous);
            }

            if (!Place(returns, corpusCase.BlobName, corpusCase.File))
            {
                continue;
            }

            using var stdout = new StringWriter();
            using var stderr = new StringWriter();
            var exit = await ProcessCommand.RunAsync(returns, reference, output, "2024-04-15", developmentSecrets: true, stdout, stderr, CancellationToken.None);
            written.Append(stdout).Append(stderr);
            if (exit != 0)
            {
                problems.Add($"{corpusCase.File}: kpi process exited {exit}: {stderr}");
                continue;
            }

            problems.AddRange(corpusCase.ProblemsIn(output, corpusCase.BlobName, await RunReportTable.ReadAsync(output)));
            foreach (var text in Directory.EnumerateFiles(Path.Combine(output, "reports"), "*", SearchOption.AllDirectories))
            {
                written.Append(await File.ReadAllTextAsync(text)).Append('\n');
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));

        // Everything published by every run, read back by DuckDB as text.
        var published = await DuckDb.QueryAsync(
            $"SELECT string_agg(DISTINCT CAST(COLUMNS(*) AS VARCHAR), '|') FROM read_parquet({DuckDb.Literal(root + "/*/out/**/*.parquet")}, union_by_name = true, filename = true)");
        Assert.Equal(1, published.Count);
        written.Append(published.Rows[0].GetRawText());
        foreach (var parquet in Directory.EnumerateFiles(root, "*.parquet", SearchOption.AllDirectories))
        {
            written.Append(Encoding.UTF8.GetString(await File.ReadAllBytesAsync(parquet)));
        }

        var everything = written.ToString();
        Assert.Contains("kpi_id", everything, StringComparison.Ordinal);
        var corpus = CorpusIdentifiers.OfWholeCorpus();
        Assert.True(corpus.DatesOfBirth.Count > 20);
        Assert.All(corpus.DatesOfBirth, date => Assert.DoesNotContain(date, everything, StringComparison.Ordinal));
    }

    /// <summary>Copies a corpus file to its blob name under <paramref name="returns"/>; false for a blob name no folder can hold.</summary>
    private static bool Place(string returns, string blobName, string corpusFile)
    {
        var target = Path.Combine(returns, blobName.Replace('/', Path.DirectorySeparatorChar));
        if (Path.GetRelativePath(returns, target).StartsWith("..", StringComparison.Ordinal))
        {
            return false;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.Copy(Path.Combine(RepoPaths.Corpus, corpusFile), target, overwrite: true);
        return true;
    }
}
