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
    public void Returns_memory_at_every_phase_boundary_when_asked()
    {
        var policy = new ReturnMemoryBetweenPhases(long.MaxValue / 2, atEveryPhaseBoundary: true);
        policy.Starting();

        Assert.Equal(1, FullCollectionsDuring(policy.Folded));
        Assert.Equal(1, FullCollectionsDuring(policy.Computed));
    }

    [Fact]
    public void Leaves_memory_alone_at_a_phase_boundary_until_the_heap_has_grown_by_the_allowance()
    {
        var policy = new ReturnMemoryBetweenPhases(64L << 20);
        policy.Starting();
        Assert.Equal(0, FullCollectionsDuring(policy.Folded));

        // Garbage the next collection leaves in the heap's size: large arrays, held until that collection has happened.
        var held = Enumerable.Range(0, 96).Select(_ => new byte[1 << 20]).ToList();
        GC.Collect(0);
        Assert.Equal(1, FullCollectionsDuring(policy.Computed));
        GC.KeepAlive(held);
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
