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
    /// when every test passed and keeps it to look at when one failed), or <c>kpipipeline-tests</c> under the system temp
    /// folder when the tests are run some other way.
    /// </summary>
    public static string ScratchRoot =>
        Environment.GetEnvironmentVariable("KPIPIPELINE_TEST_SCRATCH") is { Length: > 0 } scratch
            ? scratch
            : Path.Combine(Path.GetTempPath(), "kpipipeline-tests");

    /// <summary>A fresh empty folder under <see cref="ScratchRoot"/>, for one test.</summary>
    public static string NewTempFolder(string label)
    {
        var path = Path.Combine(ScratchRoot, $"{label}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        return path;
    }
}
