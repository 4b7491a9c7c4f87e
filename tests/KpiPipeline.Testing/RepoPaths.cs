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

    /// <summary>A fresh empty folder under the system temp folder, for one test.</summary>
    public static string NewTempFolder(string label)
    {
        var path = Path.Combine(Path.GetTempPath(), "kpipipeline-tests", $"{label}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        return path;
    }
}
