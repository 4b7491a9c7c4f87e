using KpiPipeline.Cli.Packaging;
using KpiPipeline.Testing;

namespace KpiPipeline.Deployment.Tests;

/// <summary>Builds the function app package once per test class (a linux-x64 dotnet publish: slow).</summary>
public sealed class PackageFixture : IAsyncLifetime
{
    private string? root;

    public FunctionAppPackage Package { get; private set; } = null!;

    public string Log { get; private set; } = string.Empty;

    public async Task InitializeAsync()
    {
        root = RepoPaths.NewTempFolder("package");
        using var log = new StringWriter();
        Package = await FunctionAppPackager.BuildAsync(
            new PackageOptions(DeploymentSources.FunctionsProject, Path.Combine(root, "app"), Zip: true, BuildFolder: Path.Combine(root, "build")),
            log,
            CancellationToken.None);
        Log = log.ToString();
    }

    public Task DisposeAsync()
    {
        if (root is not null && Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }

        return Task.CompletedTask;
    }
}
