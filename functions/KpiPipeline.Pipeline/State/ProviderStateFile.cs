using System.Collections.Frozen;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using KpiPipeline.Core.Dataset;
using KpiPipeline.Kpis.Folding;
using KpiPipeline.Kpis.Returns;
using KpiPipeline.Parquet;

namespace KpiPipeline.Pipeline.State;

/// <summary>An accepted version folded into a provider's state: its path and upload.</summary>
public sealed record FoldedVersion(ReturnPath Path, string UploadId);

/// <summary>
/// What one kind of a provider's state was made from: the accepted versions folded (in month order) and the provider's
/// completed uploads of that kind (in blob name and upload order). Two states with the same inputs are the same bytes.
/// </summary>
public sealed record StateInputs(IReadOnlyList<FoldedVersion> Files, IReadOnlyList<ProviderUpload> Uploads)
{
    internal string FilesText => string.Join('\n', Files.Select(f => $"{f.Path.Month}\t{f.UploadId}"));

    internal string UploadsText => string.Join('\n', Uploads.Select(u => string.Create(CultureInfo.InvariantCulture,
        $"{u.UploadId}\t{u.UploadedAt.UtcDateTime:O}\t{(u.Accepted ? 1 : 0)}\t{u.Path.Month}\t{u.BlobName}")));

    /// <summary>The SHA-256 of the inputs (lower-case hex): equal inputs, equal fingerprint.</summary>
    public string Fingerprint => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(FilesText + "\n\n" + UploadsText)));

    /// <summary>The inputs in their canonical order.</summary>
    public static StateInputs Of(IEnumerable<FoldedVersion> files, IEnumerable<ProviderUpload> uploads) => new(
        [.. files.OrderBy(f => f.Path.Month)],
        [.. uploads.OrderBy(u => u.BlobName, StringComparer.Ordinal).ThenBy(u => u.UploadId, StringComparer.Ordinal)]);
}

/// <summary>
/// One kind of a provider's state as a Parquet file (docs/storage.md): one row per folded record — each episode's latest
/// row with its month and the row it stood on in that month's file, each review's latest version, the NSP sums of each month, each workforce month — in the fold's
/// order, and in the footer the files folded, the provider's uploads of that kind and, for episodes, the DQ03 events.
/// Written from a <see cref="ProviderFold"/> and read back into one; the same fold and inputs always give the same bytes.
/// </summary>
public static class ProviderStateFile
{
    private const string Prefix = "kpipipeline.state.";
    private const string FormatKey = Prefix + "format";
    private const string ProviderKey = Prefix + "provider";
    private const string KindKey = Prefix + "kind";
    private const string FilesKey = Prefix + "files";
    private const string UploadsKey = Prefix + "uploads";
    private const string MissingKey = Prefix + "missing";
    private const string InputsKey = Prefix + "inputs";

    /// <summary>
    /// The layout version: a file of another version is rebuilt rather than read. 2: episodes keep <c>last_row</c>, the row
    /// of their latest month's file they stood on (W02 names it).
    /// </summary>
    public const string Format = "2";

    /// <summary>Writes the <paramref name="kind"/> part of <paramref name="fold"/>, made from <paramref name="inputs"/>.</summary>
    public static Task WriteAsync(Stream output, ProviderFold fold, ReturnFileKind kind, StateInputs inputs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(fold);
        ArgumentNullException.ThrowIfNull(inputs);
        if (!fold.FilesOf(kind).SequenceEqual(inputs.Files.Select(f => f.Path)))
        {
            throw new ArgumentException($"The {kind} files of the fold of {fold.ProviderCode} are not the inputs' files.", nameof(inputs));
        }

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [FormatKey] = Format,
            [ProviderKey] = fold.ProviderCode,
            [KindKey] = CodeRules.FileName(kind),
            [FilesKey] = inputs.FilesText,
            [UploadsKey] = inputs.UploadsText,
            [InputsKey] = inputs.Fingerprint,
        };
        switch (kind)
        {
            case ReturnFileKind.Episodes:
                metadata[MissingKey] = string.Join('\n', fold.MissingEvents.Select(m => $"{m.EpisodeId}\t{m.LastSeenMonth}\t{m.Month}"));
                return EpisodeRows.Table.WriteAsync(output, fold.LatestEpisodes.Select(e => Checked(fold, e)), metadata, cancellationToken);
            case ReturnFileKind.Reviews:
                return ReviewRows.Table.WriteAsync(output, fold.Reviews, metadata, cancellationToken);
            case ReturnFileKind.Nsp:
                return NspRows.Table.WriteAsync(output, fold.Nsp, metadata, cancellationToken);
            default:
                return WorkforceRows.Table.WriteAsync(output, fold.Workforce, metadata, cancellationToken);
        }
    }

    /// <summary>
    /// Reads a state file (seekable) of <paramref name="kind"/> into the empty <paramref name="kind"/> part of
    /// <paramref name="into"/>, and gives the inputs it was made from; null when the file is of another layout version.
    /// </summary>
    public static async Task<StateInputs?> ReadAsync(Stream input, ProviderFold into, ReturnFileKind kind, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(into);
        // The footer first: a file of another layout may lack a column of this one (format 1 has no last_row).
        if (!(await ParquetFooter.ReadMetadataAsync(input, cancellationToken)).TryGetValue(FormatKey, out var format) || format != Format)
        {
            return null;
        }

        var provider = into.ProviderCode;
        switch (kind)
        {
            case ReturnFileKind.Episodes:
                {
                    var read = await EpisodeRows.Table.ReadAsync(input, r => EpisodeRows.Read(r, provider), cancellationToken);
                    if (InputsOf(read.KeyValueMetadata, provider, kind) is not { } inputs)
                    {
                        return null;
                    }

                    var missing = Lines(read.KeyValueMetadata, MissingKey).Select(line => line.Split('\t')).Select(f =>
                        new MissingEpisodeEvent(provider, f[0], Month(f[1]), Month(f[2])));
                    into.RestoreEpisodes([.. inputs.Files.Select(f => f.Path)], read.Rows, missing);
                    return inputs;
                }

            case ReturnFileKind.Reviews:
                return await ReadRowsAsync(input, into, kind, ReviewRows.Table, ReviewRows.Read, into.RestoreReviews, cancellationToken);

            case ReturnFileKind.Nsp:
                return await ReadRowsAsync(input, into, kind, NspRows.Table, NspRows.Read, into.RestoreNsp, cancellationToken);

            default:
                return await ReadRowsAsync(input, into, kind, WorkforceRows.Table, WorkforceRows.Read, into.RestoreWorkforce, cancellationToken);
        }
    }

    /// <summary>
    /// Reads a state of rows restored as they are (reviews, NSP totals, workforce months) into the fold; a state without its
    /// inputs metadata restores nothing but its kind's emptiness and gives null.
    /// </summary>
    private static async Task<StateInputs?> ReadRowsAsync<T>(
        Stream input, ProviderFold into, ReturnFileKind kind, ParquetTable<T> table, Func<ParquetRowValues<T>, string, T> read,
        Action<IReadOnlyList<ReturnPath>, IEnumerable<T>> restore, CancellationToken cancellationToken)
    {
        var provider = into.ProviderCode;
        var contents = await table.ReadAsync(input, r => read(r, provider), cancellationToken);
        var inputs = InputsOf(contents.KeyValueMetadata, provider, kind);
        restore([.. inputs?.Files.Select(f => f.Path) ?? []], inputs is null ? [] : contents.Rows);
        return inputs;
    }

    private static (CuratedEpisode Row, ReportingMonth Month, int RowInFile) Checked(ProviderFold fold, (CuratedEpisode Row, ReportingMonth Month, int RowInFile) episode) =>
        string.Equals(episode.Row.ProviderCode, fold.ProviderCode, StringComparison.Ordinal)
            ? episode
            : throw new InvalidOperationException($"Episode {episode.Row.EpisodeId} of {fold.ProviderCode} carries provider code {episode.Row.ProviderCode}.");

    private static StateInputs? InputsOf(IReadOnlyDictionary<string, string> metadata, string provider, ReturnFileKind kind)
    {
        if (!metadata.TryGetValue(FormatKey, out var format) || format != Format)
        {
            return null;
        }

        if (metadata[ProviderKey] != provider || metadata[KindKey] != CodeRules.FileName(kind))
        {
            throw new InvalidDataException($"The state file read as {provider}'s {kind} is {metadata[ProviderKey]}'s {metadata[KindKey]}.");
        }

        var files = Lines(metadata, FilesKey).Select(line => line.Split('\t'))
            .Select(f => new FoldedVersion(new ReturnPath(provider, Month(f[0]), kind), f[1]));
        var uploads = Lines(metadata, UploadsKey).Select(line => line.Split('\t', 5)).Select(f => new ProviderUpload(
            f[4], new ReturnPath(provider, Month(f[3]), kind), f[0], DateTimeOffset.Parse(f[1], CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind), f[2] == "1"));
        return StateInputs.Of(files, uploads);
    }

    private static string[] Lines(IReadOnlyDictionary<string, string> metadata, string key) =>
        metadata.TryGetValue(key, out var text) && text.Length > 0 ? text.Split('\n') : [];

    private static ReportingMonth Month(string text) =>
        ReportingMonth.TryParse(text, out var month) ? month : throw new InvalidDataException($"'{text}' is not a reporting month.");

    private static string? Text(decimal? value) => value?.ToString(CultureInfo.InvariantCulture);

    private static decimal? Decimal(string? text) => text is null ? null : decimal.Parse(text, NumberStyles.Number, CultureInfo.InvariantCulture);

    /// <summary>A code list's values by their text (the enum member names), looked up without parsing.</summary>
    private static class Code<T>
        where T : struct, Enum
    {
        private static readonly FrozenDictionary<string, T> ByName = Enum.GetValues<T>().ToFrozenDictionary(v => v.ToString(), StringComparer.Ordinal);

        public static T Parse(string text) =>
            ByName.TryGetValue(text, out var value) ? value : throw new InvalidDataException($"'{text}' is not a {typeof(T).Name}.");

        public static T? ParseOptional(string? text) => text is null ? null : Parse(text);
    }

    private static class EpisodeRows
    {
        private static readonly ParquetColumns<(CuratedEpisode Row, ReportingMonth Month, int RowInFile)> Column = new();

        private static readonly ParquetColumn<(CuratedEpisode Row, ReportingMonth Month, int RowInFile), string> EpisodeId = Column.Text("episode_id", e => e.Row.EpisodeId);
        private static readonly ParquetColumn<(CuratedEpisode Row, ReportingMonth Month, int RowInFile), string> ClientKey = Column.Text("client_key", e => e.Row.ClientKey);
        private static readonly ParquetColumn<(CuratedEpisode Row, ReportingMonth Month, int RowInFile), int> Age = Column.Int32("age_at_referral", e => e.Row.AgeAtReferral);
        private static readonly ParquetColumn<(CuratedEpisode Row, ReportingMonth Month, int RowInFile), string> Sex = Column.Text("sex", e => e.Row.Sex.ToString());
        private static readonly ParquetColumn<(CuratedEpisode Row, ReportingMonth Month, int RowInFile), DateOnly> Referral = Column.Date("referral_date", e => e.Row.ReferralDate);
        private static readonly ParquetColumn<(CuratedEpisode Row, ReportingMonth Month, int RowInFile), string> Source = Column.Text("referral_source", e => e.Row.ReferralSource.ToString());
        private static readonly ParquetColumn<(CuratedEpisode Row, ReportingMonth Month, int RowInFile), string> Substance = Column.Text("primary_substance", e => e.Row.PrimarySubstance.ToString());
        private static readonly ParquetColumn<(CuratedEpisode Row, ReportingMonth Month, int RowInFile), DateOnly?> Start = Column.OptionalDate("treatment_start_date", e => e.Row.TreatmentStartDate);
        private static readonly ParquetColumn<(CuratedEpisode Row, ReportingMonth Month, int RowInFile), string?> Setting = Column.OptionalText("setting", e => e.Row.Setting?.ToString());
        private static readonly ParquetColumn<(CuratedEpisode Row, ReportingMonth Month, int RowInFile), string?> Medication = Column.OptionalText("medication", e => e.Row.Medication?.ToString());
        private static readonly ParquetColumn<(CuratedEpisode Row, ReportingMonth Month, int RowInFile), string?> Dose = Column.OptionalText("daily_dose_mg", e => Text(e.Row.DailyDoseMg));
        private static readonly ParquetColumn<(CuratedEpisode Row, ReportingMonth Month, int RowInFile), string?> Goal = Column.OptionalText("treatment_goal", e => e.Row.TreatmentGoal?.ToString());
        private static readonly ParquetColumn<(CuratedEpisode Row, ReportingMonth Month, int RowInFile), bool?> Naloxone = Column.OptionalBoolean("naloxone_supplied", e => e.Row.NaloxoneSupplied);
        private static readonly ParquetColumn<(CuratedEpisode Row, ReportingMonth Month, int RowInFile), DateOnly?> Exit = Column.OptionalDate("exit_date", e => e.Row.ExitDate);
        private static readonly ParquetColumn<(CuratedEpisode Row, ReportingMonth Month, int RowInFile), string?> ExitReason = Column.OptionalText("exit_reason", e => e.Row.ExitReason?.ToString());
        private static readonly ParquetColumn<(CuratedEpisode Row, ReportingMonth Month, int RowInFile), string> Status = Column.Text("record_status", e => e.Row.RecordStatus.ToString());
        private static readonly ParquetColumn<(CuratedEpisode Row, ReportingMonth Month, int RowInFile), string> LastMonth = Column.Text("last_month", e => e.Month.ToString());
        private static readonly ParquetColumn<(CuratedEpisode Row, ReportingMonth Month, int RowInFile), int> LastRow = Column.Int32("last_row", e => e.RowInFile);

        public static readonly ParquetTable<(CuratedEpisode Row, ReportingMonth Month, int RowInFile)> Table = new(
            EpisodeId, ClientKey, Age, Sex, Referral, Source, Substance, Start, Setting, Medication, Dose, Goal, Naloxone, Exit, ExitReason, Status, LastMonth, LastRow);

        public static (CuratedEpisode Row, ReportingMonth Month, int RowInFile) Read(ParquetRowValues<(CuratedEpisode Row, ReportingMonth Month, int RowInFile)> r, string provider) => (
            new CuratedEpisode(
                provider,
                r.Get(EpisodeId),
                r.Get(ClientKey),
                r.Get(Age),
                Code<Sex>.Parse(r.Get(Sex)),
                r.Get(Referral),
                Code<ReferralSource>.Parse(r.Get(Source)),
                Code<Substance>.Parse(r.Get(Substance)),
                r.Get(Start),
                Code<TreatmentSetting>.ParseOptional(r.Get(Setting)),
                Code<Medication>.ParseOptional(r.Get(Medication)),
                Decimal(r.Get(Dose)),
                Code<TreatmentGoal>.ParseOptional(r.Get(Goal)),
                r.Get(Naloxone),
                r.Get(Exit),
                Code<ExitReason>.ParseOptional(r.Get(ExitReason)),
                Code<RecordStatus>.Parse(r.Get(Status))),
            Month(r.Get(LastMonth)),
            r.Get(LastRow));
    }

    private static class ReviewRows
    {
        private static readonly ParquetColumns<CuratedReview> Column = new();

        private static readonly ParquetColumn<CuratedReview, string> EpisodeId = Column.Text("episode_id", r => r.EpisodeId);
        private static readonly ParquetColumn<CuratedReview, DateOnly> Date = Column.Date("review_date", r => r.ReviewDate);
        private static readonly ParquetColumn<CuratedReview, string> Stage = Column.Text("stage", r => r.Stage.ToString());
        private static readonly ParquetColumn<CuratedReview, int?> Opiate = Column.OptionalInt32("opiate_days", r => r.OpiateDays);
        private static readonly ParquetColumn<CuratedReview, int?> Crack = Column.OptionalInt32("crack_days", r => r.CrackDays);
        private static readonly ParquetColumn<CuratedReview, int?> Cocaine = Column.OptionalInt32("cocaine_days", r => r.CocaineDays);
        private static readonly ParquetColumn<CuratedReview, int?> Benzodiazepine = Column.OptionalInt32("benzodiazepine_days", r => r.BenzodiazepineDays);
        private static readonly ParquetColumn<CuratedReview, int?> Alcohol = Column.OptionalInt32("alcohol_days", r => r.AlcoholDays);
        private static readonly ParquetColumn<CuratedReview, int?> Injecting = Column.OptionalInt32("injecting_days", r => r.InjectingDays);
        private static readonly ParquetColumn<CuratedReview, bool?> Shared = Column.OptionalBoolean("shared_equipment", r => r.SharedEquipment);
        private static readonly ParquetColumn<CuratedReview, int?> Psychological = Column.OptionalInt32("psychological_health", r => r.PsychologicalHealth);
        private static readonly ParquetColumn<CuratedReview, int?> Physical = Column.OptionalInt32("physical_health", r => r.PhysicalHealth);
        private static readonly ParquetColumn<CuratedReview, int?> Quality = Column.OptionalInt32("quality_of_life", r => r.QualityOfLife);
        private static readonly ParquetColumn<CuratedReview, bool?> Housing = Column.OptionalBoolean("acute_housing_problem", r => r.AcuteHousingProblem);
        private static readonly ParquetColumn<CuratedReview, int?> Work = Column.OptionalInt32("paid_work_days", r => r.PaidWorkDays);
        private static readonly ParquetColumn<CuratedReview, int?> Barc10 = Column.OptionalInt32("barc10_score", r => r.Barc10Score);
        private static readonly ParquetColumn<CuratedReview, int?> GoalsSet = Column.OptionalInt32("goals_set", r => r.GoalsSet);
        private static readonly ParquetColumn<CuratedReview, int?> GoalsProgressed = Column.OptionalInt32("goals_progressed", r => r.GoalsProgressed);

        public static readonly ParquetTable<CuratedReview> Table = new(
            EpisodeId, Date, Stage, Opiate, Crack, Cocaine, Benzodiazepine, Alcohol, Injecting, Shared, Psychological, Physical, Quality, Housing,
            Work, Barc10, GoalsSet, GoalsProgressed);

        public static CuratedReview Read(ParquetRowValues<CuratedReview> r, string provider) => new(
            provider, r.Get(EpisodeId), r.Get(Date), Code<ReviewStage>.Parse(r.Get(Stage)),
            r.Get(Opiate), r.Get(Crack), r.Get(Cocaine), r.Get(Benzodiazepine), r.Get(Alcohol), r.Get(Injecting), r.Get(Shared),
            r.Get(Psychological), r.Get(Physical), r.Get(Quality), r.Get(Housing), r.Get(Work), r.Get(Barc10), r.Get(GoalsSet), r.Get(GoalsProgressed));
    }

    private static class NspRows
    {
        private static readonly ParquetColumns<NspMonthTotals> Column = new();

        private static readonly ParquetColumn<NspMonthTotals, string> Month = Column.Text("month", t => t.Month.ToString());
        private static readonly ParquetColumn<NspMonthTotals, long> Transactions = Column.Int64("transactions", t => t.Transactions);
        private static readonly ParquetColumn<NspMonthTotals, long> Needles = Column.Int64("needles_supplied", t => t.Needles);
        private static readonly ParquetColumn<NspMonthTotals, long> NewRegistrations = Column.Int64("new_registrations", t => t.NewRegistrations);
        private static readonly ParquetColumn<NspMonthTotals, long> Naloxone = Column.Int64("naloxone_supplied", t => t.NaloxoneSupplied);
        private static readonly ParquetColumn<NspMonthTotals, long> Referred = Column.Int64("referred_to_treatment", t => t.ReferredToTreatment);

        public static readonly ParquetTable<NspMonthTotals> Table = new(Month, Transactions, Needles, NewRegistrations, Naloxone, Referred);

        public static NspMonthTotals Read(ParquetRowValues<NspMonthTotals> r, string provider) => new(
            provider, ProviderStateFile.Month(r.Get(Month)), r.Get(Transactions), r.Get(Needles), r.Get(NewRegistrations), r.Get(Naloxone), r.Get(Referred));
    }

    private static class WorkforceRows
    {
        private static readonly ParquetColumns<WorkforceMonth> Column = new();

        private static readonly ParquetColumn<WorkforceMonth, string> Month = Column.Text("month", w => w.Month.ToString());
        private static readonly ParquetColumn<WorkforceMonth, int> Headcount = Column.Int32("staff_headcount", w => w.Row.StaffHeadcount);
        private static readonly ParquetColumn<WorkforceMonth, string> Fte = Column.Text("staff_fte", w => Text(w.Row.StaffFte)!);
        private static readonly ParquetColumn<WorkforceMonth, string> LeaveFte = Column.Text("long_term_leave_fte", w => Text(w.Row.LongTermLeaveFte)!);
        private static readonly ParquetColumn<WorkforceMonth, int> OnLeave = Column.Int32("staff_on_long_term_leave", w => w.Row.StaffOnLongTermLeave);
        private static readonly ParquetColumn<WorkforceMonth, int> Under2Years = Column.Int32("staff_under_2_years", w => w.Row.StaffUnder2Years);

        public static readonly ParquetTable<WorkforceMonth> Table = new(Month, Headcount, Fte, LeaveFte, OnLeave, Under2Years);

        public static WorkforceMonth Read(ParquetRowValues<WorkforceMonth> r, string provider) => new(
            provider,
            ProviderStateFile.Month(r.Get(Month)),
            new CuratedWorkforce(provider, r.Get(Headcount), Decimal(r.Get(Fte))!.Value, Decimal(r.Get(LeaveFte))!.Value, r.Get(OnLeave), r.Get(Under2Years)));
    }
}
