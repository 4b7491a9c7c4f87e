using System.CommandLine;
using KpiPipeline.Cli.Packaging;

namespace KpiPipeline.Cli;

/// <summary><c>kpi package</c>: builds the deployable function app (the isolated worker's dotnet publish output) into a folder or zip.</summary>
public static class PackageCommand
{
    public static Command Create()
    {
        var output = new Option<DirectoryInfo>("--out") { Description = "Package folder to create (replaced if it exists)", Required = true };
        var zip = new Option<bool>("--zip") { Description = "Also write {out}.zip, the file to deploy to the Function App" };
        var project = new Option<DirectoryInfo?>("--project")
        {
            Description = "The function app project folder (default: functions/KpiPipeline.Functions of this repository)",
        };
        var runtime = new Option<string>("--runtime")
        {
            Description = "Runtime identifier of the Functions workers",
            DefaultValueFactory = _ => FunctionAppPackager.DefaultRuntime,
        };
        var selfContained = new Option<bool>("--self-contained")
        {
            Description = "Bundle the .NET runtime (not needed on Flex Consumption's dotnet-isolated 10.0 stack)",
        };
        var command = new Command("package", "Build the deployable Azure Functions app (dotnet-isolated, the dotnet publish output) into a folder or zip")
        {
            output, zip, project, runtime, selfContained,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(
            new PackageOptions(
                parse.GetValue(project)?.FullName ?? DefaultFunctionsProject(),
                parse.GetValue(output)!.FullName,
                parse.GetValue(zip),
                parse.GetValue(runtime)!,
                SelfContained: parse.GetValue(selfContained)),
            Console.Out, Console.Error, cancellationToken));
        return command;
    }

    public static async Task<int> RunAsync(PackageOptions options, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stderr);
        try
        {
            await FunctionAppPackager.BuildAsync(options, stdout, cancellationToken);
            return 0;
        }
        catch (Exception e) when (e is PackagingException or IOException or UnauthorizedAccessException)
        {
            await stderr.WriteLineAsync($"kpi package failed: {e.Message}");
            return 1;
        }
    }

    /// <summary>functions/KpiPipeline.Functions of the repository holding the working folder (or, failing that, this program).</summary>
    public static string DefaultFunctionsProject()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "functions", "KpiPipeline.Functions");
                if (File.Exists(Path.Combine(candidate, "KpiPipeline.Functions.csproj")))
                {
                    return candidate;
                }
            }
        }

        return Path.Combine(Environment.CurrentDirectory, "functions", "KpiPipeline.Functions");
    }
}
