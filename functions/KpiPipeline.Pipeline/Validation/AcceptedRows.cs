using KpiPipeline.Core.Dataset;
using KpiPipeline.Core.Validation;
using KpiPipeline.Kpis.Folding;
using KpiPipeline.Kpis.Returns;

namespace KpiPipeline.Pipeline.Validation;

/// <summary>
/// The rows of one accepted file as its provider's fold takes them: episodes, reviews and the workforce row kept, NSP
/// transactions added up instead (<see cref="NspTotalsBuilder"/>). Filled while a file is validated (<c>kpi process</c>) or read back from its
/// curated copy (the function app's provider state), then folded with <see cref="AddTo"/>: one way for both.
/// </summary>
public sealed class AcceptedRows : ICuratedRowSink
{
    public List<CuratedEpisode> Episodes { get; } = [];

    public List<CuratedReview> Reviews { get; } = [];

    public NspTotalsBuilder NspTotals { get; } = new();

    public List<CuratedWorkforce> Workforce { get; } = [];

    public void Add(CuratedEpisode row) => Episodes.Add(row);

    public void Add(CuratedReview row) => Reviews.Add(row);

    public void Add(CuratedNspTransaction row) => NspTotals.Add(row);

    public void Add(CuratedWorkforce row) => Workforce.Add(row);

    /// <summary>Reads a curated copy (the CSV <see cref="CuratedCsvWriter"/> wrote) of a file of <paramref name="kind"/>.</summary>
    /// <exception cref="InvalidDataException">A workforce copy that does not hold exactly one row (K07): the copy is damaged.</exception>
    public static AcceptedRows ReadCurated(Stream curated, ReturnFileKind kind)
    {
        ArgumentNullException.ThrowIfNull(curated);
        var rows = new AcceptedRows();
        switch (kind)
        {
            case ReturnFileKind.Episodes:
                rows.Episodes.AddRange(CuratedCsv.ReadEpisodes(curated));
                break;
            case ReturnFileKind.Reviews:
                rows.Reviews.AddRange(CuratedCsv.ReadReviews(curated));
                break;
            case ReturnFileKind.Nsp:
                foreach (var transaction in CuratedCsv.ReadNsp(curated))
                {
                    rows.NspTotals.Add(transaction);
                }

                break;
            case ReturnFileKind.Workforce:
                rows.Workforce.AddRange(CuratedCsv.ReadWorkforce(curated).Take(2));
                if (rows.Workforce.Count != 1)
                {
                    throw new InvalidDataException($"A curated copy of an accepted workforce.csv holds {rows.Workforce.Count} rows, not one.");
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a return file kind.");
        }

        return rows;
    }

    /// <summary>Folds these rows as the accepted file <paramref name="path"/> of the fold's provider.</summary>
    public void AddTo(ProviderFold fold, ReturnPath path)
    {
        ArgumentNullException.ThrowIfNull(fold);
        ArgumentNullException.ThrowIfNull(path);
        switch (path.Kind)
        {
            case ReturnFileKind.Episodes:
                fold.AddEpisodes(path, Episodes);
                break;
            case ReturnFileKind.Reviews:
                fold.AddReviews(path, Reviews);
                break;
            case ReturnFileKind.Nsp:
                fold.AddNsp(path, NspTotals.Build());
                break;
            case ReturnFileKind.Workforce:
                fold.AddWorkforce(path, Workforce.Single());
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(path), path.Kind, "Not a return file kind.");
        }
    }
}
