using KpiPipeline.Core.Reference;
using KpiPipeline.Kpis.Engine;
using KpiPipeline.Kpis.Folding;
using KpiPipeline.Kpis.Returns;
using KpiPipeline.Pipeline.Publishing;

namespace KpiPipeline.Pipeline.Memory;

/// <summary>
/// Called between the phases of a KPI run (<c>kpi process</c>, the function app's ComputeKpis), on the thread running it:
/// the place for a command's memory policy (the run itself never collects garbage). Each method does nothing unless
/// overridden.
/// </summary>
public class KpiRunHooks
{
    /// <summary>The run starts; whatever the process held before it is garbage.</summary>
    public virtual void Starting()
    {
    }

    /// <summary>
    /// One provider's fold is complete (its returns validated, or its state read) and handed to the run; called on the
    /// threads doing that, several at once.
    /// </summary>
    public virtual void ProviderFolded()
    {
    }

    /// <summary>Every return is validated (or every state read) and folded; validation histories, caches and downloads are garbage.</summary>
    public virtual void Folded()
    {
    }

    /// <summary>
    /// The engine has copied the fold's facts into its index and is about to allocate its counters: the providers' copies
    /// of the facts are garbage.
    /// </summary>
    public virtual void Indexed()
    {
    }

    /// <summary>The KPIs are computed; the fold and the engine's indexes are garbage.</summary>
    public virtual void Computed()
    {
    }

    /// <summary>The store the run publishes through: <paramref name="store"/>, or one wrapping it.</summary>
    public virtual IPublicationStore Publishing(IPublicationStore store) => store;

    /// <summary>
    /// Builds the fold and computes the KPIs, calling <see cref="Folded"/>, <see cref="Indexed"/> and <see cref="Computed"/>
    /// in between. It is synchronous, so the fold is a local of this method, garbage once the engine has taken it, and never
    /// a field of a caller's asynchronous state machine.
    /// </summary>
    public KpiComputation FoldAndCompute(
        MonthFoldingBuilder builder, IReadOnlyList<UploadOutcome> uploads, ReferenceData reference, DateOnly asOf, int parallelism)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var folded = builder.Build();
        Folded();
        var computation = KpiEngine.Compute(folded, uploads, reference, asOf, parallelism, Indexed);
        Computed();
        return computation;
    }
}
