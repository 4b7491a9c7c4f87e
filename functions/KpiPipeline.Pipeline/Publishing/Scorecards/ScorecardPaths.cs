namespace KpiPipeline.Pipeline.Publishing.Scorecards;

/// <summary>Where the scorecards are published, beside the dataset each one is generated from.</summary>
public static class ScorecardPaths
{
    public const string RestrictedPrefix = "restricted/scorecards";
    public const string PublicPrefix = "public/scorecards";

    /// <summary>The area's page for a quarter, from the restricted rows: <c>restricted/scorecards/period=…/area=….html</c>.</summary>
    public static string AreaPage(string period, string areaCode) => $"{RestrictedPrefix}/period={period}/area={areaCode}.html";

    /// <summary>The national page for a quarter, from the public rows: <c>public/scorecards/period=…/national.html</c>.</summary>
    public static string NationalPage(string period) => $"{PublicPrefix}/period={period}/national.html";
}
