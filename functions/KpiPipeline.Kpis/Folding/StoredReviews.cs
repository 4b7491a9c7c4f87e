using System.Collections;
using System.Runtime.CompilerServices;
using KpiPipeline.Core.Dataset;
using static KpiPipeline.Core.Dataset.CompactMeasure;

namespace KpiPipeline.Kpis.Folding;

/// <summary>
/// A folded review as a value of about 56 bytes rather than an object: a national run keeps millions of them until the
/// KPIs are computed. The fifteen measures are two bytes each, blank as <see cref="short.MinValue"/>, flags 0 or 1.
/// </summary>
internal readonly struct StoredReview
{
    private readonly string providerCode;
    private readonly MeasureValues measures;
    private readonly byte stage;

    public StoredReview(CuratedReview row)
    {
        providerCode = row.ProviderCode;
        EpisodeId = row.EpisodeId;
        Day = row.ReviewDate.DayNumber;
        stage = (byte)row.Stage;
        var m = new MeasureValues();
        m[0] = Of(row.OpiateDays);
        m[1] = Of(row.CrackDays);
        m[2] = Of(row.CocaineDays);
        m[3] = Of(row.BenzodiazepineDays);
        m[4] = Of(row.AlcoholDays);
        m[5] = Of(row.InjectingDays);
        m[6] = Of(row.SharedEquipment);
        m[7] = Of(row.PsychologicalHealth);
        m[8] = Of(row.PhysicalHealth);
        m[9] = Of(row.QualityOfLife);
        m[10] = Of(row.AcuteHousingProblem);
        m[11] = Of(row.PaidWorkDays);
        m[12] = Of(row.Barc10Score);
        m[13] = Of(row.GoalsSet);
        m[14] = Of(row.GoalsProgressed);
        measures = m;
    }

    public string EpisodeId { get; }

    public string ProviderCode => providerCode;

    public int Day { get; }

    public ReviewStage Stage => (ReviewStage)stage;

    /// <summary>The measures the KPIs read.</summary>
    public Engine.ReviewMeasures Measures => new(measures[13], measures[14], measures[12], measures[0], measures[5], measures[9], measures[10]);

    /// <summary>The de-duplication key within one provider (dataset.md section 3: episode, date, stage).</summary>
    public (string Episode, int Day, byte Stage) Key => (EpisodeId, Day, stage);

    public CuratedReview ToRow() => new(
        providerCode,
        EpisodeId,
        DateOnly.FromDayNumber(Day),
        Stage,
        Number(measures[0]),
        Number(measures[1]),
        Number(measures[2]),
        Number(measures[3]),
        Number(measures[4]),
        Number(measures[5]),
        Flag(measures[6]),
        Number(measures[7]),
        Number(measures[8]),
        Number(measures[9]),
        Flag(measures[10]),
        Number(measures[11]),
        Number(measures[12]),
        Number(measures[13]),
        Number(measures[14]));

    [InlineArray(15)]
    private struct MeasureValues
    {
        private short first;
    }
}

/// <summary>Folded reviews held as <see cref="StoredReview"/> values in per-provider blocks; each read builds the row.</summary>
internal sealed class StoredReviewList(IReadOnlyList<StoredReview[]> blocks) : IReadOnlyList<CuratedReview>
{
    private readonly int[] starts = Starts(blocks);

    public int Count => starts[^1];

    public CuratedReview this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
            var block = Array.BinarySearch(starts, index);
            block = block >= 0 ? block : ~block - 1;
            while (blocks[block].Length == 0)
            {
                block++;
            }

            return blocks[block][index - starts[block]].ToRow();
        }
    }

    public IEnumerator<CuratedReview> GetEnumerator()
    {
        foreach (var block in blocks)
        {
            foreach (var review in block)
            {
                yield return review.ToRow();
            }
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private static int[] Starts(IReadOnlyList<StoredReview[]> blocks)
    {
        var starts = new int[blocks.Count + 1];
        for (var i = 0; i < blocks.Count; i++)
        {
            starts[i + 1] = starts[i] + blocks[i].Length;
        }

        return starts;
    }
}
