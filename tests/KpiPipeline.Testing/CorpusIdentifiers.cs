using System.Text.Json;

namespace KpiPipeline.Testing;

/// <summary>
/// The dates of birth and initials a corpus file carries (tests/corpus/manifest.json): those its entry lists or, when it
/// lists none, those in the <c>date_of_birth</c>, <c>first_initial</c> and <c>last_initial</c> columns its header names
/// (dates of birth there only when they are real dates before 2006, so that no reporting date is taken for one).
/// Nothing the pipeline writes about the file (reports, curated data, published data, ledger, logs) may carry any of them.
/// </summary>
public sealed class CorpusIdentifiers
{
    private static readonly string[] IdentifierColumns = ["date_of_birth", "first_initial", "last_initial"];

    private readonly HashSet<string> initials = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> datesOfBirth = new(StringComparer.Ordinal);

    /// <summary>Each date of birth as sent, and as <c>yyyyMMdd</c> when it was sent as <c>yyyy-MM-dd</c>.</summary>
    public IReadOnlyCollection<string> DatesOfBirth => datesOfBirth;

    public IReadOnlyCollection<string> Initials => initials;

    /// <summary>The identifiers of one manifest entry's file.</summary>
    public static CorpusIdentifiers Of(JsonElement entry)
    {
        var found = new CorpusIdentifiers();
        found.Add(entry);
        return found;
    }

    /// <summary>The identifiers of every file of the corpus.</summary>
    public static CorpusIdentifiers OfWholeCorpus()
    {
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Corpus, "manifest.json")));
        var found = new CorpusIdentifiers();
        foreach (var entry in manifest.RootElement.GetProperty("files").EnumerateArray())
        {
            found.Add(entry);
        }

        return found;
    }

    /// <summary>True when <paramref name="text"/> is one of the initials, or two of them, with any spaces or dots.</summary>
    public bool IsInitials(string? text)
    {
        if (text is null)
        {
            return false;
        }

        var letters = new string(text.Where(char.IsLetter).ToArray());
        return letters.Length switch
        {
            1 => initials.Contains(letters),
            2 => initials.Contains(letters[..1]) && initials.Contains(letters[1..]),
            _ => false,
        } && text.All(c => char.IsLetter(c) || c is ' ' or '.');
    }

    private void Add(JsonElement entry)
    {
        var listsItsOwn = entry.TryGetProperty("dates_of_birth", out _) || entry.TryGetProperty("initials", out _);
        foreach (var (property, set) in new[] { ("dates_of_birth", datesOfBirth), ("initials", initials) })
        {
            if (entry.TryGetProperty(property, out var listed))
            {
                foreach (var value in listed.EnumerateArray())
                {
                    AddValue(set, value.GetString()!);
                }
            }
        }

        var lines = File.ReadAllLines(Path.Combine(RepoPaths.Corpus, entry.GetProperty("file").GetString()!));
        if (listsItsOwn || lines.Length == 0)
        {
            return;
        }

        var header = lines[0].TrimStart('\uFEFF').Split(',').Select(name => name.Trim().ToLowerInvariant()).ToList();
        foreach (var column in IdentifierColumns)
        {
            var index = header.IndexOf(column);
            if (index < 0)
            {
                continue;
            }

            foreach (var fields in lines.Skip(1).Select(line => line.Split(',')).Where(fields => fields.Length == header.Count))
            {
                var value = fields[index].Trim('"');
                if (column != "date_of_birth")
                {
                    AddValue(initials, value.Trim());
                }
                else if (DateOnly.TryParseExact(value, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var date)
                    && date.Year < 2006)
                {
                    AddValue(datesOfBirth, value);
                }
            }
        }
    }

    private static void AddValue(HashSet<string> set, string value)
    {
        if (value.Length == 0)
        {
            return;
        }

        set.Add(value);
        if (value.Length == 10 && value[4] == '-' && value[7] == '-')
        {
            set.Add(value.Replace("-", "", StringComparison.Ordinal));
        }
    }
}
