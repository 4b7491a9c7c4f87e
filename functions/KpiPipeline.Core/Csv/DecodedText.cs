using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Unicode;

namespace KpiPipeline.Core.Csv;

/// <summary>
/// The text of a UTF-8 byte stream as Sep reads it: a leading BOM is dropped, and each invalid byte sequence becomes
/// a mark (<see cref="InvalidByteMark"/> and the next two characters, by the sequence's length), a lone surrogate that
/// valid UTF-8 can never decode to, so the reader can name the record that held it and count its bytes. Every character handed out from <see cref="KeepFrom"/> on stays at hand, so the reader can
/// look at a record's line end, read a record again by the strict rules and start a new Sep reader after it
/// (<see cref="Rewind"/>). Handing out more than <see cref="Limit"/> characters past <see cref="KeepFrom"/> throws
/// <see cref="RecordTooLongException"/>: memory stays bounded by the longest record, never by the file.
/// </summary>
internal sealed class DecodedText : TextReader
{
    /// <summary>What an invalid UTF-8 sequence of one byte decodes to; of two, the next character; of three, the one after.</summary>
    public const char InvalidByteMark = '\uDC01';

    /// <summary>The mark of the longest invalid sequence (three bytes: a four-byte character without its last byte).</summary>
    public const char LastInvalidByteMark = '\uDC03';

    private const int ChunkBytes = 64 * 1024;

    private readonly Stream stream;
    private byte[] bytes = ArrayPool<byte>.Shared.Rent(ChunkBytes);
    private int bytesStart;
    private int bytesEnd;
    private bool streamEnded;
    private bool ended;
    private bool bomChecked;
    private char[] text = ArrayPool<char>.Shared.Rent(2 * ChunkBytes);
    private long textStart;
    private int textLength;
    private long handedOut;
    private long keepFrom;

    public DecodedText(Stream stream, long limit)
    {
        this.stream = stream;
        Limit = limit;
    }

    public long Limit { get; }

    /// <summary>True once every byte of the stream has been decoded (a fill found nothing more).</summary>
    public bool Ended => ended;

    /// <summary>Offset just past the last character decoded so far.</summary>
    public long End => textStart + textLength;

    /// <summary>Characters before <paramref name="offset"/> are no longer needed.</summary>
    public void KeepFrom(long offset) => keepFrom = offset;

    /// <summary>The next read hands out the text from <paramref name="offset"/> again (a new Sep reader starts there).</summary>
    public void Rewind(long offset)
    {
        keepFrom = offset;
        handedOut = offset;
    }

    /// <summary>The decoded text from <paramref name="offset"/> to <see cref="End"/>; <paramref name="offset"/> must be kept.</summary>
    public ReadOnlySpan<char> From(long offset) => text.AsSpan((int)(offset - textStart), (int)(End - offset));

    /// <summary>The character at <paramref name="offset"/>, or -1 when it has not been decoded (yet).</summary>
    public int CharAt(long offset) => offset < End ? text[offset - textStart] : -1;

    /// <summary>Decodes more of the stream; false at its end.</summary>
    public bool Fill()
    {
        while (true)
        {
            if (Decode())
            {
                return true;
            }

            if (streamEnded)
            {
                ended = true;
                return false;
            }

            Compact();
            Took(stream.Read(bytes, bytesEnd, bytes.Length - bytesEnd));
        }
    }

    /// <summary>Decodes more of the stream; false at its end.</summary>
    public async ValueTask<bool> FillAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (Decode())
            {
                return true;
            }

            if (streamEnded)
            {
                ended = true;
                return false;
            }

            Compact();
            Took(await stream.ReadAsync(bytes.AsMemory(bytesEnd, bytes.Length - bytesEnd), cancellationToken).ConfigureAwait(false));
        }
    }

    public override int Peek() => handedOut < End || Fill() ? text[(int)(handedOut - textStart)] : -1;

    public override int Read()
    {
        Span<char> one = stackalloc char[1];
        return Read(one) == 1 ? one[0] : -1;
    }

    public override int Read(char[] buffer, int index, int count) => Read(buffer.AsSpan(index, count));

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override int Read(Span<char> buffer)
    {
        while (!buffer.IsEmpty && !ended && !CanHandOut(buffer.Length))
        {
            Fill();
        }

        return buffer.IsEmpty ? 0 : HandOut(buffer);
    }

    public override Task<int> ReadAsync(char[] buffer, int index, int count) => ReadAsync(buffer.AsMemory(index, count)).AsTask();

    public override ValueTask<int> ReadAsync(Memory<char> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty)
        {
            return ValueTask.FromResult(0);
        }

        return ended || CanHandOut(buffer.Length) ? ValueTask.FromResult(HandOut(buffer.Span)) : FillThenHandOutAsync(buffer, cancellationToken);
    }

    /// <summary>Gives the pooled buffers back; the stream belongs to the caller.</summary>
    public void Release()
    {
        if (bytes.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(bytes);
            ArrayPool<char>.Shared.Return(text);
            bytes = [];
            text = [];
            bytesStart = bytesEnd = textLength = 0;
            streamEnded = true;
        }
    }

    // This text outlives every Sep reader over it: disposing keeps its buffers (Release gives them back).
    protected override void Dispose(bool disposing) => base.Dispose(disposing);

    private async ValueTask<int> FillThenHandOutAsync(Memory<char> buffer, CancellationToken cancellationToken)
    {
        while (!ended && !CanHandOut(buffer.Length))
        {
            await FillAsync(cancellationToken).ConfigureAwait(false);
        }

        return HandOut(buffer.Span);
    }

    /// <summary>
    /// Whether a read of up to <paramref name="length"/> characters can be served now. Sep 0.18 loses a blank line when
    /// one read ends with a CR and the next starts with another: a read never ends with a CR while more text may follow,
    /// unless the reader asks for no more than a run of CRs.
    /// </summary>
    private bool CanHandOut(int length) => HandOutLength(length) > 0;

    /// <summary>How many characters a read of up to <paramref name="length"/> hands out now (at the end, the rest).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int HandOutLength(int length)
    {
        var available = text.AsSpan((int)(handedOut - textStart), (int)Math.Min(length, End - handedOut));
        if (ended && handedOut + available.Length == End)
        {
            return available.Length;
        }

        var count = available.TrimEnd('\r').Length;
        return count == 0 && available.Length == length ? length : count;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int HandOut(Span<char> buffer)
    {
        if (handedOut - keepFrom >= Limit)
        {
            throw new RecordTooLongException();
        }

        var count = HandOutLength(buffer.Length);
        text.AsSpan((int)(handedOut - textStart), count).CopyTo(buffer);
        handedOut += count;
        return count;
    }

    private void Took(int read)
    {
        if (read == 0)
        {
            streamEnded = true;
        }

        bytesEnd += read;
    }

    /// <summary>Moves unread bytes to the front of the byte buffer.</summary>
    private void Compact()
    {
        if (bytesStart > 0)
        {
            Buffer.BlockCopy(bytes, bytesStart, bytes, 0, bytesEnd - bytesStart);
            bytesEnd -= bytesStart;
            bytesStart = 0;
        }
    }

    /// <summary>Decodes the bytes at hand (all of them at the end of the stream); false when that gave no character.</summary>
    private bool Decode()
    {
        if (!bomChecked)
        {
            if (bytesEnd - bytesStart < 3 && !streamEnded)
            {
                return false;
            }

            if (bytes.AsSpan(bytesStart, bytesEnd - bytesStart).StartsWith("\uFEFF"u8))
            {
                bytesStart += 3;
            }

            bomChecked = true;
        }

        if (bytesStart == bytesEnd && !streamEnded)
        {
            return false;
        }

        // Each byte gives at most one character: a valid sequence of n bytes n or fewer, an invalid one a single mark.
        MakeRoom(bytesEnd - bytesStart + 1);
        var decoded = 0;
        while (true)
        {
            var source = bytes.AsSpan(bytesStart, bytesEnd - bytesStart);
            var status = Utf8.ToUtf16(source, text.AsSpan(textLength), out var used, out var written, replaceInvalidSequences: false, isFinalBlock: streamEnded);
            bytesStart += used;
            textLength += written;
            decoded += written;
            if (status != OperationStatus.InvalidData)
            {
                return decoded > 0;
            }

            // The longest start of a sequence that cannot be valid, as the Unicode standard's replacement practice counts it.
            Rune.DecodeFromUtf8(bytes.AsSpan(bytesStart, bytesEnd - bytesStart), out _, out var invalid);
            bytesStart += invalid;
            text[textLength++] = (char)(InvalidByteMark + invalid - 1);
            decoded++;
        }
    }

    /// <summary>Drops the text before <see cref="keepFrom"/> and grows the buffer, so that <paramref name="chars"/> more fit.</summary>
    private void MakeRoom(int chars)
    {
        if (text.Length - textLength >= chars)
        {
            return;
        }

        var drop = (int)(keepFrom - textStart);
        var kept = textLength - drop;
        var target = text;
        if (kept + chars > text.Length)
        {
            target = ArrayPool<char>.Shared.Rent(Math.Max(kept + chars, text.Length * 2));
        }

        Array.Copy(text, drop, target, 0, kept);
        if (!ReferenceEquals(target, text))
        {
            ArrayPool<char>.Shared.Return(text);
            text = target;
        }

        textStart = keepFrom;
        textLength = kept;
    }

    /// <summary>Whether the character at <paramref name="at"/> marks invalid bytes (not the second half of a valid pair).</summary>
    public static bool IsInvalidByteMark(ReadOnlySpan<char> text, int at) =>
        text[at] is >= InvalidByteMark and <= LastInvalidByteMark && (at == 0 || !char.IsHighSurrogate(text[at - 1]));

    /// <summary>How many bytes the text took in the stream.</summary>
    public static long Utf8Length(ReadOnlySpan<char> text)
    {
        // A lone surrogate counts three bytes (its replacement character); a mark stands for one to three.
        long length = Encoding.UTF8.GetByteCount(text);
        var at = 0;
        for (var next = text.IndexOfAnyInRange(InvalidByteMark, LastInvalidByteMark); next >= 0; next = text[at..].IndexOfAnyInRange(InvalidByteMark, LastInvalidByteMark))
        {
            at += next;
            if (IsInvalidByteMark(text, at))
            {
                length -= 3 - (text[at] - InvalidByteMark + 1);
            }

            at++;
        }

        return length;
    }
}

/// <summary>Thrown by <see cref="DecodedText"/> when Sep asks for more of one record than the limit.</summary>
internal sealed class RecordTooLongException : Exception
{
    public RecordTooLongException()
        : base("A record is longer than the reader's limit.")
    {
    }

    public RecordTooLongException(string message)
        : base(message)
    {
    }

    public RecordTooLongException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
