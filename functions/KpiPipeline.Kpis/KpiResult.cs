using KpiPipeline.Kpis.Rag;

namespace KpiPipeline.Kpis;

/// <summary>One row of <c>kpi_results</c> (outputs.md section 2).</summary>
public sealed record KpiResult(
    string Period,
    DateOnly PeriodStart,
    DateOnly PeriodEnd,
    DateOnly AsOf,
    string Level,
    string UnitCode,
    string? AreaCode,
    string KpiId,
    string Dimension,
    string DimensionValue,
    long? Numerator,
    long? Denominator,
    double? Value,
    double? Target,
    string Rag,
    string RagBasis,
    string Status,
    bool Suppressed,
    int SchemaVersion = 1)
{
    /// <summary>
    /// For a ratio whose value divides the numerator by something that is not a count (CAP01: the available FTE), that
    /// divisor. Not a published column: disclosure control recomputes the public value from the rounded numerator and it.
    /// </summary>
    public decimal? Divisor { get; init; }

    /// <summary>
    /// The target in force with its amber margin, exactly, where the row is rated on basis <c>target</c>. Not a published
    /// column (<see cref="Target"/> is the target as published): disclosure control rates the public value against it.
    /// </summary>
    public TargetInForce? TargetInForce { get; init; }
}

/// <summary>The string values used in <see cref="KpiResult"/> columns.</summary>
public static class KpiVocabulary
{
    public const string LevelProvider = "provider";
    public const string LevelArea = "area";
    public const string LevelNation = "nation";
    public const string LevelAll = "all";
    public const string UnitAll = "ALL";

    public const string DimensionAll = "all";
    public const string DimensionSubstanceGroup = "substance_group";
    public const string DimensionTreatmentGoal = "treatment_goal";
    public const string DimensionSex = "sex";
    public const string DimensionAgeBand = "age_band";
    public const string DimensionValueAll = "ALL";

    public const string RagGreen = "green";
    public const string RagAmber = "amber";
    public const string RagRed = "red";
    public const string RagNone = "none";

    public const string BasisTarget = "target";
    public const string BasisNationalBenchmark = "national_benchmark";
    public const string BasisNone = "none";

    public const string StatusFinal = "final";
    public const string StatusProvisional = "provisional";

    public const int SchemaVersion = 1;
    /// <summary>The version of the return data set (dataset.md) the KPIs are computed from: 1.1 added workforce.csv.</summary>
    public const string DatasetVersion = "1.1";
}
