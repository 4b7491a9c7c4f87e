using System.Collections.Concurrent;
using Grpc.Core;
using Microsoft.Azure.Functions.Worker.Grpc.Messages;

namespace KpiPipeline.LocalRun.FunctionsHost;

/// <summary>
/// The host's side of one worker's <c>EventStream</c>: writes requests one at a time, matches every answer to its request
/// by <c>request_id</c> (the worker echoes it), and routes <c>RpcLog</c> messages to the log sink and to the invocation
/// they belong to.
/// </summary>
internal sealed class WorkerChannel(string workerId, Action<HostLog> log) : IDisposable
{
    private readonly TaskCompletionSource<IServerStreamWriter<StreamingMessage>> connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentDictionary<string, TaskCompletionSource<StreamingMessage>> pending = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentQueue<HostLog>> invocationLogs = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim writeLock = new(1, 1);

    public string WorkerId { get; } = workerId;

    public Task Connected => connected.Task;

    /// <summary>Completes when the worker's stream ends.</summary>
    public Task Closed => closed.Task;

    public void Attach(IServerStreamWriter<StreamingMessage> writer) => connected.TrySetResult(writer);

    public void Detach()
    {
        closed.TrySetResult();
        foreach (var request in pending.Values)
        {
            request.TrySetException(new InvalidOperationException($"The worker {WorkerId} closed its stream."));
        }
    }

    public void Receive(StreamingMessage message)
    {
        if (message.ContentCase == StreamingMessage.ContentOneofCase.RpcLog)
        {
            var rpc = message.RpcLog;
            var invocation = string.IsNullOrEmpty(rpc.InvocationId) ? null : rpc.InvocationId;
            var text = rpc.Exception is null ? rpc.Message : $"{rpc.Message} {rpc.Exception.Type}: {rpc.Exception.Message}";
            var line = new HostLog(DateTimeOffset.UtcNow, HostLog.WorkerSource, rpc.Level.ToString(), rpc.Category, text, invocation);
            if (invocation is not null && invocationLogs.TryGetValue(invocation, out var lines))
            {
                lines.Enqueue(line);
            }

            log(line);
            return;
        }

        if (pending.TryRemove(message.RequestId, out var request))
        {
            request.TrySetResult(message);
        }
    }

    /// <summary>Sends a request and waits for the worker's answer to it.</summary>
    public async Task<StreamingMessage> RequestAsync(StreamingMessage request, CancellationToken cancellationToken)
    {
        request.RequestId = Guid.NewGuid().ToString();
        var answer = new TaskCompletionSource<StreamingMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        pending[request.RequestId] = answer;
        try
        {
            await SendAsync(request, cancellationToken);
            return await answer.Task.WaitAsync(cancellationToken);
        }
        finally
        {
            pending.TryRemove(request.RequestId, out _);
        }
    }

    /// <summary>Sends a message that has no answer (<c>WorkerTerminate</c>).</summary>
    public async Task SendAsync(StreamingMessage message, CancellationToken cancellationToken)
    {
        var writer = await connected.Task.WaitAsync(cancellationToken);
        await writeLock.WaitAsync(cancellationToken);
        try
        {
            await writer.WriteAsync(message, cancellationToken);
        }
        finally
        {
            writeLock.Release();
        }
    }

    /// <summary>Collects the <c>RpcLog</c> lines of one invocation from now on.</summary>
    public ConcurrentQueue<HostLog> TrackInvocation(string invocationId) => invocationLogs.GetOrAdd(invocationId, _ => new ConcurrentQueue<HostLog>());

    public void ForgetInvocation(string invocationId) => invocationLogs.TryRemove(invocationId, out _);

    public void Dispose() => writeLock.Dispose();
}
