using System.Diagnostics;
using KpiPipeline.Core.Csv;
using KpiPipeline.Pipeline.Offline;

namespace KpiPipeline.Cli.Benchmarks;

/// <summary>
/// What reading and splitting every return file took: wall time, processor time, files read, records (headers included)
/// and the characters of every field as read (quotes and line ends not counted).
/// </summary>
public sealed record ReadAndSplitResult(TimeSpan Elapsed, TimeSpan Cpu, int Files, long Records, long FieldCharacters);

/// <summary>
/// Times the floor under validation: every file of the returns named as a return (all four kinds, as <c>kpi process</c>
/// reads them) read whole and split into records and fields by the project's CSV reader, every field looked at, nothing checked, on
/// <c>threads</c> threads, a provider's files on one thread as validation takes them. What the rest of validation adds
/// (checking every field, pseudonymising, folding, reporting) is the project's own work; DuckDB reading and folding only
/// the episodes is not a floor for it.
/// </summary>
public static class ReadAndSplitTiming
{
    public static ReadAndSplitResult Run(string returnsFolder, int threads, CancellationToken cancellationToken)
    {
        // Files named as returns only: validation rejects anything else unread.
        var byProvider = OfflineProcessor.ReturnFilesInUploadOrder(returnsFolder)
            .Where(f => f.Path is not null)
            .GroupBy(f => f.Path!.ProviderCode, StringComparer.OrdinalIgnoreCase)
            .Select(g => g.Select(f => f.FullPath).ToArray())
            .ToArray();
        var cpuBefore = Environment.CpuUsage.TotalTime;
        var clock = Stopwatch.StartNew();
        var read = 0;
        long records = 0;
        long characters = 0;
        Parallel.ForEach(
            byProvider,
            new ParallelOptions { MaxDegreeOfParallelism = threads, CancellationToken = cancellationToken },
            files =>
            {
                var (providerFiles, providerRecords, providerCharacters) = (0, 0L, 0L);
                foreach (var file in files)
                {
                    if (ReadWhole(file) is not { } content)
                    {
                        continue;
                    }

                    providerFiles++;
                    using var csv = new CsvReader(new MemoryStream(content));
                    while (csv.Read())
                    {
                        providerRecords++;
                        for (var i = 0; i < csv.FieldCount; i++)
                        {
                            providerCharacters += csv.GetField(i).Length;
                        }
                    }
                }

                Interlocked.Add(ref read, providerFiles);
                Interlocked.Add(ref records, providerRecords);
                Interlocked.Add(ref characters, providerCharacters);
            });
        var elapsed = clock.Elapsed;
        return new ReadAndSplitResult(elapsed, Environment.CpuUsage.TotalTime - cpuBefore, read, records, characters);
    }

    /// <summary>The file's bytes; null for a name that cannot be read (a link to nothing or to a folder), which validation rejects.</summary>
    private static byte[]? ReadWhole(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
