using KpiPipeline.Core.Dataset;
using KpiPipeline.Synthetic.Model;

namespace KpiPipeline.Synthetic.Output;

/// <summary>Row counts of one month's files.</summary>
public readonly record struct MonthRowCounts(int Episodes, int Reviews, int Nsp);

/// <summary>
/// Writes one provider's monthly files. Months must be written in order (NSP registrants carry over).
/// </summary>
public sealed class ProviderReturnWriter
{
    private readonly SyntheticWorld world;
    private readonly ProviderHistory history;
    private readonly Dictionary<int, InjectedDefect> defectsByMonth;
    private readonly SeededRandom nspRandom;
    private readonly int[] registered;
    private readonly List<EpisodeRow> episodeRows = [];
    private readonly List<NspTransaction> transactions = [];
    private readonly WorkforceModel workforce;
    private readonly HashSet<(char, char, DateOnly, Sex)> peopleInTreatment = [];
    private int opiateOpenAtMonthEnd;

    public ProviderReturnWriter(SyntheticWorld world, ProviderHistory history, IEnumerable<InjectedDefect> defects)
    {
        ArgumentNullException.ThrowIfNull(world);
        ArgumentNullException.ThrowIfNull(history);
        this.world = world;
        this.history = history;
        defectsByMonth = defects.ToDictionary(d => ProviderSimulation.WindowMonth(world, d.Month.FirstDay));
        nspRandom = new SeededRandom(SeededRandom.Derive(world.RootSeed, 4, history.Provider.Index));
        registered = history.Provider.Outlets
            .Select(o => 5 + (int)(o.TransactionWeight * history.Provider.Caseload * 0.5))
            .ToArray();
        workforce = new WorkforceModel(world, history.Provider);
    }

    public string ProviderCode => history.Provider.ProviderCode;

    /// <summary>Writes episodes.csv for a window month; call before <see cref="WriteNsp"/> of the same month.</summary>
    public int WriteEpisodes(int windowMonth, TextWriter writer)
    {
        var month = world.Options.FirstMonth;
        for (var i = 0; i < windowMonth; i++)
        {
            month = month.Next;
        }

        var first = month.FirstDay;
        var last = month.LastDay;
        episodeRows.Clear();
        opiateOpenAtMonthEnd = 0;
        foreach (var episode in history.Episodes)
        {
            if (episode.ReferralDate > last)
            {
                continue;
            }

            bool send;
            if (episode.IsDuplicate)
            {
                send = windowMonth == episode.DeletedMonth || windowMonth == episode.DeletedMonth - 1;
            }
            else
            {
                var open = episode.ExitDate is not { } exit || exit >= first;
                send = open || windowMonth == episode.CorrectionMonth;
                if (open && episode.Group == SubstanceGroup.OPIATE && (episode.ExitDate is null || episode.ExitDate > last))
                {
                    opiateOpenAtMonthEnd++;
                }
            }

            if (send)
            {
                episodeRows.Add(EpisodeRow.AsAtMonthEnd(episode, last, windowMonth));
            }
        }

        if (defectsByMonth.TryGetValue(windowMonth, out var defect))
        {
            defect.ApplyTo(episodeRows);
        }

        var csv = new CsvRowWriter(writer, world.Options.CrLf);
        csv.Header(ReturnHeaders.Episodes);
        foreach (var row in episodeRows)
        {
            row.Write(csv, ProviderCode);
        }

        return episodeRows.Count;
    }

    public int WriteReviews(int windowMonth, TextWriter writer)
    {
        var csv = new CsvRowWriter(writer, world.Options.CrLf);
        csv.Header(ReturnHeaders.Reviews);
        var reviews = history.ReviewsByMonth[windowMonth];
        foreach (var r in reviews)
        {
            csv.Text(ProviderCode);
            csv.Text(r.EpisodeId);
            csv.Date(r.ReviewDate);
            csv.Text(r.Stage.ToString());
            csv.Int(r.OpiateDays);
            csv.Int(r.CrackDays);
            csv.Int(r.CocaineDays);
            csv.Int(r.BenzodiazepineDays);
            csv.Int(r.AlcoholDays);
            csv.Int(r.InjectingDays);
            csv.Flag(r.SharedEquipment);
            csv.Int(r.PsychologicalHealth);
            csv.Int(r.PhysicalHealth);
            csv.Int(r.QualityOfLife);
            csv.Flag(r.AcuteHousingProblem);
            csv.Int(r.PaidWorkDays);
            csv.Int(r.Barc10Score);
            csv.Int(r.GoalsSet);
            csv.Int(r.GoalsProgressed);
            csv.EndRow();
        }

        return reviews.Count;
    }

    /// <summary>
    /// The workforce.csv row of the month whose episodes were just written (<see cref="WriteEpisodes"/>; months in order),
    /// staffed for its caseload: the distinct people (initials, date of birth, sex) in treatment at the month end, as CAP01
    /// counts them. Null when the provider sends no workforce.csv that month.
    /// </summary>
    public WorkforceRow? Workforce()
    {
        peopleInTreatment.Clear();
        foreach (var row in episodeRows)
        {
            if (row.TreatmentStartDate is not null && row.ExitDate is null && row.RecordStatus == RecordStatus.ACTIVE)
            {
                peopleInTreatment.Add((row.FirstInitial, row.LastInitial, row.DateOfBirth, row.Sex));
            }
        }

        return workforce.NextMonth(peopleInTreatment.Count);
    }

    public void WriteWorkforce(WorkforceRow row, TextWriter writer)
    {
        var csv = new CsvRowWriter(writer, world.Options.CrLf);
        csv.Header(ReturnHeaders.Workforce);
        csv.Text(ProviderCode);
        csv.Int(row.StaffHeadcount);
        csv.Decimal(row.StaffFte);
        csv.Decimal(row.LongTermLeaveFte);
        csv.Int(row.StaffOnLongTermLeave);
        csv.Int(row.StaffUnder2Years);
        csv.EndRow();
    }

    /// <summary>
    /// Writes nsp.csv: transactions in proportion to the opiate caseload at the month end just written
    /// (needles per opiate client per year), spread over the outlets by weight.
    /// </summary>
    public int WriteNsp(int windowMonth, TextWriter writer)
    {
        var month = world.Options.FirstMonth;
        for (var i = 0; i < windowMonth; i++)
        {
            month = month.Next;
        }

        transactions.Clear();
        var outlets = history.Provider.Outlets;
        if (outlets.Count > 0)
        {
            var totalWeight = outlets.Sum(o => o.TransactionWeight);
            var perMonth = opiateOpenAtMonthEnd * Calibration.NeedlesPerOpiateClientYear / 12.0 / 20.0;
            for (var o = 0; o < outlets.Count; o++)
            {
                var outlet = outlets[o];
                var count = nspRandom.Poisson(perMonth * outlet.TransactionWeight / totalWeight);
                for (var t = 0; t < count; t++)
                {
                    transactions.Add(Transaction(o, outlet, month));
                }
            }

            transactions.Sort((a, b) => a.Date != b.Date ? a.Date.CompareTo(b.Date) : a.Outlet.CompareTo(b.Outlet));
        }

        var csv = new CsvRowWriter(writer, world.Options.CrLf);
        csv.Header(ReturnHeaders.Nsp);
        foreach (var t in transactions)
        {
            var outlet = outlets[t.Outlet];
            csv.Text(ProviderCode);
            csv.Text(outlet.OutletCode);
            csv.Text(outlet.OutletType.ToString());
            csv.Date(t.Date);
            csv.Token(t.Registrant >= 0 ? outlet.OutletCode : null, t.Registrant);

            csv.Flag(t.NewRegistration);
            csv.Int(t.Needles);
            csv.Flag(t.UsedReturned);
            csv.Flag(t.Naloxone);
            csv.Flag(t.BbvTest);
            csv.Flag(t.Referred);
            csv.EndRow();
        }

        return transactions.Count;
    }

    private NspTransaction Transaction(int outletIndex, NspOutlet outlet, ReportingMonth month)
    {
        var days = month.LastDay.Day;
        var date = month.FirstDay.AddDays(nspRandom.Next(days));
        if (outlet.OutletType == OutletType.PHARMACY && date.DayOfWeek == DayOfWeek.Sunday)
        {
            date = month.FirstDay.AddDays(nspRandom.Next(days));
        }

        var registrant = -1;
        bool? newRegistration = null;
        if (!nspRandom.Chance(Calibration.AnonymousTransaction))
        {
            if (nspRandom.Chance(Calibration.NewRegistrantPerTransaction))
            {
                registrant = registered[outletIndex]++;
                newRegistration = true;
            }
            else
            {
                var u = nspRandom.NextDouble();
                registrant = (int)(registered[outletIndex] * u * u);
                newRegistration = false;
            }
        }

        var needles = outlet.OutletType == OutletType.PHARMACY
            ? nspRandom.Pick(Calibration.PharmacyNeedles)
            : nspRandom.Chance(0.01) ? 0 : Math.Clamp((int)Math.Round(nspRandom.LogNormal(
                outlet.OutletType == OutletType.SPECIALIST ? Calibration.SpecialistNeedlesMedian : 20, 0.7)), 1, 500);
        bool? returned = nspRandom.Chance(0.1) ? null : nspRandom.Chance(0.6);
        var naloxone = nspRandom.Chance(newRegistration == true ? 0.3 : Calibration.NspNaloxone);
        var bbv = nspRandom.Chance(newRegistration == true ? 0.25 : Calibration.NspBbvTest);
        var referred = nspRandom.Chance(Calibration.NspReferredToTreatment);
        return new NspTransaction(outletIndex, date, registrant, newRegistration, needles, returned, naloxone, bbv, referred);
    }

    private readonly record struct NspTransaction(
        int Outlet, DateOnly Date, int Registrant, bool? NewRegistration, int Needles, bool? UsedReturned, bool Naloxone, bool BbvTest, bool Referred);
}
