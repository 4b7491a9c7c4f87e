using KpiPipeline.Functions.Hosting;
using KpiPipeline.Pipeline.Quarantine;

namespace KpiPipeline.Functions;

/// <summary>Timer trigger: deletes rejected uploads (and their report copies) older than the quarantine retention.</summary>
public static class PurgeQuarantineFunction
{
    public static async Task<InvocationResponse> RunAsync(QuarantinePurgeService purge, CancellationToken cancellationToken)
    {
        var outcome = await purge.PurgeAsync(cancellationToken);
        return new InvocationResponse { Logs = [outcome.Summary], ReturnValue = outcome.Summary };
    }
}
