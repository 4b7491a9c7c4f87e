using KpiPipeline.Cli.Benchmarks;
using KpiPipeline.Testing;

namespace KpiPipeline.Cli.Tests;

/// <summary>The floor under validation that <c>kpi bench</c> reports: every return file read and split, nothing checked.</summary>
public class ReadAndSplitTimingTests
{
    [Fact]
    public void Reads_and_splits_every_record_of_every_return_file_of_every_provider_header_included_and_nothing_else()
    {
        var returns = RepoPaths.NewTempFolder("read-and-split");
        Write(returns, "PR0001/2024-01/episodes.csv", "provider_code,episode_id\nPR0001,E1\nPR0001,\"E2, quoted\"\nPR0001,E3\n");
        Write(returns, "PR0001/2024-02/reviews.csv", "provider_code,episode_id\r\nPR0001,E1\r\nPR0001,E2\r\n");
        Write(returns, "PR0002/2024-01/nsp.csv", "provider_code,outlet_code\nPR0002,O1");
        Write(returns, "PR0002/notes.txt", "not a return,not read\n");
        Directory.CreateDirectory(Path.Combine(returns, "PR0002", "2024-02"));
        File.CreateSymbolicLink(Path.Combine(returns, "PR0002", "2024-02", "reviews.csv"), Path.Combine(returns, "nowhere"));
        File.CreateSymbolicLink(Path.Combine(returns, "PR0002", "2024-02", "nsp.csv"), Path.Combine(returns, "PR0001"));

        var result = ReadAndSplitTiming.Run(returns, threads: 2, CancellationToken.None);

        // Characters of the fields: 23 + 8 + 16 ("E2, quoted" is one field of 10) + 8, 23 + 8 + 8, 24 + 8.
        Assert.Equal((3, 4L + 3 + 2, 126L), (result.Files, result.Records, result.FieldCharacters));
        Assert.True(result.Elapsed > TimeSpan.Zero);
    }

    private static void Write(string root, string name, string text)
    {
        var path = Path.Combine(root, name.Replace('/', Path.DirectorySeparatorChar));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }
}
