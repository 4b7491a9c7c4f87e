using KpiPipeline.Core.Dataset;

namespace KpiPipeline.Pipeline.State;

/// <summary>
/// Called around each write of a provider's state. Production uses <see cref="NoStateWriteFaults"/>; the end-to-end tests
/// use it to kill the worker in the middle of a state update and prove that nothing is lost or half-applied.
/// </summary>
public interface IStateWriteObserver
{
    /// <summary>The new state is made (every curated file it needs read) and about to be written.</summary>
    Task BeforeWriteAsync(string providerCode, ReturnFileKind kind, CancellationToken cancellationToken);

    /// <summary>The new state of this kind is written; the provider's other kinds may not be yet.</summary>
    Task AfterWriteAsync(string providerCode, ReturnFileKind kind, CancellationToken cancellationToken);
}

/// <summary>The production observer: does nothing.</summary>
public sealed class NoStateWriteFaults : IStateWriteObserver
{
    public Task BeforeWriteAsync(string providerCode, ReturnFileKind kind, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task AfterWriteAsync(string providerCode, ReturnFileKind kind, CancellationToken cancellationToken) => Task.CompletedTask;
}
