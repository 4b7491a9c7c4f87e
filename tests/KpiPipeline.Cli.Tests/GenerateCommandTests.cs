using KpiPipeline.Synthetic;
using KpiPipeline.Testing;

namespace KpiPipeline.Cli.Tests;

/// <summary><c>kpi generate</c>: writes a seeded set into an empty folder, and refuses one that holds a set already.</summary>
public sealed class GenerateCommandTests
{
    private static readonly SyntheticOptions Small = SyntheticOptions.Demo with { Areas = 1, TotalProviders = 2, Months = 2, PeoplePerProvider = 20 };

    /// <summary>
    /// Found by a new user's walk through the docs on 2026-12-05: a second set generated over the first kept three workforce
    /// returns of the first, which the new seed does not have, and <c>kpi process</c> would have read them with it.
    /// </summary>
    [Fact]
    public void Refuses_a_folder_that_holds_a_generated_set_and_leaves_it_as_it_was()
    {
        var folder = RepoPaths.NewTempFolder("generate");
        Assert.Equal(0, GenerateCommand.Run(folder, Small, TextWriter.Null, TextWriter.Null, CancellationToken.None));
        var before = Snapshot(folder);
        Assert.NotEmpty(before);
        var error = new StringWriter();

        Assert.Equal(1, GenerateCommand.Run(folder, Small with { Seed = 7, Months = 3 }, TextWriter.Null, error, CancellationToken.None));

        Assert.Contains(Path.Combine(folder, "returns"), error.ToString(), StringComparison.Ordinal);
        Assert.Contains("empty folder", error.ToString(), StringComparison.Ordinal);
        Assert.Equal(before, Snapshot(folder));
    }

    [Fact]
    public void Writes_a_set_into_a_folder_whose_returns_and_reference_are_empty()
    {
        var folder = RepoPaths.NewTempFolder("generate-empty");
        Directory.CreateDirectory(Path.Combine(folder, "returns"));
        var output = new StringWriter();

        Assert.Equal(0, GenerateCommand.Run(folder, Small, output, TextWriter.Null, CancellationToken.None));

        Assert.Contains("Wrote ", output.ToString(), StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(folder, "reference", "providers.csv")));
        Assert.NotEmpty(Directory.EnumerateFiles(Path.Combine(folder, "returns"), "episodes.csv", SearchOption.AllDirectories));
    }

    private static SortedDictionary<string, string> Snapshot(string folder) =>
        new(Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).ToDictionary(
            f => Path.GetRelativePath(folder, f), f => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(f)))), StringComparer.Ordinal);
}
