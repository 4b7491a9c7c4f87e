using System.Diagnostics;
using System.Text;
using KpiPipeline.Core.Dataset;
using KpiPipeline.Core.Pseudonymisation;
using KpiPipeline.Core.Reference;
using KpiPipeline.Core.Validation;
using KpiPipeline.Kpis.Catalogue;

namespace KpiPipeline.Cli.Benchmarks;

/// <summary>How long one large monthly episodes.csv takes to validate and pseudonymise once the process is warm.</summary>
public sealed record MonthlyReturnTimingResult(int Episodes, TimeSpan Warm, bool Accepted);

/// <summary>
/// Times the ingest handler's work on one provider's monthly return: <see cref="ReturnValidator"/> with the same
/// pseudonymisation, on an episodes.csv of <c>episodes</c> rows built from the latest month of the benchmark's returns
/// (rows of several providers re-labelled as one provider, their episode ids prefixed to stay unique). The first pass
/// warms the code; the median of the next three passes is reported. Storage I/O of the Azure host is not included.
/// </summary>
public static class MonthlyReturnTiming
{
    public static async Task<MonthlyReturnTimingResult> RunAsync(string dataFolder, DateOnly asOf, int episodes, CancellationToken cancellationToken)
    {
        var reference = (await ReferenceDataReader.ReadFolderAsync(
            Path.Combine(dataFolder, "reference"), KpiCatalogue.All.Select(k => k.Id).ToHashSet(), cancellationToken)).Data
            ?? throw new InvalidOperationException("The benchmark's reference data are invalid.");
        var month = ReportingMonth.Of(asOf);
        var provider = reference.Providers[0].ProviderCode;
        var content = BuildEpisodesFile(Path.Combine(dataFolder, "returns"), month, provider, episodes, out var rows);
        var blobName = $"{provider}/{month}/episodes.csv";
        var context = new ValidationContext
        {
            Reference = reference,
            Pseudonymiser = new Pseudonymiser(PseudonymisationSecrets.Development),
            UploadedAt = new DateTimeOffset(month.LastDay.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero),
        };

        var times = new List<TimeSpan>();
        ValidationReport? report = null;
        for (var pass = 0; pass < 4; pass++)
        {
            var clock = Stopwatch.StartNew();
            report = await ReturnValidator.ValidateAsync(blobName, new MemoryStream(content), context, new CollectingRowSink(), cancellationToken);
            if (pass > 0)
            {
                times.Add(clock.Elapsed);
            }
        }

        return new MonthlyReturnTimingResult(rows, times.Order().ElementAt(1), report!.Accepted);
    }

    private static byte[] BuildEpisodesFile(string returns, ReportingMonth month, string provider, int wanted, out int rows)
    {
        var text = new StringBuilder();
        rows = 0;
        foreach (var file in Directory.EnumerateFiles(returns, "episodes.csv", SearchOption.AllDirectories)
                     .Where(f => Path.GetFileName(Path.GetDirectoryName(f)) == month.ToString())
                     .Order(StringComparer.Ordinal))
        {
            using var reader = new StreamReader(file);
            var header = reader.ReadLine();
            if (text.Length == 0)
            {
                text.Append(header).Append('\n');
            }

            var source = Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(file)));
            while (rows < wanted && reader.ReadLine() is { Length: > 0 } line)
            {
                // provider_code and episode_id are the first two columns of the generated files.
                var fields = line.Split(',', 3);
                text.Append(provider).Append(',').Append(source).Append('-').Append(fields[1]).Append(',').Append(fields[2]).Append('\n');
                rows++;
            }

            if (rows >= wanted)
            {
                break;
            }
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }
}
