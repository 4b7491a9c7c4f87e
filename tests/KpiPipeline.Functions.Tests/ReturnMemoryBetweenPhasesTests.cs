using System.Runtime;
using KpiPipeline.Pipeline.Memory;

namespace KpiPipeline.Functions.Tests;

/// <summary>
/// The memory policy's phase boundaries (<see cref="ReturnMemoryBetweenPhases"/>): ComputeKpis returns memory at every one,
/// <c>kpi process</c> only once the heap has grown by its allowance. A returned memory is a full collection, counted here;
/// the heap is the process's, so these tests run while no other test allocates.
/// </summary>
[Collection(HeapMeasuringCollection.Name)]
public sealed class ReturnMemoryBetweenPhasesTests
{
    [Fact]
    public void Returns_memory_at_every_phase_boundary_when_asked() =>
        AssertReturnsMemoryAtEveryPhaseBoundary(new ReturnMemoryBetweenPhases(long.MaxValue / 2, atEveryPhaseBoundary: true));

    [Fact]
    public void The_function_apps_policy_returns_memory_at_every_phase_boundary() =>
        AssertReturnsMemoryAtEveryPhaseBoundary(ReturnMemoryBetweenPhases.ForComputeKpis());

    [Fact]
    public void Leaves_memory_alone_at_a_phase_boundary_until_the_heap_has_grown_by_the_allowance()
    {
        // No background collection (the test process has them; the commands do not): one the arrays below set off could
        // still be running, or be the last collection with a heap size from before they were all there.
        var latency = GCSettings.LatencyMode;
        GCSettings.LatencyMode = GCLatencyMode.Batch;
        try
        {
            var policy = new ReturnMemoryBetweenPhases(64L << 20);
            policy.Starting();
            Assert.Equal(0, FullCollectionsDuring(policy.Folded));
            Assert.Equal(0, FullCollectionsDuring(policy.Indexed));

            // Growth the next collection leaves in the heap's size: large arrays, held until that collection has happened.
            // Four times the allowance: memory of earlier tests that dies meanwhile (a host shutting down) and is taken by
            // a collection these arrays set off must not hide the growth (a full test run once saw none with 1.5 times).
            var held = Enumerable.Range(0, 256).Select(_ => new byte[1 << 20]).ToList();
            GC.Collect(0);
            Assert.Equal(1, FullCollectionsDuring(policy.Computed));
            GC.KeepAlive(held);
        }
        finally
        {
            GCSettings.LatencyMode = latency;
        }
    }

    private static void AssertReturnsMemoryAtEveryPhaseBoundary(ReturnMemoryBetweenPhases policy)
    {
        policy.Starting();

        Assert.Equal(1, FullCollectionsDuring(policy.Folded));
        Assert.Equal(1, FullCollectionsDuring(policy.Indexed));
        Assert.Equal(1, FullCollectionsDuring(policy.Computed));
    }

    private static int FullCollectionsDuring(Action phaseBoundary)
    {
        var before = GC.CollectionCount(2);
        phaseBoundary();
        return GC.CollectionCount(2) - before;
    }
}

/// <summary>Tests that count the process's collections: run while no other test of the assembly allocates.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HeapMeasuringCollection
{
    public const string Name = "Heap measuring";
}
