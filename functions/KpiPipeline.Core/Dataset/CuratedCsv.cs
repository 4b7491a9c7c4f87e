using System.Globalization;
using System.Runtime.CompilerServices;
using KpiPipeline.Core.Csv;
using KpiPipeline.Core.Validation;

namespace KpiPipeline.Core.Dataset;

/// <summary>
/// The curated CSV format: one file per curated record type, a header of the record's fields in snake_case, UTF-8
/// without BOM, LF line ends. A null is a blank field and an empty text is <c>""</c>, so every record round-trips
/// exactly. Dates are <c>YYYY-MM-DD</c>, flags <c>Y</c>/<c>N</c>, codes as in the spec, decimals invariant.
/// </summary>
public static class CuratedCsv
{
    public static IReadOnlyList<string> EpisodeColumns { get; } =
    [
        "provider_code", "episode_id", "client_key", "age_at_referral", "sex", "referral_date", "referral_source",
        "primary_substance", "treatment_start_date", "setting", "medication", "daily_dose_mg", "treatment_goal",
        "naloxone_supplied", "exit_date", "exit_reason", "record_status",
    ];

    public static IReadOnlyList<string> ReviewColumns { get; } =
    [
        "provider_code", "episode_id", "review_date", "stage", "opiate_days", "crack_days", "cocaine_days",
        "benzodiazepine_days", "alcohol_days", "injecting_days", "shared_equipment", "psychological_health",
        "physical_health", "quality_of_life", "acute_housing_problem", "paid_work_days", "barc10_score", "goals_set",
        "goals_progressed",
    ];

    public static IReadOnlyList<string> NspColumns { get; } =
    [
        "provider_code", "outlet_code", "outlet_type", "transaction_date", "registrant_hash", "new_registration",
        "needles_supplied", "used_returned", "naloxone_supplied", "bbv_test", "referred_to_treatment",
    ];

    public static IReadOnlyList<string> WorkforceColumns { get; } =
    [
        "provider_code", "staff_headcount", "staff_fte", "long_term_leave_fte", "staff_on_long_term_leave", "staff_under_2_years",
    ];

    public static IReadOnlyList<string> ColumnsOf(ReturnFileKind kind) => kind switch
    {
        ReturnFileKind.Episodes => EpisodeColumns,
        ReturnFileKind.Reviews => ReviewColumns,
        ReturnFileKind.Nsp => NspColumns,
        ReturnFileKind.Workforce => WorkforceColumns,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a return file kind."),
    };

    public static void WriteEpisodes(Stream stream, IEnumerable<CuratedEpisode> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        using var writer = new CuratedCsvWriter(stream, ReturnFileKind.Episodes, leaveOpen: true);
        foreach (var row in rows)
        {
            writer.Add(row);
        }
    }

    public static void WriteReviews(Stream stream, IEnumerable<CuratedReview> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        using var writer = new CuratedCsvWriter(stream, ReturnFileKind.Reviews, leaveOpen: true);
        foreach (var row in rows)
        {
            writer.Add(row);
        }
    }

    public static void WriteNsp(Stream stream, IEnumerable<CuratedNspTransaction> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        using var writer = new CuratedCsvWriter(stream, ReturnFileKind.Nsp, leaveOpen: true);
        foreach (var row in rows)
        {
            writer.Add(row);
        }
    }

    public static void WriteWorkforce(Stream stream, IEnumerable<CuratedWorkforce> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        using var writer = new CuratedCsvWriter(stream, ReturnFileKind.Workforce, leaveOpen: true);
        foreach (var row in rows)
        {
            writer.Add(row);
        }
    }

    public static IEnumerable<CuratedEpisode> ReadEpisodes(Stream stream) => Read(stream, EpisodeColumns, r => new CuratedEpisode(
        r.Text(0), r.Text(1), r.Text(2), r.Int(3), r.Code<Sex>(4), r.Date(5), r.Code<ReferralSource>(6), r.Code<Substance>(7),
        r.OptionalDate(8), r.OptionalCode<TreatmentSetting>(9), r.OptionalCode<Medication>(10), r.OptionalDecimal(11),
        r.OptionalCode<TreatmentGoal>(12), r.OptionalFlag(13), r.OptionalDate(14), r.OptionalCode<ExitReason>(15),
        r.Code<RecordStatus>(16)));

    public static IEnumerable<CuratedReview> ReadReviews(Stream stream) => Read(stream, ReviewColumns, r => new CuratedReview(
        r.Text(0), r.Text(1), r.Date(2), r.Code<ReviewStage>(3), r.OptionalInt(4), r.OptionalInt(5), r.OptionalInt(6),
        r.OptionalInt(7), r.OptionalInt(8), r.OptionalInt(9), r.OptionalFlag(10), r.OptionalInt(11), r.OptionalInt(12),
        r.OptionalInt(13), r.OptionalFlag(14), r.OptionalInt(15), r.OptionalInt(16), r.OptionalInt(17), r.OptionalInt(18)));

    public static IEnumerable<CuratedNspTransaction> ReadNsp(Stream stream) => Read(stream, NspColumns, r => new CuratedNspTransaction(
        r.Text(0), r.Text(1), r.Code<OutletType>(2), r.Date(3), r.OptionalText(4), r.OptionalFlag(5), r.Int(6),
        r.OptionalFlag(7), r.OptionalFlag(8), r.OptionalFlag(9), r.OptionalFlag(10)));

    /// <summary>The rows of a curated workforce file (an accepted one has exactly one, K07).</summary>
    public static IEnumerable<CuratedWorkforce> ReadWorkforce(Stream stream) => Read(stream, WorkforceColumns, r => new CuratedWorkforce(
        r.Text(0), r.Int(1), r.Decimal(2), r.Decimal(3), r.Int(4), r.Int(5)));

    public static async IAsyncEnumerable<CuratedEpisode> ReadEpisodesAsync(Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var csv = Open(stream, EpisodeColumns);
        var r = new FieldReader(csv);
        while (await NextAsync(csv, cancellationToken).ConfigureAwait(false))
        {
            yield return new CuratedEpisode(
                r.Text(0), r.Text(1), r.Text(2), r.Int(3), r.Code<Sex>(4), r.Date(5), r.Code<ReferralSource>(6), r.Code<Substance>(7),
                r.OptionalDate(8), r.OptionalCode<TreatmentSetting>(9), r.OptionalCode<Medication>(10), r.OptionalDecimal(11),
                r.OptionalCode<TreatmentGoal>(12), r.OptionalFlag(13), r.OptionalDate(14), r.OptionalCode<ExitReason>(15),
                r.Code<RecordStatus>(16));
        }
    }

    private static IEnumerable<T> Read<T>(Stream stream, IReadOnlyList<string> columns, Func<FieldReader, T> make)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var csv = Open(stream, columns);
        var reader = new FieldReader(csv);
        while (Next(csv))
        {
            yield return make(reader);
        }
    }

    private static CsvReader Open(Stream stream, IReadOnlyList<string> columns)
    {
        var csv = new CsvReader(stream, leaveOpen: true);
        if (!csv.Read())
        {
            csv.Dispose();
            throw new InvalidDataException("Curated CSV is empty: a header row is expected.");
        }

        var ok = csv.Problem == CsvProblem.None && csv.FieldCount == columns.Count;
        for (var i = 0; ok && i < columns.Count; i++)
        {
            ok = csv.GetField(i).SequenceEqual(columns[i]);
        }

        if (!ok)
        {
            csv.Dispose();
            throw new InvalidDataException("Curated CSV header is not: " + string.Join(",", columns));
        }

        return csv;
    }

    private static bool Next(CsvReader csv)
    {
        var more = csv.Read();
        ThrowOnProblem(csv, more);
        return more;
    }

    private static async ValueTask<bool> NextAsync(CsvReader csv, CancellationToken cancellationToken)
    {
        var more = await csv.ReadAsync(cancellationToken).ConfigureAwait(false);
        ThrowOnProblem(csv, more);
        return more;
    }

    private static void ThrowOnProblem(CsvReader csv, bool more)
    {
        if (more && csv.Problem != CsvProblem.None)
        {
            throw new InvalidDataException($"Curated CSV is damaged at line {csv.LineNumber}: {csv.Problem}.");
        }
    }

    /// <summary>Typed access to the fields of the current curated record; damage is an exception, not a report.</summary>
    private sealed class FieldReader(CsvReader csv)
    {
        public string Text(int i) => OptionalText(i) ?? throw Damaged(i);

        public string? OptionalText(int i) => csv.GetField(i).IsEmpty && !csv.IsQuoted(i) ? null : csv.GetString(i);

        public int Int(int i) => OptionalInt(i) ?? throw Damaged(i);

        public int? OptionalInt(int i) =>
            csv.GetField(i).IsEmpty ? null
            : int.TryParse(csv.GetField(i), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) ? v : throw Damaged(i);

        public decimal Decimal(int i) => OptionalDecimal(i) ?? throw Damaged(i);

        public decimal? OptionalDecimal(int i) =>
            csv.GetField(i).IsEmpty ? null
            : decimal.TryParse(csv.GetField(i), NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var v) ? v : throw Damaged(i);

        public DateOnly Date(int i) => OptionalDate(i) ?? throw Damaged(i);

        public DateOnly? OptionalDate(int i) =>
            csv.GetField(i).IsEmpty ? null : FieldParsers.TryParseDate(csv.GetField(i), out var d) ? d : throw Damaged(i);

        public bool? OptionalFlag(int i) =>
            csv.GetField(i).IsEmpty ? null : FieldParsers.TryParseYesNo(csv.GetField(i), out var f) ? f : throw Damaged(i);

        public T Code<T>(int i)
            where T : struct, Enum => OptionalCode<T>(i) ?? throw Damaged(i);

        public T? OptionalCode<T>(int i)
            where T : struct, Enum =>
            csv.GetField(i).IsEmpty ? null : FieldParsers.TryParseCode<T>(csv.GetField(i), out var c) ? c : throw Damaged(i);

        private InvalidDataException Damaged(int i) =>
            new($"Curated CSV is damaged at line {csv.LineNumber}, field {i + 1}.");
    }
}

/// <summary>Writes curated rows of one kind as curated CSV while they arrive (an <see cref="ICuratedRowSink"/>).</summary>
public sealed class CuratedCsvWriter : ICuratedRowSink, IDisposable
{
    private readonly StreamWriter writer;
    private readonly ReturnFileKind kind;

    public CuratedCsvWriter(Stream stream, ReturnFileKind kind, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        writer = new StreamWriter(stream, CsvText.Utf8NoBom, 64 * 1024, leaveOpen) { NewLine = "\n" };
        this.kind = kind;
        writer.Write(string.Join(",", CuratedCsv.ColumnsOf(kind)));
        writer.Write('\n');
    }

    public long RowsWritten { get; private set; }

    public void Add(CuratedEpisode row)
    {
        ArgumentNullException.ThrowIfNull(row);
        Expect(ReturnFileKind.Episodes);
        Text(row.ProviderCode);
        Text(row.EpisodeId);
        Text(row.ClientKey);
        Number(row.AgeAtReferral);
        Code(row.Sex);
        Date(row.ReferralDate);
        Code(row.ReferralSource);
        Code(row.PrimarySubstance);
        Date(row.TreatmentStartDate);
        Code(row.Setting);
        Code(row.Medication);
        Number(row.DailyDoseMg);
        Code(row.TreatmentGoal);
        Flag(row.NaloxoneSupplied);
        Date(row.ExitDate);
        Code(row.ExitReason);
        Code(row.RecordStatus, last: true);
        EndRow();
    }

    public void Add(CuratedReview row)
    {
        ArgumentNullException.ThrowIfNull(row);
        Expect(ReturnFileKind.Reviews);
        Text(row.ProviderCode);
        Text(row.EpisodeId);
        Date(row.ReviewDate);
        Code(row.Stage);
        Number(row.OpiateDays);
        Number(row.CrackDays);
        Number(row.CocaineDays);
        Number(row.BenzodiazepineDays);
        Number(row.AlcoholDays);
        Number(row.InjectingDays);
        Flag(row.SharedEquipment);
        Number(row.PsychologicalHealth);
        Number(row.PhysicalHealth);
        Number(row.QualityOfLife);
        Flag(row.AcuteHousingProblem);
        Number(row.PaidWorkDays);
        Number(row.Barc10Score);
        Number(row.GoalsSet);
        Number(row.GoalsProgressed, last: true);
        EndRow();
    }

    public void Add(CuratedNspTransaction row)
    {
        Expect(ReturnFileKind.Nsp);
        Text(row.ProviderCode);
        Text(row.OutletCode);
        Code(row.OutletType);
        Date(row.TransactionDate);
        Text(row.RegistrantHash);
        Flag(row.NewRegistration);
        Number(row.NeedlesSupplied);
        Flag(row.UsedReturned);
        Flag(row.NaloxoneSupplied);
        Flag(row.BbvTest);
        Flag(row.ReferredToTreatment, last: true);
        EndRow();
    }

    public void Add(CuratedWorkforce row)
    {
        ArgumentNullException.ThrowIfNull(row);
        Expect(ReturnFileKind.Workforce);
        Text(row.ProviderCode);
        Number(row.StaffHeadcount);
        Number(row.StaffFte);
        Number(row.LongTermLeaveFte);
        Number(row.StaffOnLongTermLeave);
        Number(row.StaffUnder2Years, last: true);
        EndRow();
    }

    public void Flush() => writer.Flush();

    public void Dispose() => writer.Dispose();

    private void Expect(ReturnFileKind rowKind)
    {
        if (rowKind != kind)
        {
            throw new InvalidOperationException($"This writer writes {kind} rows, not {rowKind}.");
        }
    }

    private void EndRow()
    {
        writer.Write('\n');
        RowsWritten++;
    }

    private void Separator(bool last)
    {
        if (!last)
        {
            writer.Write(',');
        }
    }

    private void Text(string? value, bool last = false)
    {
        if (value is not null)
        {
            CsvText.WriteField(writer, value, quoteWhenEmpty: true);
        }

        Separator(last);
    }

    private void Number<T>(T value, bool last = false)
        where T : struct, ISpanFormattable => Number((T?)value, last);

    private void Number<T>(T? value, bool last = false)
        where T : struct, ISpanFormattable
    {
        if (value is { } v)
        {
            Span<char> text = stackalloc char[40];
            v.TryFormat(text, out var written, default, CultureInfo.InvariantCulture);
            writer.Write(text[..written]);
        }

        Separator(last);
    }

    private void Date(DateOnly? value, bool last = false)
    {
        if (value is { } d)
        {
            Span<char> text = stackalloc char[10];
            d.TryFormat(text, out var written, "yyyy-MM-dd", CultureInfo.InvariantCulture);
            writer.Write(text[..written]);
        }

        Separator(last);
    }

    private void Code<T>(T value, bool last = false)
        where T : struct, Enum => Code((T?)value, last);

    private void Code<T>(T? value, bool last = false)
        where T : struct, Enum
    {
        if (value is { } v)
        {
            writer.Write(v.ToString());
        }

        Separator(last);
    }

    private void Flag(bool? value, bool last = false)
    {
        if (value is { } f)
        {
            writer.Write(f ? 'Y' : 'N');
        }

        Separator(last);
    }
}
