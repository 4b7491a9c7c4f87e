using KpiPipeline.Pipeline.Ingest;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace KpiPipeline.Functions;

/// <summary>
/// Crashes the ingest of one blob after one step, a set number of times, when the settings
/// <c>KpiPipeline__Faults__CrashAfter</c> (an <see cref="IngestStep"/>), <c>__Blob</c> and <c>__Times</c> are present.
/// The end-to-end crash tests set them on the worker process the host stand-in starts, to prove that the host's retry
/// after a crash between any two steps ends as one clean run. Without the settings nothing is registered.
/// </summary>
public static class IngestFaultInjection
{
    public const string Section = "KpiPipeline:Faults";

    public static IServiceCollection AddIngestFaultInjection(this IServiceCollection services)
    {
        services.AddSingleton<IIngestStepObserver>(provider =>
        {
            var faults = provider.GetRequiredService<IConfiguration>().GetSection(Section);
            return Enum.TryParse<IngestStep>(faults["CrashAfter"], out var step)
                ? new CrashingObserver(step, faults["Blob"], int.TryParse(faults["Times"], out var times) ? times : 1)
                : new NoIngestFaults();
        });
        return services;
    }

    private sealed class CrashingObserver(IngestStep crashAfter, string? blobName, int times) : IIngestStepObserver
    {
        private int remaining = times;

        public Task AfterAsync(IngestStep step, string uploadName, CancellationToken cancellationToken)
        {
            if (step == crashAfter && (blobName is null || blobName == uploadName) && Interlocked.Decrement(ref remaining) >= 0)
            {
                throw new InvalidOperationException($"Injected crash after {step} of {uploadName}");
            }

            return Task.CompletedTask;
        }
    }
}
