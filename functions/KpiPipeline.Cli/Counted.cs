using System.Globalization;

namespace KpiPipeline.Cli;

/// <summary>A count with its noun as a person writes it: <c>1 error</c>, <c>2 errors</c>, <c>0 warnings</c>.</summary>
internal static class Counted
{
    public static string Of(long count, string noun) =>
        string.Create(CultureInfo.InvariantCulture, $"{count} {noun}{(count == 1 ? string.Empty : "s")}");
}
