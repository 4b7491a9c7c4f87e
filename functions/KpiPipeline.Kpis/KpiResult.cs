using KpiPipeline.Kpis.Rag;

namespace KpiPipeline.Kpis;

/// <summary>One row of <c>kpi_results</c> (outputs.md section 2).</summary>
/// <remarks>
/// Millions of rows are built each run, so a row is stored compactly behind the same properties: the four optional figures
/// as plain numbers with a bit each saying which are present (a <c>long?</c> or <c>double?</c> takes twice the room of its
/// number), and the two values only a few rows carry (<see cref="Divisor"/>, <see cref="TargetInForce"/>) in one object
/// that most rows do not have. Equality, <c>with</c> and deconstruction see the properties as declared.
/// </remarks>
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
    private readonly long numerator = Numerator.GetValueOrDefault();
    private readonly long denominator = Denominator.GetValueOrDefault();
    private readonly double value = Value.GetValueOrDefault();
    private readonly double target = Target.GetValueOrDefault();
    private readonly Figure present = (Numerator.HasValue ? Figure.Numerator : 0) | (Denominator.HasValue ? Figure.Denominator : 0)
        | (Value.HasValue ? Figure.Value : 0) | (Target.HasValue ? Figure.Target : 0);

    private readonly RarelyGiven? rare;

    /// <summary>Which of the optional figures a row has.</summary>
    [Flags]
    private enum Figure : byte
    {
        Numerator = 1,
        Denominator = 2,
        Value = 4,
        Target = 8,
    }

    public long? Numerator
    {
        get => Has(Figure.Numerator) ? numerator : null;
        init => (numerator, present) = (value.GetValueOrDefault(), With(Figure.Numerator, value.HasValue));
    }

    public long? Denominator
    {
        get => Has(Figure.Denominator) ? denominator : null;
        init => (denominator, present) = (value.GetValueOrDefault(), With(Figure.Denominator, value.HasValue));
    }

    public double? Value
    {
        get => Has(Figure.Value) ? this.value : null;
        init => (this.value, present) = (value.GetValueOrDefault(), With(Figure.Value, value.HasValue));
    }

    public double? Target
    {
        get => Has(Figure.Target) ? target : null;
        init => (target, present) = (value.GetValueOrDefault(), With(Figure.Target, value.HasValue));
    }

    /// <summary>
    /// For a ratio whose value divides the numerator by something that is not a count (CAP01: the available FTE), that
    /// divisor. Not a published column: disclosure control recomputes the public value from the rounded numerator and it.
    /// </summary>
    public decimal? Divisor
    {
        get => rare?.Divisor;
        init => rare = RarelyGiven.Of(value, rare?.TargetInForce);
    }

    /// <summary>
    /// The target in force with its amber margin, exactly, where the row is rated on basis <c>target</c>. Not a published
    /// column (<see cref="Target"/> is the target as published): disclosure control rates the public value against it.
    /// </summary>
    public TargetInForce? TargetInForce
    {
        get => rare?.TargetInForce;
        init => rare = RarelyGiven.Of(rare?.Divisor, value);
    }

    private bool Has(Figure figure) => (present & figure) != 0;

    private Figure With(Figure figure, bool has) => has ? present | figure : present & ~figure;

    /// <summary>The values only some rows carry; null when a row has neither.</summary>
    private sealed record RarelyGiven(decimal? Divisor, TargetInForce? TargetInForce)
    {
        public static RarelyGiven? Of(decimal? divisor, TargetInForce? targetInForce) =>
            divisor is null && targetInForce is null ? null : new RarelyGiven(divisor, targetInForce);
    }
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
