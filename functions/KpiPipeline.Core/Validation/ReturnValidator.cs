using KpiPipeline.Core.Csv;
using KpiPipeline.Core.Dataset;

namespace KpiPipeline.Core.Validation;

/// <summary>
/// Validates one uploaded return file as it streams (dataset.md sections 1–4 and 6), pushing each curated row into a sink
/// while the file is still clean, and returns the report. Any error rejects the whole file; warnings never do.
/// </summary>
public static class ReturnValidator
{
    public static async Task<ValidationReport> ValidateAsync(
        string blobName,
        Stream content,
        ValidationContext context,
        ICuratedRowSink sink,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blobName);
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(sink);
        var issues = new IssueCollector();
        if (!ReturnPath.TryParse(blobName, out var path, out var problem))
        {
            issues.Add(Rules.F01, null, null, null, default, problem!);
            return issues.ToReport(blobName, null, context.UploadedAt, 0, null, null);
        }

        if (context.Reference.FindProvider(path!.ProviderCode) is null)
        {
            issues.Add(Rules.F02, null, null, "provider_code", path.ProviderCode,
                "This provider code is not registered in reference/providers.csv, so its files cannot be accepted.");
            return issues.ToReport(blobName, path, context.UploadedAt, 0, null, null);
        }

        if (path.Month.FirstDay > DateOnly.FromDateTime(context.UploadedAt.UtcDateTime))
        {
            issues.Add(Rules.W05, null, null, null, default,
                $"The reporting month {path.Month} has not started yet at the upload time.");
        }

        FileRules rules = path.Kind switch
        {
            ReturnFileKind.Episodes => new EpisodesRules(path, context, sink, issues),
            ReturnFileKind.Reviews => new ReviewsRules(path, context, sink, issues),
            ReturnFileKind.Nsp => new NspRules(path, context, sink, issues),
            ReturnFileKind.Workforce => new WorkforceRules(path, context, sink, issues),
            _ => throw new ArgumentOutOfRangeException(nameof(blobName), path.Kind, "Not a return file kind."),
        };

        using var metered = new MeteredReadStream(content);
        var (rowsRead, complete) = await ReadAsync(metered, rules, issues, context.MaxFileBytes, cancellationToken).ConfigureAwait(false);
        if (!complete)
        {
            return issues.ToReport(blobName, path, context.UploadedAt, rowsRead, null, null);
        }

        await metered.DrainAsync(cancellationToken).ConfigureAwait(false);
        return issues.ToReport(blobName, path, context.UploadedAt, rowsRead, metered.BytesRead, metered.Sha256Hex());
    }

    /// <summary>Reads the header and rows through the rules; false when reading stopped at the size limit.</summary>
    internal static async Task<(long RowsRead, bool Complete)> ReadAsync(
        MeteredReadStream content, FileRules rules, IssueCollector issues, long maxFileBytes, CancellationToken cancellationToken)
    {
        using var csv = new CsvReader(content, leaveOpen: true);
        var inMemory = content.ReadsFromMemory;
        if (!await NextAsync(csv, inMemory, cancellationToken).ConfigureAwait(false))
        {
            if (TooLarge(content, issues, maxFileBytes))
            {
                return (0, false);
            }

            issues.Add(Rules.F08, null, null, null, default, "The file is empty: it needs at least a header row.");
            return (0, true);
        }

        if (csv.Problem != CsvProblem.None)
        {
            ReportCsvProblem(csv, issues, rules, row: null);
            if (csv.ProblemIsFatal)
            {
                return (0, !TooLarge(content, issues, maxFileBytes));
            }
        }

        rules.BindHeader(csv);
        long rows = 0;
        while (await NextAsync(csv, inMemory, cancellationToken).ConfigureAwait(false))
        {
            if (TooLarge(content, issues, maxFileBytes))
            {
                return (rows, false);
            }

            rows++;
            if (csv.Problem != CsvProblem.None)
            {
                ReportCsvProblem(csv, issues, rules, rows);
                rules.NoteUncheckedRow(rows, csv.LineNumber);
            }
            else if (rules.RowsCheckable)
            {
                rules.CheckRow(rows, csv.LineNumber);
            }
        }

        if (TooLarge(content, issues, maxFileBytes))
        {
            return (rows, false);
        }

        rules.Finish(rows);
        return (rows, true);
    }

    /// <summary>
    /// The next record. Content already in memory (<c>kpi process</c> reads each file whole) is read synchronously: no read
    /// can wait, and an asynchronous read per row cost the reader's and Sep's state machines on every one of millions of rows.
    /// </summary>
    private static ValueTask<bool> NextAsync(CsvReader csv, bool inMemory, CancellationToken cancellationToken)
    {
        if (!inMemory)
        {
            return csv.ReadAsync(cancellationToken);
        }

        cancellationToken.ThrowIfCancellationRequested();
        return new ValueTask<bool>(csv.Read());
    }

    /// <summary>
    /// The report of a file rejected before any of it is read, with one file-level error: used by <c>kpi process</c> for a
    /// file larger than the limit (F09), a second file of the same return (F11) or one that cannot be read (F12).
    /// </summary>
    public static ValidationReport RejectUnread(string blobName, Rule rule, string message, DateTimeOffset uploadedAt)
    {
        ArgumentNullException.ThrowIfNull(blobName);
        var issues = new IssueCollector();
        issues.Add(rule, null, null, null, default, message);
        return issues.ToReport(blobName, ReturnPath.TryParse(blobName, out var path, out _) ? path : null, uploadedAt, 0, null, null);
    }

    /// <summary>The F09 message for <paramref name="maxFileBytes"/>.</summary>
    public static string TooLargeMessage(long maxFileBytes) =>
        $"The file is larger than the limit of {maxFileBytes} bytes; it was not read further.";

    private static bool TooLarge(MeteredReadStream content, IssueCollector issues, long maxFileBytes)
    {
        if (content.BytesRead <= maxFileBytes)
        {
            return false;
        }

        issues.Add(Rules.F09, null, null, null, default, TooLargeMessage(maxFileBytes));
        return true;
    }

    /// <summary>
    /// The current record's CSV problem as an issue: on a data row with as many fields as the header, an invalid byte or a
    /// misplaced quote names the column of the field it is in (when the header names it as a column of the file). Its value
    /// is not shown: a row whose bytes or quotes are broken cannot be trusted to hold in each field what the column says
    /// (a Latin-1 <c>17.März.1980</c> reads as <c>17.M\uFFFDrz.1980</c>, which no check would know for a date), and with a
    /// field count unlike the header's the fields are not under their columns at all.
    /// </summary>
    private static void ReportCsvProblem(CsvReader csv, IssueCollector issues, FileRules rules, long? row)
    {
        var (rule, message) = csv.Problem switch
        {
            CsvProblem.InvalidUtf8 => (Rules.F07, "This row has bytes that are not valid UTF-8. Save the file as UTF-8 (CSV UTF-8)."),
            CsvProblem.FieldCountMismatch => (Rules.F10, $"This row has {csv.FieldCount} fields; the header has {csv.HeaderFieldCount}."),
            CsvProblem.QuoteInUnquotedField => (Rules.F03, "A double quote appears inside a field that is not quoted. Quote the field and double the quote (\"\")."),
            CsvProblem.TextAfterClosingQuote => (Rules.F03, "Text follows the closing quote of a quoted field. A quote inside a quoted field must be doubled (\"\")."),
            CsvProblem.UnterminatedQuote => (Rules.F03, "A quoted field starting on this row is never closed; the rest of the file could not be read."),
            _ => (Rules.F03, $"A row is longer than {CsvReader.DefaultMaxRecordBytes} bytes (often an unclosed quote); the rest of the file could not be read."),
        };
        var field = csv.ProblemField;
        var column = row is not null && csv.Problem is not CsvProblem.FieldCountMismatch && csv.FieldCount == csv.HeaderFieldCount
                     && field >= 0 && field < csv.FieldCount
            ? rules.ColumnAtField(field)
            : null;
        issues.Add(rule, row, csv.LineNumber, column, default, message);
    }
}
