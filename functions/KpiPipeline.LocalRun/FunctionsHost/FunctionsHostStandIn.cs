using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Queues;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Azure.Functions.Worker.Grpc.Messages;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NCrontab;

namespace KpiPipeline.LocalRun.FunctionsHost;

/// <summary>
/// A local stand-in for the Azure Functions host. It is the gRPC server of the host's language-worker protocol
/// (<c>FunctionRpc.EventStream</c>, HTTP/2 without TLS on loopback), starts the real published worker process as the host
/// does, and drives it: <c>WorkerInitRequest</c>, <c>FunctionsMetadataRequest</c> (worker indexing), one
/// <c>FunctionLoadRequest</c> per function, then <c>InvocationRequest</c>s. Around the triggers it does what the host
/// does: blob events delivered as deferred-binding <c>model_binding_data</c>, five tries then the poison queue, blob
/// receipts, timers fired on their NCRONTAB schedule (with schedule status) or on demand. docs/local-host.md lists where
/// it differs from the real host.
/// </summary>
public sealed class FunctionsHostStandIn : IAsyncDisposable
{
    /// <summary>The poison queue of blob triggers, in the <c>AzureWebJobsStorage</c> account (as the host names it).</summary>
    public const string BlobPoisonQueue = "webjobs-blobtrigger-poison";

    /// <summary>The container of the host's receipts and timer status.</summary>
    public const string HostsContainer = "azure-webjobs-hosts";

    public const string HostStorageSetting = "AzureWebJobsStorage";

    private const string HostVersion = "4.1040.0 (KpiPipeline local stand-in)";

    private readonly StandInOptions options;
    private readonly WebApplication server;
    private readonly WorkerChannels channels;
    private readonly Uri hostUri;
    private readonly string assembly;
    private readonly Dictionary<string, FunctionTrigger> functions;
    private readonly BlobHostSettings blobSettings;
    private readonly QueueTriggerListener queues;
    private readonly Lock sessionGate = new();
    private Task<WorkerSession> session;
    private volatile bool stopping;

    private FunctionsHostStandIn(
        StandInOptions options, WebApplication server, WorkerChannels channels, Uri hostUri, string assembly, WorkerSession first,
        Dictionary<string, FunctionTrigger> functions)
    {
        this.options = options;
        this.server = server;
        this.channels = channels;
        this.hostUri = hostUri;
        this.assembly = assembly;
        this.functions = functions;
        session = Task.FromResult(first);
        blobSettings = BlobHostSettings.Read(options.AppFolder);
        queues = new QueueTriggerListener(this, QueueHostSettings.Read(options.AppFolder), options.QueueMessageLease);
        _ = RestartWhenExitedAsync(first);
    }

    /// <summary>A worker process and the host's end of its gRPC stream.</summary>
    private sealed record WorkerSession(WorkerChannel Channel, WorkerProcess Process);

    /// <summary>The functions the worker indexed, by name.</summary>
    public IReadOnlyDictionary<string, FunctionTrigger> Functions => functions;

    /// <summary>The id of the worker process this stand-in runs now (a new one after a restart).</summary>
    public int WorkerProcessId => CurrentSession().Process.Id;

    /// <summary>How many times the worker process exited and was started again.</summary>
    public int WorkerRestarts { get; private set; }

    /// <summary>Starts the gRPC server and the worker, and loads every function the worker indexes.</summary>
    public static async Task<FunctionsHostStandIn> StartAsync(StandInOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var appFolder = Path.GetFullPath(options.AppFolder);
        var assembly = WorkerAssembly(appFolder);
        var channels = new WorkerChannels();
        var server = BuildServer(channels);
        await server.StartAsync(cancellationToken);
        var address = new Uri(server.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        var hostUri = new Uri($"http://127.0.0.1:{address.Port}/");

        var (first, functions) = await StartWorkerAsync(options with { AppFolder = appFolder }, channels, assembly, hostUri, address.Port, cancellationToken, server);
        return new FunctionsHostStandIn(options with { AppFolder = appFolder }, server, channels, hostUri, assembly, first, functions);
    }

    /// <summary>
    /// Starts a worker process, waits for its stream and loads every function it indexes. On failure the worker is stopped
    /// (and <paramref name="serverToStop"/>, when given) and <see cref="WorkerStartException"/> is thrown with its logs.
    /// </summary>
    private static async Task<(WorkerSession Session, Dictionary<string, FunctionTrigger> Functions)> StartWorkerAsync(
        StandInOptions options, WorkerChannels channels, string assembly, Uri hostUri, int port, CancellationToken cancellationToken,
        WebApplication? serverToStop = null)
    {
        var workerId = Guid.NewGuid().ToString();
        var startLogs = new ConcurrentQueue<HostLog>();
        var starting = true;
        void Log(HostLog line)
        {
            if (Volatile.Read(ref starting))
            {
                startLogs.Enqueue(line);
            }

            options.Log(line);
        }

        var channel = new WorkerChannel(workerId, Log);
        channels.ById[workerId] = channel;
        var worker = WorkerProcess.Start(options.AppFolder, assembly, hostUri, workerId, options.Settings, Log);
        options.Log(new HostLog(DateTimeOffset.UtcNow, HostLog.HostSource, "Information", "Host.StandIn",
            $"Started worker process {worker.Id}: dotnet {assembly} --functions-uri {hostUri} (gRPC on 127.0.0.1:{port})", null));
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.StartTimeout);
            var functions = await InitializeAsync(channel, worker, options.AppFolder, timeout.Token);
            Volatile.Write(ref starting, false);
            return (new WorkerSession(channel, worker), functions);
        }
        catch (Exception e) when (e is InvalidOperationException or OperationCanceledException or IOException)
        {
            await worker.WaitForExitAsync(TimeSpan.FromSeconds(5));
            await worker.DisposeAsync();
            channels.ById.TryRemove(workerId, out _);
            channel.Dispose();
            if (serverToStop is not null)
            {
                await serverToStop.StopAsync(CancellationToken.None);
                await serverToStop.DisposeAsync();
            }

            throw new WorkerStartException($"The worker did not start: {e.Message}", [.. startLogs], e);
        }
    }

    /// <summary>
    /// When the worker process exits while the stand-in runs (it crashed, or was killed), starts a new one, as the host
    /// restarts a language worker: invocations in flight fail (and are retried as their trigger is), later ones go to the
    /// new worker.
    /// </summary>
    private async Task RestartWhenExitedAsync(WorkerSession current)
    {
        await current.Process.Exited;
        if (stopping)
        {
            return;
        }

        Log("Warning", $"Worker process {current.Process.Id} exited with code {current.Process.ExitCode}; starting a new worker", null);
        var restarted = new TaskCompletionSource<WorkerSession>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (sessionGate)
        {
            session = restarted.Task;
        }

        current.Channel.Detach();
        channels.ById.TryRemove(current.Channel.WorkerId, out _);
        await current.Process.DisposeAsync();
        current.Channel.Dispose();
        while (!stopping)
        {
            try
            {
                var (next, _) = await StartWorkerAsync(options, channels, assembly, hostUri, hostUri.Port, CancellationToken.None);
                WorkerRestarts++;
                restarted.SetResult(next);
                _ = RestartWhenExitedAsync(next);
                return;
            }
            catch (WorkerStartException e)
            {
                Log("Error", $"The new worker did not start ({e.Message}); trying again", null);
                await Task.Delay(TimeSpan.FromSeconds(1));
            }
        }

        restarted.TrySetException(new ObjectDisposedException(nameof(FunctionsHostStandIn)));
    }

    /// <summary>Kills the worker process now (SIGKILL), as a crash or an instance's loss would; the stand-in starts a new one.</summary>
    public void KillWorker() => CurrentSession().Process.Kill();

    /// <summary>Waits until a worker is running (after a restart, until the new one has loaded its functions).</summary>
    public async Task WaitForWorkerAsync(CancellationToken cancellationToken)
    {
        Task<WorkerSession> current;
        lock (sessionGate)
        {
            current = session;
        }

        await current.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// The worker to invoke: the current one once it is running, waiting while a worker that exited is replaced (its
    /// stream may end before the restart has begun), so a retry goes to the new worker as on the host.
    /// </summary>
    private async Task<WorkerSession> LiveSessionAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task<WorkerSession> ready;
            lock (sessionGate)
            {
                ready = session;
            }

            var current = await ready.WaitAsync(cancellationToken);
            if (!current.Process.HasExited && !current.Channel.Closed.IsCompleted)
            {
                return current;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken);
        }
    }

    private WorkerSession CurrentSession()
    {
        lock (sessionGate)
        {
            return session.IsCompletedSuccessfully ? session.Result : throw new InvalidOperationException("The worker is restarting.");
        }
    }

    private static WebApplication BuildServer(WorkerChannels channels)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2);
            kestrel.Limits.MaxRequestBodySize = null;
        });
        builder.Services.AddSingleton(channels);
        builder.Services.AddGrpc(grpc =>
        {
            grpc.MaxReceiveMessageSize = null;
            grpc.MaxSendMessageSize = null;
        });
        var app = builder.Build();
        app.MapGrpcService<FunctionRpcService>();
        return app;
    }

    /// <summary>The worker's entry assembly, as worker.config.json names it (<c>description.defaultWorkerPath</c>).</summary>
    private static string WorkerAssembly(string appFolder)
    {
        var config = Path.Combine(appFolder, "worker.config.json");
        if (!File.Exists(config))
        {
            throw new FileNotFoundException($"{appFolder} is not a published isolated-worker app: it has no worker.config.json.", config);
        }

        using var json = JsonDocument.Parse(File.ReadAllText(config));
        return json.RootElement.GetProperty("description").GetProperty("defaultWorkerPath").GetString()!;
    }

    private static async Task<Dictionary<string, FunctionTrigger>> InitializeAsync(
        WorkerChannel channel, WorkerProcess worker, string appFolder, CancellationToken cancellationToken)
    {
        var connected = channel.Connected;
        while (!connected.IsCompleted)
        {
            if (worker.HasExited)
            {
                throw new InvalidOperationException($"The worker process exited with code {worker.ExitCode} before opening its gRPC stream.");
            }

            await Task.WhenAny(connected, Task.Delay(100, cancellationToken));
            cancellationToken.ThrowIfCancellationRequested();
        }

        var init = new WorkerInitRequest { HostVersion = HostVersion, WorkerDirectory = appFolder, FunctionAppDirectory = appFolder };
        init.Capabilities["RpcHttpBodyOnly"] = bool.TrueString;
        init.Capabilities["TypedDataCollection"] = bool.TrueString;
        var initAnswer = await channel.RequestAsync(new StreamingMessage { WorkerInitRequest = init }, cancellationToken);
        EnsureSuccess(initAnswer.WorkerInitResponse.Result, "WorkerInitRequest");

        var metadata = await channel.RequestAsync(
            new StreamingMessage { FunctionsMetadataRequest = new FunctionsMetadataRequest { FunctionAppDirectory = appFolder } }, cancellationToken);
        EnsureSuccess(metadata.FunctionMetadataResponse.Result, "FunctionsMetadataRequest");

        var functions = new Dictionary<string, FunctionTrigger>(StringComparer.Ordinal);
        foreach (var function in metadata.FunctionMetadataResponse.FunctionMetadataResults)
        {
            var trigger = FunctionTrigger.From(function);
            var load = await channel.RequestAsync(
                new StreamingMessage { FunctionLoadRequest = new FunctionLoadRequest { FunctionId = function.FunctionId, Metadata = function } },
                cancellationToken);
            EnsureSuccess(load.FunctionLoadResponse.Result, $"FunctionLoadRequest {function.Name}");
            functions[function.Name] = trigger;
        }

        return functions;
    }

    private static void EnsureSuccess(StatusResult? result, string request)
    {
        if (result is not { Status: StatusResult.Types.Status.Success })
        {
            throw new InvalidOperationException($"The worker answered {request} with {result?.Status}: {result?.Exception?.Message} {result?.Result}");
        }
    }

    /// <summary>Sends one <c>InvocationRequest</c> and waits for the worker's <c>InvocationResponse</c>.</summary>
    public async Task<InvocationResult> InvokeAsync(
        string functionName, IEnumerable<ParameterBinding> inputs, IDictionary<string, TypedData> triggerMetadata, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(triggerMetadata);
        var function = Function(functionName);
        var request = new InvocationRequest
        {
            InvocationId = Guid.NewGuid().ToString(),
            FunctionId = function.FunctionId,
            TraceContext = new RpcTraceContext
            {
                TraceParent = $"00-{Convert.ToHexStringLower(Guid.NewGuid().ToByteArray())}-{Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()[..8])}-01",
                TraceState = string.Empty,
            },
        };
        request.InputData.AddRange(inputs);
        request.TriggerMetadata.Add(triggerMetadata);

        var (channel, worker) = await LiveSessionAsync(cancellationToken);
        var logs = channel.TrackInvocation(request.InvocationId);
        try
        {
            InvocationResult result;
            try
            {
                var answer = await channel.RequestAsync(new StreamingMessage { InvocationRequest = request }, cancellationToken);
                var response = answer.InvocationResponse;
                var returnValue = response.ReturnValue?.DataCase switch
                {
                    TypedData.DataOneofCase.Json => response.ReturnValue.Json,
                    TypedData.DataOneofCase.String => JsonSerializer.Serialize(response.ReturnValue.String),
                    _ => null,
                };
                var exception = response.Result.Exception is { } e ? $"{e.Type}: {e.Message}" : null;
                result = new InvocationResult(functionName, request.InvocationId, response.Result.Status.ToString(), returnValue, exception, [.. logs], worker.Id);
            }
            catch (InvalidOperationException closed) when (!cancellationToken.IsCancellationRequested)
            {
                // The worker's stream ended (the process exited or was killed) before it answered: the invocation failed.
                result = new InvocationResult(functionName, request.InvocationId, "Failure", null, closed.Message, [.. logs], worker.Id);
            }

            Log(result.Succeeded ? "Information" : "Error",
                $"Executed '{functionName}' ({(result.Succeeded ? "Succeeded" : $"Failed: {result.Exception}")}, Id={request.InvocationId})", request.InvocationId);
            return result;
        }
        finally
        {
            channel.ForgetInvocation(request.InvocationId);
        }
    }

    /// <summary>
    /// Delivers a "blob created" event for <paramref name="blobName"/> to a blob-triggered function, as the host does on
    /// an Event Grid notification: the blob as deferred-binding <c>model_binding_data</c>, retried until it succeeds or has
    /// failed <c>extensions.blobs.poisonBlobThreshold</c> times (five by default), then put on the poison queue.
    /// Returns null when the blob does not exist (the host then invokes nothing).
    /// </summary>
    public async Task<BlobTriggerResult?> DeliverBlobCreatedAsync(string functionName, string blobName, CancellationToken cancellationToken)
    {
        var function = Function(functionName);
        var (containerName, _) = function.BlobPath();
        var container = BlobService(function.Connection).GetBlobContainerClient(containerName);
        BlobProperties properties;
        try
        {
            properties = await container.GetBlobClient(blobName).GetPropertiesAsync(cancellationToken: cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            Log("Information", $"Blob {containerName}/{blobName} no longer exists; '{functionName}' not invoked", null);
            return null;
        }

        return await InvokeBlobAsync(function, container, blobName, properties, cancellationToken);
    }

    /// <summary>
    /// Scans the container of every blob trigger, as the host's blob listener does, and delivers each blob that has no
    /// receipt for its current ETag yet (up to <c>extensions.blobs.maxDegreeOfParallelism</c> at once).
    /// </summary>
    public async Task<IReadOnlyList<BlobTriggerResult>> PollBlobsAsync(CancellationToken cancellationToken)
    {
        var results = new ConcurrentBag<BlobTriggerResult>();
        foreach (var function in functions.Values.Where(f => f.TriggerType == FunctionTrigger.BlobTrigger))
        {
            var (containerName, prefix) = function.BlobPath();
            var container = BlobService(function.Connection).GetBlobContainerClient(containerName);
            if (!await container.ExistsAsync(cancellationToken))
            {
                continue;
            }

            var blobs = new List<BlobItem>();
            await foreach (var blob in container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }, cancellationToken))
            {
                if (!await HasReceiptAsync(function, containerName, blob.Name, blob.Properties.ETag!.Value, cancellationToken))
                {
                    blobs.Add(blob);
                }
            }

            await Parallel.ForEachAsync(
                blobs.OrderBy(b => b.Properties.LastModified).ThenBy(b => b.Name, StringComparer.Ordinal),
                new ParallelOptions { MaxDegreeOfParallelism = blobSettings.MaxDegreeOfParallelism, CancellationToken = cancellationToken },
                async (blob, token) =>
                {
                    BlobProperties properties;
                    try
                    {
                        properties = await container.GetBlobClient(blob.Name).GetPropertiesAsync(cancellationToken: token);
                    }
                    catch (RequestFailedException e) when (e.Status == 404)
                    {
                        return;
                    }

                    results.Add(await InvokeBlobAsync(function, container, blob.Name, properties, token));
                });
        }

        return [.. results.OrderBy(r => r.BlobName, StringComparer.Ordinal)];
    }

    private async Task<BlobTriggerResult> InvokeBlobAsync(
        FunctionTrigger function, BlobContainerClient container, string blobName, BlobProperties properties, CancellationToken cancellationToken)
    {
        var attempts = new List<InvocationResult>();
        var poisoned = false;
        while (true)
        {
            var (inputs, metadata) = BlobInvocation(function, container, blobName, properties);
            var result = await InvokeAsync(function.FunctionName, inputs, metadata, cancellationToken);
            attempts.Add(result);
            if (result.Succeeded)
            {
                break;
            }

            if (attempts.Count >= blobSettings.PoisonBlobThreshold)
            {
                await PoisonAsync(function, container.Name, blobName, properties.ETag, cancellationToken);
                poisoned = true;
                break;
            }
        }

        await WriteReceiptAsync(function, container.Name, blobName, properties.ETag, cancellationToken);
        return new BlobTriggerResult(function.FunctionName, blobName, properties.ETag.ToString(), attempts, poisoned);
    }

    private static (ParameterBinding[] Inputs, Dictionary<string, TypedData> Metadata) BlobInvocation(
        FunctionTrigger function, BlobContainerClient container, string blobName, BlobProperties properties)
    {
        var content = new JsonObject
        {
            ["Connection"] = function.Connection ?? HostStorageSetting,
            ["ContainerName"] = container.Name,
            ["BlobName"] = blobName,
        };
        var input = new ParameterBinding
        {
            Name = function.BindingName,
            Data = new TypedData
            {
                ModelBindingData = new ModelBindingData
                {
                    Version = "1.0",
                    Source = "AzureStorageBlobs",
                    ContentType = "application/json",
                    Content = ByteString.CopyFromUtf8(content.ToJsonString()),
                },
            },
        };
        var uri = container.GetBlobClient(blobName).Uri;
        var metadata = new Dictionary<string, TypedData>(StringComparer.Ordinal)
        {
            ["BlobTrigger"] = new() { String = $"{container.Name}/{blobName}" },
            ["Uri"] = new() { Json = JsonSerializer.Serialize(uri.ToString()) },
            ["Properties"] = new()
            {
                Json = new JsonObject
                {
                    ["ETag"] = properties.ETag.ToString(),
                    ["LastModified"] = properties.LastModified,
                    ["Length"] = properties.ContentLength,
                    ["ContentType"] = properties.ContentType,
                    ["BlobType"] = properties.BlobType.ToString(),
                }.ToJsonString(),
            },
            ["Metadata"] = new() { Json = JsonSerializer.Serialize(properties.Metadata) },
        };
        foreach (var (token, value) in PathTokens(function.Path!, $"{container.Name}/{blobName}"))
        {
            metadata[token] = new TypedData { String = value };
        }

        return ([input], metadata);
    }

    /// <summary>The values of the path's <c>{tokens}</c>: <c>returns/{name}</c> against <c>returns/P1/x.csv</c> gives name = P1/x.csv.</summary>
    public static Dictionary<string, string> PathTokens(string pattern, string path)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(path);
        var regex = new StringBuilder("^");
        var names = new List<string>();
        var rest = pattern;
        while (rest.IndexOf('{', StringComparison.Ordinal) is var open and >= 0)
        {
            var close = rest.IndexOf('}', open);
            regex.Append(System.Text.RegularExpressions.Regex.Escape(rest[..open]));
            names.Add(rest[(open + 1)..close]);
            regex.Append("(.+)");
            rest = rest[(close + 1)..];
        }

        regex.Append(System.Text.RegularExpressions.Regex.Escape(rest)).Append('$');
        var match = System.Text.RegularExpressions.Regex.Match(path, regex.ToString(), System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromSeconds(1));
        var tokens = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; match.Success && i < names.Count; i++)
        {
            tokens[names[i]] = match.Groups[i + 1].Value;
        }

        return tokens;
    }

    private async Task PoisonAsync(FunctionTrigger function, string containerName, string blobName, ETag etag, CancellationToken cancellationToken)
    {
        var queue = new QueueClient(HostConnection(), BlobPoisonQueue, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        var message = new JsonObject
        {
            ["Type"] = "BlobTrigger",
            ["FunctionId"] = $"Host.Functions.{function.FunctionName}",
            ["BlobType"] = "BlockBlob",
            ["ContainerName"] = containerName,
            ["BlobName"] = blobName,
            ["ETag"] = etag.ToString(),
        };
        await queue.SendMessageAsync(message.ToJsonString(), cancellationToken);
        Log("Error", $"Blob {containerName}/{blobName} failed {blobSettings.PoisonBlobThreshold} times; moved to the poison queue {BlobPoisonQueue}", null);
    }

    private BlobClient Receipt(FunctionTrigger function, string containerName, string blobName, ETag etag) =>
        new BlobServiceClient(HostConnection()).GetBlobContainerClient(HostsContainer)
            .GetBlobClient($"blobreceipts/{options.HostId}/Host.Functions.{function.FunctionName}/{etag.ToString().Trim('"')}/{containerName}/{blobName}");

    private async Task<bool> HasReceiptAsync(FunctionTrigger function, string containerName, string blobName, ETag etag, CancellationToken cancellationToken)
    {
        try
        {
            return await Receipt(function, containerName, blobName, etag).ExistsAsync(cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return false;
        }
    }

    private async Task WriteReceiptAsync(FunctionTrigger function, string containerName, string blobName, ETag etag, CancellationToken cancellationToken)
    {
        var receipt = Receipt(function, containerName, blobName, etag);
        await new BlobServiceClient(HostConnection()).GetBlobContainerClient(HostsContainer).CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await receipt.UploadAsync(BinaryData.FromString(string.Empty), overwrite: true, cancellationToken);
    }

    /// <summary>Fires a timer-triggered function now (as the host's admin endpoint <c>POST /admin/functions/{name}</c> does).</summary>
    public Task<InvocationResult> FireTimerAsync(string functionName, CancellationToken cancellationToken) =>
        FireTimerAsync(Function(functionName), isPastDue: false, cancellationToken);

    private async Task<InvocationResult> FireTimerAsync(FunctionTrigger function, bool isPastDue, CancellationToken cancellationToken)
    {
        var schedule = Schedule(function);
        var now = DateTime.UtcNow;
        var status = await ReadScheduleStatusAsync(function, cancellationToken);
        var next = schedule.GetNextOccurrence(now);
        var timer = new JsonObject
        {
            ["Schedule"] = new JsonObject { ["AdjustForDST"] = true },
            ["ScheduleStatus"] = new JsonObject
            {
                ["Last"] = (status?.Last ?? DateTime.MinValue).ToString("O"),
                ["Next"] = next.ToString("O"),
                ["LastUpdated"] = (status?.LastUpdated ?? DateTime.MinValue).ToString("O"),
            },
            ["IsPastDue"] = isPastDue,
        };
        var input = new ParameterBinding { Name = function.BindingName, Data = new TypedData { Json = timer.ToJsonString() } };
        var metadata = new Dictionary<string, TypedData>(StringComparer.Ordinal) { [function.BindingName] = new() { Json = timer.ToJsonString() } };
        var result = await InvokeAsync(function.FunctionName, [input], metadata, cancellationToken);
        if (function.UseMonitor)
        {
            await WriteScheduleStatusAsync(function, new ScheduleStatus(now, next, DateTime.UtcNow), cancellationToken);
        }

        return result;
    }

    /// <summary>
    /// Runs every timer trigger on its NCRONTAB schedule (UTC) until cancelled: a missed occurrence recorded in the schedule
    /// status is fired at once as past due, and <c>runOnStartup</c> fires at once. Returns every invocation made.
    /// </summary>
    public async Task<IReadOnlyList<InvocationResult>> RunSchedulesAsync(CancellationToken cancellationToken)
    {
        var results = new ConcurrentBag<InvocationResult>();
        var timers = functions.Values.Where(f => f.TriggerType == FunctionTrigger.TimerTrigger).ToList();
        try
        {
            await Task.WhenAll(timers.Select(async function =>
            {
                var schedule = Schedule(function);
                var status = function.UseMonitor ? await ReadScheduleStatusAsync(function, cancellationToken) : null;
                if (function.RunOnStartup || (status is not null && status.Next < DateTime.UtcNow))
                {
                    results.Add(await FireTimerAsync(function, isPastDue: !function.RunOnStartup, cancellationToken));
                }

                while (!cancellationToken.IsCancellationRequested)
                {
                    var next = schedule.GetNextOccurrence(DateTime.UtcNow);
                    var wait = next - DateTime.UtcNow;
                    if (wait > TimeSpan.Zero)
                    {
                        await Task.Delay(wait, cancellationToken);
                    }

                    results.Add(await FireTimerAsync(function, isPastDue: false, cancellationToken));
                }
            }));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped.
        }

        return [.. results];
    }

    /// <summary>The trigger's NCRONTAB expression, with <c>%Setting%</c> resolved from the app settings (six fields: seconds first).</summary>
    public CrontabSchedule Schedule(FunctionTrigger function)
    {
        ArgumentNullException.ThrowIfNull(function);
        var expression = ResolveSetting(function.Schedule ?? throw new InvalidOperationException($"{function.FunctionName} has no schedule."));
        var withSeconds = expression.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length == 6;
        return CrontabSchedule.Parse(expression, new CrontabSchedule.ParseOptions { IncludingSeconds = withSeconds });
    }

    private string ResolveSetting(string value)
    {
        if (value.Length > 2 && value[0] == '%' && value[^1] == '%')
        {
            var name = value[1..^1];
            return Setting(name) ?? throw new InvalidOperationException($"The app setting {name} is not set.");
        }

        return value;
    }

    private string? Setting(string name) =>
        options.Settings.TryGetValue(name, out var value) ? value
        : options.Settings.TryGetValue(name.Replace("__", ":", StringComparison.Ordinal), out value) ? value
        : options.Settings.TryGetValue(name.Replace(":", "__", StringComparison.Ordinal), out value) ? value
        : null;

    private sealed record ScheduleStatus(DateTime Last, DateTime Next, DateTime LastUpdated);

    private BlobClient ScheduleStatusBlob(FunctionTrigger function) =>
        new BlobServiceClient(HostConnection()).GetBlobContainerClient(HostsContainer)
            .GetBlobClient($"timers/{options.HostId}/Host.Functions.{function.FunctionName}/status");

    private async Task<ScheduleStatus?> ReadScheduleStatusAsync(FunctionTrigger function, CancellationToken cancellationToken)
    {
        try
        {
            var content = await ScheduleStatusBlob(function).DownloadContentAsync(cancellationToken);
            return content.Value.Content.ToObjectFromJson<ScheduleStatus>();
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    private async Task WriteScheduleStatusAsync(FunctionTrigger function, ScheduleStatus status, CancellationToken cancellationToken)
    {
        await new BlobServiceClient(HostConnection()).GetBlobContainerClient(HostsContainer).CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await ScheduleStatusBlob(function).UploadAsync(BinaryData.FromObjectAsJson(status), overwrite: true, cancellationToken);
    }

    private FunctionTrigger Function(string name) =>
        functions.TryGetValue(name, out var function) ? function : throw new ArgumentException($"The worker indexed no function named {name}.", nameof(name));

    private BlobServiceClient BlobService(string? connection) =>
        new(Setting(connection ?? HostStorageSetting) ?? throw new InvalidOperationException($"The app setting {connection} (a connection string) is not set."));

    private string HostConnection() =>
        Setting(HostStorageSetting) ?? throw new InvalidOperationException($"The app setting {HostStorageSetting} is not set.");

    private void Log(string level, string message, string? invocationId) =>
        options.Log(new HostLog(DateTimeOffset.UtcNow, HostLog.HostSource, level, "Host.StandIn", message, invocationId));

    /// <summary>
    /// Works off the queues of every queue-triggered function, as the host's queue listeners do, until they are empty: no
    /// message visible or waiting (a failed one comes back after <c>visibilityTimeout</c>, and after <c>maxDequeueCount</c>
    /// dequeues goes to <c>{queue}-poison</c>). Returns every message processed.
    /// </summary>
    public Task<IReadOnlyList<QueueTriggerResult>> DrainQueuesAsync(CancellationToken cancellationToken) =>
        queues.DrainAsync(functions.Values.Where(f => f.TriggerType == FunctionTrigger.QueueTrigger).ToList(), cancellationToken);

    /// <summary>
    /// Runs the queue listeners until cancelled: each queue polled, a new batch fetched when the messages in flight fall to
    /// <c>newBatchThreshold</c>, the polling interval doubled up to <c>maxPollingInterval</c> while a queue is empty.
    /// </summary>
    public Task RunQueueListenersAsync(CancellationToken cancellationToken) =>
        queues.RunAsync(functions.Values.Where(f => f.TriggerType == FunctionTrigger.QueueTrigger).ToList(), cancellationToken);

    /// <summary>The queue client of a queue trigger, on its connection's account (Base64 messages, the host's encoding).</summary>
    internal QueueClient QueueOf(FunctionTrigger function, string? queueName = null) =>
        new(Setting(function.Connection ?? HostStorageSetting) ?? throw new InvalidOperationException($"The app setting {function.Connection} (a connection string) is not set."),
            queueName ?? function.QueueName ?? throw new InvalidOperationException($"{function.FunctionName} is not a queue trigger."),
            new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });

    internal void LogHost(string level, string message) => Log(level, message, null);

    /// <summary>Sends <c>WorkerTerminate</c>, waits for the worker to exit (killing it after the grace period) and stops the server.</summary>
    public async ValueTask DisposeAsync()
    {
        stopping = true;
        Task<WorkerSession> current;
        lock (sessionGate)
        {
            current = session;
        }

        if (current.IsCompletedSuccessfully)
        {
            var (channel, worker) = current.Result;
            try
            {
                if (!worker.HasExited)
                {
                    using var send = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                    await channel.SendAsync(new StreamingMessage { WorkerTerminate = new WorkerTerminate { GracePeriod = Duration.FromTimeSpan(TimeSpan.FromSeconds(5)) } }, send.Token);
                    await worker.WaitForExitAsync(TimeSpan.FromSeconds(10));
                }
            }
            catch (Exception e) when (e is OperationCanceledException or InvalidOperationException or IOException)
            {
                // The worker is gone or not answering: it is killed below.
            }

            await worker.DisposeAsync();
            channels.ById.TryRemove(channel.WorkerId, out _);
            channel.Dispose();
        }

        await server.StopAsync(CancellationToken.None);
        await server.DisposeAsync();
    }
}
