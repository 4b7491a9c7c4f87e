using KpiPipeline.Synthetic;
using KpiPipeline.Testing;
using Xunit.Abstractions;

namespace KpiPipeline.Cli.Tests.Oracle;

/// <summary>
/// An independent check of the KPIs of kpis.md sections 1–8 that <see cref="SpecVersion11OracleTests"/> does not cover:
/// <c>Oracle/spec-1.0.sql</c>, a reading of the spec written by an outside auditor without the project's KPI code,
/// computes in DuckDB from the raw monthly CSV returns every restricted row (dimension all, every level) of ACC02–ACC04,
/// RET02–RET04, EXT03–EXT06, DOS01, DOS02, HRM01, SOFT01, SOFT02, SOFT04–SOFT08, NSP01–NSP06, POP01 and DQ01–DQ03, and
/// every one must equal what <c>kpi process</c> publishes (numerator, denominator, value, status; a row on one side only is
/// a difference). The returns are generated with a seed no other test uses, with rejected files among them, plus
/// <see cref="EdgeReturns"/>' hand-made providers (an empty last episodes.csv, rejected files, an area without estimates).
/// </summary>
public sealed class SpecVersion10OracleTests(ITestOutputHelper log)
{
    /// <summary>Mid-month: June's returns are due on the as-of date (DQ01); RET02 and EXT03 have provisional quarters.</summary>
    private const string AsOf = "2026-07-15";

    private static readonly SyntheticOptions Options = OracleSql.Returns(seed: 10_0410);

    [Fact]
    public async Task Every_other_kpi_row_equals_an_independent_DuckDB_reading_of_the_spec()
    {
        var run = await OracleSql.ProcessAsync("oracle-1.0", Options, AsOf);
        await using var session = DuckDb.OpenSession();
        await OracleSql.RunReadingAsync(session, "spec-1.0.sql", run);
        await OracleSql.CompareAsync(session, Comparison, run);

        log.WriteLine("kpi rows-compared counted-rows provisional hand-made-area-counted");
        var summary = await OracleSql.QueryAsync(session,
            "SELECT kpi_id, count(*) AS compared, count(*) FILTER (WHERE coalesce(numerator, denominator) > 0) AS counted, " +
            "count(*) FILTER (WHERE status = 'provisional') AS provisional, " +
            "count(*) FILTER (WHERE unit_code IN ('ZZ01', 'ZZ02', 'E06000099') AND coalesce(numerator, denominator) > 0) AS edge_area " +
            "FROM compared GROUP BY ALL ORDER BY ALL");
        foreach (var row in summary)
        {
            log.WriteLine(string.Join(' ', row));
        }

        await OracleSql.AssertNoDifferencesAsync(
            session, "kpi_id, period, level, unit_code", "restricted rows", "kpis.md sections 1–8", "spec-1.0.sql");

        // The comparison must not be vacuous: every KPI of the oracle has rows with something counted (the numerator, or n
        // for ACC02, SOFT01 and SOFT05, whose numerator is blank), and the KPIs that can be provisional have provisional rows.
        var kpis = summary.ToDictionary(r => r[0], r => r, StringComparer.Ordinal);
        Assert.Equal(30, kpis.Count);
        foreach (var (kpi, row) in kpis)
        {
            Assert.True(OracleSql.Number(row[2]) > 0, $"{kpi} has no row with a non-zero numerator.");
        }

        foreach (var kpi in new[] { "RET02_early_unplanned_exit", "EXT03_representation_6_months" })
        {
            Assert.True(OracleSql.Number(kpis[kpi][3]) > 0, $"{kpi} has no provisional row.");
        }
    }

    /// <summary>
    /// The project's restricted rows of the oracle's KPIs joined to the oracle's; <c>differences</c> lists a row on one side
    /// only or any differing figure or status.
    /// </summary>
    private const string Comparison = """
        CREATE TEMP TABLE project_rows AS
        SELECT period, level, unit_code, kpi_id, dimension, dimension_value, numerator, denominator, value, status
        FROM read_parquet('{{output}}/restricted/kpi_results/*/*.parquet', hive_partitioning = true)
        WHERE kpi_id IN (SELECT DISTINCT kpi_id FROM oracle_rows);

        CREATE MACRO figures(n, d, v, s) AS
            coalesce(CAST(n AS VARCHAR), 'blank') || '/' || coalesce(CAST(d AS VARCHAR), 'blank') || ' = '
            || coalesce(CAST(v AS VARCHAR), 'blank') || ' (' || s || ')';

        CREATE TEMP TABLE differences AS
        SELECT kpi_id, period, level, unit_code,
               period || ' ' || level || ' ' || unit_code || ' ' || kpi_id || ' ' || dimension || '=' || dimension_value || ': '
               || CASE WHEN o.kpi_id IS NULL THEN 'project ' || figures(p.numerator, p.denominator, p.value, p.status) || ', oracle has no row'
                       WHEN p.kpi_id IS NULL THEN 'oracle ' || figures(o.numerator, o.denominator, o.value, o.status) || ', project has no row'
                       ELSE 'project ' || figures(p.numerator, p.denominator, p.value, p.status)
                            || ', oracle ' || figures(o.numerator, o.denominator, o.value, o.status) END AS description
        FROM oracle_rows o
        FULL OUTER JOIN project_rows p USING (period, level, unit_code, kpi_id, dimension, dimension_value)
        WHERE o.kpi_id IS NULL OR p.kpi_id IS NULL
           OR o.numerator IS DISTINCT FROM p.numerator OR o.denominator IS DISTINCT FROM p.denominator
           OR o.status IS DISTINCT FROM p.status
           OR NOT ((o.value IS NULL AND p.value IS NULL) OR abs(o.value - p.value) < 1e-9);

        CREATE TEMP TABLE compared AS
        SELECT o.* FROM oracle_rows o SEMI JOIN project_rows p USING (period, level, unit_code, kpi_id, dimension, dimension_value);
        """;
}
