using KpiPipeline.Synthetic;
using KpiPipeline.Testing;
using Xunit.Abstractions;

namespace KpiPipeline.Cli.Tests.Oracle;

/// <summary>
/// An independent check of the version 1.1 KPIs (kpis.md section 10): <c>Oracle/spec-1.1.sql</c>, a reading of the spec
/// written without the project's KPI code, computes in DuckDB from the raw monthly CSV returns every row of the ‡ KPIs
/// (dimensions all, substance_group, treatment_goal, sex, age_band) and of EXT07, EXT08, CJ01, HAT01–HAT03 and
/// CAP01–CAP03, at every level, in both datasets (the public one after disclosure control), and every one must equal what
/// <c>kpi process</c> publishes (numerator, denominator, value, status, suppressed; a row on one side only is a
/// difference). The returns are generated with a seed no other test uses, with rejected files among them, plus
/// <see cref="EdgeReturns"/>' hand-made providers for the edges generated data rarely reach.
/// </summary>
public sealed class SpecVersion11OracleTests(ITestOutputHelper log)
{
    /// <summary>Mid-month: 2026-27-Q1 and Q2 are provisional for CJ01, Q2 for HAT01; later months' returns are ignored.</summary>
    private const string AsOf = "2026-07-15";

    private static readonly SyntheticOptions Options = OracleSql.Returns(seed: 11_0711);

    [Fact]
    public async Task Every_version_1_1_row_equals_an_independent_DuckDB_reading_of_the_spec()
    {
        var run = await OracleSql.ProcessAsync(
            "oracle-1.1", Options, AsOf,
            (returns, generator) => [BreakLatestWorkforceFile(returns, generator.Reference.Providers[0].ProviderCode, "2026-01", "2026-03")]);
        await using var session = DuckDb.OpenSession();
        await OracleSql.RunReadingAsync(session, "spec-1.1.sql", run);
        await OracleSql.CompareAsync(session, Comparison, run);

        log.WriteLine("dataset kpi rows-compared non-zero-numerators provisional hand-made-area-non-zero suppressed");
        var summary = await OracleSql.QueryAsync(session,
            "SELECT dataset, kpi_id, count(*) AS compared, count(*) FILTER (WHERE numerator > 0) AS non_zero, " +
            "count(*) FILTER (WHERE status = 'provisional') AS provisional, " +
            "count(*) FILTER (WHERE unit_code IN ('ZZ01', 'ZZ02', 'E06000099') AND numerator > 0) AS edge_area, " +
            "count(*) FILTER (WHERE suppressed) AS suppressed " +
            "FROM compared GROUP BY ALL ORDER BY ALL");
        foreach (var row in summary)
        {
            log.WriteLine(string.Join(' ', row));
        }

        await OracleSql.AssertNoDifferencesAsync(
            session, "dataset DESC, kpi_id, period, level, unit_code, dimension, dimension_value", "rows",
            "kpis.md section 10", "spec-1.1.sql");

        // Rows the project withheld beyond the oracle's reading (complementary suppression) are accepted above; they must
        // stay a small share of the public rows, or a fault that blanked everything would pass.
        var beyond = (await OracleSql.QueryAsync(session,
            "SELECT count(*) FILTER (WHERE p.suppressed AND NOT o.suppressed), count(*) FROM oracle_all o " +
            "JOIN project_rows p USING (dataset, period, level, unit_code, kpi_id, dimension, dimension_value) WHERE o.dataset = 'public'"))[0];
        var (withheldBeyond, publicCompared) = (OracleSql.Number(beyond[0]), OracleSql.Number(beyond[1]));
        log.WriteLine($"public rows suppressed by the project only (complementary suppression): {withheldBeyond} of {publicCompared}");
        Assert.True(withheldBeyond * 100 <= publicCompared, $"{withheldBeyond} of {publicCompared} public rows are suppressed beyond outputs.md section 4.");

        // The comparison must not be vacuous: every KPI has restricted rows with something counted, also in the hand-made
        // area; the KPIs that can be provisional have provisional rows; the public dataset has suppressed rows and rows
        // with rounded counts.
        var kpis = summary.ToDictionary(r => r[0] + " " + r[1], r => r, StringComparer.Ordinal);
        Assert.Equal(32, kpis.Count);
        foreach (var (kpi, row) in kpis.Where(k => k.Key.StartsWith("restricted ", StringComparison.Ordinal)))
        {
            Assert.True(OracleSql.Number(row[3]) > 0, $"{kpi} has no row with a non-zero numerator.");
            Assert.True(OracleSql.Number(row[5]) > 0, $"{kpi} has no non-zero numerator in the hand-made area.");
        }

        foreach (var kpi in new[]
                 {
                     "RET01_retained_12_weeks", "EXT02_successful_no_representation", "CJ01_prison_release_engaged_3_weeks",
                     "HAT01_engaged_12_months",
                 })
        {
            Assert.True(OracleSql.Number(kpis["restricted " + kpi][4]) > 0, $"{kpi} has no provisional row.");
        }

        var publicRows = kpis.Where(k => k.Key.StartsWith("public ", StringComparison.Ordinal)).Select(k => k.Value).ToList();
        Assert.True(publicRows.Sum(r => OracleSql.Number(r[3])) > 1000 && publicRows.Sum(r => OracleSql.Number(r[6])) > 1000,
            "The public dataset has too few rounded or suppressed rows to check disclosure control.");
    }

    /// <summary>
    /// The project's rows of the oracle's KPIs in both datasets, every level, every dimension it publishes for them, joined
    /// to the oracle's; <c>differences</c> lists a row on one side only or any differing figure, status or suppression.
    /// </summary>
    private const string Comparison = """
        CREATE TEMP TABLE oracle_all AS
        SELECT 'restricted' AS dataset, *, false AS suppressed FROM oracle_rows
        UNION ALL
        SELECT 'public', * FROM oracle_public_rows;

        CREATE TEMP TABLE project_rows AS
        SELECT 'restricted' AS dataset, period, level, unit_code, kpi_id, dimension, dimension_value, numerator, denominator,
               value, status, suppressed
        FROM read_parquet('{{output}}/restricted/kpi_results/*/*.parquet', hive_partitioning = true)
        WHERE kpi_id IN (SELECT DISTINCT kpi_id FROM oracle_rows)
        UNION ALL
        SELECT 'public', period, level, unit_code, kpi_id, dimension, dimension_value, numerator, denominator, value, status,
               suppressed
        FROM read_parquet('{{output}}/public/kpi_results/*/*.parquet', hive_partitioning = true)
        WHERE kpi_id IN (SELECT DISTINCT kpi_id FROM oracle_rows);

        CREATE MACRO figures(n, d, v, s, x) AS
            coalesce(CAST(n AS VARCHAR), 'blank') || '/' || coalesce(CAST(d AS VARCHAR), 'blank') || ' = '
            || coalesce(CAST(v AS VARCHAR), 'blank') || ' (' || s || CASE WHEN x THEN ', suppressed' ELSE '' END || ')';

        CREATE TEMP TABLE differences AS
        SELECT dataset, kpi_id, period, level, unit_code, dimension, dimension_value,
               dataset || ' ' || period || ' ' || level || ' ' || unit_code || ' ' || kpi_id || ' ' || dimension || '='
               || dimension_value || ': '
               || CASE WHEN o.kpi_id IS NULL THEN 'project ' || figures(p.numerator, p.denominator, p.value, p.status, p.suppressed) || ', oracle has no row'
                       WHEN p.kpi_id IS NULL THEN 'oracle ' || figures(o.numerator, o.denominator, o.value, o.status, o.suppressed) || ', project has no row'
                       ELSE 'project ' || figures(p.numerator, p.denominator, p.value, p.status, p.suppressed)
                            || ', oracle ' || figures(o.numerator, o.denominator, o.value, o.status, o.suppressed) END AS description
        FROM oracle_all o
        FULL OUTER JOIN project_rows p USING (dataset, period, level, unit_code, kpi_id, dimension, dimension_value)
        WHERE (o.kpi_id IS NULL OR p.kpi_id IS NULL
           OR o.numerator IS DISTINCT FROM p.numerator OR o.denominator IS DISTINCT FROM p.denominator
           OR o.status IS DISTINCT FROM p.status OR o.suppressed IS DISTINCT FROM p.suppressed
           OR NOT ((o.value IS NULL AND p.value IS NULL) OR abs(o.value - p.value) < 1e-9))
          -- The project's complementary suppression (docs/kpis.md; beyond outputs.md section 4, which the oracle reads
          -- alone): a public row where the project blanks a count the oracle publishes (10 or more), and every other count
          -- is the oracle's; the row is then suppressed with a blank value.
          AND NOT coalesce(o.dataset = 'public' AND p.suppressed AND p.value IS NULL AND o.status = p.status
              AND ((p.numerator IS NULL AND o.numerator >= 10) OR (p.denominator IS NULL AND o.denominator >= 10))
              AND (p.numerator IS NOT DISTINCT FROM o.numerator OR (p.numerator IS NULL AND o.numerator >= 10))
              AND (p.denominator IS NOT DISTINCT FROM o.denominator OR (p.denominator IS NULL AND o.denominator >= 10)), false);

        CREATE TEMP TABLE compared AS
        SELECT o.* FROM oracle_all o SEMI JOIN project_rows p USING (dataset, period, level, unit_code, kpi_id, dimension, dimension_value);
        """;

    /// <summary>
    /// Overwrites a provider's latest workforce.csv among the given months with a header and no row (K07), so an earlier
    /// accepted month of the quarter stays in force (kpis.md 10.7). Returns its path under the returns folder.
    /// </summary>
    private static string BreakLatestWorkforceFile(string returns, string provider, string fromMonth, string toMonth)
    {
        var file = Directory.GetDirectories(Path.Combine(returns, provider))
            .Select(Path.GetFileName)
            .Where(m => string.CompareOrdinal(m, fromMonth) >= 0 && string.CompareOrdinal(m, toMonth) <= 0)
            .Select(m => Path.Combine(returns, provider, m!, "workforce.csv"))
            .Where(File.Exists)
            .Order(StringComparer.Ordinal)
            .Last();
        var header = File.ReadLines(file).First();
        File.WriteAllText(file, header + "\n");
        return Path.GetRelativePath(returns, file).Replace('\\', '/');
    }
}
