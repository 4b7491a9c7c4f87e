using KpiPipeline.Pipeline.Quarantine;
using Microsoft.Azure.Functions.Worker;

namespace KpiPipeline.Functions;

/// <summary>Timer trigger: deletes rejected uploads (and their report copies) older than the quarantine retention.</summary>
public sealed class PurgeQuarantineFunction(QuarantinePurgeService purge)
{
    [Function(FunctionNames.PurgeQuarantine)]
    public Task<PurgeOutcome> RunAsync([TimerTrigger("%PurgeQuarantineSchedule%")] TimerInfo timer, CancellationToken cancellationToken) =>
        purge.PurgeAsync(cancellationToken);
}
