using KpiPipeline.Kpis;

namespace KpiPipeline.Cli.Tests;

/// <summary>
/// The KPI table <c>kpi demo</c> and <c>kpi process</c> print: it says the figures are the restricted dataset's, and that
/// the quarter holding the as-of date is still in progress when it is among the quarters shown.
/// </summary>
public sealed class KpiTableTests
{
    private static readonly DateOnly AsOf = new(2025, 5, 20);

    private static KpiResult Row(string period, DateOnly start, DateOnly end, double value) => new(
        period, start, end, AsOf, KpiVocabulary.LevelAll, KpiVocabulary.UnitAll, null,
        "VOL01_in_treatment", KpiVocabulary.DimensionAll, KpiVocabulary.DimensionValueAll, (long)value, null, value, null,
        KpiVocabulary.RagNone, KpiVocabulary.BasisNone, KpiVocabulary.StatusFinal, Suppressed: false);

    private static string Table(params KpiResult[] rows)
    {
        using var output = new StringWriter();
        KpiTable.Write(output, rows, KpiVocabulary.LevelAll, KpiVocabulary.UnitAll, maxPeriods: 4);
        return output.ToString();
    }

    [Fact]
    public void Says_the_figures_are_the_restricted_datasets_and_that_the_public_one_rounds_them()
    {
        var text = Table(Row("2024-25-Q4", new DateOnly(2025, 1, 1), new DateOnly(2025, 3, 31), 1988));

        Assert.Contains("KPIs for ALL (every provider, area and nation together), restricted dataset", text, StringComparison.Ordinal);
        Assert.Contains("1988", text, StringComparison.Ordinal);
        Assert.Contains("The public dataset rounds counts to the nearest 5", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Names_the_quarter_holding_the_as_of_date_as_still_in_progress()
    {
        var text = Table(
            Row("2024-25-Q4", new DateOnly(2025, 1, 1), new DateOnly(2025, 3, 31), 1988),
            Row("2025-26-Q1", new DateOnly(2025, 4, 1), new DateOnly(2025, 6, 30), 1410));

        Assert.Contains("2025-26-Q1 holds the as-of date 2025-05-20 and is still in progress", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Says_nothing_of_a_quarter_in_progress_when_the_last_one_shown_has_ended()
    {
        var text = Table(Row("2024-25-Q4", new DateOnly(2025, 1, 1), new DateOnly(2025, 3, 31), 1988));

        Assert.DoesNotContain("in progress", text, StringComparison.Ordinal);
    }
}
