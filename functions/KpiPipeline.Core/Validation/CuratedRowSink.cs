using KpiPipeline.Core.Dataset;

namespace KpiPipeline.Core.Validation;

/// <summary>
/// Receives curated rows while a file is validated, so the caller can write the curated copy as it goes and discard
/// it when the report says rejected. After the first error of a file the validator sends nothing more.
/// </summary>
public interface ICuratedRowSink
{
    void Add(CuratedEpisode row);

    void Add(CuratedReview row);

    void Add(CuratedNspTransaction row);

    void Add(CuratedWorkforce row);
}

/// <summary>Keeps the curated rows in memory (tests, small files, the offline command).</summary>
public sealed class CollectingRowSink : ICuratedRowSink
{
    public List<CuratedEpisode> Episodes { get; } = [];

    public List<CuratedReview> Reviews { get; } = [];

    public List<CuratedNspTransaction> Nsp { get; } = [];

    public List<CuratedWorkforce> Workforce { get; } = [];

    public int Count => Episodes.Count + Reviews.Count + Nsp.Count + Workforce.Count;

    public void Add(CuratedEpisode row) => Episodes.Add(row);

    public void Add(CuratedReview row) => Reviews.Add(row);

    public void Add(CuratedNspTransaction row) => Nsp.Add(row);

    public void Add(CuratedWorkforce row) => Workforce.Add(row);
}
