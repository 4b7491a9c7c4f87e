using System.Diagnostics;
using KpiPipeline.Core.Dataset;
using KpiPipeline.Pipeline.State;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace KpiPipeline.Functions;

/// <summary>
/// Kills the worker process (SIGKILL, no clean-up) in the middle of a provider-state update, once, when the settings
/// <c>KpiPipeline__StateFaults__KillAt</c> (<c>BeforeWrite</c> or <c>AfterWrite</c>), <c>__Kind</c> (a file kind) and
/// <c>__Marker</c> (a file that records that the kill happened, so the worker the host starts next does not kill itself
/// again) are present. The end-to-end tests set them to prove that a state update cut short changes nothing in the end.
/// Without the settings nothing is registered.
/// </summary>
public static class StateFaultInjection
{
    public const string Section = "KpiPipeline:StateFaults";

    public static IServiceCollection AddStateFaultInjection(this IServiceCollection services)
    {
        services.AddSingleton<IStateWriteObserver>(provider =>
        {
            var faults = provider.GetRequiredService<IConfiguration>().GetSection(Section);
            return faults["KillAt"] is { } at && Enum.TryParse<ReturnFileKind>(faults["Kind"], out var kind) && faults["Marker"] is { } marker
                ? new KillingObserver(at, kind, marker)
                : new NoStateWriteFaults();
        });
        return services;
    }

    private sealed class KillingObserver(string killAt, ReturnFileKind kind, string marker) : IStateWriteObserver
    {
        public Task BeforeWriteAsync(string providerCode, ReturnFileKind written, CancellationToken cancellationToken) =>
            KillIf("BeforeWrite", written);

        public Task AfterWriteAsync(string providerCode, ReturnFileKind written, CancellationToken cancellationToken) =>
            KillIf("AfterWrite", written);

        private Task KillIf(string point, ReturnFileKind written)
        {
            if (point == killAt && written == kind && !File.Exists(marker))
            {
                File.WriteAllText(marker, $"{point} {written} {DateTimeOffset.UtcNow:O}");
                Process.GetCurrentProcess().Kill();
            }

            return Task.CompletedTask;
        }
    }
}
