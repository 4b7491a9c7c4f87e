using System.Diagnostics;
using KpiPipeline.Core.Csv;
using KpiPipeline.Pipeline.Offline;

namespace KpiPipeline.Cli.Benchmarks;

/// <summary>
/// What reading and splitting every return file took: wall time, processor time, files, records (headers included) and the
/// characters of every field as read (quotes and line ends not counted).
/// </summary>
public sealed record ReadAndSplitResult(TimeSpan Elapsed, TimeSpan Cpu, int Files, long Records, long FieldCharacters);

/// <summary>
/// Times the floor under validation: every file of the returns (all four kinds, as <c>kpi process</c> reads them) read
/// whole and split into records and fields by the project's CSV reader, every field looked at, nothing checked, on
/// <c>threads</c> threads, a provider's files on one thread as validation takes them. What the rest of validation adds
/// (checking every field, pseudonymising, folding, reporting) is the project's own work; DuckDB reading and folding only
/// the episodes is not a floor for it.
/// </summary>
public static class ReadAndSplitTiming
{
    public static ReadAndSplitResult Run(string returnsFolder, int threads, CancellationToken cancellationToken)
    {
        var byProvider = OfflineProcessor.ReturnFilesInUploadOrder(returnsFolder)
            .GroupBy(f => f.Path?.ProviderCode ?? f.BlobName, StringComparer.OrdinalIgnoreCase)
            .Select(g => g.Select(f => f.FullPath).ToArray())
            .ToArray();
        var cpuBefore = Environment.CpuUsage.TotalTime;
        var clock = Stopwatch.StartNew();
        long records = 0;
        long characters = 0;
        Parallel.ForEach(
            byProvider,
            new ParallelOptions { MaxDegreeOfParallelism = threads, CancellationToken = cancellationToken },
            files =>
            {
                var (providerRecords, providerCharacters) = (0L, 0L);
                foreach (var file in files)
                {
                    using var csv = new CsvReader(new MemoryStream(File.ReadAllBytes(file)));
                    while (csv.Read())
                    {
                        providerRecords++;
                        for (var i = 0; i < csv.FieldCount; i++)
                        {
                            providerCharacters += csv.GetField(i).Length;
                        }
                    }
                }

                Interlocked.Add(ref records, providerRecords);
                Interlocked.Add(ref characters, providerCharacters);
            });
        var elapsed = clock.Elapsed;
        return new ReadAndSplitResult(elapsed, Environment.CpuUsage.TotalTime - cpuBefore, byProvider.Sum(f => f.Length), records, characters);
    }
}
