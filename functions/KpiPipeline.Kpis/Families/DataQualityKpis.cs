using KpiPipeline.Core.Dataset;
using KpiPipeline.Kpis.Catalogue;
using KpiPipeline.Kpis.Engine;
using KpiPipeline.Kpis.Folding;
using KpiPipeline.Kpis.Returns;

namespace KpiPipeline.Kpis.Families;

/// <summary>
/// Data quality (kpis.md section 8): DQ01 returns on time (expected provider-months against accepted episodes.csv uploads
/// by the due date), DQ02 rejected uploads and DQ03 open episodes that went missing, from the submissions ledger and the fold.
/// </summary>
internal sealed class DataQualityKpis(CounterSpace space, UnitIndex units, Quarters quarters, DateOnly asOf)
{
    /// <summary>DQ01: a month's return is due on this day of the following month.</summary>
    public const int DueDayOfNextMonth = 15;

    private enum Counter
    {
        /// <summary>DQ01 denominator: expected provider-months.</summary>
        ExpectedReturns,

        /// <summary>DQ01 numerator: those with an accepted episodes.csv first uploaded by the due date.</summary>
        ReturnsOnTime,

        /// <summary>DQ02: rejected uploads for months in P.</summary>
        RejectedUploads,

        /// <summary>DQ03: episodes that went missing, in the month whose file left them out.</summary>
        MissingEpisodes,
    }

    private readonly Counters<Counter> counters = space.Create<Counter>();

    public static IReadOnlyList<KpiEntry> Kpis { get; } =
    [
        new(
            new KpiDefinition(
                Id: KpiIds.Dq01,
                Title: "Returns on time",
                Category: KpiCategory.DataQuality,
                Unit: KpiUnit.Percent,
                Polarity: KpiPolarity.HigherIsBetter,
                DefaultTarget: 95m,
                Definition: "Of the monthly returns due by the as-of date, the percentage whose episodes file was first uploaded by the 15th of the following month and accepted."),
            Formula: static (run, at) => Figures.Percent(run.DataQuality.counters[at, Counter.ReturnsOnTime], run.DataQuality.counters[at, Counter.ExpectedReturns])),
        new(
            new KpiDefinition(
                Id: KpiIds.Dq02,
                Title: "Rejected uploads",
                Category: KpiCategory.DataQuality,
                Unit: KpiUnit.Count,
                Definition: "The number of uploads for months in the quarter that were rejected."),
            Formula: static (run, at) => Figures.Count(run.DataQuality.counters[at, Counter.RejectedUploads])),
        new(
            new KpiDefinition(
                Id: KpiIds.Dq03,
                Title: "Open episodes gone missing",
                Category: KpiCategory.DataQuality,
                Unit: KpiUnit.Count,
                Definition: "The number of open episodes left out of a monthly episodes file for a month in the quarter."),
            Formula: static (run, at) => Figures.Count(run.DataQuality.counters[at, Counter.MissingEpisodes])),
    ];

    /// <summary>DQ01–DQ03 from the upload history and the fold's used files and missing-episode events.</summary>
    public void Count(IReadOnlyList<UploadOutcome> uploads, IReadOnlyList<ReturnPath> usedFiles, IReadOnlyList<MissingEpisodeEvent> missingEvents)
    {
        CountOnTime(uploads, usedFiles);
        foreach (var upload in uploads)
        {
            // A month a run as of the as-of date does not read counts nowhere, its rejected uploads neither.
            if (upload.Accepted || upload.Path is not { } path || !upload.ProviderRegistered || !path.Month.IsReadAsOf(asOf))
            {
                continue;
            }

            AddForMonth(path.ProviderCode, path.Month, Counter.RejectedUploads);
        }

        foreach (var missing in missingEvents)
        {
            AddForMonth(missing.ProviderCode, missing.Month, Counter.MissingEpisodes);
        }
    }

    private void CountOnTime(IReadOnlyList<UploadOutcome> uploads, IReadOnlyList<ReturnPath> usedFiles)
    {
        // DQ01 looks at episodes.csv only (kpis.md 10.7): a workforce.csv, optional, starts no expected months.
        var acceptedMonths = usedFiles.Where(p => p.Kind != ReturnFileKind.Workforce).Select(p => p.Month)
            .Concat(uploads.Where(u => u.Accepted && u.Path is not null && u.Path.Kind != ReturnFileKind.Workforce && u.Path.Month.IsReadAsOf(asOf))
                .Select(u => u.Path!.Month))
            .ToList();
        if (acceptedMonths.Count == 0)
        {
            return;
        }

        // A provider-month is on time when an accepted upload of its episodes.csv came in by the due date. Paths the ledger
        // never saw (the offline command) count as on time.
        var firstAcceptedUpload = new Dictionary<(string, ReportingMonth), DateTimeOffset>();
        var inLedger = new HashSet<(string, ReportingMonth)>();
        var acceptedEpisodes = new HashSet<(string, ReportingMonth)>(
            usedFiles.Where(p => p.Kind == ReturnFileKind.Episodes).Select(p => (p.ProviderCode.ToUpperInvariant(), p.Month)));
        foreach (var upload in uploads)
        {
            if (upload.Path is not { Kind: ReturnFileKind.Episodes } path)
            {
                continue;
            }

            var key = (path.ProviderCode.ToUpperInvariant(), path.Month);
            inLedger.Add(key);
            if (upload.Accepted)
            {
                acceptedEpisodes.Add(key);
                firstAcceptedUpload[key] = firstAcceptedUpload.TryGetValue(key, out var seen) && seen < upload.UploadedAt ? seen : upload.UploadedAt;
            }
        }

        var firstMonth = acceptedMonths.Min();
        for (var q = 0; q < quarters.Count; q++)
        {
            var period = quarters.Periods[q];
            for (var month = ReportingMonth.Of(period.Start); month.FirstDay <= period.End; month = month.Next)
            {
                var due = month.Next.FirstDay.AddDays(DueDayOfNextMonth - 1);
                if (month < firstMonth || due > asOf)
                {
                    continue;
                }

                for (var p = 0; p < units.ProviderCount; p++)
                {
                    var key = (units.Codes[p].ToUpperInvariant(), month);
                    counters.Add(q, Counter.ExpectedReturns, units.Chains[p]);
                    var onTime = acceptedEpisodes.Contains(key)
                        && (!inLedger.Contains(key)
                            || (firstAcceptedUpload.TryGetValue(key, out var first) && DateOnly.FromDateTime(first.UtcDateTime) <= due));
                    if (onTime)
                    {
                        counters.Add(q, Counter.ReturnsOnTime, units.Chains[p]);
                    }
                }
            }
        }
    }

    /// <summary>Adds one in the provider's unit chain for the quarter of the month; nothing for an unknown provider or a month outside the run.</summary>
    private void AddForMonth(string providerCode, ReportingMonth month, Counter counter)
    {
        var provider = units.ProviderIndex(providerCode);
        var q = quarters.IndexOf(month);
        if (provider >= 0 && q >= 0)
        {
            counters.Add(q, counter, units.Chains[provider]);
        }
    }
}
