using System.Diagnostics;
using System.Globalization;

namespace KpiPipeline.Testing;

/// <summary>Finds the repository root (the folder holding KpiPipeline.sln) from the test's output folder.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> RootLazy = new(() =>
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "KpiPipeline.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("KpiPipeline.sln not found above " + AppContext.BaseDirectory);
    });

    public static string Root => RootLazy.Value;

    public static string NodeModules => Path.Combine(Root, "node_modules");

    public static string Corpus => Path.Combine(Root, "tests", "corpus");

    /// <summary>
    /// Where the tests' folders go: the folder scripts/test.sh makes for one run (<c>KPIPIPELINE_TEST_SCRATCH</c>; it deletes it
    /// when every test passed and keeps it to look at when one failed). When the tests are run some other way (<c>dotnet test</c>,
    /// an IDE), each test process gets <c>kpipipeline-tests/process-{id}</c> under the system temp folder, and the first test
    /// that asks for a folder removes what ended processes left there over an hour before (<see cref="ProcessScratch"/>): the
    /// folders of the latest runs stay to look at (the test projects of one run start one after another, minutes apart), and
    /// nothing piles up run after run.
    /// </summary>
    public static string ScratchRoot => ScratchRootLazy.Value;

    private static readonly Lazy<string> ScratchRootLazy = new(() =>
        Environment.GetEnvironmentVariable("KPIPIPELINE_TEST_SCRATCH") is { Length: > 0 } scratch
            ? scratch
            : ProcessScratch(Path.Combine(Path.GetTempPath(), "kpipipeline-tests")));

    /// <summary>
    /// This process's folder <c>process-{id}</c> under <paramref name="shared"/>, made after every other entry of
    /// <paramref name="shared"/> last written more than <see cref="LeftoverAge"/> ago is removed, except the folders of test
    /// processes still running (each test project runs in a process of its own).
    /// </summary>
    public static string ProcessScratch(string shared)
    {
        var own = Path.Combine(shared, ProcessFolderPrefix + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        Directory.CreateDirectory(own);
        var before = DateTime.UtcNow - LeftoverAge;
        foreach (var entry in new DirectoryInfo(shared).EnumerateFileSystemInfos())
        {
            if (entry.LastWriteTimeUtc < before && !OfRunningProcess(entry.Name))
            {
                TryDelete(entry);
            }
        }

        return own;
    }

    /// <summary>How long what an ended test process left stays: longer than one run of every test project takes.</summary>
    public static TimeSpan LeftoverAge { get; } = TimeSpan.FromHours(1);

    private const string ProcessFolderPrefix = "process-";

    private static bool OfRunningProcess(string name)
    {
        if (!name.StartsWith(ProcessFolderPrefix, StringComparison.Ordinal)
            || !int.TryParse(name.AsSpan(ProcessFolderPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            return false;
        }

        try
        {
            using var process = Process.GetProcessById(id);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static void TryDelete(FileSystemInfo entry)
    {
        try
        {
            if (entry is DirectoryInfo folder)
            {
                folder.Delete(recursive: true);
            }
            else
            {
                entry.Delete();
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Another process removing it at the same time, or not ours to remove: left for a later run.
        }
    }

    /// <summary>A fresh empty folder under <see cref="ScratchRoot"/>, for one test.</summary>
    public static string NewTempFolder(string label)
    {
        var path = Path.Combine(ScratchRoot, $"{label}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        return path;
    }
}
