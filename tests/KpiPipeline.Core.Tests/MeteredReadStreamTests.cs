using System.Security.Cryptography;
using FsCheck;
using FsCheck.Fluent;
using KpiPipeline.Core.Validation;

namespace KpiPipeline.Core.Tests;

/// <summary>The size and SHA-256 the submissions ledger records, whatever stream the content comes through and however it is read.</summary>
public class MeteredReadStreamTests
{
    public enum Source
    {
        /// <summary>A memory stream over part of a pooled buffer, its buffer visible (how kpi process reads a file).</summary>
        VisibleBufferAtAnOffset,

        /// <summary>A writable memory stream whose buffer is visible (hashed read by read, as it could change).</summary>
        WritableVisibleBuffer,

        /// <summary>A memory stream whose buffer is not visible.</summary>
        HiddenBuffer,

        /// <summary>A stream that only reads forward (a blob download).</summary>
        ForwardOnly,
    }

    [Fact]
    public void Counts_and_hashes_exactly_the_bytes_read_from_every_kind_of_stream()
    {
        var gen =
            from length in Gen.Choose(0, 70_000)
            from seed in Gen.Choose(0, int.MaxValue)
            from source in Gen.Elements(Enum.GetValues<Source>())
            from chunk in Gen.Choose(1, 9_000)
            from stopAt in Gen.Choose(0, 100)
            select (length, seed, source, chunk, stopAt);

        Fixture.CheckProperty(gen, p =>
        {
            var content = new byte[p.length];
            new Random(p.seed).NextBytes(content);
            var readUpTo = p.stopAt >= 50 ? p.length : p.length * p.stopAt / 50;
            using var metered = new MeteredReadStream(StreamOver(content, p.source));
            var buffer = new byte[p.chunk];
            var read = 0;
            while (read < readUpTo)
            {
                var n = metered.Read(buffer, 0, Math.Min(buffer.Length, readUpTo - read));
                if (n == 0)
                {
                    break;
                }

                read += n;
            }

            return metered.BytesRead == readUpTo
                && metered.Sha256Hex() == Convert.ToHexStringLower(SHA256.HashData(content.AsSpan(0, readUpTo)));
        }, tests: 200);
    }

    [Theory]
    [InlineData(Source.VisibleBufferAtAnOffset)]
    [InlineData(Source.WritableVisibleBuffer)]
    [InlineData(Source.HiddenBuffer)]
    [InlineData(Source.ForwardOnly)]
    public async Task Draining_the_rest_hashes_the_whole_content(Source source)
    {
        var content = RandomNumberGenerator.GetBytes(300_000);
        using var metered = new MeteredReadStream(StreamOver(content, source));
        var first = new byte[1000];
        _ = await metered.ReadAsync(first);

        await metered.DrainAsync(CancellationToken.None);

        Assert.Equal(content.Length, metered.BytesRead);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(content)), metered.Sha256Hex());
    }

    private static Stream StreamOver(byte[] content, Source source)
    {
        switch (source)
        {
            case Source.VisibleBufferAtAnOffset:
                var pooled = new byte[content.Length + 37];
                pooled.AsSpan().Fill(0xAB);
                content.CopyTo(pooled, 11);
                return new MemoryStream(pooled, 11, content.Length, writable: false, publiclyVisible: true);
            case Source.WritableVisibleBuffer:
                var writable = new MemoryStream();
                writable.Write(content);
                writable.Position = 0;
                return writable;
            case Source.HiddenBuffer:
                return new MemoryStream(content, writable: false);
            default:
                return new TrickleStream(content, 777);
        }
    }
}
