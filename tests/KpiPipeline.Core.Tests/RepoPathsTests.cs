using System.Diagnostics;
using KpiPipeline.Testing;

namespace KpiPipeline.Core.Tests;

/// <summary>The tests' scratch folders when they are run without scripts/test.sh (<see cref="RepoPaths.ProcessScratch"/>).</summary>
public sealed class RepoPathsTests
{
    [Fact]
    public async Task Removes_what_ended_test_processes_left_and_keeps_the_folders_of_running_ones()
    {
        var shared = RepoPaths.NewTempFolder("shared-scratch");
        using var ended = Process.Start("true");
        await ended.WaitForExitAsync();
        using var running = Process.Start("sleep", "60");
        try
        {
            var leftBehind = Path.Combine(shared, $"process-{ended.Id}", "published");
            Directory.CreateDirectory(leftBehind);
            await File.WriteAllTextAsync(Path.Combine(leftBehind, "part-0.parquet"), "left behind");
            Directory.CreateDirectory(Path.Combine(shared, $"process-{running.Id}", "published"));
            Directory.CreateDirectory(Path.Combine(shared, "golden-out-0123456789abcdef"));
            await File.WriteAllTextAsync(Path.Combine(shared, "stray.txt"), "left behind");

            var own = RepoPaths.ProcessScratch(shared);

            Assert.Equal(Path.Combine(shared, $"process-{Environment.ProcessId}"), own);
            Assert.True(Directory.Exists(own));
            Assert.Equal(
                new[] { $"process-{Environment.ProcessId}", $"process-{running.Id}" }.Order(StringComparer.Ordinal),
                Directory.EnumerateFileSystemEntries(shared).Select(Path.GetFileName).Order(StringComparer.Ordinal));
            Assert.True(Directory.Exists(Path.Combine(shared, $"process-{running.Id}", "published")));
        }
        finally
        {
            running.Kill();
        }
    }
}
