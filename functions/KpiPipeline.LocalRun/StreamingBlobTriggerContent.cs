using System.Buffers.Text;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace KpiPipeline.LocalRun;

/// <summary>
/// The blob-trigger payload of <see cref="HostPayloads.BlobTrigger"/>, written to the request as it is sent: the blob's
/// bytes are base64-encoded from a stream chunk by chunk, so the sender never holds a large file (or its base64) in memory.
/// </summary>
public sealed class StreamingBlobTriggerContent(Func<Stream> openContent, string bindingName, JsonObject metadata) : HttpContent
{
    private const int Chunk = 3 * 64 * 1024;

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        await stream.WriteAsync(Encoding.UTF8.GetBytes($"{{\"Data\":{{{JsonSerializer.Serialize(bindingName)}:\""));
        var input = new byte[Chunk];
        var output = new byte[Base64.GetMaxEncodedToUtf8Length(Chunk)];
        await using (var content = openContent())
        {
            int read;
            while ((read = await content.ReadAtLeastAsync(input, Chunk, throwOnEndOfStream: false)) > 0)
            {
                Base64.EncodeToUtf8(input.AsSpan(0, read), output, out _, out var written);
                await stream.WriteAsync(output.AsMemory(0, written));
            }
        }

        await stream.WriteAsync(Encoding.UTF8.GetBytes($"\"}},\"Metadata\":{metadata.ToJsonString()}}}"));
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
