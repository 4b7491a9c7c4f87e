using KpiPipeline.Core.Dataset;

namespace KpiPipeline.Synthetic.Model;

/// <summary>
/// One treatment episode's whole (true) history. Monthly rows are views of it as known at a month's end:
/// no start before it happens, exit fields only once exited, the dose as it stood that day.
/// </summary>
public sealed class SyntheticEpisode
{
    public required string EpisodeId { get; init; }

    public required long PersonId { get; init; }

    public required PersonIdentity Person { get; init; }

    public required DateOnly ReferralDate { get; init; }

    public required ReferralSource ReferralSource { get; init; }

    public required Substance Substance { get; init; }

    public DateOnly? StartDate { get; init; }

    public TreatmentSetting Setting { get; init; }

    public Medication Medication { get; init; }

    /// <summary>The dose reached after titration (0 for medications without a recorded dose).</summary>
    public int TargetDoseMg { get; init; }

    public bool DoseRecorded { get; init; }

    public TreatmentGoal? Goal { get; init; }

    /// <summary>When naloxone was supplied (null: never).</summary>
    public DateOnly? NaloxoneDate { get; init; }

    public bool NaloxoneRecorded { get; init; }

    /// <summary>The true exit; may lie beyond the generated window (then the episode is still open).</summary>
    public DateOnly? ExitDate { get; init; }

    public ExitReason? ExitReason { get; init; }

    public bool LongTermOst { get; init; }

    /// <summary>Window month index in which a corrected row is sent; before it the exit reason is sent as OTHER. -1: none.</summary>
    public int CorrectionMonth { get; init; } = -1;

    /// <summary>For a duplicate keyed in error: the window month index in which it is sent as DELETED. -1: not a duplicate.</summary>
    public int DeletedMonth { get; init; } = -1;

    /// <summary>Seed for this episode's outcome reviews.</summary>
    public required ulong ReviewSeed { get; init; }

    public SubstanceGroup Group => CodeRules.GroupOf(Substance);

    public bool IsDuplicate => DeletedMonth >= 0;

    public bool Successful => ExitReason is { } reason && CodeRules.ClassOf(reason) == OutcomeClass.SUCCESSFUL;

    /// <summary>The daily dose on a date in treatment, or null when no dose is recorded.</summary>
    public int? DoseOn(DateOnly date)
    {
        if (!DoseRecorded || StartDate is not { } start || !CodeRules.AllowsDose(Medication) || date < start)
        {
            return null;
        }

        if (Successful && ExitDate is { } exit)
        {
            // A planned reduction to nothing: leaving successfully means free of substitute medication (E16).
            if (date >= exit)
            {
                return 0;
            }

            var reductionStart = exit.AddDays(-Calibration.ReductionDays);
            if (date > reductionStart)
            {
                var left = (double)(exit.DayNumber - date.DayNumber) / Calibration.ReductionDays;
                return RoundDose(Math.Min(TitratedDose(start, date), TargetDoseMg) * left);
            }
        }

        return TitratedDose(start, date);
    }

    private int TitratedDose(DateOnly start, DateOnly date)
    {
        var initial = Medication switch
        {
            Medication.METHADONE => Calibration.MethadoneStartMg,
            Medication.DIAMORPHINE => 100,
            _ => 4,
        };
        var progress = Math.Min(1.0, (double)(date.DayNumber - start.DayNumber) / Calibration.TitrationDays);
        return RoundDose(initial + (TargetDoseMg - initial) * progress);
    }

    private int RoundDose(double mg)
    {
        var step = Medication switch
        {
            Medication.METHADONE => 5,
            Medication.DIAMORPHINE => 10,
            _ => 2,
        };
        return Math.Max(0, (int)Math.Round(mg / step, MidpointRounding.AwayFromZero) * step);
    }
}
