using KpiPipeline.Core.Dataset;
using KpiPipeline.Synthetic.Model;

namespace KpiPipeline.Synthetic.Output;

/// <summary>One episodes.csv row as written: an episode seen at a month's end (codes kept as text so a defect can break one).</summary>
public record struct EpisodeRow(
    string EpisodeId,
    char FirstInitial,
    char LastInitial,
    DateOnly DateOfBirth,
    Sex Sex,
    DateOnly ReferralDate,
    ReferralSource ReferralSource,
    string PrimarySubstance,
    DateOnly? TreatmentStartDate,
    TreatmentSetting? Setting,
    Medication? Medication,
    int? DailyDoseMg,
    TreatmentGoal? TreatmentGoal,
    bool? NaloxoneSupplied,
    DateOnly? ExitDate,
    string? ExitReason,
    RecordStatus RecordStatus)
{
    /// <summary>The row a provider sends for <paramref name="episode"/> in the month ending <paramref name="monthEnd"/>.</summary>
    public static EpisodeRow AsAtMonthEnd(SyntheticEpisode episode, DateOnly monthEnd, int windowMonth)
    {
        ArgumentNullException.ThrowIfNull(episode);
        var started = episode.StartDate is { } start && start <= monthEnd;
        var exited = episode.ExitDate is { } exit && exit <= monthEnd;
        var asAt = exited ? episode.ExitDate!.Value : monthEnd;
        string? reason = null;
        if (exited)
        {
            reason = episode.CorrectionMonth >= 0 && windowMonth < episode.CorrectionMonth
                ? Core.Dataset.ExitReason.OTHER.ToString()
                : episode.ExitReason!.Value.ToString();
        }

        bool? naloxone = !episode.NaloxoneRecorded ? null
            : episode.NaloxoneDate is { } supplied && supplied <= asAt;
        return new EpisodeRow(
            episode.EpisodeId,
            episode.Person.FirstInitial,
            episode.Person.LastInitial,
            episode.Person.DateOfBirth,
            episode.Person.Sex,
            episode.ReferralDate,
            episode.ReferralSource,
            episode.Substance.ToString(),
            started ? episode.StartDate : null,
            started ? episode.Setting : null,
            started ? episode.Medication : null,
            started ? episode.DoseOn(asAt) : null,
            started ? episode.Goal : null,
            naloxone,
            exited ? episode.ExitDate : null,
            reason,
            episode.IsDuplicate && windowMonth >= episode.DeletedMonth ? RecordStatus.DELETED : RecordStatus.ACTIVE);
    }

    public readonly void Write(CsvRowWriter csv, string providerCode)
    {
        ArgumentNullException.ThrowIfNull(csv);
        csv.Text(providerCode);
        csv.Text(EpisodeId);
        csv.Char(FirstInitial);
        csv.Char(LastInitial);
        csv.Date(DateOfBirth);
        csv.Text(Sex.ToString());
        csv.Date(ReferralDate);
        csv.Text(ReferralSource.ToString());
        csv.Text(PrimarySubstance);
        csv.Date(TreatmentStartDate);
        csv.Text(Setting?.ToString());
        csv.Text(Medication?.ToString());
        csv.Int(DailyDoseMg);
        csv.Text(TreatmentGoal?.ToString());
        csv.Flag(NaloxoneSupplied);
        csv.Date(ExitDate);
        csv.Text(ExitReason);
        csv.Text(RecordStatus.ToString());
        csv.EndRow();
    }
}
