using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Azure.Storage.Blobs;
using KpiPipeline.Cli.Benchmarks;
using KpiPipeline.Core.Dataset;
using KpiPipeline.LocalRun;
using KpiPipeline.Pipeline;
using KpiPipeline.Pipeline.Ingest;

namespace KpiPipeline.Cli;

/// <summary>
/// <c>kpi bench-ingest</c>: times IngestReturn in the published worker, driven by the host stand-in over gRPC, warm, on a provider's typical monthly episodes.csv (10,000
/// episodes) and measures the worker process's peak memory while it ingests a large file (100 MB by default), streaming; DuckDB
/// reads and rewrites the same large file in the same run as a reference.
/// </summary>
public static class IngestBenchCommand
{
    private const string Provider = "BENCH1";

    public static Command Create()
    {
        var episodes = new Option<int>("--episodes") { Description = "Episodes in the typical monthly file", DefaultValueFactory = _ => 10_000 };
        var runs = new Option<int>("--runs") { Description = "Timed runs of the typical file (median reported)", DefaultValueFactory = _ => 5 };
        var largeMb = new Option<int>("--large-mb") { Description = "Size of the large file in MB", DefaultValueFactory = _ => 100 };
        var command = new Command("bench-ingest", "Time the ingest handler on a monthly return and measure peak memory on a large file") { episodes, runs, largeMb };
        command.SetAction((parse, cancellationToken) =>
            RunAsync(parse.GetValue(episodes), parse.GetValue(runs), parse.GetValue(largeMb), Console.Out, cancellationToken));
        return command;
    }

    public static async Task<int> RunAsync(int episodes, int runs, int largeMb, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        var work = Path.Combine(Path.GetTempPath(), $"kpi-bench-ingest-{Guid.NewGuid():N}");
        Directory.CreateDirectory(work);
        try
        {
            // The large file is over the default size limit (F09, 16 MiB): the worker is told to take it, so that the
            // figure is the memory of streaming a large accepted file rather than of stopping at the limit.
            await using var local = await LocalPipeline.StartAsync(output, Path.Combine(work, "azurite"), cancellationToken, new Dictionary<string, string?>
            {
                [$"{KpiPipelineOptions.Section}:{nameof(KpiPipelineOptions.MaxReturnFileBytes)}"] = ((largeMb + 1) * 1_000_000L).ToString(CultureInfo.InvariantCulture),
            });
            var month = ReportingMonth.Of(DateOnly.FromDateTime(DateTime.UtcNow)).Previous;
            var reference = local.Storage.GetBlobContainerClient("reference");
            await reference.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            await reference.GetBlobClient("providers.csv").UploadAsync(
                BinaryData.FromString($"provider_code,provider_name,area_code\n{Provider},Benchmark provider,B1\n"), overwrite: true, cancellationToken);
            await reference.GetBlobClient("areas.csv").UploadAsync(
                BinaryData.FromString("area_code,area_name,nation\nB1,Benchmark area,ENGLAND\n"), overwrite: true, cancellationToken);
            var returns = local.Storage.GetBlobContainerClient("returns");
            await returns.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            var blobName = $"{Provider}/{month}/episodes.csv";

            var typical = Path.Combine(work, "typical.csv");
            WriteEpisodes(typical, month, rows: episodes, targetBytes: null);
            output.WriteLine($"Warming up on {episodes:N0} episodes...");
            await IngestAsync(local, returns, blobName, typical, cancellationToken);

            var times = new List<double>();
            for (var run = 0; run < runs; run++)
            {
                times.Add((await IngestAsync(local, returns, blobName, typical, cancellationToken)).TotalMilliseconds);
            }

            var large = Path.Combine(work, "large.csv");
            var largeRows = WriteEpisodes(large, month, rows: null, targetBytes: largeMb * 1_000_000L);
            var largeSize = new FileInfo(large).Length;
            await returns.GetBlobClient(blobName).UploadAsync(large, overwrite: true, cancellationToken);

            var worker = local.Host.WorkerProcessId.ToString(CultureInfo.InvariantCulture);
            PeakMemory.Reset(worker);
            var baseline = PeakMemory.PeakBytes(worker);
            var largeTime = await TriggerAsync(local, blobName, cancellationToken);
            var peak = PeakMemory.PeakBytes(worker);

            var duckDb = DuckDbRewrite(large, Path.Combine(work, "duckdb-out.csv"));

            times.Sort();
            output.WriteLine();
            output.WriteLine($"Typical monthly return: {episodes:N0} episodes ({new FileInfo(typical).Length / 1e6:0.0} MB), warm, {runs} runs");
            output.WriteLine($"  IngestReturn through the worker (blob event → gRPC InvocationRequest → validate → curated copy → commit → reports → ledger → delete → InvocationResponse): median {times[times.Count / 2]:0} ms, min {times[0]:0} ms, max {times[^1]:0} ms");
            output.WriteLine($"Large file: {largeRows:N0} episodes, {largeSize / 1e6:0.0} MB");
            output.WriteLine($"  IngestReturn through the worker: {largeTime.TotalSeconds:0.0} s, {largeRows / largeTime.TotalSeconds:N0} rows/s");
            output.WriteLine($"  peak resident memory of the worker process while ingesting: {peak / 1_048_576.0:0} MiB (before: {baseline / 1_048_576.0:0} MiB; file {largeSize / 1_048_576.0:0} MiB)");
            output.WriteLine($"  DuckDB, same file, typed read_csv then COPY to CSV (no validation rules, no hashing): {duckDb.TotalSeconds:0.0} s (DuckDB.NET, in this process)");
            return 0;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static async Task<TimeSpan> IngestAsync(LocalPipeline local, BlobContainerClient returns, string blobName, string file, CancellationToken cancellationToken)
    {
        await returns.GetBlobClient(blobName).UploadAsync(file, overwrite: true, cancellationToken);

        return await TriggerAsync(local, blobName, cancellationToken);
    }

    /// <summary>Delivers the blob event to IngestReturn through the stand-in and times it until the worker's InvocationResponse.</summary>
    private static async Task<TimeSpan> TriggerAsync(LocalPipeline local, string blobName, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var result = await local.Host.DeliverBlobCreatedAsync("IngestReturn", blobName, cancellationToken);
        clock.Stop();
        if (result is not { Succeeded: true } || result.Last.Outcome<IngestOutcome>().Status != IngestStatus.Accepted)
        {
            throw new InvalidOperationException($"Ingest of {blobName} did not succeed: {result?.Last.ReturnValue} {result?.Last.Exception}");
        }

        return clock.Elapsed;
    }

    /// <summary>Writes valid episodes for one month: either a number of rows or until the file reaches a size.</summary>
    private static long WriteEpisodes(string path, ReportingMonth month, int? rows, long? targetBytes)
    {
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 16);
        writer.Write("provider_code,episode_id,first_initial,last_initial,date_of_birth,sex,referral_date,referral_source,primary_substance,");
        writer.Write("treatment_start_date,setting,medication,daily_dose_mg,treatment_goal,naloxone_supplied,exit_date,exit_reason,record_status\n");
        long i = 0;
        while ((rows is { } n && i < n) || (targetBytes is { } size && writer.BaseStream.Position < size))
        {
            var referral = month.FirstDay.AddDays((int)(i % 20));
            var start = referral.AddDays((int)(i % 7));
            writer.Write(string.Create(CultureInfo.InvariantCulture,
                $"{Provider},EP{i:D9},{(char)('A' + i % 26)},{(char)('A' + i / 26 % 26)},{1950 + i % 50}-{1 + i % 12:D2}-{1 + i % 28:D2},{"MFX"[(int)(i % 3)]}," +
                $"{referral:yyyy-MM-dd},GP,HEROIN,{start:yyyy-MM-dd},SPECIALIST,METHADONE,{60 + i % 60},MAINTENANCE,Y,,,ACTIVE\n"));
            i++;
        }

        return i;
    }

    /// <summary>DuckDB (in this process) reading the file with typed columns and writing it back out as CSV, timed.</summary>
    private static TimeSpan DuckDbRewrite(string csv, string output)
    {
        var sql = $"COPY (SELECT * FROM read_csv('{DuckDbSide.Quote(csv)}', header = true, " +
                  "dateformat = '%Y-%m-%d', columns = {'provider_code': 'VARCHAR', 'episode_id': 'VARCHAR', 'first_initial': 'VARCHAR', " +
                  "'last_initial': 'VARCHAR', 'date_of_birth': 'DATE', 'sex': 'VARCHAR', 'referral_date': 'DATE', 'referral_source': 'VARCHAR', " +
                  "'primary_substance': 'VARCHAR', 'treatment_start_date': 'DATE', 'setting': 'VARCHAR', 'medication': 'VARCHAR', " +
                  "'daily_dose_mg': 'DECIMAL(9,2)', 'treatment_goal': 'VARCHAR', 'naloxone_supplied': 'VARCHAR', 'exit_date': 'DATE', " +
                  $"'exit_reason': 'VARCHAR', 'record_status': 'VARCHAR'}})) TO '{DuckDbSide.Quote(output)}' (HEADER);";
        return DuckDbSide.Execute(sql, Environment.ProcessorCount);
    }
}
