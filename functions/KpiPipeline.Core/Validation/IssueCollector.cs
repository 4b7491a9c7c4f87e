using System.Globalization;
using KpiPipeline.Core.Dataset;

namespace KpiPipeline.Core.Validation;

/// <summary>
/// Gathers issues for one file: keeps the first <see cref="ValidationReport.MaxListedIssues"/>, counts them all by rule,
/// and makes every value safe for a report as it arrives (raw values are never stored): values of the identifier
/// columns, and any value that could be initials or a date of birth (<see cref="IdentifierGuard"/>), are withheld.
/// </summary>
public sealed class IssueCollector
{
    /// <summary>Longest value shown in a report.</summary>
    public const int MaxValueLength = 50;

    private static readonly HashSet<string> WithheldColumns = new(StringComparer.OrdinalIgnoreCase)
    {
        "first_initial", "last_initial", "date_of_birth", "registrant_token",
    };

    private readonly List<ValidationIssue> listed = [];
    private readonly Dictionary<Rule, long> counts = [];
    private long notListed;

    public bool HasErrors => ErrorCount > 0;

    public long ErrorCount { get; private set; }

    /// <summary>Errors and warnings so far.</summary>
    public long IssueCount { get; private set; }

    /// <summary>An issue of <paramref name="rule"/> (an error or a warning, as the rule says).</summary>
    public void Add(Rule rule, long? row, long? line, string? column, ReadOnlySpan<char> value, string message) =>
        Add(rule, row, line, column, value, withhold: false, message);

    /// <summary>
    /// An issue about a header field whose text is not shown (it could be personal data): no column, the value withheld.
    /// </summary>
    public void AddWithheld(Rule rule, long? line, string message) =>
        Add(rule, null, line, null, default, withhold: true, message);

    private void Add(Rule rule, long? row, long? line, string? column, ReadOnlySpan<char> value, bool withhold, string message)
    {
        IssueCount++;
        if (rule.Severity == IssueSeverity.Error)
        {
            ErrorCount++;
        }

        ref var count = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(counts, rule, out _);
        count++;
        if (listed.Count >= ValidationReport.MaxListedIssues)
        {
            notListed++;
            return;
        }

        var withheld = withhold
            || (!value.IsEmpty && ((column is not null && WithheldColumns.Contains(column)) || IdentifierGuard.CouldBeIdentifier(value)));
        listed.Add(new ValidationIssue(
            row,
            line,
            column is null ? null : SafeText(column),
            withheld || value.IsEmpty ? null : SafeText(value),
            withheld,
            rule.Id,
            rule.Severity,
            message));
    }

    public ValidationReport ToReport(string fileName, ReturnPath? path, DateTimeOffset? uploadedAt, long rowsRead, long? sizeBytes, string? sha256) =>
        new(
            fileName,
            path,
            uploadedAt,
            rowsRead,
            sizeBytes,
            sha256,
            listed.ToList(),
            counts.OrderBy(c => c.Key.Id, StringComparer.Ordinal).Select(c => new RuleCount(c.Key.Id, c.Key.Severity, c.Value)).ToList(),
            notListed);

    /// <summary>
    /// A value as a report may show it: the first 50 characters, and a leading apostrophe when it starts with a
    /// character spreadsheet programs read as a formula (<c>= + - @</c>, tab or carriage return).
    /// </summary>
    public static string SafeText(ReadOnlySpan<char> value)
    {
        if (value.Length > MaxValueLength)
        {
            var cut = MaxValueLength;
            if (char.IsHighSurrogate(value[cut - 1]))
            {
                cut--;
            }

            value = value[..cut];
        }

        return StartsLikeFormula(value) ? "'" + new string(value) : new string(value);
    }

    public static bool StartsLikeFormula(ReadOnlySpan<char> value) =>
        !value.IsEmpty && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r';

    internal static string Describe(long number) => number.ToString(CultureInfo.InvariantCulture);
}
