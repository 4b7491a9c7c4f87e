namespace KpiPipeline.Cli.Tests;

/// <summary><c>kpi bench-ingest</c> at a tiny size, so the benchmark command keeps working (the figures come from full runs).</summary>
public sealed class IngestBenchCommandTests
{
    [Fact]
    public async Task Times_IngestReturn_in_the_worker_and_reports_its_peak_memory_and_the_DuckDB_reference()
    {
        using var output = new StringWriter();

        var exit = await IngestBenchCommand.RunAsync(episodes: 500, runs: 2, largeMb: 2, output, CancellationToken.None);

        var text = output.ToString();
        Assert.True(exit == 0, text);
        Assert.Matches(@"Typical monthly return: 500 episodes", text);
        Assert.Matches(@"IngestReturn through the worker .*: median \d+ ms", text);
        Assert.Matches(@"peak resident memory of the worker process while ingesting: \d+ MiB", text);
        Assert.Matches(@"DuckDB, same file.*: \d+\.\d s", text);
    }
}
