namespace KpiPipeline.LocalRun.FunctionsHost;

/// <summary>
/// Where the built function app is: <c>functionapp/</c> beside this program. The projects that run the app through the
/// stand-in (the CLI, the end-to-end tests) copy KpiPipeline.Functions' build output there after their own build.
/// </summary>
public static class FunctionAppFolder
{
    public const string FolderName = "functionapp";

    public static string Locate()
    {
        var folder = Path.Combine(AppContext.BaseDirectory, FolderName);
        return File.Exists(Path.Combine(folder, "functions.metadata"))
            ? folder
            : throw new DirectoryNotFoundException(
                $"No function app at {folder}: build the project that references functions/KpiPipeline.Functions (it copies the app there).");
    }
}
