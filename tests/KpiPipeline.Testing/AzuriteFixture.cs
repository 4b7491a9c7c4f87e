using KpiPipeline.LocalRun;
using Xunit;

namespace KpiPipeline.Testing;

/// <summary>
/// One real Azurite per test class (xunit class fixture), started in memory on free loopback ports and stopped
/// afterwards. Tests isolate themselves with their own container and table names.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private AzuriteProcess? azurite;

    public AzuriteProcess Azurite => azurite ?? throw new InvalidOperationException("Azurite is not started.");

    public string ConnectionString => Azurite.ConnectionString;

    public async Task InitializeAsync() => azurite = await AzuriteProcess.StartAsync(location: null, CancellationToken.None);

    public async Task DisposeAsync()
    {
        if (azurite is not null)
        {
            await azurite.DisposeAsync();
        }
    }

    /// <summary>A unique lower-case name usable as a container, queue or (letters and digits) table name.</summary>
    public static string UniqueName(string prefix) => (prefix + Guid.NewGuid().ToString("N")[..12]).ToLowerInvariant();
}
