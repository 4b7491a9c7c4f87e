using System.Diagnostics;

namespace KpiPipeline.Cli.Tests;

/// <summary><c>kpi process</c> started as a process of its own from the test's output folder, as a user runs it.</summary>
internal static class KpiProcessCommand
{
    /// <summary>
    /// Starts <c>kpi process</c> over the folders with the development secrets, its output and errors redirected;
    /// <paramref name="launcher"/> (a command and its arguments, e.g. <c>setpriv … --</c>) runs <c>dotnet</c> if given.
    /// </summary>
    public static Process Start(string returns, string reference, string output, string asOf, params string[] launcher)
    {
        var start = new ProcessStartInfo(launcher.Length > 0 ? launcher[0] : "dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in launcher.Length > 0 ? [.. launcher[1..], "dotnet"] : Array.Empty<string>())
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var argument in new[]
                 {
                     Path.Combine(AppContext.BaseDirectory, "kpi.dll"), "process", "--returns", returns, "--reference", reference,
                     "--out", output, "--as-of", asOf, "--development-secrets",
                 })
        {
            start.ArgumentList.Add(argument);
        }

        return Process.Start(start)!;
    }
}
