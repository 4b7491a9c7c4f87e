using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Google.Protobuf;
using Microsoft.Azure.Functions.Worker.Grpc.Messages;

namespace KpiPipeline.LocalRun.FunctionsHost;

/// <summary>What happened to one queue message: the invocation, and whether the message ended in the poison queue.</summary>
public sealed record QueueTriggerResult(
    string FunctionName, string QueueName, string MessageId, string MessageText, long DequeueCount, InvocationResult? Invocation, bool Poisoned)
{
    public bool Succeeded => Invocation?.Succeeded == true;
}

/// <summary>
/// The host's queue listener for the stand-in (the WebJobs queue extension's behaviour): receives messages in batches of
/// <c>batchSize</c> under a lease (renewed while the invocation runs), fetches the next batch when the messages in flight
/// fall to <c>newBatchThreshold</c>, backs off to <c>maxPollingInterval</c> while the queue is empty, deletes a message
/// whose invocation succeeded, makes a failed one visible again after <c>visibilityTimeout</c>, and after
/// <c>maxDequeueCount</c> dequeues moves it to <c>{queue}-poison</c> on the same account.
/// </summary>
internal sealed class QueueTriggerListener(FunctionsHostStandIn host, QueueHostSettings settings, TimeSpan lease)
{
    private static readonly TimeSpan MinimumPollingInterval = TimeSpan.FromMilliseconds(100);

    public async Task<IReadOnlyList<QueueTriggerResult>> DrainAsync(IReadOnlyList<FunctionTrigger> triggers, CancellationToken cancellationToken)
    {
        var results = new ConcurrentQueue<QueueTriggerResult>();
        await Task.WhenAll(triggers.Select(trigger => ListenAsync(trigger, results, untilEmpty: true, cancellationToken)));
        return [.. results];
    }

    public async Task RunAsync(IReadOnlyList<FunctionTrigger> triggers, CancellationToken cancellationToken)
    {
        try
        {
            await Task.WhenAll(triggers.Select(trigger => ListenAsync(trigger, new ConcurrentQueue<QueueTriggerResult>(), untilEmpty: false, cancellationToken)));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped.
        }
    }

    private async Task ListenAsync(FunctionTrigger function, ConcurrentQueue<QueueTriggerResult> results, bool untilEmpty, CancellationToken cancellationToken)
    {
        var queue = host.QueueOf(function);
        await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        var inFlight = new List<Task>();
        var delay = MinimumPollingInterval;
        try
        {
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                inFlight.RemoveAll(task => task.IsCompleted);
                if (inFlight.Count > settings.NewBatchThreshold)
                {
                    await Task.WhenAny(inFlight);
                    continue;
                }

                var batch = (await queue.ReceiveMessagesAsync(settings.BatchSize, lease, cancellationToken)).Value;
                if (batch.Length > 0)
                {
                    delay = MinimumPollingInterval;
                    inFlight.AddRange(batch.Select(message => ProcessAsync(function, queue, message, results, cancellationToken)));
                    continue;
                }

                // Empty: done when draining and nothing is in flight or waiting out a visibility timeout.
                if (untilEmpty && inFlight.Count == 0 && (await queue.GetPropertiesAsync(cancellationToken)).Value.ApproximateMessagesCount == 0)
                {
                    return;
                }

                var wait = Task.Delay(delay, cancellationToken);
                await (inFlight.Count > 0 ? Task.WhenAny(wait, Task.WhenAny(inFlight)) : wait);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, settings.MaxPollingInterval.Ticks));
            }
        }
        finally
        {
            await Task.WhenAll(inFlight).ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        }
    }

    private async Task ProcessAsync(
        FunctionTrigger function, QueueClient queue, QueueMessage message, ConcurrentQueue<QueueTriggerResult> results, CancellationToken cancellationToken)
    {
        if (message.DequeueCount > settings.MaxDequeueCount)
        {
            // Dequeued more often than allowed without an outcome (its readers died): poisoned without another try.
            await PoisonAsync(function, queue, message.MessageId, message.PopReceipt, message.MessageText, cancellationToken);
            results.Enqueue(new QueueTriggerResult(function.FunctionName, queue.Name, message.MessageId, message.MessageText, message.DequeueCount, null, true));
            return;
        }

        var receipt = new StrongBox<string>(message.PopReceipt);
        using var invocationDone = new CancellationTokenSource();
        var renewal = RenewLeaseAsync(queue, message.MessageId, receipt, invocationDone.Token);
        InvocationResult result;
        try
        {
            var (inputs, metadata) = Invocation(function, message);
            result = await host.InvokeAsync(function.FunctionName, inputs, metadata, cancellationToken);
        }
        finally
        {
            await invocationDone.CancelAsync();
            await renewal;
        }

        var poisoned = false;
        try
        {
            if (result.Succeeded)
            {
                await queue.DeleteMessageAsync(message.MessageId, receipt.Value, cancellationToken);
            }
            else if (message.DequeueCount >= settings.MaxDequeueCount)
            {
                await PoisonAsync(function, queue, message.MessageId, receipt.Value, message.MessageText, cancellationToken);
                poisoned = true;
            }
            else
            {
                await queue.UpdateMessageAsync(message.MessageId, receipt.Value, visibilityTimeout: settings.VisibilityTimeout, cancellationToken: cancellationToken);
            }
        }
        catch (RequestFailedException e) when (e.Status is 404 or 400)
        {
            // The lease ran out and another reader has the message now: its outcome is that reader's.
            host.LogHost("Warning", $"Message {message.MessageId} of {queue.Name} was no longer held when its invocation ended ({e.ErrorCode})");
        }

        results.Enqueue(new QueueTriggerResult(function.FunctionName, queue.Name, message.MessageId, message.MessageText, message.DequeueCount, result, poisoned));
    }

    /// <summary>Keeps the message invisible while its invocation runs, renewing the lease at half its length.</summary>
    private async Task RenewLeaseAsync(QueueClient queue, string messageId, StrongBox<string> receipt, CancellationToken invocationDone)
    {
        try
        {
            while (true)
            {
                await Task.Delay(lease / 2, invocationDone);
                var renewed = await queue.UpdateMessageAsync(messageId, receipt.Value, visibilityTimeout: lease, cancellationToken: invocationDone);
                receipt.Value = renewed.Value.PopReceipt;
            }
        }
        catch (OperationCanceledException)
        {
            // The invocation ended.
        }
        catch (RequestFailedException e)
        {
            host.LogHost("Warning", $"Could not renew the lease of message {messageId} of {queue.Name}: {e.ErrorCode}");
        }
    }

    private async Task PoisonAsync(FunctionTrigger function, QueueClient queue, string messageId, string popReceipt, string text, CancellationToken cancellationToken)
    {
        var poison = host.QueueOf(function, queue.Name + "-poison");
        await poison.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await poison.SendMessageAsync(text, cancellationToken);
        await queue.DeleteMessageAsync(messageId, popReceipt, cancellationToken);
        host.LogHost("Error", $"Message {messageId} of {queue.Name} failed {settings.MaxDequeueCount} times; moved to the poison queue {poison.Name}");
    }

    /// <summary>
    /// The message as the host sends it: <c>model_binding_data</c> (source <c>AzureStorageQueues</c>, the message's fields
    /// as JSON) when the worker binds it itself, else the message text; trigger metadata as the host's queue trigger gives it.
    /// </summary>
    private static (ParameterBinding[] Inputs, Dictionary<string, TypedData> Metadata) Invocation(FunctionTrigger function, QueueMessage message)
    {
        var data = function.SupportsDeferredBinding
            ? new TypedData
            {
                ModelBindingData = new ModelBindingData
                {
                    Version = "1.0",
                    Source = "AzureStorageQueues",
                    ContentType = "application/json",
                    Content = ByteString.CopyFromUtf8(new JsonObject
                    {
                        ["MessageId"] = message.MessageId,
                        ["PopReceipt"] = message.PopReceipt,
                        ["MessageText"] = message.MessageText,
                        ["DequeueCount"] = message.DequeueCount,
                        ["NextVisibleOn"] = message.NextVisibleOn,
                        ["InsertedOn"] = message.InsertedOn,
                        ["ExpiresOn"] = message.ExpiresOn,
                    }.ToJsonString()),
                },
            }
            : new TypedData { String = message.MessageText };
        var metadata = new Dictionary<string, TypedData>(StringComparer.Ordinal)
        {
            ["QueueTrigger"] = new() { String = message.MessageText },
            ["Id"] = new() { String = message.MessageId },
            ["PopReceipt"] = new() { String = message.PopReceipt },
            ["DequeueCount"] = new() { Json = message.DequeueCount.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            ["InsertionTime"] = new() { Json = JsonSerializer.Serialize(message.InsertedOn) },
            ["ExpirationTime"] = new() { Json = JsonSerializer.Serialize(message.ExpiresOn) },
            ["NextVisibleTime"] = new() { Json = JsonSerializer.Serialize(message.NextVisibleOn) },
        };
        return ([new ParameterBinding { Name = function.BindingName, Data = data }], metadata);
    }

    /// <summary>A value the lease renewal and the final delete share (the pop receipt changes with each renewal).</summary>
    private sealed class StrongBox<T>(T value)
    {
        public T Value { get; set; } = value;
    }
}
