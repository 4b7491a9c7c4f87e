using KpiPipeline.Cli;
using KpiPipeline.Testing;

namespace KpiPipeline.Scorecards.Tests;

/// <summary>A rerun of <c>kpi process</c> into the same folder rewrites only the pages whose content changed.</summary>
public sealed class RepublishTests
{
    [Fact]
    public async Task A_rerun_with_the_same_inputs_leaves_every_page_alone_and_a_new_as_of_date_rewrites_only_provisional_pages()
    {
        var (returns, reference) = ScorecardRun.CreateReturns("republish");
        var output = RepoPaths.NewTempFolder("republish-out");
        Assert.Equal(0, await ProcessCommand.RunAsync(returns, reference, output, "2025-10-15", true, TextWriter.Null, TextWriter.Null, CancellationToken.None));
        var first = Pages(output);
        Assert.Contains(first.Keys, p => p.EndsWith("national.html", StringComparison.Ordinal));
        Assert.Contains(first.Keys, p => p.Contains("area=", StringComparison.Ordinal));

        Assert.Equal(0, await ProcessCommand.RunAsync(returns, reference, output, "2025-10-15", true, TextWriter.Null, TextWriter.Null, CancellationToken.None));
        Assert.Equal(first, Pages(output));

        // A new as-of date rewrites the pages that show it (a quarter in progress, or a provisional figure), and no other.
        Assert.Equal(0, await ProcessCommand.RunAsync(returns, reference, output, "2025-10-16", true, TextWriter.Null, TextWriter.Null, CancellationToken.None));
        var third = Pages(output);
        Assert.Equal(first.Keys.Order(), third.Keys.Order());
        var rewritten = first.Keys.Where(p => third[p] != first[p]).Order().ToList();
        var showingTheDate = first.Keys.Where(p => File.ReadAllText(Path.Combine(output, p)) is var page &&
                (page.Contains("provisional figures as of 16 October 2025", StringComparison.Ordinal) ||
                 page.Contains("quarter in progress: returns to 16 October 2025", StringComparison.Ordinal)))
            .Order().ToList();
        Assert.Contains(showingTheDate, p => File.ReadAllText(Path.Combine(output, p)).Contains("provisional figures as of", StringComparison.Ordinal));
        Assert.True(showingTheDate.Count < first.Count, "some pages hold final figures only");
        Assert.Equal(showingTheDate, rewritten);
    }

    private static Dictionary<string, DateTime> Pages(string output) =>
        Directory.EnumerateFiles(output, "*.html", SearchOption.AllDirectories)
            .ToDictionary(p => Path.GetRelativePath(output, p), File.GetLastWriteTimeUtc, StringComparer.Ordinal);
}
