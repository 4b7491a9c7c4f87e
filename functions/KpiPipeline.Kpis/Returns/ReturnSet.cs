using KpiPipeline.Core.Dataset;

namespace KpiPipeline.Kpis.Returns;

/// <summary>The curated rows of the accepted version of one episodes.csv (the latest accepted upload of that path).</summary>
public sealed record AcceptedEpisodesFile(ReturnPath Path, IReadOnlyList<CuratedEpisode> Rows);

/// <summary>The curated rows of the accepted version of one reviews.csv.</summary>
public sealed record AcceptedReviewsFile(ReturnPath Path, IReadOnlyList<CuratedReview> Rows);

/// <summary>
/// The accepted version of one nsp.csv, kept as its sums per provider and transaction month: NSP01–NSP06 are sums of
/// transactions, so the rows themselves are never needed once added up.
/// </summary>
public sealed record AcceptedNspFile(ReturnPath Path, IReadOnlyList<NspMonthTotals> Totals)
{
    /// <summary>Adds up a file's transactions per provider and transaction month.</summary>
    public static AcceptedNspFile FromRows(ReturnPath path, IEnumerable<CuratedNspTransaction> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var totals = new NspTotalsBuilder();
        foreach (var row in rows)
        {
            totals.Add(row);
        }

        return new AcceptedNspFile(path, totals.Build());
    }
}

/// <summary>The one row of the accepted version of one workforce.csv (dataset.md section 6).</summary>
public sealed record AcceptedWorkforceFile(ReturnPath Path, CuratedWorkforce Row);

/// <summary>What the NSP KPIs need of one provider's transactions dated in one month.</summary>
/// <param name="Transactions">NSP01: transactions.</param>
/// <param name="Needles">NSP02 and NSP04: needles supplied.</param>
/// <param name="NewRegistrations">NSP03: transactions with new_registration = Y.</param>
/// <param name="NaloxoneSupplied">NSP05: transactions with naloxone_supplied = Y.</param>
/// <param name="ReferredToTreatment">NSP06: transactions with referred_to_treatment = Y.</param>
public sealed record NspMonthTotals(
    string ProviderCode,
    ReportingMonth Month,
    long Transactions,
    long Needles,
    long NewRegistrations,
    long NaloxoneSupplied,
    long ReferredToTreatment);

/// <summary>Sums transactions as they are validated, per provider and transaction month (first seen first).</summary>
public sealed class NspTotalsBuilder
{
    private readonly List<Sums> totals = [];

    public void Add(in CuratedNspTransaction row)
    {
        var sums = SumsOf(row.ProviderCode, ReportingMonth.Of(row.TransactionDate));

        sums.Transactions++;
        sums.Needles += row.NeedlesSupplied;
        sums.NewRegistrations += row.NewRegistration == true ? 1 : 0;
        sums.NaloxoneSupplied += row.NaloxoneSupplied == true ? 1 : 0;
        sums.ReferredToTreatment += row.ReferredToTreatment == true ? 1 : 0;
    }

    /// <summary>The sums of a provider and month, found by a scan: a file has one provider and a month or two.</summary>
    private Sums SumsOf(string providerCode, ReportingMonth month)
    {
        foreach (var sums in totals)
        {
            if (sums.Month == month && string.Equals(sums.ProviderCode, providerCode, StringComparison.Ordinal))
            {
                return sums;
            }
        }

        var added = new Sums(providerCode, month);
        totals.Add(added);
        return added;
    }

    public IReadOnlyList<NspMonthTotals> Build() =>
    [
        .. totals.Select(t => new NspMonthTotals(
            t.ProviderCode, t.Month, t.Transactions, t.Needles, t.NewRegistrations, t.NaloxoneSupplied, t.ReferredToTreatment)),
    ];

    private sealed class Sums(string providerCode, ReportingMonth month)
    {
        public string ProviderCode { get; } = providerCode;

        public ReportingMonth Month { get; } = month;

        public long Transactions { get; set; }

        public long Needles { get; set; }

        public long NewRegistrations { get; set; }

        public long NaloxoneSupplied { get; set; }

        public long ReferredToTreatment { get; set; }
    }
}

/// <summary>
/// One upload as the submissions ledger saw it, for the data-quality KPIs (kpis.md section 8).
/// <see cref="Path"/> is null when the blob name was not a valid return path.
/// </summary>
public sealed record UploadOutcome(
    string BlobName,
    ReturnPath? Path,
    bool ProviderRegistered,
    DateTimeOffset UploadedAt,
    bool Accepted);

/// <summary>Everything the KPI engine reads: the accepted files of every provider and month, and the upload history.</summary>
public sealed record ReturnSet(
    IReadOnlyList<AcceptedEpisodesFile> Episodes,
    IReadOnlyList<AcceptedReviewsFile> Reviews,
    IReadOnlyList<AcceptedNspFile> Nsp,
    IReadOnlyList<UploadOutcome> Uploads)
{
    public static ReturnSet Empty { get; } = new([], [], [], []);

    /// <summary>The accepted workforce.csv files (data set version 1.1; optional for providers).</summary>
    public IReadOnlyList<AcceptedWorkforceFile> Workforce { get; init; } = [];
}
