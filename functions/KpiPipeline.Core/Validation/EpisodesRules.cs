using System.Runtime.InteropServices;
using KpiPipeline.Core.Dataset;
using KpiPipeline.Core.Pseudonymisation;

namespace KpiPipeline.Core.Validation;

/// <summary>episodes.csv (dataset.md section 2): E01–E16, W01, W02, and E17 (referral not before 1960).</summary>
internal sealed class EpisodesRules : ReturnFileRules
{
    /// <summary>
    /// The earliest referral_date accepted (E17). Periods run from the quarter of the earliest referral, so one implausible
    /// date would otherwise add four periods per year back to it (year 30 made 7,981); docs/validation.md gives the bound's reasons.
    /// </summary>
    public static readonly DateOnly EarliestReferral = new(1960, 1, 1);

    private const int ProviderCode = 0;
    private const int EpisodeId = 1;
    private const int FirstInitial = 2;
    private const int LastInitial = 3;
    private const int DateOfBirth = 4;
    private const int SexColumn = 5;
    private const int ReferralDate = 6;
    private const int ReferralSourceColumn = 7;
    private const int PrimarySubstance = 8;
    private const int TreatmentStartDate = 9;
    private const int Setting = 10;
    private const int MedicationColumn = 11;
    private const int DailyDoseMg = 12;
    private const int TreatmentGoalColumn = 13;
    private const int NaloxoneSupplied = 14;
    private const int ExitDate = 15;
    private const int ExitReasonColumn = 16;
    private const int RecordStatusColumn = 17;

    private static readonly ColumnSpec[] Spec =
    [
        new("provider_code", true), new("episode_id", true), new("first_initial", true), new("last_initial", true),
        new("date_of_birth", true), new("sex", true), new("referral_date", true), new("referral_source", true),
        new("primary_substance", true), new("treatment_start_date", false), new("setting", false), new("medication", false),
        new("daily_dose_mg", false), new("treatment_goal", false), new("naloxone_supplied", false), new("exit_date", false),
        new("exit_reason", false), new("record_status", false),
    ];

    private readonly Dictionary<string, long> firstRowOfEpisode;

    // W02: the previously open episodes found on rows with a CSV problem (not checked, but the episode is not missing),
    // looked up in a set of their ids made at the first such row.
    private readonly HashSet<string> openOnUncheckedRows = new(StringComparer.Ordinal);
    private HashSet<string>? previouslyOpenIds;

    public EpisodesRules(ReturnPath path, ValidationContext context, ICuratedRowSink sink, IssueCollector issues)
        : base(Spec, path, context, sink, issues)
    {
        // Sized for the episodes the last month left open: a provider resends them, so most files hold about that many.
        firstRowOfEpisode = new(context.PreviouslyOpenEpisodes.Count, StringComparer.Ordinal);
    }

    public static IReadOnlyList<string> ColumnNames { get; } = Spec.Select(c => c.Name).ToArray();

    protected override void CheckRow()
    {
        if (Context.UnchangedRows is { } unchanged && unchanged.TryReuse(this[EpisodeId], HeaderLayout, RawRecord, FilePath.Month, out var reused))
        {
            // Sent before exactly as now, under the same header, and clean then: only the rules across rows remain.
            if (FirstInFile(reused.EpisodeId) && !Issues.HasErrors)
            {
                Sink.Add(reused);
            }

            return;
        }

        var issuesBefore = Issues.IssueCount;
        ProviderMatches(ProviderCode, Rules.E01, FilePath.ProviderCode);
        var episodeId = CheckEpisodeId();
        Initial(FirstInitial);
        Initial(LastInitial);
        Date(DateOfBirth, Rules.E04, out var dob);
        Code<Sex>(SexColumn, Rules.E05, out var sex);

        Date(ReferralDate, Rules.E06, out var referral);
        if (referral > MonthEnd)
        {
            Report(Rules.E06, ReferralDate, "referral_date is after the end of the reporting month.");
        }

        if (referral < EarliestReferral)
        {
            Report(Rules.E17, ReferralDate, "referral_date is before 1960-01-01: an episode referred that early would have been in treatment more than 60 years; check the date.");
        }

        int? age = null;
        if (dob is { } birth && referral is { } referred)
        {
            age = Pseudonymiser.AgeInWholeYears(birth, referred);
            if (birth > referred)
            {
                Report(Rules.E04, DateOfBirth, "date_of_birth is after referral_date.");
            }
            else if (age is < 18 or > 100)
            {
                Report(Rules.E04, DateOfBirth, "Age at referral must be 18 to 100 (adult services).");
            }
        }

        Code<ReferralSource>(ReferralSourceColumn, Rules.E07, out var source);
        Code<Substance>(PrimarySubstance, Rules.E08, out var substance);

        var startOk = Date(TreatmentStartDate, Rules.E09, out var start);
        if (start is { } started)
        {
            if (started < referral)
            {
                Report(Rules.E09, TreatmentStartDate, "treatment_start_date is before referral_date.");
            }

            if (started > MonthEnd)
            {
                Report(Rules.E09, TreatmentStartDate, "treatment_start_date is after the end of the reporting month.");
            }
        }

        Code<TreatmentSetting>(Setting, Rules.E10, out var setting);
        Code<Medication>(MedicationColumn, Rules.E10, out var medication);
        var hasStart = !this[TreatmentStartDate].IsEmpty;
        if (hasStart && this[Setting].IsEmpty)
        {
            Report(Rules.E10, Setting, "setting is required once treatment has started (treatment_start_date is given).");
        }

        if (hasStart && this[MedicationColumn].IsEmpty)
        {
            Report(Rules.E10, MedicationColumn, "medication is required once treatment has started (treatment_start_date is given).");
        }

        var dose = Dose(medication);
        Code<TreatmentGoal>(TreatmentGoalColumn, Rules.E12, out var goal);
        YesNo(NaloxoneSupplied, Rules.E12, out var naloxone);

        Date(ExitDate, Rules.E13, out var exit);
        if (exit is { } exited)
        {
            if (start is { } begun && exited < begun)
            {
                Report(Rules.E13, ExitDate, "exit_date is before treatment_start_date.");
            }
            else if (this[TreatmentStartDate].IsEmpty && exited < referral)
            {
                Report(Rules.E13, ExitDate, "exit_date is before referral_date (treatment never started).");
            }

            if (exited > MonthEnd)
            {
                Report(Rules.E13, ExitDate, "exit_date is after the end of the reporting month.");
            }
        }

        Code<ExitReason>(ExitReasonColumn, Rules.E14, out var reason);
        var hasExit = !this[ExitDate].IsEmpty;
        var hasReason = !this[ExitReasonColumn].IsEmpty;
        if (hasExit && !hasReason)
        {
            Report(Rules.E14, ExitReasonColumn, "exit_reason is required when exit_date is given.");
        }
        else if (!hasExit && hasReason)
        {
            Report(Rules.E14, ExitReasonColumn, "exit_reason is given but exit_date is blank: enter the date the episode ended, or leave exit_reason blank if it has not ended.");
        }

        Code<RecordStatus>(RecordStatusColumn, Rules.E15, out var status);

        if (reason is { } why && CodeRules.ClassOf(why) == OutcomeClass.SUCCESSFUL && dose > 0)
        {
            Report(Rules.E16, DailyDoseMg, "A COMPLETED_* exit cannot have a daily dose above 0: a successful exit means free of substitute medication.");
        }

        if (startOk && start is { } s && referral is { } r && s.DayNumber - r.DayNumber > 365)
        {
            Report(Rules.W01, TreatmentStartDate, "Waiting time from referral to treatment start is over 365 days.");
        }

        if (Issues.HasErrors)
        {
            return;
        }

        var curated = new CuratedEpisode(
            FilePath.ProviderCode,
            episodeId!,
            Context.Pseudonymiser.ClientKey(this[FirstInitial][0], this[LastInitial][0], dob!.Value, sex!.Value),
            age!.Value,
            sex.Value,
            referral!.Value,
            source!.Value,
            substance!.Value,
            start,
            setting,
            medication,
            dose,
            goal,
            naloxone,
            exit,
            reason,
            status ?? RecordStatus.ACTIVE);
        Sink.Add(curated);
        if (Issues.IssueCount == issuesBefore)
        {
            Context.UnchangedRows?.Offer(HeaderLayout, RawRecord, curated);
        }
    }

    /// <summary>
    /// W02: each episode open at the end of the previous accepted month whose id is on no row of this file, naming the row
    /// and month of the file it was last on (its id is withheld when it reads as a date). Not checked without an episode_id
    /// column (F04), nor when reading stopped before the end of the file: the rest may hold the episode.
    /// </summary>
    public override void Finish(long rowsRead)
    {
        if (!RequiredColumnsPresent || !ReadToEnd)
        {
            return;
        }

        // Almost every file has them all: only the missing ones are listed, de-duplicated and sorted.
        List<OpenEpisode>? notInFile = null;
        foreach (var open in Context.PreviouslyOpenEpisodes)
        {
            if (!firstRowOfEpisode.ContainsKey(open.EpisodeId) && !openOnUncheckedRows.Contains(open.EpisodeId))
            {
                (notInFile ??= []).Add(open);
            }
        }

        if (notInFile is null)
        {
            return;
        }

        // A file with errors is rejected and changes nothing, so the consequence is said of the corrected upload.
        var consequence = Issues.HasErrors
            ? "This file is rejected for its errors, so nothing changes yet; if the corrected file leaves it out too, it will stop counting as in treatment after the last month it appeared in."
            : "It will stop counting as in treatment after the last month it appeared in.";
        foreach (var missing in notInFile.DistinctBy(e => e.EpisodeId, StringComparer.Ordinal).OrderBy(e => e.EpisodeId, StringComparer.Ordinal))
        {
            Issues.Add(Rules.W02, null, null, "episode_id", missing.EpisodeId,
                $"This episode was open at the end of the provider's previous accepted month but is missing from this file: it was on row {missing.Row} " +
                $"of the provider's accepted episodes.csv for {missing.Month} (row 1 is the first row under the header). " + consequence);
        }
    }

    /// <summary>
    /// A row with a CSV problem is not checked, but an episode whose id is on it is not missing from the file (W02). Any
    /// field counts, since a row with more or fewer fields than the header may have its id under another column: such a
    /// row rejects the file, so a W02 it hides is only put off to the corrected upload, while a false one sends the
    /// provider looking for an episode they never left out.
    /// </summary>
    protected override void UncheckedRow()
    {
        if (Context.PreviouslyOpenEpisodes.Count == 0)
        {
            return;
        }

        previouslyOpenIds ??= Context.PreviouslyOpenEpisodes.Select(e => e.EpisodeId).ToHashSet(StringComparer.Ordinal);
        var lookup = previouslyOpenIds.GetAlternateLookup<ReadOnlySpan<char>>();
        for (var field = 0; field < FieldCount; field++)
        {
            if (lookup.TryGetValue(Field(field), out var id))
            {
                openOnUncheckedRows.Add(id);
            }
        }
    }

    private string? CheckEpisodeId()
    {
        if (Blank(EpisodeId, Rules.E02))
        {
            return null;
        }

        var text = this[EpisodeId];
        if (!FieldParsers.IsIdentifier(text, 64))
        {
            Report(Rules.E02, EpisodeId, "episode_id must be 1 to 64 characters of A-Z, a-z, 0-9, _ and -.");
            return null;
        }

        if (firstRowOfEpisode.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(text, out var firstRow))
        {
            Report(Rules.E02, EpisodeId, $"episode_id appears more than once in the file (first on row {firstRow}).");
            return null;
        }

        var id = Context.EpisodeIdString(text);
        firstRowOfEpisode.Add(id, Row);
        return id;
    }

    /// <summary>E02 for an id known to be well formed: records its first row, or reports it as sent twice.</summary>
    private bool FirstInFile(string episodeId)
    {
        ref var firstRow = ref CollectionsMarshal.GetValueRefOrAddDefault(firstRowOfEpisode, episodeId, out var seen);
        if (seen)
        {
            Report(Rules.E02, EpisodeId, $"episode_id appears more than once in the file (first on row {firstRow}).");
            return false;
        }

        firstRow = Row;
        return true;
    }

    private void Initial(int column)
    {
        if (!Blank(column, Rules.E03) && (this[column].Length != 1 || !char.IsAsciiLetter(this[column][0])))
        {
            Report(Rules.E03, column, $"{Columns[column].Name} must be one letter A-Z.");
        }
    }

    private decimal? Dose(Medication? medication)
    {
        if (Blank(DailyDoseMg, Rules.E11))
        {
            return null;
        }

        if (!FieldParsers.TryParseUnsignedDecimal(this[DailyDoseMg], out var dose) || dose > 2000)
        {
            Report(Rules.E11, DailyDoseMg, "daily_dose_mg must be a number from 0 to 2000 (digits, optional decimal point).");
            return null;
        }

        if (medication is not { } given || !CodeRules.AllowsDose(given))
        {
            Report(Rules.E11, DailyDoseMg, "daily_dose_mg may only be given with METHADONE, BUPRENORPHINE, BUPRENORPHINE_NALOXONE or DIAMORPHINE.");
        }

        return dose;
    }
}
