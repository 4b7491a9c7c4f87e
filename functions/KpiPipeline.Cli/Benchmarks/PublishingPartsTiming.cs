using System.Diagnostics;
using System.Runtime.CompilerServices;
using KpiPipeline.Kpis;
using KpiPipeline.Kpis.Disclosure;
using KpiPipeline.Kpis.Engine;
using KpiPipeline.Pipeline.Publishing;
using KpiPipeline.Pipeline.Publishing.Scorecards;

namespace KpiPipeline.Cli.Benchmarks;

/// <summary>
/// Publishing's parts, each timed alone: <paramref name="Rows"/> building every period's restricted rows from the tallies,
/// <paramref name="RestrictedParquet"/> and <paramref name="PublicParquet"/> encoding both datasets' files,
/// <paramref name="Disclosure"/> disclosure control, <paramref name="Scorecards"/> rendering every page; the fastest of the
/// repeats for each, on one thread, with nothing written to the file system.
/// </summary>
public sealed record PublishingPartsResult(
    TimeSpan Rows, TimeSpan RestrictedParquet, TimeSpan Disclosure, TimeSpan PublicParquet, TimeSpan Scorecards,
    long RestrictedRows, long PublicRows, long ParquetBytes, int Pages, long PageBytes)
{
    public TimeSpan Total => Rows + RestrictedParquet + Disclosure + PublicParquet + Scorecards;
}

/// <summary>
/// Times publishing's parts (<see cref="PublishingPartsResult"/>) over one computation, serially and repeatedly, keeping the
/// fastest of each: a part's time that way moves far less with a busy machine than a whole run does, so a change to one part
/// can be measured even when it is a few per cent of the run. The parts are the publisher's own calls
/// (<see cref="KpiPublisher"/>), with the files encoded into memory and the pages rendered into a counter.
/// </summary>
public static class PublishingPartsTiming
{
    public static async Task<PublishingPartsResult> MeasureAsync(
        KpiComputation computation, PublicationMetadata metadata, ScorecardNames names, int repeats, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(computation);
        ArgumentOutOfRangeException.ThrowIfLessThan(repeats, 1);
        PublishingPartsResult? fastest = null;
        for (var repeat = 0; repeat < repeats; repeat++)
        {
            var once = await MeasureOnceAsync(computation, metadata, names, cancellationToken);
            fastest = fastest is null ? once : fastest with
            {
                Rows = Min(fastest.Rows, once.Rows),
                RestrictedParquet = Min(fastest.RestrictedParquet, once.RestrictedParquet),
                Disclosure = Min(fastest.Disclosure, once.Disclosure),
                PublicParquet = Min(fastest.PublicParquet, once.PublicParquet),
                Scorecards = Min(fastest.Scorecards, once.Scorecards),
            };
        }

        return fastest!;
    }

    private static async Task<PublishingPartsResult> MeasureOnceAsync(
        KpiComputation computation, PublicationMetadata metadata, ScorecardNames names, CancellationToken cancellationToken)
    {
        var (rows, restrictedParquet, disclosure, publicParquet, scorecards) = (TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero);
        long restrictedRows = 0, publicRows = 0, parquetBytes = 0;
        var layouts = new DisclosureLayouts();
        var pages = new CountingStore();
        using var scorecardPublisher = new ScorecardPublisher(
            pages, names, parallelism: 1, firstPagePeriod: computation.FirstReportedPeriod,
            context: new ScorecardContext(computation.FirstReturnDay, computation.Targets));
        for (var q = 0; q < computation.Periods.Count; q++)
        {
            var clock = Stopwatch.StartNew();
            var restricted = computation.Results.InPeriod(q);
            rows += clock.Elapsed;
            clock.Restart();
            parquetBytes += await EncodeAsync(restricted, metadata, cancellationToken);
            restrictedParquet += clock.Elapsed;

            clock.Restart();
            var disclosed = Disclosure.Apply(restricted, computation.NationOfArea, layouts);
            disclosure += clock.Elapsed;
            clock.Restart();
            parquetBytes += await EncodeAsync(disclosed, metadata, cancellationToken);
            publicParquet += clock.Elapsed;

            clock.Restart();
            await scorecardPublisher.AddPeriodAsync(q, restricted, disclosed, cancellationToken);
            scorecards += clock.Elapsed;
            (restrictedRows, publicRows) = (restrictedRows + restricted.Count, publicRows + disclosed.Count);
        }

        return new PublishingPartsResult(
            rows, restrictedParquet, disclosure, publicParquet, scorecards, restrictedRows, publicRows, parquetBytes, pages.Files, pages.Bytes);
    }

    /// <summary>One period file of rows encoded into memory; its size.</summary>
    private static async Task<long> EncodeAsync(IReadOnlyList<KpiResult> rows, PublicationMetadata metadata, CancellationToken cancellationToken)
    {
        using var file = new MemoryStream();
        await KpiResultsParquet.WriteAsync(file, rows, metadata, cancellationToken);
        return file.Length;
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    /// <summary>A store that renders every file into a byte counter and keeps nothing.</summary>
    private sealed class CountingStore : IPublicationStore
    {
        private long bytes;
        private int files;

        public long Bytes => Interlocked.Read(ref bytes);

        public int Files => Volatile.Read(ref files);

        public string Describe(string relativePath) => relativePath;

        public async Task<bool> WriteAsync(string relativePath, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken)
        {
            ArgumentNullException.ThrowIfNull(write);
            await using var counter = new CountingStream();
            await write(counter, cancellationToken);
            Interlocked.Add(ref bytes, counter.Length);
            Interlocked.Increment(ref files);
            return true;
        }

        public Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public async IAsyncEnumerable<string> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            await Task.CompletedTask;
            yield break;
        }

        public Task DeleteAsync(string relativePath, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    /// <summary>A write-only stream that counts the bytes written to it.</summary>
    private sealed class CountingStream : Stream
    {
        private long length;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => length;

        public override long Position
        {
            get => length;
            set => throw new NotSupportedException();
        }

        public override void Write(byte[] buffer, int offset, int count) => length += count;

        public override void Write(ReadOnlySpan<byte> buffer) => length += buffer.Length;

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
