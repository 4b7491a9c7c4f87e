using System.Runtime;
using KpiPipeline.Pipeline.Offline;
using KpiPipeline.Pipeline.Publishing;

namespace KpiPipeline.Pipeline.Memory;

/// <summary>
/// The memory policy of the commands that run over a nation's returns (<c>kpi process</c>, <c>kpi bench</c> and the function
/// app's ComputeKpis, which registers it): a national run must fit one instance. Before the run the heap is compacted and
/// returned to the system, whatever the process did before it (the worker's ingests). Then memory is returned after a
/// provider's fold, at each phase boundary (after folding: the pseudonymisers' caches and the providers' histories; once
/// the engine has indexed the fold: the providers' copies of its facts, before the counters are allocated; after the KPI
/// phase: its indexes of every episode and review) and after a file's write once the heap the last collection left
/// has grown by more than the allowance: the downloads, decoded columns and encoded files are large buffers that would
/// otherwise pile up as garbage in the large-object heap, which only a full collection empties. A run whose heap never grows
/// that far (a fifth of national size under <c>kpi process</c>) spends no time on it. ComputeKpis returns memory at every
/// phase boundary, grown or not (<c>atEveryPhaseBoundary</c>).
/// </summary>
/// <param name="allowance">How far the heap may grow before memory is returned (bytes).</param>
/// <param name="atEveryPhaseBoundary">
/// Return memory at every phase boundary, grown or not: ComputeKpis, whose national run must stay within 1 GiB, so that
/// the next phase never grows on top of the last one's garbage.
/// </param>
public class ReturnMemoryBetweenPhases(long allowance, bool atEveryPhaseBoundary = false) : OfflineRunHooks
{
    /// <summary>The allowance of <c>kpi process</c>: national runs fit a 2 GiB instance.</summary>
    public const long DefaultAllowance = 384L << 20;

    /// <summary>
    /// The allowance of ComputeKpis in the function app: at national size its peak is late in publishing, where each
    /// period's rows and files are garbage between collections. With 64 MiB a worker of its own peaked at 810–898 MiB
    /// (872–981 MiB with 128 MiB), for ComputeKpis about a tenth slower (docs/benchmarks.md, 2026-12-06 from 16:32 UTC).
    /// </summary>
    public const long ComputeKpisAllowance = 64L << 20;

    private readonly Lock gate = new();
    private long baseline;

    public ReturnMemoryBetweenPhases()
        : this(DefaultAllowance)
    {
    }

    /// <summary>
    /// The function app's policy for ComputeKpis, whose national run must stay within 1 GiB: memory returned at every phase
    /// boundary, and after a file once the heap has grown by <see cref="ComputeKpisAllowance"/>.
    /// </summary>
    public static ReturnMemoryBetweenPhases ForComputeKpis() => new(ComputeKpisAllowance, atEveryPhaseBoundary: true);

    public override void Starting() => ReturnMemoryAndRestartAllowance();

    public override void ProviderFolded() => ReturnMemoryOnceGrown();

    public override void Folded() => ReturnMemoryAtPhaseBoundary();

    public override void Indexed() => ReturnMemoryAtPhaseBoundary();

    public override void Computed() => ReturnMemoryAtPhaseBoundary();

    /// <summary>Writes through to <paramref name="store"/>, and returns memory after a write once the heap has grown by the allowance.</summary>
    public override IPublicationStore Publishing(IPublicationStore store) => new WriteObservingStore(store, _ => ReturnMemoryOnceGrown());

    /// <summary>Compacts the heap, large objects too, and returns the freed memory to the system.</summary>
    public static void ReturnMemory()
    {
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
    }

    private void ReturnMemoryAndRestartAllowance()
    {
        lock (gate)
        {
            ReturnMemory();
            baseline = HeapAfterLastCollection();
        }
    }

    private void ReturnMemoryAtPhaseBoundary()
    {
        if (atEveryPhaseBoundary)
        {
            ReturnMemoryAndRestartAllowance();
        }
        else
        {
            ReturnMemoryOnceGrown();
        }
    }

    /// <summary>Returns memory when the heap the last collection left has grown by more than the allowance since the last time.</summary>
    private void ReturnMemoryOnceGrown()
    {
        lock (gate)
        {
            if (HeapAfterLastCollection() > baseline + allowance)
            {
                ReturnMemory();
                baseline = HeapAfterLastCollection();
            }
        }
    }

    /// <summary>
    /// The heap as the last collection left it: what survived plus the large-object space not yet collected. Short-lived
    /// garbage since (a scorecard page's text, a row group's arrays) does not count; the ordinary collections take it.
    /// </summary>
    private static long HeapAfterLastCollection() => GC.GetGCMemoryInfo(GCKind.Any).HeapSizeBytes;
}
