using System.Runtime.Versioning;
using System.Security.Cryptography;
using KpiPipeline.Testing;

namespace KpiPipeline.Cli.Tests;

/// <summary>
/// <c>kpi process</c>, as a process of its own, meeting returns it has no permission to read: a file is rejected F12 and the
/// run goes on; a folder that cannot be listed ends the run (outputs.md section 5: "unreadable folders") with an error naming
/// it, before anything is written. Tests run as root on CI, and root reads whatever the permissions say, so there the command
/// runs without the two capabilities that let it (<c>setpriv --bounding-set</c>), as a user without them always does.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class UnreadableReturnsTests
{
    private const string AsOf = "2024-04-15";
    private const UnixFileMode NoPermissions = 0;

    [Fact]
    public async Task A_file_without_read_permission_is_rejected_F12_and_the_other_files_are_published()
    {
        var (returns, reference) = TwoProviders("unreadable-file");
        var unreadable = Path.Combine(returns, "PROV2", "2024-03", "episodes.csv");
        var output = Path.Combine(RepoPaths.NewTempFolder("unreadable-file-out"), "out");
        var (exit, messages) = await RunWithoutPermissionToReadAsync(unreadable, returns, reference, output);

        Assert.True(exit == 0, messages);
        var table = await RunReportTable.ReadAsync(output);
        Assert.True(table["PROV1/2024-03/episodes.csv"].Accepted);
        Assert.Equal(["F12"], OfflineRunKeepsGoingTests.Rules(output, table, "PROV2/2024-03/episodes.csv"));
        Assert.Contains("no permission to read it", await File.ReadAllTextAsync(Path.Combine(output, "reports", table["PROV2/2024-03/episodes.csv"].Report!)), StringComparison.Ordinal);
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(output, "restricted", "kpi_results"), "*.parquet", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task A_folder_that_cannot_be_listed_ends_the_run_naming_it_and_leaves_an_earlier_output_as_it_was()
    {
        var (returns, reference) = TwoProviders("unreadable-folder");
        var output = Path.Combine(RepoPaths.NewTempFolder("unreadable-folder-out"), "out");
        var (first, firstMessages) = await RunWithoutPermissionToReadAsync(null, returns, reference, output);
        Assert.True(first == 0, firstMessages);
        var before = Snapshot(output);

        // Another month arrives, in a folder the command may not list.
        var unlisted = Path.Combine(returns, "PROV2", "2024-04");
        OfflineRunKeepsGoingTests.Write(returns, "PROV2/2024-04/episodes.csv", await File.ReadAllTextAsync(Path.Combine(returns, "PROV2", "2024-03", "episodes.csv")));
        var (exit, messages) = await RunWithoutPermissionToReadAsync(unlisted, returns, reference, output);

        Assert.Equal(1, exit);
        Assert.Contains($"kpi process could not complete: Access to the path '{unlisted}' is denied.", messages, StringComparison.Ordinal);
        Assert.Equal(before, Snapshot(output));
    }

    /// <summary>Two providers' episodes for 2024-03, from the corpus's valid file.</summary>
    private static (string Returns, string Reference) TwoProviders(string label)
    {
        var reference = RepoPaths.NewTempFolder(label + "-reference");
        File.WriteAllText(Path.Combine(reference, "providers.csv"), OfflineRunKeepsGoingTests.Providers);
        File.WriteAllText(Path.Combine(reference, "areas.csv"), OfflineRunKeepsGoingTests.Areas);
        var valid = File.ReadAllText(Path.Combine(RepoPaths.Corpus, "episodes", "valid_basic.csv"));
        Assert.Contains("PROV1,", valid, StringComparison.Ordinal);
        var returns = RepoPaths.NewTempFolder(label + "-returns");
        OfflineRunKeepsGoingTests.Write(returns, "PROV1/2024-03/episodes.csv", valid);
        OfflineRunKeepsGoingTests.Write(returns, "PROV2/2024-03/episodes.csv", valid.Replace("PROV1,", "PROV2,", StringComparison.Ordinal));
        return (returns, reference);
    }

    /// <summary>
    /// Runs <c>kpi process</c> with <paramref name="unreadable"/> (a file or folder, if any) stripped of every permission for
    /// the run, then gives the permissions back; returns the exit code and everything the command printed.
    /// </summary>
    private static async Task<(int Exit, string Messages)> RunWithoutPermissionToReadAsync(string? unreadable, string returns, string reference, string output)
    {
        var kept = unreadable is null ? default : File.GetUnixFileMode(unreadable);
        if (unreadable is not null)
        {
            File.SetUnixFileMode(unreadable, NoPermissions);
        }

        try
        {
            using var process = KpiProcessCommand.Start(
                returns, reference, output, AsOf, Environment.IsPrivilegedProcess ? ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--inh-caps=-dac_override,-dac_read_search", "--"] : []);
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
            return (process.ExitCode, await stderr + await stdout);
        }
        finally
        {
            if (unreadable is not null)
            {
                File.SetUnixFileMode(unreadable, kept);
            }
        }
    }

    /// <summary>Every file under <paramref name="folder"/> with its last write time and SHA-256.</summary>
    private static List<string> Snapshot(string folder) =>
        [.. Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .Select(f => $"{Path.GetRelativePath(folder, f)} {File.GetLastWriteTimeUtc(f):O} {Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(f)))}")];
}
