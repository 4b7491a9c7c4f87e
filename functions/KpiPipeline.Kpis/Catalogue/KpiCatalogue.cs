using System.Globalization;
using System.Text;

namespace KpiPipeline.Kpis.Catalogue;

/// <summary>
/// The KPI catalogue of kpis.md, the one place in code that says what each KPI is. The engine, RAG, disclosure
/// control, kpi_catalogue.parquet and docs/kpis.md all read it.
/// </summary>
public static class KpiCatalogue
{
    private const decimal Margin = 5m;

    private static readonly KpiCategory Hard = KpiCategory.Hard;
    private static readonly KpiPolarity Higher = KpiPolarity.HigherIsBetter;
    private static readonly KpiPolarity Lower = KpiPolarity.LowerIsBetter;
    private static readonly KpiPolarity NoPolarity = KpiPolarity.None;

    /// <summary>Every KPI, in the order of kpis.md.</summary>
    public static IReadOnlyList<KpiDefinition> All { get; } =
    [
        new(KpiIds.Acc01, "Waited 3 weeks or less", Hard, KpiUnit.Percent, Higher, 90m, Margin, true, false, false, null,
            "Of the episodes that started treatment in the quarter, the percentage whose wait from referral to treatment start was 21 days or less."),
        new(KpiIds.Acc02, "Median wait (days)", Hard, KpiUnit.Days, NoPolarity, null, null, false, false, false, null,
            "The median number of days from referral to treatment start over the episodes that started treatment in the quarter."),
        new(KpiIds.Acc03, "Started on the day of referral", Hard, KpiUnit.Percent, NoPolarity, null, null, false, false, false, null,
            "Of the episodes that started treatment in the quarter, the percentage that started on the day they were referred."),
        new(KpiIds.Acc04, "Waiting over 3 weeks at period end", Hard, KpiUnit.Count, Lower, null, Margin, false, false, false, null,
            "The number of episodes referred at least 21 days before the quarter end that had not started treatment by then and were still open."),
        new(KpiIds.Vol01, "People in treatment", Hard, KpiUnit.Count, NoPolarity, null, null, true, false, false, null,
            "The number of different people with an episode in treatment at any time in the quarter."),
        new(KpiIds.Vol02, "New presentations", Hard, KpiUnit.Count, NoPolarity, null, null, true, false, false, null,
            "The number of different people with an episode that started treatment in the quarter."),
        new(KpiIds.Ret01, "Retained 12 weeks", Hard, KpiUnit.Percent, Higher, 80m, Margin, true, false, false, 84,
            "Of the episodes that started in the quarter (leaving out transfers and deaths within 12 weeks), the percentage still in treatment 12 weeks after starting or that completed successfully before then."),
        new(KpiIds.Ret02, "Early unplanned exit", Hard, KpiUnit.Percent, Lower, 15m, Margin, false, false, false, 84,
            "Of the episodes that started in the quarter (leaving out transfers and deaths within 12 weeks), the percentage that ended in an unplanned way within 12 weeks of starting."),
        new(KpiIds.Ret03, "In OST over 4 years", Hard, KpiUnit.Percent, NoPolarity, null, null, false, false, false, null,
            "Of the people in opioid substitution treatment in the quarter, the percentage whose OST episode started at least 4 years before the quarter end."),
        new(KpiIds.Ret04, "In OST over 6 years", Hard, KpiUnit.Percent, NoPolarity, null, null, false, false, false, null,
            "Of the people in opioid substitution treatment in the quarter, the percentage whose OST episode started at least 6 years before the quarter end."),
        new(KpiIds.Ext01, "Successful completions", Hard, KpiUnit.Percent, Higher, null, Margin, true, false, true, null,
            "The number of people who left treatment successfully in the quarter as a percentage of the people in treatment."),
        new(KpiIds.Ext02, "Successful completions not re-presenting", Hard, KpiUnit.Percent, Higher, null, Margin, true, false, true, 182,
            "The number of people who left treatment successfully in the quarter and were not referred again within 6 months, as a percentage of the people in treatment."),
        new(KpiIds.Ext03, "Re-presentation within 6 months", Hard, KpiUnit.Percent, Lower, null, Margin, false, false, true, 182,
            "Of the people who left treatment successfully in the quarter, the percentage who were referred again within 6 months of every such exit."),
        new(KpiIds.Ext04, "Dropped out", Hard, KpiUnit.Percent, Lower, null, Margin, false, false, false, null,
            "The number of people who dropped out of treatment in the quarter as a percentage of the people in treatment."),
        new(KpiIds.Ext05, "Withdrawn by provider", Hard, KpiUnit.Percent, Lower, null, Margin, false, false, false, null,
            "The number of people whose treatment the provider withdrew in the quarter as a percentage of the people in treatment."),
        new(KpiIds.Ext06, "Deaths in treatment", Hard, KpiUnit.Count, NoPolarity, null, null, false, false, false, null,
            "The number of different people whose episode ended in the quarter because they died."),
        new(KpiIds.Dos01, "Methadone at an optimal dose", Hard, KpiUnit.Percent, Higher, 70m, Margin, false, false, false, null,
            "Of the people on methadone in the quarter with a dose recorded, the percentage with a daily dose of 60 to 120 mg."),
        new(KpiIds.Dos02, "Buprenorphine at an optimal dose", Hard, KpiUnit.Percent, Higher, 70m, Margin, false, false, false, null,
            "Of the people on buprenorphine (alone or with naloxone) in the quarter with a dose recorded, the percentage with a daily dose of 12 to 32 mg."),
        new(KpiIds.Hrm01, "Naloxone supplied", Hard, KpiUnit.Percent, Higher, 90m, Margin, false, false, false, null,
            "Of the people in treatment for opiates in the quarter, the percentage who were supplied with naloxone during an opiate episode."),
        new(KpiIds.Soft01, "Recovery capital change", KpiCategory.Soft, KpiUnit.Score, Higher, null, Margin, false, false, false, null,
            "The average change in recovery capital (BARC-10 score) from the start review to the latest review in the quarter."),
        new(KpiIds.Soft02, "Recovery capital 47 or more", KpiCategory.Soft, KpiUnit.Percent, Higher, null, Margin, false, false, false, null,
            "Of the episodes with a start and a latest BARC-10 score, the percentage whose latest score is 47 or more."),
        new(KpiIds.Soft03, "Opiate abstinent", KpiCategory.Soft, KpiUnit.Percent, Higher, 50m, Margin, true, false, false, null,
            "Of the episodes using opiates at the start review, the percentage using none in the 28 days before the latest review in the quarter."),
        new(KpiIds.Soft04, "Stopped injecting", KpiCategory.Soft, KpiUnit.Percent, NoPolarity, null, null, false, false, false, null,
            "Of the episodes injecting at the start review, the percentage not injecting in the 28 days before the latest review in the quarter."),
        new(KpiIds.Soft05, "Quality of life change", KpiCategory.Soft, KpiUnit.Score, Higher, null, Margin, false, false, false, null,
            "The average change in self-rated quality of life from the start review to the latest review in the quarter."),
        new(KpiIds.Soft06, "Housing problem resolved", KpiCategory.Soft, KpiUnit.Percent, NoPolarity, null, null, false, false, false, null,
            "Of the episodes with an acute housing problem at the start review, the percentage without one at the latest review in the quarter."),
        new(KpiIds.Soft07, "Goals progressed", KpiCategory.Soft, KpiUnit.Percent, NoPolarity, null, null, false, false, false, null,
            "Of the reviews in the quarter that set at least one goal, the percentage recording progress on at least one goal."),
        new(KpiIds.Soft08, "Outcome review coverage", KpiCategory.Soft, KpiUnit.Percent, Higher, 80m, Margin, false, false, false, null,
            "Of the episodes open at the quarter end that started at least 12 weeks before it, the percentage with a review in the last 16 weeks of the quarter."),
        new(KpiIds.Nsp01, "NSP transactions", KpiCategory.Nsp, KpiUnit.Count, NoPolarity, null, null, false, false, false, null,
            "The number of needle and syringe programme transactions in the quarter."),
        new(KpiIds.Nsp02, "Needles supplied", KpiCategory.Nsp, KpiUnit.Count, NoPolarity, null, null, false, false, false, null,
            "The number of needles supplied by needle and syringe programmes in the quarter."),
        new(KpiIds.Nsp03, "NSP new registrations", KpiCategory.Nsp, KpiUnit.Count, NoPolarity, null, null, false, false, false, null,
            "The number of needle and syringe programme transactions in the quarter that registered a new client."),
        new(KpiIds.Nsp04, "Needles per person who injects per year", KpiCategory.Nsp, KpiUnit.Ratio, NoPolarity, null, null, false, true, false, null,
            "Needles supplied in the quarter, scaled to a year, per estimated person who injects drugs, over the areas that have an estimate."),
        new(KpiIds.Nsp05, "NSP naloxone supplied", KpiCategory.Nsp, KpiUnit.Count, NoPolarity, null, null, false, false, false, null,
            "The number of needle and syringe programme transactions in the quarter that supplied naloxone."),
        new(KpiIds.Nsp06, "NSP referrals to treatment", KpiCategory.Nsp, KpiUnit.Count, NoPolarity, null, null, false, false, false, null,
            "The number of needle and syringe programme transactions in the quarter that referred the person to treatment."),
        new(KpiIds.Pop01, "Unmet need (opiates)", KpiCategory.Population, KpiUnit.Percent, Lower, null, Margin, false, true, false, null,
            "The percentage of the estimated opiate users of the areas with an estimate who were not in treatment at any time in the year to the quarter end."),
        new(KpiIds.Dq01, "Returns on time", KpiCategory.DataQuality, KpiUnit.Percent, Higher, 95m, Margin, false, false, false, null,
            "Of the monthly returns due by the as-of date, the percentage whose episodes file was first uploaded by the 15th of the following month and accepted."),
        new(KpiIds.Dq02, "Rejected uploads", KpiCategory.DataQuality, KpiUnit.Count, NoPolarity, null, null, false, false, false, null,
            "The number of uploads for months in the quarter that were rejected."),
        new(KpiIds.Dq03, "Open episodes gone missing", KpiCategory.DataQuality, KpiUnit.Count, NoPolarity, null, null, false, false, false, null,
            "The number of open episodes left out of a monthly episodes file for a month in the quarter."),
    ];

    private static readonly Dictionary<string, KpiDefinition> ById = All.ToDictionary(k => k.Id, StringComparer.Ordinal);

    /// <summary>The KPI with this id, or null.</summary>
    public static KpiDefinition? Find(string kpiId) => ById.GetValueOrDefault(kpiId);

    /// <summary>The KPI with this id; throws for an unknown id.</summary>
    public static KpiDefinition Get(string kpiId) =>
        Find(kpiId) ?? throw new ArgumentException($"Unknown KPI id '{kpiId}'.", nameof(kpiId));

    /// <summary>The rows of kpi_catalogue.parquet (outputs.md section 2).</summary>
    public static IReadOnlyList<KpiCatalogueRow> Rows { get; } = All.Select(k => new KpiCatalogueRow(
        k.Id,
        k.Title,
        k.Category.Code(),
        k.Unit.Code(),
        k.Polarity.Code(),
        (double?)k.DefaultTarget,
        (double?)k.AmberMargin,
        k.DefaultRagBasis.Code(),
        k.Definition)).ToList();

    /// <summary>The content of docs/kpis.md, generated from this catalogue and <see cref="SpecReadings"/>.</summary>
    public static string RenderMarkdown()
    {
        var md = new StringBuilder();
        md.Append("# KPI catalogue\n\n");
        md.Append("<!-- Generated from functions/KpiPipeline.Kpis/Catalogue (KpiCatalogue, SpecReadings). Do not edit by hand:\n");
        md.Append("     run `KPI_DOCS_WRITE=1 dotnet test tests/KpiPipeline.Kpis.Tests --filter KpiDocsTests` to regenerate. -->\n\n");
        md.Append("The exact definitions are in the specification (`kpis.md`); this page is the catalogue as the code holds it.\n");
        md.Append("‡ = also published by substance group (OPIATE, NON_OPIATE, ALCOHOL). ");
        md.Append("Area+ = area level and above (no provider rows). ");
        md.Append("Provisional = days after the quarter end before the figure is final.\n\n");
        md.Append("| kpi_id | title | category | unit | polarity | default target | amber margin | rag basis | ‡ | area+ | provisional | definition |\n");
        md.Append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        foreach (var k in All)
        {
            md.Append(CultureInfo.InvariantCulture,
                $"| `{k.Id}` | {k.Title} | {k.Category.Code()} | {k.Unit.Code()} | {k.Polarity.Code()} | {Show(k.DefaultTarget)} | {Show(k.AmberMargin)} | {k.DefaultRagBasis.Code()} | {(k.HasSubstanceGroups ? "‡" : "")} | {(k.AreaLevelAndAbove ? "yes" : "")} | {(k.ProvisionalWindowDays is { } d ? d.ToString(CultureInfo.InvariantCulture) : "")} | {k.Definition} |\n");
        }

        md.Append("\n## Readings of the spec\n\n");
        md.Append("Where the specification is silent or can be read more than one way, the code does this:\n\n");
        foreach (var (topic, reading) in SpecReadings.All)
        {
            md.Append(CultureInfo.InvariantCulture, $"- **{topic}.** {reading}\n");
        }

        return md.ToString();
    }

    private static string Show(decimal? value) =>
        value is { } v ? v.ToString("0.##", CultureInfo.InvariantCulture) : "";
}
