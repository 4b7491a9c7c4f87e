using KpiPipeline.Cli;
using KpiPipeline.Testing;

namespace KpiPipeline.Scorecards.Tests;

/// <summary>A rerun of <c>kpi process</c> into the same folder rewrites only the pages whose content changed.</summary>
public sealed class RepublishTests
{
    [Fact]
    public async Task A_rerun_with_the_same_inputs_leaves_every_page_alone_and_a_new_as_of_date_rewrites_them()
    {
        var (returns, reference) = ScorecardRun.CreateReturns("republish");
        var output = RepoPaths.NewTempFolder("republish-out");
        Assert.Equal(0, await ProcessCommand.RunAsync(returns, reference, output, "2025-10-15", true, TextWriter.Null, TextWriter.Null, CancellationToken.None));
        var first = Pages(output);
        Assert.Contains(first.Keys, p => p.EndsWith("national.html", StringComparison.Ordinal));
        Assert.Contains(first.Keys, p => p.Contains("area=", StringComparison.Ordinal));

        Assert.Equal(0, await ProcessCommand.RunAsync(returns, reference, output, "2025-10-15", true, TextWriter.Null, TextWriter.Null, CancellationToken.None));
        Assert.Equal(first, Pages(output));

        // Every row carries the as-of date, and every page shows it: a new date changes every page.
        Assert.Equal(0, await ProcessCommand.RunAsync(returns, reference, output, "2025-10-16", true, TextWriter.Null, TextWriter.Null, CancellationToken.None));
        var third = Pages(output);
        Assert.Equal(first.Keys.Order(), third.Keys.Order());
        Assert.All(first, p => Assert.NotEqual(p.Value, third[p.Key]));
    }

    private static Dictionary<string, DateTime> Pages(string output) =>
        Directory.EnumerateFiles(output, "*.html", SearchOption.AllDirectories)
            .ToDictionary(p => Path.GetRelativePath(output, p), File.GetLastWriteTimeUtc, StringComparer.Ordinal);
}
