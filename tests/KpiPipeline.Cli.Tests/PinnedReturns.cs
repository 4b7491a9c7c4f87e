using System.Formats.Tar;
using System.IO.Compression;
using KpiPipeline.Testing;

namespace KpiPipeline.Cli.Tests;

/// <summary>
/// The fixed returns kept in the repository (<c>tests/golden/v1/returns.tgz</c>: seeded synthetic returns with rejected
/// files among them, so that what is pinned on them does not move when the generator does) and a <c>kpi process</c> run on them.
/// </summary>
internal static class PinnedReturns
{
    public static string Folder { get; } = Path.Combine(RepoPaths.Root, "tests", "golden", "v1");

    /// <summary>Unpacks the returns into a fresh folder, runs <c>kpi process</c> as of <paramref name="asOf"/>; the output folder.</summary>
    public static async Task<string> ProcessAsync(string asOf)
    {
        var input = RepoPaths.NewTempFolder("golden-in");
        await using (var archive = new GZipStream(File.OpenRead(Path.Combine(Folder, "returns.tgz")), CompressionMode.Decompress))
        {
            await TarFile.ExtractToDirectoryAsync(archive, input, overwriteFiles: false);
        }

        var output = RepoPaths.NewTempFolder("golden-out");
        var exit = await ProcessCommand.RunAsync(
            Path.Combine(input, "returns"), Path.Combine(input, "reference"), output, asOf, developmentSecrets: true,
            TextWriter.Null, TextWriter.Null, CancellationToken.None);
        Assert.Equal(0, exit);
        return output;
    }
}
