using System.Runtime;
using KpiPipeline.Pipeline.Offline;
using KpiPipeline.Pipeline.Publishing;

namespace KpiPipeline.Pipeline.Memory;

/// <summary>
/// The memory policy of the commands that run over a nation's returns (<c>kpi process</c>, <c>kpi bench</c> and the function
/// app's ComputeKpis, which registers it): a national run must fit one instance. At each phase boundary the heap is
/// compacted and returned to the system once: before the run, whatever the process did before it (the worker's ingests);
/// after folding, the pseudonymisers' caches and the providers' histories; after the KPI phase, its indexes of every
/// episode and review; the next phase would otherwise grow on top of them. During publishing, memory is returned after a write once the heap has grown
/// by more than 384 MiB: each Parquet file is encoded in large buffers that would otherwise pile up as garbage.
/// </summary>
public class ReturnMemoryBetweenPhases : OfflineRunHooks
{
    public override void Starting() => ReturnMemory();

    public override void Folded() => ReturnMemory();

    public override void Computed() => ReturnMemory();

    public override IPublicationStore Publishing(IPublicationStore store) => new MemoryReturningStore(store);

    /// <summary>Compacts the heap, large objects too, and returns the freed memory to the system.</summary>
    public static void ReturnMemory()
    {
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
    }

    /// <summary>
    /// Writes through to <paramref name="inner"/>, and returns memory to the system after a write once the heap the last
    /// collection left has grown by more than 384 MiB since the last time.
    /// </summary>
    private sealed class MemoryReturningStore(IPublicationStore inner) : IPublicationStore
    {
        private const long Allowance = 384L << 20;
        private readonly Lock gate = new();
        private long baseline = HeapAfterLastCollection();

        public string Describe(string relativePath) => inner.Describe(relativePath);

        public async Task<bool> WriteAsync(string relativePath, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken)
        {
            var written = await inner.WriteAsync(relativePath, write, cancellationToken);
            lock (gate)
            {
                if (HeapAfterLastCollection() > baseline + Allowance)
                {
                    ReturnMemory();
                    baseline = HeapAfterLastCollection();
                }
            }

            return written;
        }

        public IAsyncEnumerable<string> ListAsync(string prefix, CancellationToken cancellationToken) => inner.ListAsync(prefix, cancellationToken);

        public Task DeleteAsync(string relativePath, CancellationToken cancellationToken) => inner.DeleteAsync(relativePath, cancellationToken);

        /// <summary>
        /// The heap as the last collection left it: what survived plus the large-object space not yet collected. Short-lived
        /// garbage since (a scorecard page's text, a row group's arrays) does not count; the ordinary collections take it.
        /// </summary>
        private static long HeapAfterLastCollection() => GC.GetGCMemoryInfo(GCKind.Any).HeapSizeBytes;
    }
}
