using System.Globalization;
using KpiPipeline.Core.Dataset;
using KpiPipeline.Synthetic;
using KpiPipeline.Testing;

namespace KpiPipeline.Cli.Tests;

/// <summary>
/// Every rating in the public dataset, read back with DuckDB, is what outputs.md section 3 makes of the published figures
/// beside it, re-derived in SQL without the project's rating code: against the target with the amber margin in force
/// (targets.csv: the area's row, else the <c>*</c> row, blank meaning 5, else the catalogue's margin), or against the public
/// ALL row's value, and none where the row is suppressed or its value blank. A rating made on the unrounded figures
/// contradicts its published value and gives the rounding away (docs/kpis.md, "Disclosure: ratings").
/// </summary>
public sealed class PublicRatingsTests
{
    private const string AsOf = "2026-03-31";

    private static readonly SyntheticOptions Options = SyntheticOptions.Demo with
    {
        Seed = 12_0512,
        Areas = 3,
        TotalProviders = 6,
        FirstMonth = new ReportingMonth(2024, 4),
        Months = 24,
        PeoplePerProvider = 50,
        InjectedDefects = 0,
    };

    [Fact]
    public async Task Every_public_rating_is_the_rating_of_the_published_figures_beside_it()
    {
        var (returns, reference) = SyntheticFolder.Create("public-ratings", Options);
        var output = Path.Combine(Path.GetDirectoryName(returns)!, "out");
        Assert.Equal(0, await ProcessCommand.RunAsync(
            returns, reference, output, AsOf, developmentSecrets: true, TextWriter.Null, TextWriter.Null, CancellationToken.None));

        var result = await DuckDb.QueryAsync(Rerated(output, reference) + """
            SELECT
                count(*) FILTER (WHERE rag <> expected) AS differing,
                count(*) FILTER (WHERE rag_basis = 'target' AND rag <> 'none') AS rated_on_target,
                count(*) FILTER (WHERE rag_basis = 'national_benchmark' AND rag <> 'none') AS rated_on_benchmark,
                count(*) FILTER (WHERE rag <> restricted_rag AND NOT suppressed) AS unlike_the_restricted_rating,
                coalesce(string_agg(period || ' ' || unit_code || ' ' || kpi_id || ' ' || dimension_value || ': ' || coalesce(value::VARCHAR, '∅')
                    || ' rated ' || rag || ', expected ' || expected, '; ') FILTER (WHERE rag <> expected), '') AS examples
            FROM rerated
            """);

        Assert.True(Count(result, "differing") == 0, result[0, "examples"].GetString());

        // Not vacuous: both bases are rated, and rounding moved some ratings away from the restricted ones.
        Assert.True(Count(result, "rated_on_target") > 1000, $"{Count(result, "rated_on_target")} target ratings");
        Assert.True(Count(result, "rated_on_benchmark") > 1000, $"{Count(result, "rated_on_benchmark")} benchmark ratings");
        Assert.True(Count(result, "unlike_the_restricted_rating") > 0, "No public rating differs from its restricted row's.");
    }

    private static long Count(DuckDbResult result, string column) =>
        long.Parse(result[0, column].ToString(), CultureInfo.InvariantCulture);

    /// <summary>The public rows with the rating outputs.md section 3 gives their published figures (<c>expected</c>).</summary>
    private static string Rerated(string output, string reference) => $"""
        WITH pub AS (
            SELECT * FROM read_parquet({DuckDb.Literal(output + "/public/kpi_results/*/*.parquet")}, hive_partitioning = true)),
        res AS (
            SELECT * FROM read_parquet({DuckDb.Literal(output + "/restricted/kpi_results/*/*.parquet")}, hive_partitioning = true)),
        catalogue AS (
            SELECT kpi_id, polarity, amber_margin FROM read_parquet({DuckDb.Literal(output + "/kpi_catalogue.parquet")})),
        targets AS (
            SELECT upper(trim(area_code)) AS area, kpi_id, coalesce(TRY_CAST(nullif(trim(amber_margin), '') AS DECIMAL(18, 4)), 5) AS margin
            FROM read_csv({DuckDb.Literal(reference + "/targets.csv")}, all_varchar = true)),
        figures AS (
            SELECT p.*, c.polarity, r.rag AS restricted_rag,
                   p.value::DECIMAL(18, 4) AS v,
                   p.target::DECIMAL(18, 4) AS t,
                   coalesce(CASE WHEN p.level = 'area' THEN ta.margin END, ts.margin, c.amber_margin::DECIMAL(18, 4), 5) AS m,
                   a.value::DECIMAL(18, 4) AS b
            FROM pub p
            JOIN catalogue c USING (kpi_id)
            JOIN res r USING (period, level, unit_code, kpi_id, dimension, dimension_value)
            LEFT JOIN targets ta ON ta.area = p.unit_code AND ta.kpi_id = p.kpi_id
            LEFT JOIN targets ts ON ts.area = '*' AND ts.kpi_id = p.kpi_id
            LEFT JOIN pub a ON a.level = 'all' AND a.period = p.period AND a.kpi_id = p.kpi_id
                           AND a.dimension = p.dimension AND a.dimension_value = p.dimension_value),
        rerated AS (
            SELECT *, CASE
                WHEN suppressed OR v IS NULL THEN 'none'
                WHEN rag_basis = 'target' AND polarity = 'higher_is_better' THEN
                    CASE WHEN v >= t THEN 'green' WHEN v >= t - m THEN 'amber' ELSE 'red' END
                WHEN rag_basis = 'target' AND polarity = 'lower_is_better' THEN
                    CASE WHEN v <= t THEN 'green' WHEN v <= t + m THEN 'amber' ELSE 'red' END
                WHEN rag_basis = 'national_benchmark' AND (level = 'all' OR b IS NULL) THEN 'none'
                WHEN rag_basis = 'national_benchmark' AND polarity = 'higher_is_better' THEN
                    CASE WHEN v >= b THEN 'green' WHEN 10 * v >= 9 * b THEN 'amber' ELSE 'red' END
                WHEN rag_basis = 'national_benchmark' AND polarity = 'lower_is_better' THEN
                    CASE WHEN v <= b THEN 'green' WHEN 10 * v <= 11 * b THEN 'amber' ELSE 'red' END
                ELSE 'none' END AS expected
            FROM figures)

        """;
}
