using System.Diagnostics;
using System.Globalization;

namespace KpiPipeline.Cli.Benchmarks;

/// <summary>
/// This process's peak resident memory. On Linux the peak (VmHWM) is reset before each measured run by writing 5 to
/// /proc/self/clear_refs, so one run's figure does not include the data generation or an earlier run; elsewhere the
/// figure is the process's lifetime peak working set.
/// </summary>
public static class PeakMemory
{
    public static void Reset(string process = "self")
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        try
        {
            File.WriteAllText($"/proc/{process}/clear_refs", "5");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            // Not Linux, or not allowed: the lifetime peak is reported instead.
        }
    }

    /// <summary>The peak resident set in bytes since the last <see cref="Reset"/>.</summary>
    public static long PeakBytes(string process = "self")
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{process}/status"))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    var kib = line["VmHWM:".Length..].Trim().Split(' ')[0];
                    return long.Parse(kib, CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Fall through to the portable figure.
        }

        using var self = Process.GetCurrentProcess();
        return self.PeakWorkingSet64;
    }
}
