using System.Globalization;
using System.Text;
using System.Xml.Linq;
using Azure.Core;

namespace KpiPipeline.Storage;

/// <summary>A received queue message: hidden until <see cref="NextVisibleOn"/>; delete it with its pop receipt when done.</summary>
public sealed record QueueMessage(
    string MessageId,
    string PopReceipt,
    long DequeueCount,
    string Text,
    DateTimeOffset InsertedOn,
    DateTimeOffset ExpiresOn,
    DateTimeOffset NextVisibleOn);

/// <summary>A sent message's id and pop receipt.</summary>
public sealed record QueueMessageReceipt(string MessageId, string PopReceipt, DateTimeOffset NextVisibleOn);

/// <summary>
/// A queue: create it, send, receive and delete messages. Message text is sent as base64 of its UTF-8 bytes, the
/// encoding the Azure Functions queue trigger expects by default; received messages are decoded the same way (a message
/// that is not valid base64 is returned as sent).
/// </summary>
public sealed class StorageQueue
{
    private readonly StorageService service;

    internal StorageQueue(StorageService service, string name)
    {
        StorageNames.ValidateContainerOrQueue(name, "queue");
        this.service = service;
        Name = name;
    }

    public string Name { get; }

    /// <summary>Creates the queue; false when it already exists.</summary>
    public async Task<bool> CreateIfNotExistsAsync(CancellationToken cancellationToken = default)
    {
        using var message = service.CreateMessage(RequestMethod.Put, Name);
        var response = await service.SendExpectingAsync(message, $"Create queue '{Name}'", cancellationToken, 201, 204);
        return response.Status == 201;
    }

    /// <summary>Sends a message, optionally hidden for <paramref name="initialVisibilityDelay"/> and kept for <paramref name="timeToLive"/> (default 7 days).</summary>
    public async Task<QueueMessageReceipt> SendAsync(
        string text,
        TimeSpan? initialVisibilityDelay = null,
        TimeSpan? timeToLive = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        var body = new XElement("QueueMessage", new XElement("MessageText", Convert.ToBase64String(Encoding.UTF8.GetBytes(text))));
        using var message = service.CreateMessage(
            RequestMethod.Post,
            Name + "/messages",
            ("visibilitytimeout", Seconds(initialVisibilityDelay)),
            ("messagettl", Seconds(timeToLive)));
        message.Request.Headers.SetValue("Content-Type", "application/xml; charset=utf-8");
        message.Request.Content = RequestContent.Create(Encoding.UTF8.GetBytes(body.ToString(SaveOptions.DisableFormatting)));
        var response = await service.SendExpectingAsync(message, $"Send message to '{Name}'", cancellationToken, 201);
        var sent = (await LoadAsync(response, cancellationToken)).Single();
        return new QueueMessageReceipt(
            sent.Element("MessageId")!.Value,
            sent.Element("PopReceipt")!.Value,
            ParseTime(sent.Element("TimeNextVisible")));
    }

    /// <summary>Receives up to <paramref name="maxMessages"/> (1-32) messages, hiding them for <paramref name="visibilityTimeout"/> (default 30 s).</summary>
    public async Task<IReadOnlyList<QueueMessage>> ReceiveAsync(
        int maxMessages = 1,
        TimeSpan? visibilityTimeout = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessages, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxMessages, 32);
        using var message = service.CreateMessage(
            RequestMethod.Get,
            Name + "/messages",
            ("numofmessages", maxMessages.ToString(CultureInfo.InvariantCulture)),
            ("visibilitytimeout", Seconds(visibilityTimeout)));
        var response = await service.SendExpectingAsync(message, $"Receive messages from '{Name}'", cancellationToken, 200);
        return (await LoadAsync(response, cancellationToken))
            .Select(m => new QueueMessage(
                m.Element("MessageId")!.Value,
                m.Element("PopReceipt")!.Value,
                long.Parse(m.Element("DequeueCount")!.Value, CultureInfo.InvariantCulture),
                DecodeText(m.Element("MessageText")?.Value ?? string.Empty),
                ParseTime(m.Element("InsertionTime")),
                ParseTime(m.Element("ExpirationTime")),
                ParseTime(m.Element("TimeNextVisible"))))
            .ToList();
    }

    /// <summary>Deletes a received message (its pop receipt proves this receiver still holds it).</summary>
    public Task DeleteAsync(QueueMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        return DeleteAsync(message.MessageId, message.PopReceipt, cancellationToken);
    }

    public async Task DeleteAsync(string messageId, string popReceipt, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(messageId);
        ArgumentException.ThrowIfNullOrWhiteSpace(popReceipt);
        using var message = service.CreateMessage(RequestMethod.Delete, $"{Name}/messages/{Uri.EscapeDataString(messageId)}", ("popreceipt", popReceipt));
        await service.SendExpectingAsync(message, $"Delete message from '{Name}'", cancellationToken, 204);
    }

    private static async Task<IEnumerable<XElement>> LoadAsync(Azure.Response response, CancellationToken cancellationToken)
    {
        var xml = await XDocument.LoadAsync(response.ContentStream!, LoadOptions.None, cancellationToken);
        return xml.Root?.Elements("QueueMessage") ?? [];
    }

    private static string DecodeText(string messageText)
    {
        var bytes = new byte[messageText.Length];
        return Convert.TryFromBase64String(messageText, bytes, out var length)
            ? Encoding.UTF8.GetString(bytes, 0, length)
            : messageText;
    }

    private static string? Seconds(TimeSpan? span) =>
        span is { } value ? ((long)Math.Ceiling(value.TotalSeconds)).ToString(CultureInfo.InvariantCulture) : null;

    private static DateTimeOffset ParseTime(XElement? element) =>
        element is null ? default : DateTimeOffset.Parse(element.Value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
}
