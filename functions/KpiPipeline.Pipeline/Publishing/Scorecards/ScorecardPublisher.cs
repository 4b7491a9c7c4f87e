using KpiPipeline.Kpis;

namespace KpiPipeline.Pipeline.Publishing.Scorecards;

/// <summary>
/// Publishes the scorecards of every period from the rows the publisher has just written to Parquet: one page per area
/// from the restricted rows and one national page from the public rows. Periods may be handed over out of order (the
/// publisher writes several at once); pages are rendered in period order, because a page's trends need the seven earlier
/// quarters, and only the dimension-all values of those are kept, so memory does not grow with the number of periods.
/// Each page goes through the store, which leaves a page alone when its bytes have not changed.
/// </summary>
public sealed class ScorecardPublisher(
    IPublicationStore store, ScorecardNames names, int parallelism = 4, int firstPagePeriod = 0, ScorecardContext? context = null) : IDisposable
{
    private readonly Lock gate = new();
    private readonly SemaphoreSlim renderGate = new(1, 1);
    private readonly Dictionary<int, (IReadOnlyList<KpiResult> Restricted, IReadOnlyList<KpiResult> Public)> pending = [];
    private readonly Queue<QuarterPoints> restrictedHistory = new();
    private readonly Queue<QuarterPoints> publicHistory = new();
    private readonly List<string> written = [];
    private int nextPeriod;
    private int unchanged;

    /// <summary>The pages written so far (relative paths), in period order.</summary>
    public IReadOnlyList<string> Written
    {
        get
        {
            lock (gate)
            {
                return [.. written];
            }
        }
    }

    /// <summary>Pages whose content had not changed, left as they were.</summary>
    public int Unchanged => Volatile.Read(ref unchanged);

    /// <summary>
    /// Hands over period <paramref name="periodIndex"/> (0 = the earliest) as published: its restricted rows and its public
    /// rows after disclosure control. Renders and writes every period that is now next in order.
    /// </summary>
    public async Task AddPeriodAsync(
        int periodIndex, IReadOnlyList<KpiResult> restricted, IReadOnlyList<KpiResult> publicRows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(restricted);
        ArgumentNullException.ThrowIfNull(publicRows);
        lock (gate)
        {
            pending.Add(periodIndex, (restricted, publicRows));
        }

        await renderGate.WaitAsync(cancellationToken);
        try
        {
            while (true)
            {
                (IReadOnlyList<KpiResult> Restricted, IReadOnlyList<KpiResult> Public) next;
                lock (gate)
                {
                    if (!pending.Remove(nextPeriod, out next))
                    {
                        break;
                    }
                }

                await PublishPeriodAsync(next.Restricted, next.Public, withPages: nextPeriod >= firstPagePeriod, cancellationToken);
                nextPeriod++;
            }
        }
        finally
        {
            renderGate.Release();
        }
    }

    public void Dispose() => renderGate.Dispose();

    /// <summary>
    /// A period's pages, when it gets pages, then its trend points for the quarters after it. A quarter before the first
    /// page (before the returns begin: at national size 100 of 120 quarters) gets neither: it is reconstructed from later
    /// returns (only the episodes still open when they began), so its figures would make a trend that never happened.
    /// </summary>
    private async Task PublishPeriodAsync(
        IReadOnlyList<KpiResult> restrictedRows, IReadOnlyList<KpiResult> publicRows, bool withPages, CancellationToken cancellationToken)
    {
        if (!withPages)
        {
            return;
        }

        await PublishPagesAsync(restrictedRows, publicRows, cancellationToken);
        Remember(restrictedHistory, ScorecardRows.TrendPointsOf(restrictedRows));
        if (publicRows.Count > 0)
        {
            Remember(publicHistory, ScorecardRows.TrendPointsOf(publicRows));
        }
    }

    private async Task PublishPagesAsync(IReadOnlyList<KpiResult> restrictedRows, IReadOnlyList<KpiResult> publicRows, CancellationToken cancellationToken)
    {
        var restricted = new ScorecardRows(restrictedRows);
        var restrictedEarlier = restrictedHistory.ToList();
        List<(string Path, Action<Stream> Write)> pages =
            [.. restricted.Areas.Select(area => (ScorecardPaths.AreaPage(restricted.Period, area),
                (Action<Stream>)(output => ScorecardHtml.WriteAreaPage(output, restricted, restrictedEarlier, area, names, context))))];
        var disclosed = publicRows.Count > 0 ? new ScorecardRows(publicRows) : null;
        if (disclosed is not null)
        {
            var publicEarlier = publicHistory.ToList();
            pages.Add((ScorecardPaths.NationalPage(disclosed.Period), output => ScorecardHtml.WriteNationalPage(output, disclosed, publicEarlier, names, context)));
        }

        var outcomes = new bool[pages.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, pages.Count),
            new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken },
            async (i, token) =>
            {
                // Rendered straight into the store's stream (a file's 64 KB buffer, or the blob store's memory buffer).
                outcomes[i] = await store.WriteAsync(pages[i].Path, (s, _) =>
                {
                    pages[i].Write(s);
                    return Task.CompletedTask;
                }, token);
            });

        lock (gate)
        {
            for (var i = 0; i < pages.Count; i++)
            {
                if (outcomes[i])
                {
                    written.Add(pages[i].Path);
                }
                else
                {
                    unchanged++;
                }
            }
        }
    }

    private static void Remember(Queue<QuarterPoints> history, QuarterPoints points)
    {
        history.Enqueue(points);
        while (history.Count > ScorecardHtml.TrendQuarters - 1)
        {
            history.Dequeue();
        }
    }
}
