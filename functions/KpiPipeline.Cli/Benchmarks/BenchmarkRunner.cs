using System.Diagnostics;
using System.Globalization;
using KpiPipeline.Core.Dataset;
using KpiPipeline.Core.Pseudonymisation;
using KpiPipeline.Core.Reference;
using KpiPipeline.Kpis.Catalogue;
using KpiPipeline.Pipeline.Memory;
using KpiPipeline.Pipeline.Offline;
using KpiPipeline.Pipeline.Publishing;
using KpiPipeline.Pipeline.Publishing.Scorecards;

namespace KpiPipeline.Cli.Benchmarks;

/// <summary>The inputs of one benchmark: a data folder holding returns/ and reference/, repeats and threads.</summary>
/// <param name="MonthlyReturnEpisodes">Rows of the single monthly episodes.csv timed through validation (fewer when the data hold fewer).</param>
public sealed record BenchmarkOptions(
    string DataFolder, string WorkFolder, int Runs, int Threads, DateOnly? AsOf = null, int MonthlyReturnEpisodes = 10_000);

/// <summary>
/// One repeat: the project's end-to-end time and peak memory (resident set), the managed heap still live after a full
/// collection with the run's results held, and DuckDB's time.
/// </summary>
public sealed record BenchmarkRun(TimeSpan Project, long ProjectPeakBytes, long ProjectLiveBytes, TimeSpan DuckDb)
{
    /// <summary>DuckDB reading every episodes.csv and folding the months, nothing else (the job's physical limit).</summary>
    public TimeSpan DuckDbReadAndFold { get; init; }

    /// <summary>
    /// Processor time (user and system, every thread: the collector's too) the project spent, and DuckDB's on its read and
    /// fold: on a shared machine it moves far less than the time on the clock does.
    /// </summary>
    public TimeSpan ProjectCpu { get; init; }

    /// <inheritdoc cref="ProjectCpu"/>
    public TimeSpan DuckDbReadAndFoldCpu { get; init; }

    /// <summary>The project's CSV reader reading and splitting every return file, nothing checked (<see cref="ReadAndSplitTiming"/>).</summary>
    public TimeSpan ProjectReadAndSplit { get; init; }

    /// <summary><see cref="ProjectCpu"/> by phase.</summary>
    public PhaseCpu ProjectPhases { get; init; } = new(TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero);
}

/// <summary>The input sizes the rows-per-second figures are computed from.</summary>
public sealed record BenchmarkInput(int Files, long Bytes, long EpisodeRows, long ReviewRows, long NspRows, long WorkforceRows)
{
    public long TotalRows => EpisodeRows + ReviewRows + NspRows + WorkforceRows;
}

/// <summary>Everything <c>kpi bench</c> measured.</summary>
public sealed record BenchmarkResult(
    BenchmarkInput Input, DateOnly AsOf, int Threads, IReadOnlyList<BenchmarkRun> Runs, ComparisonOutcome Comparison,
    MonthlyReturnTimingResult MonthlyReturn)
{
    public TimeSpan MedianProject => Median(Runs.Select(r => r.Project));

    public TimeSpan MedianDuckDb => Median(Runs.Select(r => r.DuckDb));

    public TimeSpan MedianDuckDbReadAndFold => Median(Runs.Select(r => r.DuckDbReadAndFold));

    /// <summary>Project time ÷ DuckDB time (medians): at most 1 means the project is at least as fast.</summary>
    public double Ratio => MedianProject.TotalSeconds / MedianDuckDb.TotalSeconds;

    /// <summary>Project time ÷ DuckDB's read-and-fold time (medians): at most 1 means the whole run is as fast as that alone.</summary>
    public double ReadAndFoldRatio => MedianProject.TotalSeconds / MedianDuckDbReadAndFold.TotalSeconds;

    public TimeSpan MedianProjectCpu => Median(Runs.Select(r => r.ProjectCpu));

    public TimeSpan MedianDuckDbReadAndFoldCpu => Median(Runs.Select(r => r.DuckDbReadAndFoldCpu));

    /// <summary>The same with processor time (medians): the work each side does, whatever else the machine is doing.</summary>
    public double ReadAndFoldCpuRatio => MedianProjectCpu.TotalSeconds / MedianDuckDbReadAndFoldCpu.TotalSeconds;

    public TimeSpan MedianProjectReadAndSplit => Median(Runs.Select(r => r.ProjectReadAndSplit));

    /// <summary>The project's processor time by phase (medians of each).</summary>
    public PhaseCpu MedianProjectPhases => new(
        Median(Runs.Select(r => r.ProjectPhases.Validation)), Median(Runs.Select(r => r.ProjectPhases.Kpis)), Median(Runs.Select(r => r.ProjectPhases.Publishing)));

    /// <summary>Publishing's parts timed alone over the last run's computation (<see cref="PublishingPartsTiming"/>).</summary>
    public PublishingPartsResult? PublishingParts { get; init; }

    public long PeakProjectBytes => Runs.Max(r => r.ProjectPeakBytes);

    public long LiveProjectBytes => Runs.Max(r => r.ProjectLiveBytes);

    private static TimeSpan Median(IEnumerable<TimeSpan> times)
    {
        var sorted = times.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}

/// <summary>
/// Runs <c>kpi process</c> (in this process) and the DuckDB SQL (in a Node child) over the same returns, alternately,
/// <see cref="BenchmarkOptions.Runs"/> times, and compares the KPI subset of the first run.
/// </summary>
public static class BenchmarkRunner
{
    /// <summary>How many times each of publishing's parts is timed alone; the fastest is reported.</summary>
    public const int PartsRepeats = 3;

    public static async Task<BenchmarkResult> RunAsync(BenchmarkOptions options, TextWriter progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(progress);
        var returns = Path.Combine(options.DataFolder, "returns");
        var reference = Path.Combine(options.DataFolder, "reference");
        var asOf = options.AsOf ?? LastDayOfLatestMonth(returns);
        var runs = new List<BenchmarkRun>();
        ComparisonOutcome? comparison = null;
        PublishingPartsResult? parts = null;
        BenchmarkInput? input = null;
        var warmUp = WarmPageCache(returns);
        await progress.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"Read every input file once first ({warmUp.Files:N0} files, {warmUp.Bytes / 1_048_576.0:0} MiB in {warmUp.Elapsed.TotalSeconds:0.0} s), so that both sides read from the page cache from run 1 on."));
        for (var run = 1; run <= options.Runs; run++)
        {
            // A new folder per run, deleted only at the end: creating many files where as many were just deleted is
            // slow on ext4 (it skips recently freed inodes), which would time the file system rather than the project.
            var (measured, runInput, runComparison, runParts) = await MeasureOneRunAsync(
                options, returns, reference, asOf, run, compare: comparison is null, timeParts: run == options.Runs, progress, cancellationToken);
            runs.Add(measured);
            parts ??= runParts;
            input ??= runInput;
            comparison ??= runComparison;
        }

        for (var run = 1; run <= options.Runs; run++)
        {
            DeleteFolder(Path.Combine(options.WorkFolder, $"project-run{run}"));
        }

        var monthly = await MonthlyReturnTiming.RunAsync(options.DataFolder, asOf, options.MonthlyReturnEpisodes, cancellationToken);
        return new BenchmarkResult(input!, asOf, options.Threads, runs, comparison!, monthly) { PublishingParts = parts };
    }

    /// <summary>
    /// One repeat, in its own method so that nothing of this run's results (hundreds of MiB) is still referenced while
    /// the next run is measured: an async method keeps its locals alive across the loop. With <paramref name="timeParts"/>
    /// (the last run), publishing's parts are then timed alone over its computation, once everything else is measured.
    /// </summary>
    private static async Task<(BenchmarkRun Run, BenchmarkInput Input, ComparisonOutcome? Comparison, PublishingPartsResult? Parts)> MeasureOneRunAsync(
        BenchmarkOptions options, string returns, string reference, DateOnly asOf, int run, bool compare, bool timeParts, TextWriter progress,
        CancellationToken cancellationToken)
    {
        var projectOut = Path.Combine(options.WorkFolder, $"project-run{run}");
        DeleteFolder(projectOut);
        // Each run starts as a fresh process would: what the last run left in the heap goes back to the system first,
        // or its retained memory would count towards this run's peak.
        ReturnMemoryBetweenPhases.ReturnMemory();
        PeakMemory.Reset();
        var cpuBefore = Environment.CpuUsage.TotalTime;
        var phases = new PhaseClock(cpuBefore);
        var clock = Stopwatch.StartNew();
        var result = await OfflineProcessor.RunAsync(
            new OfflineRunOptions(returns, reference, projectOut, asOf, PseudonymisationSecrets.Development, options.Threads, Hooks: phases),
            cancellationToken);
        var projectTime = clock.Elapsed;
        var cpuAfter = Environment.CpuUsage.TotalTime;
        var projectCpu = cpuAfter - cpuBefore;
        var phaseCpu = phases.Split(cpuAfter);
        var peak = PeakMemory.PeakBytes();
        var live = GC.GetTotalMemory(forceFullCollection: true);
        var t = result.Timings;

        var readAndSplit = ReadAndSplitTiming.Run(returns, options.Threads, cancellationToken);
        var duck = await DuckDbSide.RunAsync(returns, reference, asOf, Path.Combine(options.WorkFolder, "duckdb"), options.Threads, cancellationToken);
        var comparison = compare ? ResultComparison.Compare(result.Computation.Results, duck.ResultCsv) : null;
        await progress.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"Run {run}/{options.Runs}: project {projectTime.TotalSeconds:0.00} s (validation {t.Validation.TotalSeconds:0.00} s, " +
            $"KPIs {t.Kpis.TotalSeconds:0.00} s, Parquet {t.Publishing.TotalSeconds:0.00} s; CPU {projectCpu.TotalSeconds:0.00} s: " +
            $"{phaseCpu.Validation.TotalSeconds:0.00} / {phaseCpu.Kpis.TotalSeconds:0.00} / {phaseCpu.Publishing.TotalSeconds:0.00} s; peak {peak / 1_048_576.0:0} MiB, live {live / 1_048_576.0:0} MiB), " +
            $"DuckDB {duck.Elapsed.TotalSeconds:0.00} s (reading and folding episodes alone {duck.ReadAndFold.TotalSeconds:0.00} s, CPU {duck.ReadAndFoldCpu.TotalSeconds:0.00} s); " +
            $"the project's CSV reader reading and splitting every file alone {readAndSplit.Elapsed.TotalSeconds:0.00} s (CPU {readAndSplit.Cpu.TotalSeconds:0.00} s)"));
        var measured = new BenchmarkRun(projectTime, peak, live, duck.Elapsed)
        {
            DuckDbReadAndFold = duck.ReadAndFold,
            ProjectCpu = projectCpu,
            DuckDbReadAndFoldCpu = duck.ReadAndFoldCpu,
            ProjectReadAndSplit = readAndSplit.Elapsed,
            ProjectPhases = phaseCpu,
        };
        var parts = timeParts ? await TimePublishingPartsAsync(result, reference, progress, cancellationToken) : null;
        return (measured, InputOf(result), comparison, parts);
    }

    /// <summary>Publishing's parts timed alone (<see cref="PartsRepeats"/> times each, the fastest kept) over a run's computation.</summary>
    private static async Task<PublishingPartsResult> TimePublishingPartsAsync(
        OfflineRunResult result, string reference, TextWriter progress, CancellationToken cancellationToken)
    {
        var referenceData = (await ReferenceDataReader.ReadFolderAsync(reference, KpiCatalogue.All.Select(k => k.Id).ToHashSet(), cancellationToken)).Data
            ?? throw new InvalidOperationException($"The reference data under {reference} could not be read again.");
        await progress.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"Timing publishing's parts alone over the last run's {result.Computation.Periods.Count} periods, {PartsRepeats} times each, on one thread..."));
        return await PublishingPartsTiming.MeasureAsync(result.Computation, result.Metadata, ScorecardNames.From(referenceData), PartsRepeats, cancellationToken);
    }

    /// <summary>The as-of date used when none is given: the last day of the latest month in the returns folder.</summary>
    public static DateOnly LastDayOfLatestMonth(string returnsFolder)
    {
        var latest = OfflineProcessor.ReturnFilesInUploadOrder(returnsFolder)
            .Select(f => f.Path?.Month)
            .Max();
        return latest?.LastDay ?? throw new InvalidOperationException($"No return files under {returnsFolder}.");
    }

    private static BenchmarkInput InputOf(OfflineRunResult result)
    {
        long Rows(ReturnFileKind kind) => result.Files.Where(f => f.Report.Path?.Kind == kind).Sum(f => f.Report.RowsRead);
        return new BenchmarkInput(
            result.Files.Count, result.Files.Sum(f => f.Report.SizeBytes ?? 0),
            Rows(ReturnFileKind.Episodes), Rows(ReturnFileKind.Reviews), Rows(ReturnFileKind.Nsp), Rows(ReturnFileKind.Workforce));
    }

    /// <summary>
    /// Reads every file under <paramref name="folder"/> once and throws the bytes away. The first side to run would
    /// otherwise read the returns from disk (or after the kernel reclaimed them) and the other from the page cache.
    /// </summary>
    private static (int Files, long Bytes, TimeSpan Elapsed) WarmPageCache(string folder)
    {
        var clock = Stopwatch.StartNew();
        var buffer = new byte[1 << 20];
        var files = 0;
        long bytes = 0;
        foreach (var path in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
        {
            using var handle = File.OpenHandle(path);
            long offset = 0;
            int read;
            while ((read = RandomAccess.Read(handle, buffer, offset)) > 0)
            {
                offset += read;
            }

            bytes += offset;
            files++;
        }

        return (files, bytes, clock.Elapsed);
    }

    private static void DeleteFolder(string folder)
    {
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
