using KpiPipeline.Core.Dataset;

namespace KpiPipeline.Core.Validation;

public enum IssueSeverity { Error, Warning }

/// <summary>
/// One problem found in a file. <see cref="Row"/> is 1 for the first data row and null for file-level problems
/// (path, header, W02); <see cref="Line"/> is the physical line where the row starts. <see cref="Value"/> is already
/// made safe for reports (truncated, formula-neutralised) and null when withheld or not applicable.
/// </summary>
public sealed record ValidationIssue(
    long? Row,
    long? Line,
    string? Column,
    string? Value,
    bool ValueWithheld,
    string RuleId,
    IssueSeverity Severity,
    string Message)
{
    /// <summary>
    /// Where the issue is, as a person reads it: <c>row 12 (line 13 of the file), column sex</c>, the row counted from the
    /// first under the header and the line where it starts, which is the row number a spreadsheet shows; <c>line 1, column sex</c> in the header;
    /// <c>column episode_id</c> for a file-level rule about one column (W02); empty for the whole file (a path, a file
    /// refused unread).
    /// </summary>
    public string Place =>
        string.Join(", ", new[]
        {
            (Row, Line) switch
            {
                ({ } row, { } line) => $"row {row} (line {line} of the file)",
                ({ } row, null) => $"row {row}",
                (null, { } line) => $"line {line}",
                _ => null,
            },
            Column is { } column ? $"column {column}" : null,
        }.OfType<string>());

    /// <summary>
    /// The issue in one line of a message, after the file it is in when given: <c>providers.csv row 3, column area_code: R03 …</c>;
    /// <c>row 3, column sex: E05 …</c>; <c>F12 …</c> for a file refused unread, with no file named.
    /// </summary>
    public string Describe(string? fileName = null)
    {
        var where = string.Join(' ', new[] { fileName, Place }.Where(part => !string.IsNullOrEmpty(part)));
        return where.Length == 0 ? $"{RuleId} {Message}" : $"{where}: {RuleId} {Message}";
    }
}

/// <summary>How often one rule fired (every occurrence, listed or not).</summary>
public sealed record RuleCount(string RuleId, IssueSeverity Severity, long Count);

/// <summary>The validation report of one upload (dataset.md section 1).</summary>
public sealed record ValidationReport(
    string FileName,
    ReturnPath? Path,
    DateTimeOffset? UploadedAt,
    long RowsRead,
    long? SizeBytes,
    string? Sha256,
    IReadOnlyList<ValidationIssue> Issues,
    IReadOnlyList<RuleCount> CountsByRule,
    long IssuesNotListed)
{
    /// <summary>At most this many issues are listed (dataset.md section 1).</summary>
    public const int MaxListedIssues = 1000;

    public long ErrorCount => CountsByRule.Where(c => c.Severity == IssueSeverity.Error).Sum(c => c.Count);

    public long WarningCount => CountsByRule.Where(c => c.Severity == IssueSeverity.Warning).Sum(c => c.Count);

    /// <summary>Any error rejects the whole file; warnings never do.</summary>
    public bool Accepted => ErrorCount == 0;

    public long CountOf(string ruleId) => CountsByRule.Where(c => c.RuleId == ruleId).Sum(c => c.Count);

    public long CountOf(Rule rule) => CountOf(rule.Id);
}
