using KpiPipeline.Core.Dataset;

namespace KpiPipeline.Kpis.Engine;

/// <summary>
/// The breakdowns of the ‡ KPIs (kpis.md section 0 and 10.1): substance group, treatment goal, sex and age band, each taken
/// from the episode's combined (latest) row. A counter with breakdowns has one cell per row a ‡ KPI publishes for a unit:
/// cell 0 is dimension all, then every value of every dimension, in row order; an episode counts in cell 0 and in one cell
/// of each dimension.
/// </summary>
internal static class Breakdowns
{
    /// <summary>treatment_goal blank (kpis.md 10.1).</summary>
    public const string GoalNotRecorded = "NOT_RECORDED";

    /// <summary>The age bands of kpis.md 10.1 by their lowest age at referral; the last has no upper end.</summary>
    public static IReadOnlyList<(int From, string Value)> AgeBands { get; } =
        [(18, "18-29"), (30, "30-39"), (40, "40-49"), (50, "50-59"), (60, "60-PLUS")];

    private static readonly string[] Groups = Enum.GetNames<SubstanceGroup>();
    private static readonly string[] Goals = [.. Enum.GetNames<TreatmentGoal>(), GoalNotRecorded];
    private static readonly string[] Sexes = Enum.GetNames<Sex>();

    private const int FirstGroupCell = 1;
    private static readonly int FirstGoalCell = FirstGroupCell + Groups.Length;
    private static readonly int FirstSexCell = FirstGoalCell + Goals.Length;
    private static readonly int FirstAgeCell = FirstSexCell + Sexes.Length;

    /// <summary>The (dimension, dimension_value) of each cell.</summary>
    public static IReadOnlyList<(string Dimension, string Value)> Cells { get; } =
    [
        (KpiVocabulary.DimensionAll, KpiVocabulary.DimensionValueAll),
        .. Groups.Select(v => (KpiVocabulary.DimensionSubstanceGroup, v)),
        .. Goals.Select(v => (KpiVocabulary.DimensionTreatmentGoal, v)),
        .. Sexes.Select(v => (KpiVocabulary.DimensionSex, v)),
        .. AgeBands.Select(b => (KpiVocabulary.DimensionAgeBand, b.Value)),
    ];

    public static int CellCount { get; } = Cells.Count;

    /// <summary>The cells an episode counts in besides all; a blank goal is NOT_RECORDED, an age below the first band is in it.</summary>
    public static EpisodeCells Of(SubstanceGroup group, TreatmentGoal? goal, Sex sex, int ageAtReferral)
    {
        var band = AgeBands.Count - 1;
        while (band > 0 && ageAtReferral < AgeBands[band].From)
        {
            band--;
        }

        return new EpisodeCells(
            (byte)(FirstGroupCell + (int)group),
            (byte)(FirstGoalCell + (goal is { } g ? (int)g : Goals.Length - 1)),
            (byte)(FirstSexCell + (int)sex),
            (byte)(FirstAgeCell + band));
    }
}

/// <summary>The breakdown cells one episode counts in (besides cell all), one per dimension, worked out once per episode.</summary>
internal readonly struct EpisodeCells(byte group, byte goal, byte sex, byte ageBand)
{
    public int Group => group;

    public int Goal => goal;

    public int Sex => sex;

    public int AgeBand => ageBand;
}
