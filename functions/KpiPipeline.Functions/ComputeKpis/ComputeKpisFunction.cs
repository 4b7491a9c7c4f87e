using KpiPipeline.Functions.Hosting;
using KpiPipeline.Pipeline.Compute;

namespace KpiPipeline.Functions;

/// <summary>Timer trigger: recomputes every KPI from the accepted returns and publishes both Parquet datasets.</summary>
public static class ComputeKpisFunction
{
    public static async Task<InvocationResponse> RunAsync(KpiComputeService compute, CancellationToken cancellationToken)
    {
        var outcome = await compute.RunAsync(asOf: null, cancellationToken);
        return new InvocationResponse { Logs = [outcome.Summary, .. outcome.Warnings], ReturnValue = outcome.Summary };
    }
}
