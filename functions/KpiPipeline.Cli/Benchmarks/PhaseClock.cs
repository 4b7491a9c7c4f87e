using KpiPipeline.Pipeline.Memory;

namespace KpiPipeline.Cli.Benchmarks;

/// <summary>
/// <c>kpi process</c>'s memory policy (<see cref="ReturnMemoryBetweenPhases"/>, unchanged) that also notes the process's
/// processor time at the end of validation and of the KPI phase, so that a run's processor time splits by phase. Each
/// mark is taken before the policy's own work at that boundary, so a collection there counts towards the next phase.
/// </summary>
internal sealed class PhaseClock(TimeSpan cpuAtStart) : ReturnMemoryBetweenPhases
{
    private TimeSpan folded;
    private TimeSpan computed;

    public override void Folded()
    {
        folded = Environment.CpuUsage.TotalTime;
        base.Folded();
    }

    public override void Computed()
    {
        computed = Environment.CpuUsage.TotalTime;
        base.Computed();
    }

    /// <summary>Processor time of each phase of the run that ended with <paramref name="cpuAtEnd"/>: validation, KPIs, publishing.</summary>
    public PhaseCpu Split(TimeSpan cpuAtEnd) => new(folded - cpuAtStart, computed - folded, cpuAtEnd - computed);
}

/// <summary>Processor time (every thread) of a run's three phases: validating and folding, computing the KPIs, publishing.</summary>
public sealed record PhaseCpu(TimeSpan Validation, TimeSpan Kpis, TimeSpan Publishing);
