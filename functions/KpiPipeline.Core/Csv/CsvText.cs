using System.Buffers;
using System.Text;

namespace KpiPipeline.Core.Csv;

/// <summary>Writes RFC 4180 fields: quoted only when needed (or when asked, to tell an empty text from a blank).</summary>
public static class CsvText
{
    private static readonly SearchValues<char> NeedsQuotes = SearchValues.Create(",\"\r\n");

    public static bool NeedsQuoting(ReadOnlySpan<char> value) => value.ContainsAny(NeedsQuotes);

    public static void WriteField(TextWriter writer, ReadOnlySpan<char> value, bool quoteWhenEmpty = false)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (!NeedsQuoting(value) && !(quoteWhenEmpty && value.IsEmpty))
        {
            writer.Write(value);
            return;
        }

        writer.Write('"');
        while (true)
        {
            var quote = value.IndexOf('"');
            if (quote < 0)
            {
                writer.Write(value);
                break;
            }

            writer.Write(value[..(quote + 1)]);
            writer.Write('"');
            value = value[(quote + 1)..];
        }

        writer.Write('"');
    }

    /// <summary>One record as a CSV line (no line end).</summary>
    public static string FormatRecord(IEnumerable<string> fields)
    {
        using var writer = new StringWriter();
        var first = true;
        foreach (var field in fields)
        {
            if (!first)
            {
                writer.Write(',');
            }

            WriteField(writer, field);
            first = false;
        }

        return writer.ToString();
    }

    public static readonly Encoding Utf8NoBom = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
}
