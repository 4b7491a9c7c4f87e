using System.Collections;

namespace KpiPipeline.Kpis.Engine;

/// <summary>
/// The restricted kpi_results rows of a run (every level, no suppression, RAG applied), period by period in period
/// order. Rows are built from the engine's tallies when read, so millions of rows are never held at once; read a
/// period at a time with <see cref="InPeriod"/>.
/// </summary>
public sealed class KpiResultTable : IReadOnlyList<KpiResult>
{
    private readonly RowBuilder builder;
    private readonly int periodCount;

    internal KpiResultTable(RowBuilder builder, int periodCount)
    {
        this.builder = builder;
        this.periodCount = periodCount;
    }

    public int Count => builder.RowsPerPeriod * periodCount;

    public KpiResult this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
            return builder.Row(index / builder.RowsPerPeriod, index % builder.RowsPerPeriod);
        }
    }

    /// <summary>The rows of the period at <paramref name="periodIndex"/> in <see cref="KpiComputation.Periods"/>.</summary>
    public IReadOnlyList<KpiResult> InPeriod(int periodIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(periodIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(periodIndex, periodCount);
        var rows = new KpiResult[builder.RowsPerPeriod];
        builder.Fill(periodIndex, rows);
        return rows;
    }

    public IEnumerator<KpiResult> GetEnumerator()
    {
        for (var q = 0; q < periodCount; q++)
        {
            for (var i = 0; i < builder.RowsPerPeriod; i++)
            {
                yield return builder.Row(q, i);
            }
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
