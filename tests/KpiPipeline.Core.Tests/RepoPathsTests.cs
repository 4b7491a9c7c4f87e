using System.Diagnostics;
using KpiPipeline.Testing;

namespace KpiPipeline.Core.Tests;

/// <summary>The tests' scratch folders when they are run without scripts/test.sh (<see cref="RepoPaths.ProcessScratch"/>).</summary>
public sealed class RepoPathsTests
{
    /// <summary>No process has this id: Linux process ids stay below 2^22.</summary>
    private const int EndedProcess = int.MaxValue;

    [Fact]
    public void Removes_what_ended_test_processes_left_over_an_hour_ago_and_keeps_the_rest()
    {
        var shared = RepoPaths.NewTempFolder("shared-scratch");
        using var running = Process.Start("sleep", "60");
        try
        {
            var earlierRun = Path.Combine(shared, $"process-{EndedProcess}");
            Directory.CreateDirectory(Path.Combine(earlierRun, "published"));
            File.WriteAllText(Path.Combine(earlierRun, "published", "part-0.parquet"), "left behind");
            var oldLayout = Directory.CreateDirectory(Path.Combine(shared, "golden-out-0123456789abcdef")).FullName;
            var stray = Path.Combine(shared, "stray.txt");
            File.WriteAllText(stray, "left behind");
            var sameRun = Path.Combine(shared, "process-2147483646");
            Directory.CreateDirectory(sameRun);
            var stillRunning = Path.Combine(shared, $"process-{running.Id}");
            Directory.CreateDirectory(stillRunning);
            var longAgo = DateTime.UtcNow - RepoPaths.LeftoverAge - TimeSpan.FromMinutes(5);
            foreach (var old in new[] { earlierRun, oldLayout, stillRunning })
            {
                Directory.SetLastWriteTimeUtc(old, longAgo);
            }

            File.SetLastWriteTimeUtc(stray, longAgo);

            var own = RepoPaths.ProcessScratch(shared);

            Assert.Equal(Path.Combine(shared, $"process-{Environment.ProcessId}"), own);
            Assert.Equal(
                new[] { own, sameRun, stillRunning }.Select(Path.GetFileName).Order(StringComparer.Ordinal),
                Directory.EnumerateFileSystemEntries(shared).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        }
        finally
        {
            running.Kill();
        }
    }
}
