using Azure.Storage.Queues.Models;
using KpiPipeline.Pipeline.State;
using Microsoft.Azure.Functions.Worker;

namespace KpiPipeline.Functions;

/// <summary>
/// Queue trigger on <c>provider-state</c> (one message per completed upload, the provider's code): brings that provider's
/// compact state up to date with its accepted returns. A burst of one provider's uploads coalesces: the first refresh
/// folds every month committed by then, the others find the state current. The message is bound as a
/// <see cref="QueueMessage"/> (deferred binding).
/// </summary>
public sealed class RefreshProviderStateFunction(ProviderStates states)
{
    [Function(FunctionNames.RefreshProviderState)]
    public Task<StateRefresh> RunAsync(
        [QueueTrigger(Pipeline.Storage.PipelineStorage.ProviderStateQueueName, Connection = FunctionNames.StorageConnection)] QueueMessage message,
        CancellationToken cancellationToken) =>
        states.RefreshAsync(message.MessageText, cancellationToken);
}
