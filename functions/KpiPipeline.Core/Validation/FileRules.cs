using KpiPipeline.Core.Csv;

namespace KpiPipeline.Core.Validation;

/// <summary>One column a file defines.</summary>
internal sealed record ColumnSpec(string Name, bool Required);

/// <summary>
/// The rules of one kind of file: binds the header (F04–F06), then checks one row at a time and finally the
/// whole file. Subclasses name their columns by index into <see cref="Columns"/>.
/// </summary>
internal abstract class FileRules(ColumnSpec[] columns, IssueCollector issues)
{
    private int[] fieldOfColumn = [];
    private CsvReader? csv;
    private bool headerNamesAllKnown = true;

    protected IssueCollector Issues { get; } = issues;

    protected ColumnSpec[] Columns { get; } = columns;

    /// <summary>False when a required column is missing (F04).</summary>
    public bool RequiredColumnsPresent { get; private set; }

    /// <summary>
    /// Whether rows are checked field by field: always when every required column is there; when one is missing (F04),
    /// only for a return file whose header names nothing but its own columns (no F06), so that every other problem is
    /// named in the same report. A header with a blank or unknown name beside a missing column is often shifted (a name
    /// deleted, the rest slid left), and its rows would be read under the wrong names, a date of birth as a <c>sex</c>:
    /// their fields are then not checked, and a missing column is never reported again on every row.
    /// </summary>
    public bool RowsCheckable => RequiredColumnsPresent || (ChecksRowsUnderAPartialHeader && headerNamesAllKnown);

    /// <summary>Whether rows are checked under a header missing a required column but naming only known columns.</summary>
    protected virtual bool ChecksRowsUnderAPartialHeader => false;

    protected long Row { get; private set; }

    protected long Line { get; private set; }

    /// <summary>The current row's text as sent (line end excluded).</summary>
    protected ReadOnlySpan<char> RawRecord => csv!.RawRecord;

    /// <summary>For each column of <see cref="Columns"/>, the index of the header field it is read from (-1: absent).</summary>
    protected ReadOnlySpan<int> HeaderLayout => fieldOfColumn;

    protected ReadOnlySpan<char> this[int column] => fieldOfColumn[column] < 0 ? default : csv!.GetField(fieldOfColumn[column]);

    /// <summary>The name of the column read from header field <paramref name="field"/>, or null when it is none of this file's columns.</summary>
    public string? ColumnAtField(int field)
    {
        var column = fieldOfColumn.AsSpan().IndexOf(field);
        return column < 0 ? null : Columns[column].Name;
    }

    public void BindHeader(CsvReader header)
    {
        csv = header;
        fieldOfColumn = Enumerable.Repeat(-1, Columns.Length).ToArray();
        headerNamesAllKnown = true;
        var allowed = string.Join(", ", Columns.Select(c => c.Name));
        for (var i = 0; i < header.FieldCount; i++)
        {
            var name = header.GetField(i).Trim();
            var column = IndexOf(name);
            if (column < 0)
            {
                headerNamesAllKnown = false;
                if (name.IsEmpty || IdentifierGuard.CanShowAsColumnName(name, Columns.Select(c => c.Name)))
                {
                    Issues.Add(Rules.F06, null, header.LineNumber, new string(name), default,
                        name.IsEmpty ? $"A column has no name. Allowed columns: {allowed}." : $"Unknown column. Allowed columns: {allowed}.");
                }
                else
                {
                    // A name, a code or a value of a data row: never echoed, since it could be a person's initials or date of birth.
                    var looksLikeData = IdentifierGuard.CouldBeIdentifier(name) ? " It looks like a value, not a column name: is the header row missing?" : "";
                    Issues.AddWithheld(Rules.F06, header.LineNumber,
                        $"Header field {i + 1} is not a column this file defines; its text is not shown, as it could be personal data.{looksLikeData}{HeaderFieldHint(name)} Allowed columns: {allowed}.");
                }
            }
            else if (fieldOfColumn[column] >= 0)
            {
                Issues.Add(Rules.F05, null, header.LineNumber, Columns[column].Name, default, "This column appears more than once in the header.");
            }
            else
            {
                fieldOfColumn[column] = i;
            }
        }

        RequiredColumnsPresent = true;
        for (var column = 0; column < Columns.Length; column++)
        {
            if (Columns[column].Required && fieldOfColumn[column] < 0)
            {
                Issues.Add(Rules.F04, null, header.LineNumber, Columns[column].Name, default, "This required column is missing from the header.");
                RequiredColumnsPresent = false;
            }
        }
    }

    public void CheckRow(long row, long line)
    {
        Row = row;
        Line = line;
        CheckRow();
    }

    /// <summary>Checks the current row; adds issues and emits its curated record when the file is still clean.</summary>
    protected abstract void CheckRow();

    /// <summary>
    /// A data row with a CSV problem (F03, F07, F10), which is not checked: the rules may still note what is on it (an
    /// episode id, so that W02 does not call that episode missing). After a problem that ends the reading (an unclosed quote,
    /// a row over the limit) the rest of the file is unread: <see cref="ReadToEnd"/> is then false.
    /// </summary>
    public void NoteUncheckedRow(long row, long line)
    {
        Row = row;
        Line = line;
        if (csv!.ProblemIsFatal)
        {
            ReadToEnd = false;
        }

        UncheckedRow();
    }

    /// <summary>What the rules note of a row that is not checked (<see cref="NoteUncheckedRow"/>); its fields are as read.</summary>
    protected virtual void UncheckedRow()
    {
    }

    /// <summary>False once reading stopped at a problem before the end of the file: what a rule says of the whole file may not hold.</summary>
    protected bool ReadToEnd { get; private set; } = true;

    /// <summary>The number of fields of the current row as read (for a row with a CSV problem, maybe not the header's).</summary>
    protected int FieldCount => csv!.FieldCount;

    /// <summary>Field <paramref name="index"/> of the current row as read, whatever column the header puts there.</summary>
    protected ReadOnlySpan<char> Field(int index) => csv!.GetField(index);

    /// <summary>File-level checks after the last row; <paramref name="rowsRead"/> counts every data row, checked or not.</summary>
    public virtual void Finish(long rowsRead)
    {
    }

    protected bool IsPresent(int column) => fieldOfColumn[column] >= 0;

    /// <summary>An issue of <paramref name="rule"/> on the current row, naming the column and its value.</summary>
    protected void Report(Rule rule, int column, string message) =>
        Issues.Add(rule, Row, Line, Columns[column].Name, this[column], message);

    /// <summary>
    /// <see cref="Report"/> for a value that does not read as what its column holds (a date, a code, Y or N, a whole number,
    /// the provider's code), with <see cref="UnseenCharacterHint"/>: the character no one sees is then likely the reason.
    /// </summary>
    protected void ReportUnreadable(Rule rule, int column, string message) =>
        Report(rule, column, message + UnseenCharacterHint(this[column]));

    /// <summary>
    /// What a provider cannot see in a value refused as unreadable, said in the message (the value itself is often
    /// withheld, and looks right when it is not): a space at its start or end (a non-breaking space and a tab too), or an
    /// invisible character inside it (a zero-width space, a byte-order mark, a control character). Values are read
    /// exactly as sent.
    /// </summary>
    internal static string UnseenCharacterHint(ReadOnlySpan<char> value)
    {
        if (value.IsEmpty)
        {
            return string.Empty;
        }

        if (char.IsWhiteSpace(value[0]) || char.IsWhiteSpace(value[^1]))
        {
            return " The value starts or ends with a space (or a non-breaking space or tab): values are not trimmed.";
        }

        foreach (var c in value)
        {
            if (IsInvisible(c))
            {
                return " The value holds an invisible character (such as a zero-width space or a byte-order mark): remove it.";
            }
        }

        return string.Empty;
    }

    /// <summary>A control character or a format character (a zero-width space or joiner, a byte-order mark, a soft hyphen).</summary>
    private static bool IsInvisible(char c) => char.IsControl(c) || char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.Format;

    protected bool Blank(int column, Rule rule)
    {
        if (!this[column].IsEmpty)
        {
            return false;
        }

        // An absent required column was reported once, with the header (F04).
        if (Columns[column].Required && IsPresent(column))
        {
            Report(rule, column, $"{Columns[column].Name} is blank; it is required.");
        }

        return true;
    }

    protected bool ProviderMatches(int column, Rule rule, string pathProvider)
    {
        if (Blank(column, rule))
        {
            return false;
        }

        if (!this[column].Equals(pathProvider, StringComparison.OrdinalIgnoreCase))
        {
            ReportUnreadable(rule, column, $"provider_code must be the provider of the upload path ({pathProvider}).");
            return false;
        }

        return true;
    }

    protected bool Date(int column, Rule rule, out DateOnly? value)
    {
        value = null;
        if (Blank(column, rule))
        {
            return !Columns[column].Required;
        }

        if (!FieldParsers.TryParseDate(this[column], out var date))
        {
            // The value itself may be withheld from the report (IdentifierGuard), so the message says which of the two is wrong.
            ReportUnreadable(rule, column, FieldParsers.HasDateForm(this[column])
                ? $"{Columns[column].Name} is in the form YYYY-MM-DD but is not a real calendar date (a year from 0001, a month of 01 to 12, a day that month has)."
                : FieldParsers.HasSpreadsheetDateForm(this[column])
                    ? $"{Columns[column].Name} is not a date in the form YYYY-MM-DD: it is written day, month and year as a spreadsheet shows " +
                      "dates. Write it as YYYY-MM-DD (2025-03-31); in Excel, format the date columns as yyyy-mm-dd before saving as CSV."
                    : $"{Columns[column].Name} is not a date in the form YYYY-MM-DD.");
            return false;
        }

        value = date;
        return true;
    }

    protected bool Code<TEnum>(int column, Rule rule, out TEnum? value)
        where TEnum : struct, Enum
    {
        value = null;
        if (Blank(column, rule))
        {
            return !Columns[column].Required;
        }

        if (!FieldParsers.TryParseCode<TEnum>(this[column], out var code))
        {
            ReportUnreadable(rule, column, $"{Columns[column].Name} must be one of: {FieldParsers.CodesOf<TEnum>()}.");
            return false;
        }

        value = code;
        return true;
    }

    protected bool YesNo(int column, Rule rule, out bool? value)
    {
        value = null;
        if (Blank(column, rule))
        {
            return !Columns[column].Required;
        }

        if (!FieldParsers.TryParseYesNo(this[column], out var flag))
        {
            ReportUnreadable(rule, column, $"{Columns[column].Name} must be Y or N.");
            return false;
        }

        value = flag;
        return true;
    }

    protected bool Integer(int column, Rule rule, int min, int max, out int? value)
    {
        value = null;
        if (Blank(column, rule))
        {
            return !Columns[column].Required;
        }

        if (!FieldParsers.TryParseInt(this[column], min, max, out var number))
        {
            ReportUnreadable(rule, column, $"{Columns[column].Name} must be a whole number from {min} to {max}.");
            return false;
        }

        value = number;
        return true;
    }

    /// <summary>
    /// Why a header field that is not a column may be one after all, in words a provider can act on without seeing its
    /// text: NUL characters (a file saved as UTF-16), another separator between this file's column names (a file saved
    /// with semicolons or tabs), or a column name with an invisible character in it. Empty when none of these holds.
    /// </summary>
    private string HeaderFieldHint(ReadOnlySpan<char> name)
    {
        if (name.Contains('\0'))
        {
            return " It holds NUL characters: the file looks saved as UTF-16. Save it as UTF-8 (CSV UTF-8).";
        }

        foreach (var (separator, called) in OtherSeparators)
        {
            var known = 0;
            foreach (var part in name.Split(separator))
            {
                known += IndexOf(name[part].Trim()) >= 0 ? 1 : 0;
            }

            if (known >= 2)
            {
                return $" It holds column names of this file separated by {called}: the file looks separated by them, but a return is comma-separated. Save it as CSV (comma delimited).";
            }
        }

        var visible = new string([.. name.ToString().Where(c => !IsInvisible(c))]);
        return visible.Length < name.Length && IndexOf(visible.Trim()) >= 0
            ? " It is a column name of this file with an invisible character in it (such as a zero-width space or a byte-order mark): remove it."
            : string.Empty;
    }

    private static readonly (char Separator, string Called)[] OtherSeparators = [(';', "semicolons (;)"), ('\t', "tabs"), ('|', "vertical bars (|)")];

    private int IndexOf(ReadOnlySpan<char> name)
    {
        for (var column = 0; column < Columns.Length; column++)
        {
            if (name.Equals(Columns[column].Name, StringComparison.OrdinalIgnoreCase))
            {
                return column;
            }
        }

        return -1;
    }
}
