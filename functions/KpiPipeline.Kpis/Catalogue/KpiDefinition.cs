namespace KpiPipeline.Kpis.Catalogue;

/// <summary>The category of a KPI (outputs.md section 2, kpi_catalogue.category).</summary>
public enum KpiCategory { Hard, Soft, Nsp, Population, DataQuality, Workforce }

/// <summary>What a KPI's value measures (kpi_catalogue.unit).</summary>
public enum KpiUnit { Percent, Count, Days, Score, Ratio }

/// <summary>Which direction is better (kpi_catalogue.polarity). Only KPIs with a polarity accept a target.</summary>
public enum KpiPolarity { None, HigherIsBetter, LowerIsBetter }

/// <summary>How a row is rated (outputs.md section 3).</summary>
public enum RagBasis { None, Target, NationalBenchmark }

/// <summary>The lower-case codes the published datasets use for the catalogue enums.</summary>
public static class CatalogueCodes
{
    public static string Code(this KpiCategory category) => category switch
    {
        KpiCategory.Hard => "hard",
        KpiCategory.Soft => "soft",
        KpiCategory.Nsp => "nsp",
        KpiCategory.Population => "population",
        KpiCategory.Workforce => "workforce",
        _ => "data_quality",
    };

    public static string Code(this KpiUnit unit) => unit switch
    {
        KpiUnit.Percent => "percent",
        KpiUnit.Count => "count",
        KpiUnit.Days => "days",
        KpiUnit.Score => "score",
        _ => "ratio",
    };

    public static string Code(this KpiPolarity polarity) => polarity switch
    {
        KpiPolarity.HigherIsBetter => "higher_is_better",
        KpiPolarity.LowerIsBetter => "lower_is_better",
        _ => "none",
    };

    public static string Code(this RagBasis basis) => basis switch
    {
        RagBasis.Target => KpiVocabulary.BasisTarget,
        RagBasis.NationalBenchmark => KpiVocabulary.BasisNationalBenchmark,
        _ => KpiVocabulary.BasisNone,
    };
}

/// <summary>
/// One KPI of the catalogue (kpis.md), everything RAG, disclosure control, the published catalogue and docs need to know
/// about it. Each is declared with named arguments in its family's file (<c>Families/</c>), beside how it is counted.
/// </summary>
/// <param name="Id">The kpi_id, e.g. <c>ACC01_waited_3_weeks_or_less</c>.</param>
/// <param name="Title">A short title for tables and scorecards.</param>
/// <param name="Category">kpi_catalogue.category.</param>
/// <param name="Unit">What the value measures.</param>
/// <param name="Definition">One sentence in plain English.</param>
/// <param name="Polarity">Which direction is better; only KPIs with a polarity accept a target or a national benchmark.</param>
/// <param name="DefaultTarget">The catalogue's default target; null when the KPI has none (commissioners may still set one if it has a polarity).</param>
/// <param name="HasBreakdowns">‡ KPIs: rows for every breakdown value besides all.</param>
/// <param name="AreaLevelAndAbove">No provider rows.</param>
/// <param name="NationalBenchmark">Rated against the all-level value when no target is in force (EXT01–EXT03).</param>
/// <param name="ProvisionalWindowDays">Days after the period end before the KPI is final (RET01/RET02: 84, EXT02/EXT03: 182); null when always final.</param>
/// <param name="RatioDecimals">The decimals a ratio is published with (kpis.md: NSP04 two, CAP01 one); null for the other units, whose unit fixes them.</param>
public sealed record KpiDefinition(
    string Id,
    string Title,
    KpiCategory Category,
    KpiUnit Unit,
    string Definition,
    KpiPolarity Polarity = KpiPolarity.None,
    decimal? DefaultTarget = null,
    bool HasBreakdowns = false,
    bool AreaLevelAndAbove = false,
    bool NationalBenchmark = false,
    int? ProvisionalWindowDays = null,
    int? RatioDecimals = null)
{
    /// <summary>The amber margin of every KPI with a polarity (outputs.md section 3: the default margin is 5).</summary>
    public const decimal StandardAmberMargin = 5m;

    /// <summary>The amber margin used with a target; null for KPIs without a polarity.</summary>
    public decimal? AmberMargin => Polarity == KpiPolarity.None ? null : StandardAmberMargin;

    /// <summary>The basis used where no targets.csv row applies.</summary>
    public RagBasis DefaultRagBasis =>
        DefaultTarget is not null ? RagBasis.Target
        : NationalBenchmark ? RagBasis.NationalBenchmark
        : RagBasis.None;

    public bool AcceptsTarget => Polarity != KpiPolarity.None;
}

/// <summary>One row of kpi_catalogue.parquet (outputs.md section 2).</summary>
public sealed record KpiCatalogueRow(
    string KpiId,
    string Title,
    string Category,
    string Unit,
    string Polarity,
    double? DefaultTarget,
    double? AmberMargin,
    string RagBasis,
    string Definition);
