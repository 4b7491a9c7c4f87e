namespace KpiPipeline.Core.Dataset;

/// <summary>
/// Where a return file sits: <c>{provider_code}/{YYYY-MM}/{episodes|reviews|nsp|workforce}.csv</c> (dataset.md section 1).
/// The provider code is stored upper-case.
/// </summary>
public sealed record ReturnPath(string ProviderCode, ReportingMonth Month, ReturnFileKind Kind)
{
    private static readonly ReturnFileKind[] Kinds = Enum.GetValues<ReturnFileKind>();
    private static readonly string[] Names = [.. Kinds.Select(k => CodeRules.FileName(k) + ".csv")];

    /// <summary>The file names a return may have, one per <see cref="ReturnFileKind"/>, in its order.</summary>
    public static IReadOnlyList<string> FileNames => Names;

    public static string AllowedNames { get; } = "{provider_code}/{YYYY-MM}/" + string.Join(", ", Names[..^1]) + " or " + Names[^1];

    public string BlobName => $"{ProviderCode}/{Month}/{CodeRules.FileName(Kind)}.csv";

    public override string ToString() => BlobName;

    /// <summary>Whether <paramref name="text"/> has a provider code's shape: 1 to 64 ASCII letters, digits, <c>_</c> or <c>-</c>.</summary>
    public static bool IsProviderCode(ReadOnlySpan<char> text)
    {
        if (text.Length is 0 or > 64)
        {
            return false;
        }

        foreach (var c in text)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('_' or '-'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Parses a blob name relative to the container; returns a reason when it is not a return path.</summary>
    public static bool TryParse(string name, out ReturnPath? path, out string? problem)
    {
        path = null;
        var parts = name.Split('/');
        if (parts.Length != 3)
        {
            problem = $"'{name}' is not a return path; expected {AllowedNames}.";
            return false;
        }

        var provider = parts[0];
        if (!IsProviderCode(provider))
        {
            problem = $"'{provider}' is not a provider code; expected {AllowedNames}.";
            return false;
        }

        if (!ReportingMonth.TryParse(parts[1], out var month))
        {
            problem = $"'{parts[1]}' is not a reporting month (YYYY-MM, years 1900 to {ReportingMonth.MaxYear}); expected {AllowedNames}.";
            return false;
        }

        var kind = Array.IndexOf(Names, parts[2]);
        if (kind < 0)
        {
            problem = $"'{parts[2]}' is not an allowed file name; allowed: {string.Join(", ", Names)}.";
            return false;
        }

        path = new ReturnPath(provider.ToUpperInvariant(), month, Kinds[kind]);
        problem = null;
        return true;
    }
}
