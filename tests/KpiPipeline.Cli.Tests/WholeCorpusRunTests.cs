using System.Diagnostics;
using System.Text;
using System.Text.Json;
using KpiPipeline.Core.Validation;
using KpiPipeline.Testing;
using Xunit.Abstractions;

namespace KpiPipeline.Cli.Tests;

/// <summary>
/// One <c>kpi process</c> run, in a process of its own, over good returns with the whole bad-file corpus beside them (each
/// corpus file under a provider of its own, so that all of them fit in one returns folder) and bad files of every size up
/// to and past the limit: it exits 0, every corpus file gets its outcome, the good providers' and areas' figures are those
/// of a run without the bad files, and the process never holds more than 640 MiB resident (a file read whole instead of
/// streamed, or the 3 GiB one opened, would take it to gigabytes; docs/promises.md has the measured range).
/// </summary>
public sealed class WholeCorpusRunTests(ITestOutputHelper log)
{
    private const string AsOf = "2025-10-15";
    private const long ResidentLimit = 640L << 20;
    private const string HostileArea = "HA001";
    private const string Big = "HBIG1";

    [Fact]
    public async Task The_whole_corpus_and_bad_files_of_every_size_beside_good_returns_leave_the_good_figures_unchanged_within_640_MiB()
    {
        var (returns, reference) = SyntheticFolder.Create("whole-corpus");
        var goodUnits = File.ReadAllLines(Path.Combine(reference, "providers.csv")).Skip(1)
            .SelectMany(line => line.Split(',') is var f ? new[] { f[0], f[^1] } : []).ToHashSet(StringComparer.Ordinal);
        var alone = RepoPaths.NewTempFolder("whole-corpus-alone");
        Assert.Equal(0, await ProcessCommand.RunAsync(returns, reference, alone, AsOf, true, TextWriter.Null, TextWriter.Null, CancellationToken.None));

        var providers = new StringBuilder($"{Big},Big Files,{HostileArea}\n");
        var placed = new List<(CorpusCase Case, string BlobName)>();
        foreach (var (corpusCase, i) in CorpusCase.All().Select((c, i) => (c, i)))
        {
            var own = $"HX{i:000}";
            var other = $"HY{i:000}";
            if (corpusCase.PreviousFile is { } previous)
            {
                Place(returns, Renamed(corpusCase.PreviousBlobName!, own, other), previous, own, other);
            }

            var blobName = Renamed(corpusCase.BlobName, own, other);
            if (Place(returns, blobName, corpusCase.File, own, other))
            {
                placed.Add((corpusCase, blobName));
                providers.Append($"{own},Hostile {i},{HostileArea}\n{other},Hostile other {i},{HostileArea}\n");
            }
        }

        await File.AppendAllTextAsync(Path.Combine(reference, "providers.csv"), providers.ToString());
        await File.AppendAllTextAsync(Path.Combine(reference, "areas.csv"), $"{HostileArea},Hostile Area,ENGLAND,1000,300\n");
        var limit = ValidationContext.DefaultMaxFileBytes;
        var sizes = new Dictionary<string, string>
        {
            [await WriteSparseAsync(returns, $"{Big}/2024-03/episodes.csv", 3L << 30)] = "F09",
            [await WriteAsync(returns, $"{Big}/2024-04/episodes.csv", limit + 1, header: false, row: "x")] = "F09",
            [await WriteAsync(returns, $"{Big}/2024-05/episodes.csv", limit - 16, header: false, row: "x")] = "F03",
            [await WriteAsync(returns, $"{Big}/2024-06/episodes.csv", limit - 4096, header: true, row: BadRow)] = "E06",
            [await WriteAsync(returns, $"{Big}/2024-07/episodes.csv", limit - 4096, header: true, row: GoodRow)] = "accepted",
        };

        var output = RepoPaths.NewTempFolder("whole-corpus-out");
        var (exit, peak, stderr) = await RunKpiProcessAsync(returns, reference, output);

        Assert.True(exit == 0, stderr);
        var table = await RunReportTable.ReadAsync(output);
        var problems = placed.SelectMany(p => p.Case.ProblemsIn(output, p.BlobName, table)).ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        foreach (var (blobName, outcome) in sizes)
        {
            var row = table[blobName];
            Assert.True(outcome == "accepted" ? row.Accepted : row.Rules.Contains(outcome), $"{blobName}: {string.Join(",", row.Rules)}");
        }

        log.WriteLine($"kpi process: peak resident {peak >> 20} MiB, {placed.Count} corpus files and {sizes.Count} large ones beside the good returns");
        Assert.True(peak < ResidentLimit, $"peak resident {peak >> 20} MiB");
        Assert.Equal(await OutputFigures.OfUnitsAsync(alone, goodUnits, alone), await OutputFigures.OfUnitsAsync(output, goodUnits, alone));
    }

    /// <summary>An episodes row that passes every rule (a fresh episode id per row).</summary>
    private const string GoodRow = $"{Big},EP{{0}},J,S,1980-05-17,M,2024-01-10,GP,HEROIN,2024-01-20,SPECIALIST,METHADONE,60,MAINTENANCE,Y,,,ACTIVE";

    /// <summary>An episodes row whose referral date is not a date (E06).</summary>
    private const string BadRow = $"{Big},EP{{0}},J,S,1980-05-17,M,2024-13-10,GP,HEROIN,2024-01-20,SPECIALIST,METHADONE,60,MAINTENANCE,Y,,,ACTIVE";

    private const string Header = "provider_code,episode_id,first_initial,last_initial,date_of_birth,sex,referral_date,referral_source,primary_substance,treatment_start_date,setting,medication,daily_dose_mg,treatment_goal,naloxone_supplied,exit_date,exit_reason,record_status";

    /// <summary>A file of about <paramref name="bytes"/>: a header and numbered rows, or (without a header) one line of 'x'.</summary>
    private static async Task<string> WriteAsync(string returns, string blobName, long bytes, bool header, string row)
    {
        var path = Path.Combine(returns, blobName);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20);
        if (!header)
        {
            var chunk = Enumerable.Repeat((byte)'x', 1 << 20).ToArray();
            for (var left = bytes; left > 0; left -= chunk.Length)
            {
                await file.WriteAsync(chunk.AsMemory(0, (int)Math.Min(left, chunk.Length)));
            }

            return blobName;
        }

        await using var text = new StreamWriter(file, new UTF8Encoding(false), 1 << 20);
        await text.WriteAsync(Header + "\n");
        for (var n = 1; file.Position + (1 << 20) < bytes; n++)
        {
            await text.WriteAsync(string.Format(System.Globalization.CultureInfo.InvariantCulture, row, n) + "\n");
        }

        return blobName;
    }

    private static async Task<string> WriteSparseAsync(string returns, string blobName, long length)
    {
        var path = Path.Combine(returns, blobName);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await using var file = new FileStream(path, FileMode.CreateNew);
        file.SetLength(length);
        return blobName;
    }

    /// <summary>The corpus blob name with its providers PROV1 and PROV2 (in any case) renamed to this case's own.</summary>
    private static string Renamed(string blobName, string own, string other) =>
        Encoding.UTF8.GetString(Renamed(Encoding.UTF8.GetBytes(blobName), own, other));

    /// <summary>
    /// Bytes with every PROV1 and PROV2, in any case, replaced by <paramref name="own"/> and <paramref name="other"/> (as
    /// many bytes, in the same case), so that a corpus file keeps its length, its layout and its rules under another provider.
    /// </summary>
    private static byte[] Renamed(byte[] bytes, string own, string other)
    {
        var result = (byte[])bytes.Clone();
        for (var i = 0; i + 5 <= result.Length; i++)
        {
            if ((result[i] | 0x20) == 'p' && (result[i + 1] | 0x20) == 'r' && (result[i + 2] | 0x20) == 'o' && (result[i + 3] | 0x20) == 'v'
                && result[i + 4] is (byte)'1' or (byte)'2')
            {
                var code = result[i + 4] == '1' ? own : other;
                for (var k = 0; k < 5; k++)
                {
                    var c = (byte)code[k];
                    result[i + k] = k < 2 && (bytes[i + k] & 0x20) != 0 ? (byte)(c | 0x20) : c;
                }
            }
        }

        return result;
    }

    private static bool Place(string returns, string blobName, string corpusFile, string own, string other)
    {
        var target = Path.Combine(returns, blobName.Replace('/', Path.DirectorySeparatorChar));
        if (Path.GetRelativePath(returns, target).StartsWith("..", StringComparison.Ordinal) || File.Exists(target))
        {
            return false;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.WriteAllBytes(target, Renamed(File.ReadAllBytes(Path.Combine(RepoPaths.Corpus, corpusFile)), own, other));
        return true;
    }

    /// <summary>Runs <c>kpi process</c> as a process of its own, sampling its peak resident set (VmHWM) until it exits.</summary>
    private static async Task<(int Exit, long PeakBytes, string Stderr)> RunKpiProcessAsync(string returns, string reference, string output)
    {
        using var process = KpiProcessCommand.Start(returns, reference, output, AsOf);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        long peak = 0;
        while (!process.HasExited)
        {
            peak = Math.Max(peak, PeakResident(process.Id));
            await Task.Delay(20);
        }

        await process.WaitForExitAsync();
        return (process.ExitCode, peak, await stderr + await stdout);
    }

    private static long PeakResident(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) * 1024;
        }
        catch (IOException)
        {
            return 0;
        }
    }
}
