using System.Collections.Concurrent;
using Grpc.Core;
using Microsoft.Azure.Functions.Worker.Grpc.Messages;

namespace KpiPipeline.LocalRun.FunctionsHost;

/// <summary>The workers the stand-in started, by the <c>--functions-worker-id</c> it gave each.</summary>
internal sealed class WorkerChannels
{
    public ConcurrentDictionary<string, WorkerChannel> ById { get; } = new(StringComparer.Ordinal);
}

/// <summary>
/// <c>FunctionRpc.EventStream</c>, the host's end of the protocol: a worker opens the stream and sends <c>StartStream</c>
/// with its worker id; from then on every message it sends is handed to that worker's <see cref="WorkerChannel"/>,
/// and the channel writes the host's requests back on the same stream until the worker closes it.
/// </summary>
internal sealed class FunctionRpcService(WorkerChannels channels) : FunctionRpc.FunctionRpcBase
{
    public override async Task EventStream(
        IAsyncStreamReader<StreamingMessage> requestStream, IServerStreamWriter<StreamingMessage> responseStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(requestStream);
        ArgumentNullException.ThrowIfNull(context);
        if (!await requestStream.MoveNext(context.CancellationToken))
        {
            return;
        }

        var start = requestStream.Current;
        if (start.ContentCase != StreamingMessage.ContentOneofCase.StartStream
            || !channels.ById.TryGetValue(start.StartStream.WorkerId, out var channel))
        {
            throw new Grpc.Core.RpcException(new Status(StatusCode.InvalidArgument, "The first message must be StartStream with a worker id this host started."));
        }

        channel.Attach(responseStream);
        try
        {
            while (await requestStream.MoveNext(context.CancellationToken))
            {
                channel.Receive(requestStream.Current);
            }
        }
        catch (OperationCanceledException)
        {
            // The worker went away or the host is stopping.
        }
        catch (IOException)
        {
            // The worker process ended without closing the stream.
        }
        finally
        {
            channel.Detach();
        }
    }
}
