using KpiPipeline.Testing;

namespace KpiPipeline.Cli.Tests;

/// <summary><c>kpi process</c> over a returns folder whose files are links to files elsewhere (as a folder of links is).</summary>
public sealed class LinkedReturnFilesTests
{
    [Fact]
    public async Task A_link_to_a_return_file_is_read_whole_as_the_file_it_leads_to()
    {
        var (returns, reference) = SyntheticFolder.Create("linked-source");
        var linked = RepoPaths.NewTempFolder("linked-returns");
        foreach (var file in Directory.EnumerateFiles(returns, "*.csv", SearchOption.AllDirectories))
        {
            var target = Path.Combine(linked, Path.GetRelativePath(returns, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.CreateSymbolicLink(target, file);
        }

        var direct = RepoPaths.NewTempFolder("linked-direct-out");
        var throughLinks = RepoPaths.NewTempFolder("linked-out");
        Assert.Equal(0, await ProcessCommand.RunAsync(returns, reference, direct, "2025-09-30", true, TextWriter.Null, TextWriter.Null, CancellationToken.None));
        Assert.Equal(0, await ProcessCommand.RunAsync(linked, reference, throughLinks, "2025-09-30", true, TextWriter.Null, TextWriter.Null, CancellationToken.None));

        var expected = await RunReportTable.ReadAsync(direct);
        var actual = await RunReportTable.ReadAsync(throughLinks);
        Assert.NotEmpty(actual);
        Assert.All(actual.Values, row => Assert.True(row.Accepted, $"{row.FileName}: {string.Join(' ', row.Rules)}"));
        Assert.Equal(expected.Values.Select(r => (r.FileName, r.Accepted, r.ErrorCount)), actual.Values.Select(r => (r.FileName, r.Accepted, r.ErrorCount)));
        Assert.Equal(
            await File.ReadAllBytesAsync(Path.Combine(direct, "restricted", "kpi_results", "period=2025-26-Q2", "part-0.parquet")),
            await File.ReadAllBytesAsync(Path.Combine(throughLinks, "restricted", "kpi_results", "period=2025-26-Q2", "part-0.parquet")));
    }
}
