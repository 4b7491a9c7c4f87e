using System.Globalization;
using KpiPipeline.Pipeline.Offline;
using KpiPipeline.Synthetic;

namespace KpiPipeline.Cli.Benchmarks;

/// <summary>
/// What the benchmark commands share: the data folder generated when missing, the <c>--as-of</c> argument, and the work
/// folder (kept when <c>--work</c> names it, otherwise a temporary one removed at the end).
/// </summary>
public static class BenchData
{
    /// <summary><paramref name="given"/> (<c>--work</c>), kept; or a new temporary folder named after <paramref name="benchmark"/>, not kept.</summary>
    public static (string Folder, bool Keep) WorkFolder(DirectoryInfo? given, string benchmark) =>
        given is not null ? (given.FullName, true) : (Path.Combine(Path.GetTempPath(), $"{benchmark}-{Guid.NewGuid():N}"), false);

    /// <summary>Removes <paramref name="folder"/> unless <paramref name="keep"/>: a benchmark's own temporary work folder.</summary>
    public static void RemoveWorkFolder(string folder, bool keep)
    {
        if (!keep && Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Generates returns/ and reference/ into <paramref name="dataFolder"/> when it has no returns/ yet.</summary>
    public static async Task EnsureGeneratedAsync(string dataFolder, SyntheticOptions generation, TextWriter stdout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(generation);
        ArgumentNullException.ThrowIfNull(stdout);
        if (!Directory.Exists(Path.Combine(dataFolder, "returns")))
        {
            await stdout.WriteLineAsync($"Generating {generation.TotalProviders ?? generation.Areas * generation.ProvidersPerArea} providers in {generation.Areas} areas over {generation.Months} months into {dataFolder} ...");
            new SyntheticReturnsGenerator(generation).WriteTo(Path.Combine(dataFolder, "returns"), Path.Combine(dataFolder, "reference"), cancellationToken);
        }
    }

    /// <summary>
    /// The <c>--as-of</c> value of every command that takes one: null when not given; false (with a message on
    /// <paramref name="stderr"/>) when it is not a date, or not in <see cref="OfflineProcessor.AsOfRange"/>.
    /// </summary>
    public static bool TryParseAsOf(string? text, TextWriter stderr, out DateOnly? asOf)
    {
        ArgumentNullException.ThrowIfNull(stderr);
        asOf = null;
        if (text is null)
        {
            return true;
        }

        if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
        {
            stderr.WriteLine($"--as-of: '{text}' is not a date (YYYY-MM-DD).");
            return false;
        }

        var (first, last) = OfflineProcessor.AsOfRange;
        if (parsed < first || parsed > last)
        {
            stderr.WriteLine($"--as-of: {OfflineProcessor.AsOfOutOfRange(parsed)}");
            return false;
        }

        asOf = parsed;
        return true;
    }
}
