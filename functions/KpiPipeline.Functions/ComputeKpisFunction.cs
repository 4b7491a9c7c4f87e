using KpiPipeline.Pipeline.Compute;
using Microsoft.Azure.Functions.Worker;

namespace KpiPipeline.Functions;

/// <summary>Timer trigger: recomputes every KPI from the accepted returns and publishes both Parquet datasets.</summary>
public sealed class ComputeKpisFunction(KpiComputeService compute)
{
    [Function(FunctionNames.ComputeKpis)]
    public Task<ComputeOutcome> RunAsync([TimerTrigger("%ComputeKpisSchedule%")] TimerInfo timer, CancellationToken cancellationToken) =>
        compute.RunAsync(asOf: null, cancellationToken);
}
