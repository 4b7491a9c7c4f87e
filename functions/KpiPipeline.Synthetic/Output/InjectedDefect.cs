using KpiPipeline.Core.Dataset;
using KpiPipeline.Core.Validation;

namespace KpiPipeline.Synthetic.Output;

/// <summary>A deliberate error placed in one episodes file so that validation rejects it (demo option).</summary>
public sealed record InjectedDefect(string ProviderCode, ReportingMonth Month, Rule Rule, string Description)
{
    public string BlobName => new ReturnPath(ProviderCode, Month, ReturnFileKind.Episodes).BlobName;

    /// <summary>
    /// Plans <paramref name="count"/> defects in distinct (provider, month) episodes files, cycling through three
    /// kinds: an unknown substance code (E08), an exit before the start (E13), an exit reason without an exit date (E14).
    /// </summary>
    public static IReadOnlyList<InjectedDefect> Plan(ulong seed, IReadOnlyList<string> providerCodes, ReportingMonth firstMonth, int months, int count)
    {
        ArgumentNullException.ThrowIfNull(providerCodes);
        var random = new Model.SeededRandom(seed);
        var chosen = new HashSet<(int, int)>();
        var defects = new List<InjectedDefect>(count);
        while (defects.Count < count)
        {
            var provider = random.Next(providerCodes.Count);
            var monthIndex = random.Next(months);
            if (!chosen.Add((provider, monthIndex)))
            {
                continue;
            }

            var month = firstMonth;
            for (var i = 0; i < monthIndex; i++)
            {
                month = month.Next;
            }

            defects.Add((defects.Count % 3) switch
            {
                0 => new InjectedDefect(providerCodes[provider], month, Rules.E08, "primary_substance 'HEROINE' is not a code"),
                1 => new InjectedDefect(providerCodes[provider], month, Rules.E13, "exit_date the day before treatment_start_date"),
                _ => new InjectedDefect(providerCodes[provider], month, Rules.E14, "exit_reason DROPPED_OUT without an exit_date"),
            });
        }

        return defects;
    }

    /// <summary>Breaks the first suitable row of a month's rows (the rows are the file's content, in order).</summary>
    public void ApplyTo(List<EpisodeRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0)
        {
            rows.Add(new EpisodeRow("E9999999", 'A', 'B', new DateOnly(1980, 1, 1), Sex.M, Month.FirstDay,
                ReferralSource.SELF, "HEROIN", null, null, null, null, null, null, null, null, RecordStatus.ACTIVE));
        }

        var index = Rule == Rules.E13 ? rows.FindIndex(r => r.TreatmentStartDate is not null) : rows.FindIndex(r => r.ExitDate is null);
        if (index < 0)
        {
            index = 0;
        }

        var row = rows[index];
        if (Rule == Rules.E08)
        {
            rows[index] = row with { PrimarySubstance = "HEROINE" };
        }
        else if (Rule == Rules.E13)
        {
            rows[index] = row.TreatmentStartDate is { } start
                ? row with { ExitDate = start.AddDays(-1), ExitReason = nameof(ExitReason.DROPPED_OUT), DailyDoseMg = null }
                : row with { ExitDate = row.ReferralDate.AddDays(-1), ExitReason = nameof(ExitReason.DROPPED_OUT) };
        }
        else
        {
            rows[index] = row with { ExitDate = null, ExitReason = nameof(ExitReason.DROPPED_OUT) };
        }
    }
}
