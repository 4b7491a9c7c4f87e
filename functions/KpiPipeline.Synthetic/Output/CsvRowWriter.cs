using System.Globalization;

namespace KpiPipeline.Synthetic.Output;

/// <summary>
/// Writes CSV rows field by field straight into a <see cref="TextWriter"/>, formatting numbers and dates into
/// stack buffers (no per-field strings). Values written here never need quoting: codes, dates, numbers and
/// names without commas or quotes.
/// </summary>
public sealed class CsvRowWriter
{
    private readonly TextWriter writer;
    private readonly string newLine;
    private bool atRowStart = true;

    public CsvRowWriter(TextWriter writer, bool crLf)
    {
        this.writer = writer;
        newLine = crLf ? "\r\n" : "\n";
    }

    public void Header(IReadOnlyList<string> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        foreach (var column in columns)
        {
            Text(column);
        }

        EndRow();
    }

    public void Text(string? value)
    {
        Separator();
        if (value is not null)
        {
            writer.Write(value);
        }
    }

    /// <summary>Writes <c>{prefix}-{number:D6}</c>, or a blank field when <paramref name="prefix"/> is null.</summary>
    public void Token(string? prefix, int number)
    {
        Separator();
        if (prefix is not null)
        {
            writer.Write(prefix);
            writer.Write('-');
            Span<char> buffer = stackalloc char[6];
            Digits(buffer, number);
            writer.Write(buffer);
        }
    }

    public void Char(char value)
    {
        Separator();
        writer.Write(value);
    }

    public void Int(long? value)
    {
        Separator();
        if (value is { } number)
        {
            Span<char> buffer = stackalloc char[20];
            number.TryFormat(buffer, out var written, default, CultureInfo.InvariantCulture);
            writer.Write(buffer[..written]);
        }
    }

    /// <summary>A decimal as digits with at most two decimal places and no trailing zeros (<c>12.5</c>, <c>3</c>).</summary>
    public void Decimal(decimal value)
    {
        Separator();
        Span<char> buffer = stackalloc char[32];
        value.TryFormat(buffer, out var written, "0.##", CultureInfo.InvariantCulture);
        writer.Write(buffer[..written]);
    }

    public void Date(DateOnly? value)
    {
        Separator();
        if (value is { } date)
        {
            Span<char> buffer = stackalloc char[10];
            Digits(buffer[..4], date.Year);
            buffer[4] = '-';
            Digits(buffer.Slice(5, 2), date.Month);
            buffer[7] = '-';
            Digits(buffer.Slice(8, 2), date.Day);
            writer.Write(buffer);
        }
    }

    public void Flag(bool? value)
    {
        Separator();
        if (value is { } flag)
        {
            writer.Write(flag ? 'Y' : 'N');
        }
    }

    public void EndRow()
    {
        writer.Write(newLine);
        atRowStart = true;
    }

    private void Separator()
    {
        if (!atRowStart)
        {
            writer.Write(',');
        }

        atRowStart = false;
    }

    private static void Digits(Span<char> target, int value)
    {
        for (var i = target.Length - 1; i >= 0; i--)
        {
            target[i] = (char)('0' + value % 10);
            value /= 10;
        }
    }
}
