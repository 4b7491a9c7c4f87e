using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using KpiPipeline.Core.Csv;

namespace KpiPipeline.Core.Validation;

/// <summary>Renders a validation report as JSON (stable snake_case names) or as CSV for people (one issue per row).</summary>
public static class ReportRenderers
{
    /// <summary>The CSV report's columns.</summary>
    public static IReadOnlyList<string> CsvColumns { get; } = ["row", "line", "column", "value", "rule_id", "severity", "message"];

    public static void WriteJson(ValidationReport report, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(report);
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        json.WriteStartObject();
        json.WriteString("file_name", report.FileName);
        json.WriteString("outcome", report.Accepted ? "accepted" : "rejected");
        json.WriteBoolean("accepted", report.Accepted);
        WriteNullableString(json, "provider_code", report.Path?.ProviderCode);
        WriteNullableString(json, "reporting_month", report.Path?.Month.ToString());
        WriteNullableString(json, "file_kind", report.Path is null ? null : Dataset.CodeRules.FileName(report.Path.Kind));
        WriteNullableString(json, "uploaded_at", report.UploadedAt?.ToString("O", CultureInfo.InvariantCulture));
        json.WriteNumber("rows_read", report.RowsRead);
        WriteNullableNumber(json, "size_bytes", report.SizeBytes);
        WriteNullableString(json, "sha256", report.Sha256);
        json.WriteNumber("error_count", report.ErrorCount);
        json.WriteNumber("warning_count", report.WarningCount);
        json.WriteStartArray("counts_by_rule");
        foreach (var count in report.CountsByRule)
        {
            json.WriteStartObject();
            json.WriteString("rule_id", count.RuleId);
            json.WriteString("severity", SeverityText(count.Severity));
            json.WriteNumber("count", count.Count);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartArray("issues");
        foreach (var issue in report.Issues)
        {
            json.WriteStartObject();
            WriteNullableNumber(json, "row", issue.Row);
            WriteNullableNumber(json, "line", issue.Line);
            WriteNullableString(json, "column", issue.Column);
            WriteNullableString(json, "value", issue.Value);
            json.WriteBoolean("value_withheld", issue.ValueWithheld);
            json.WriteString("rule_id", issue.RuleId);
            json.WriteString("severity", SeverityText(issue.Severity));
            json.WriteString("message", issue.Message);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteNumber("issues_not_listed", report.IssuesNotListed);
        json.WriteEndObject();
    }

    public static string ToJson(ValidationReport report)
    {
        using var memory = new MemoryStream();
        WriteJson(report, memory);
        return Encoding.UTF8.GetString(memory.ToArray());
    }

    /// <summary>
    /// CSV for people: UTF-8 with BOM (so spreadsheets read it as UTF-8), one issue per row, every text field
    /// formula-neutralised; when issues were left out a last row says how many.
    /// </summary>
    public static void WriteCsv(ValidationReport report, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(report);
        using var writer = TableWriter(stream, CsvColumns);
        foreach (var issue in report.Issues)
        {
            WriteRow(writer, IssueFields(issue));
        }

        if (report.IssuesNotListed > 0)
        {
            WriteRow(writer, null, null, null, null, null, null,
                $"{report.IssuesNotListed} more issues are not listed (at most {ValidationReport.MaxListedIssues} are). See counts by rule in the JSON report.");
        }
    }

    public static string ToCsv(ValidationReport report)
    {
        using var memory = new MemoryStream();
        WriteCsv(report, memory);
        return new UTF8Encoding(false).GetString(memory.ToArray()).TrimStart('\uFEFF');
    }

    /// <summary>The columns of a run's table of files (<see cref="WriteFileTable"/>).</summary>
    public static IReadOnlyList<string> FileTableColumns { get; } =
    [
        "file_name", "outcome", "provider_code", "reporting_month", "file_kind", "rows_read", "size_bytes", "sha256",
        "error_count", "warning_count", "counts_by_rule", "issues_not_listed", "report", "used",
    ];

    /// <summary>
    /// A run's table of files for people and analysts (UTF-8 with BOM, formula-neutralised like <see cref="WriteCsv"/>):
    /// one row per report in the order given, with the JSON report's figures; <c>counts_by_rule</c> as <c>E06:3 W02:1</c>,
    /// <c>report</c> the path of the file's full report where one was written, else blank, and <c>used</c> whether the
    /// KPIs read the file (<c>true</c>/<c>false</c>: an accepted file of a month after the as-of date is not read).
    /// </summary>
    public static void WriteFileTable(IEnumerable<(ValidationReport Report, string? FullReport, bool Used)> files, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(files);
        using var writer = TableWriter(stream, FileTableColumns);
        foreach (var (report, fullReport, used) in files)
        {
            WriteRow(
                writer,
                report.FileName,
                report.Accepted ? "accepted" : "rejected",
                report.Path?.ProviderCode,
                report.Path?.Month.ToString(),
                report.Path is null ? null : Dataset.CodeRules.FileName(report.Path.Kind),
                Number(report.RowsRead),
                Number(report.SizeBytes),
                report.Sha256,
                Number(report.ErrorCount),
                Number(report.WarningCount),
                string.Join(' ', report.CountsByRule.Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.RuleId}:{c.Count}"))),
                Number(report.IssuesNotListed),
                fullReport,
                used ? "true" : "false");
        }
    }

    /// <summary>
    /// A run's table of issues: every listed issue of every report in the order given, each row the <see cref="CsvColumns"/>
    /// of <see cref="WriteCsv"/> after the file's name. Issues beyond a report's listed ones are counted in the table of files.
    /// </summary>
    public static void WriteIssueTable(IEnumerable<ValidationReport> reports, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(reports);
        using var writer = TableWriter(stream, ["file_name", .. CsvColumns]);
        foreach (var report in reports)
        {
            foreach (var issue in report.Issues)
            {
                WriteRow(writer, [report.FileName, .. IssueFields(issue)]);
            }
        }
    }

    private static StreamWriter TableWriter(Stream stream, IEnumerable<string> columns)
    {
        var writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), 64 * 1024, leaveOpen: true) { NewLine = "\r\n" };
        writer.WriteLine(string.Join(",", columns));
        return writer;
    }

    /// <summary>An issue's <see cref="CsvColumns"/>, in their order.</summary>
    private static string?[] IssueFields(ValidationIssue issue) =>
    [
        Number(issue.Row),
        Number(issue.Line),
        issue.Column,
        issue.ValueWithheld ? "(withheld)" : issue.Value,
        issue.RuleId,
        SeverityText(issue.Severity),
        issue.Message,
    ];

    private static string? Number(long? value) => value?.ToString(CultureInfo.InvariantCulture);

    private static void WriteRow(TextWriter writer, params string?[] fields)
    {
        for (var i = 0; i < fields.Length; i++)
        {
            if (i > 0)
            {
                writer.Write(',');
            }

            var text = fields[i] ?? string.Empty;
            CsvText.WriteField(writer, IssueCollector.StartsLikeFormula(text) ? "'" + text : text);
        }

        writer.WriteLine();
    }

    private static string SeverityText(IssueSeverity severity) => severity == IssueSeverity.Error ? "error" : "warning";

    private static void WriteNullableString(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, value);
        }
    }

    private static void WriteNullableNumber(Utf8JsonWriter json, string name, long? value)
    {
        if (value is { } number)
        {
            json.WriteNumber(name, number);
        }
        else
        {
            json.WriteNull(name);
        }
    }
}
