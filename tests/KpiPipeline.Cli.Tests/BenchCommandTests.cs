using System.Text.RegularExpressions;
using KpiPipeline.Cli;
using KpiPipeline.Cli.Benchmarks;
using KpiPipeline.Synthetic;
using KpiPipeline.Testing;

namespace KpiPipeline.Cli.Tests;

/// <summary>
/// <c>kpi bench</c> at the CI size (2 areas, 4 providers, 6 months): real generation, the real offline processor and
/// real DuckDB through Node. This keeps the command of docs/benchmarks.md working.
/// </summary>
public sealed partial class BenchCommandTests
{
    private static readonly SyntheticOptions Tiny = SyntheticOptions.Demo with
    {
        Areas = 2,
        TotalProviders = 4,
        Months = 6,
        PeoplePerProvider = 60,
        MaxDegreeOfParallelism = 2,
    };

    [Fact]
    public async Task Generates_runs_both_sides_and_reports_agreement_and_figures()
    {
        var data = RepoPaths.NewTempFolder("bench-data");
        var work = RepoPaths.NewTempFolder("bench-work");
        var output = new StringWriter();

        var exit = await BenchCommand.RunAsync(
            new BenchmarkOptions(data, work, Runs: 2, Threads: 2), Tiny, keepWork: false, output, CancellationToken.None);

        var text = output.ToString();
        Assert.True(exit == 0, text);
        Assert.True(Directory.Exists(Path.Combine(data, "returns")), "the data were generated");
        Assert.Matches(AgreementLine(), text);
        Assert.Matches(MedianLine(), text);
        Assert.Matches(@"Project peak memory: \d+ MiB", text);
        Assert.Matches(@"DuckDB reading every episodes\.csv and folding the months, nothing else: median \d+\.\d\d s; ratio \d+\.\d\d", text);
        Assert.Matches(@"Throughput: project [\d,]+ rows/s, DuckDB [\d,]+ rows/s", text);
        Assert.Matches(@"The project's CSV reader reading and splitting every return file \(all four kinds\), nothing checked: median \d+\.\d\d s", text);
        Assert.Matches(@"Processor time \(user and system, every thread\): project median \d+\.\d\d s, DuckDB reading and folding \d+\.\d\d s; ratio \d+\.\d\d", text);
        Assert.Matches(@"The project's processor time by phase \(medians\): validation and folding \d+\.\d\d s, KPIs \d+\.\d\d s, publishing \d+\.\d\d s", text);
        Assert.Matches(@"Publishing's parts timed alone \(one thread, fastest of 3, nothing written to disk\): rows built \d+\.\d{3} s, restricted Parquet \d+\.\d{3} s \([\d,]+ rows\), disclosure control \d+\.\d{3} s, public Parquet \d+\.\d{3} s \([\d,]+ rows; [\d.]+ MiB of Parquet in all\), scorecards \d+\.\d{3} s \([\d,]+ pages, [\d.]+ MiB\)", text);
        Assert.Equal(2, Regex.Count(text, @"Run \d/2: project"));
        Assert.False(Directory.Exists(work), "the work folder, not asked to be kept, is removed at the end");
    }

    [Fact]
    public async Task Every_compared_kpi_row_of_the_project_has_the_same_figures_in_duckdb()
    {
        var (data, work) = GeneratedTinyData();

        var result = await BenchmarkRunner.RunAsync(new BenchmarkOptions(data, work, Runs: 1, Threads: 1), TextWriter.Null, CancellationToken.None);

        Assert.Empty(result.Comparison.Differences);
        Assert.True(result.Comparison.Agree);
        // 4 providers + 2 areas, 5 KPIs, 4 dimension values, every quarter of the run.
        Assert.True(result.Comparison.Compared >= 6 * 5 * 4);
        Assert.Equal(0, result.Comparison.Compared % (6 * 5 * 4));
        Assert.True(result.Input.EpisodeRows > 0 && result.Input.ReviewRows > 0 && result.Input.NspRows > 0);
        Assert.True(result.PeakProjectBytes > 0);
        Assert.All(result.Runs, run => Assert.True(run.DuckDbReadAndFold > TimeSpan.Zero && run.DuckDbReadAndFold < run.DuckDb));
        // Each side's processor time is its own: more than nothing, and at most every core busy for the whole time (with room
        // for the child opening its database around the timed statement).
        Assert.All(result.Runs, run => Assert.InRange(run.ProjectCpu, TimeSpan.FromTicks(1), (run.Project * Environment.ProcessorCount) + TimeSpan.FromSeconds(1)));
        Assert.All(result.Runs, run => Assert.InRange(run.DuckDbReadAndFoldCpu, TimeSpan.FromTicks(1), (run.DuckDbReadAndFold * Environment.ProcessorCount) + TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public async Task Splits_the_projects_processor_time_by_phase_and_times_publishings_parts_over_the_last_run()
    {
        var (data, work) = GeneratedTinyData();

        var result = await BenchmarkRunner.RunAsync(new BenchmarkOptions(data, work, Runs: 2, Threads: 2), TextWriter.Null, CancellationToken.None);

        // The phases split the run's processor time exactly, each phase taking some.
        Assert.All(result.Runs, run =>
        {
            var phases = run.ProjectPhases;
            Assert.Equal(run.ProjectCpu, phases.Validation + phases.Kpis + phases.Publishing);
            Assert.True(phases.Validation > TimeSpan.Zero && phases.Kpis > TimeSpan.Zero && phases.Publishing > TimeSpan.Zero, phases.ToString());
        });
        var parts = Assert.IsType<PublishingPartsResult>(result.PublishingParts);
        Assert.True(parts.Rows > TimeSpan.Zero && parts.RestrictedParquet > TimeSpan.Zero && parts.Disclosure > TimeSpan.Zero
            && parts.PublicParquet > TimeSpan.Zero && parts.Scorecards > TimeSpan.Zero, parts.ToString());
        // Disclosure control drops the provider rows: fewer public rows than restricted, and some of both.
        Assert.InRange(parts.PublicRows, 1, parts.RestrictedRows - 1);
        Assert.True(parts.ParquetBytes > 0);
        // Each quarter with returns has a page per area (2) and a national page.
        Assert.True(parts.Pages > 0 && parts.Pages % 3 == 0, $"{parts.Pages} pages");
        Assert.True(parts.PageBytes > parts.Pages * 1_000L, $"{parts.PageBytes} bytes of pages");
    }

    /// <summary>A new data folder holding the CI size's returns and reference data, and a new work folder.</summary>
    private static (string Data, string Work) GeneratedTinyData()
    {
        var data = RepoPaths.NewTempFolder("bench-data");
        new SyntheticReturnsGenerator(Tiny).WriteTo(Path.Combine(data, "returns"), Path.Combine(data, "reference"));
        return (data, RepoPaths.NewTempFolder("bench-work"));
    }

    [GeneratedRegex(@"Agreement: all [\d,]+ compared KPI rows agree")]
    private static partial Regex AgreementLine();

    [GeneratedRegex(@"Median of 2 runs: project \d+\.\d\d s, DuckDB \d+\.\d\d s, ratio \d+\.\d\d")]
    private static partial Regex MedianLine();
}
