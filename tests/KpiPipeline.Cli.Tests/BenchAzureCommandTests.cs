using KpiPipeline.Cli.Benchmarks;
using KpiPipeline.Synthetic;
using KpiPipeline.Testing;

namespace KpiPipeline.Cli.Tests;

/// <summary>
/// <c>kpi bench-azure</c> at a tiny size: the published worker through the host stand-in on Azurite, with duplicate blob
/// events and the worker killed during the last month's ingest and its state refreshes, against <c>kpi process</c> on the
/// same returns. Keeps the command of docs/benchmarks.md working; the figures come from larger runs.
/// </summary>
public sealed class BenchAzureCommandTests
{
    [Fact]
    public async Task Ingests_through_the_worker_loses_nothing_when_killed_and_publishes_the_rows_kpi_process_publishes()
    {
        var data = RepoPaths.NewTempFolder("bench-azure-data");
        var work = RepoPaths.NewTempFolder("bench-azure-work");
        var tiny = SyntheticOptions.Demo with { Areas = 2, TotalProviders = 3, Months = 4, PeoplePerProvider = 40, InjectedDefects = 3, MaxDegreeOfParallelism = 2 };
        using var output = new StringWriter();

        var exit = await BenchAzureCommand.RunAsync(
            new AzureBenchOptions(data, work, Concurrency: 4, KillWorker: true, DuplicateEvents: true), tiny, keepWork: false, output, CancellationToken.None);

        var text = output.ToString();
        Assert.True(exit == 0, text);
        Assert.Matches(@"Ingest through the worker: \d+ files of 4 months in \d+\.\d s, \d+\.\d uploads/s \(4 IngestReturn invocations at once, every fifth event twice, worker killed during the last month's ingest and its state refreshes, 2 restarts\)", text);
        Assert.Contains("Nothing lost or done twice", text, StringComparison.Ordinal);
        Assert.Contains("identical to a rebuild from the curated files", text, StringComparison.Ordinal);
        Assert.Matches(@"ComputeKpis through the worker: \d+\.\d\d s; worker peak resident memory \d+ MiB", text);
        Assert.Matches(@"ComputeKpis in a new worker of its own \(as Flex Consumption runs a timer function\): \d+\.\d\d s; worker peak resident memory \d+ MiB", text);
        Assert.Matches(@"Ratio ComputeKpis / kpi process: \d+\.\d\d", text);
        var kpis = KpiPipeline.Kpis.Catalogue.KpiCatalogue.Rows.Count;
        Assert.Matches(@"Published rows identical: restricted [\d,]+ / [\d,]+ rows, 0 on one side only, public [\d,]+ / [\d,]+ rows, 0 on one side only, " +
            $"catalogue {kpis} / {kpis} rows", text);
        Assert.False(Directory.Exists(work), "the work folder is removed");
    }

    [Fact]
    public async Task Seeds_earlier_months_as_states_and_takes_the_last_through_the_worker()
    {
        var data = RepoPaths.NewTempFolder("bench-azure-seeded");
        var work = RepoPaths.NewTempFolder("bench-azure-seeded-work");
        var tiny = SyntheticOptions.Demo with { Areas = 2, TotalProviders = 3, Months = 4, PeoplePerProvider = 40, MaxDegreeOfParallelism = 2 };
        using var output = new StringWriter();

        var exit = await BenchAzureCommand.RunAsync(new AzureBenchOptions(data, work, WorkerMonths: 1), tiny, keepWork: false, output, CancellationToken.None);

        var text = output.ToString();
        Assert.True(exit == 0, text);
        Assert.Matches(@"Seeded history: 3 months, \d+ files, written as the providers' states", text);
        Assert.Matches(@"Ingest through the worker: \d+ files of 1 months", text);
        Assert.Contains("Published rows identical", text, StringComparison.Ordinal);
    }
}
