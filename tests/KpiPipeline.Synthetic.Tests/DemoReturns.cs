using KpiPipeline.Core.Dataset;

namespace KpiPipeline.Synthetic.Tests;

/// <summary>The demo preset's files, generated once per test class that uses it.</summary>
public sealed class DemoReturns
{
    public DemoReturns()
    {
        Generator = new SyntheticReturnsGenerator(SyntheticOptions.Demo);
        Files = Generator.EnumerateFiles().ToList();
    }

    public SyntheticReturnsGenerator Generator { get; }

    public IReadOnlyList<SyntheticFile> Files { get; }

    public IEnumerable<(ReturnPath Path, SyntheticFile File)> Returns(ReturnFileKind kind) =>
        Files.Where(f => f.Container == SyntheticFile.ReturnsContainer)
            .Select(f => (Path: Parse(f.BlobName), File: f))
            .Where(x => x.Path.Kind == kind);

    /// <summary>Every episode's state from the latest month it appears in (dataset.md 2.3), deleted ones left out.</summary>
    public List<Dictionary<string, string>> CombinedEpisodes()
    {
        var latest = new Dictionary<(string, string), Dictionary<string, string>>();
        foreach (var (path, file) in Returns(ReturnFileKind.Episodes).OrderBy(x => x.Path.Month))
        {
            foreach (var row in ReturnRulesChecker.Rows(file.Content, out _))
            {
                latest[(path.ProviderCode, row["episode_id"])] = row;
            }
        }

        return latest.Values.Where(r => r["record_status"] != "DELETED").ToList();
    }

    private static ReturnPath Parse(string blobName)
    {
        Assert.True(ReturnPath.TryParse(blobName, out var path, out var problem), problem);
        return path!;
    }
}
