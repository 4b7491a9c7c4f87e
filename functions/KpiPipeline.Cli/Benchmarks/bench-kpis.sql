-- The benchmark's DuckDB side (docs/benchmarks.md): VOL01, ACC01, RET01, EXT01 and EXT02 at provider and area
-- level, per financial quarter, for dimension ALL and each substance group, computed from the raw monthly CSV
-- returns exactly as kpis.md defines them, written to Parquet.
-- Placeholders filled in by DuckDbSide (kpi bench): {{returns}}, {{reference}}, {{asof}} (YYYY-MM-DD), {{out}}.
-- People are linked by the raw attributor FIRST_INITIAL + LAST_INITIAL + date_of_birth + SEX: the same identity
-- the project's client_key is the HMAC of, so distinct counts agree without DuckDB computing an HMAC.

-- A financial-year quarter label (2025-26-Q1 = April to June 2025) for the quarter holding a date.
CREATE MACRO fy_label(d) AS
    CAST(year(d) - CASE WHEN month(d) < 4 THEN 1 ELSE 0 END AS VARCHAR) || '-'
    || lpad(CAST((year(d) - CASE WHEN month(d) < 4 THEN 1 ELSE 0 END + 1) % 100 AS VARCHAR), 2, '0')
    || '-Q' || CAST(((month(d) + 8) % 12) // 3 + 1 AS VARCHAR);

-- 100 × n ÷ d rounded half away from zero to one decimal, in exact integer arithmetic; blank when d = 0.
CREATE MACRO percent(n, d) AS
    CASE WHEN d = 0 THEN NULL ELSE ((2000 * n + d) // (2 * d)) / 10.0 END;

-- Every row of every monthly episodes.csv, with its reporting month taken from the path.
CREATE TEMP TABLE episode_rows AS
SELECT upper(provider_code) AS provider,
       episode_id,
       upper(first_initial) || upper(last_initial) || date_of_birth || upper(sex) AS client,
       referral_date,
       upper(primary_substance) AS substance,
       treatment_start_date AS start_date,
       exit_date,
       upper(exit_reason) AS exit_reason,
       coalesce(upper(record_status), 'ACTIVE') AS record_status,
       CAST(regexp_extract(filename, '([0-9]{4}-[0-9]{2})/[^/]*$', 1) || '-01' AS DATE) AS month
FROM read_csv('{{returns}}/*/*/episodes.csv', header = true, filename = true, auto_detect = false,
    columns = {
        'provider_code': 'VARCHAR', 'episode_id': 'VARCHAR', 'first_initial': 'VARCHAR', 'last_initial': 'VARCHAR',
        'date_of_birth': 'VARCHAR', 'sex': 'VARCHAR', 'referral_date': 'DATE', 'referral_source': 'VARCHAR',
        'primary_substance': 'VARCHAR', 'treatment_start_date': 'DATE', 'setting': 'VARCHAR', 'medication': 'VARCHAR',
        'daily_dose_mg': 'VARCHAR', 'treatment_goal': 'VARCHAR', 'naloxone_supplied': 'VARCHAR', 'exit_date': 'DATE',
        'exit_reason': 'VARCHAR', 'record_status': 'VARCHAR'});

-- The latest month with an accepted episodes.csv per provider (an empty file counts too, so it comes from the paths).
CREATE TEMP TABLE last_file_month AS
SELECT upper(regexp_extract(file, '([^/]+)/[0-9]{4}-[0-9]{2}/episodes\.csv$', 1)) AS provider,
       max(CAST(regexp_extract(file, '([0-9]{4}-[0-9]{2})/episodes\.csv$', 1) || '-01' AS DATE)) AS last_month
FROM glob('{{returns}}/*/*/episodes.csv')
GROUP BY ALL;

-- dataset.md 2.3: the latest month's row wins, DELETED removes, and an episode with no exit that a later accepted
-- month left out ends at the last day of the last month it appeared in.
CREATE TEMP TABLE folded AS
WITH latest AS (
    SELECT * FROM episode_rows
    QUALIFY row_number() OVER (PARTITION BY provider, episode_id ORDER BY month DESC) = 1
)
SELECT l.provider, p.area, l.episode_id, l.client, l.referral_date, l.start_date, l.exit_date,
       CASE WHEN l.substance IN ('HEROIN', 'OTHER_OPIOID') THEN 'OPIATE'
            WHEN l.substance = 'ALCOHOL' THEN 'ALCOHOL' ELSE 'NON_OPIATE' END AS grp,
       l.exit_reason IN ('COMPLETED_DRUG_FREE', 'COMPLETED_OCCASIONAL_USE') AS successful,
       l.exit_reason IN ('TRANSFERRED', 'TRANSFERRED_CUSTODY', 'DIED') AS transfer_or_died,
       coalesce(l.exit_date,
                CASE WHEN l.month < f.last_month THEN last_day(l.month) END) AS effective_end
FROM latest l
JOIN last_file_month f USING (provider)
JOIN (SELECT upper(provider_code) AS provider, upper(area_code) AS area
      FROM read_csv('{{reference}}/providers.csv', header = true, all_varchar = true)) p USING (provider)
WHERE l.record_status <> 'DELETED';

-- Every quarter from the one holding the earliest referral to the one holding the as-of date.
CREATE TEMP TABLE periods AS
SELECT CAST(q AS DATE) AS p_start,
       CAST(q + INTERVAL 3 MONTH - INTERVAL 1 DAY AS DATE) AS p_end,
       fy_label(CAST(q AS DATE)) AS period
FROM (SELECT unnest(generate_series(
                CAST(date_trunc('quarter', (SELECT min(referral_date) FROM folded)) AS TIMESTAMP),
                CAST(date_trunc('quarter', DATE '{{asof}}') AS TIMESTAMP),
                INTERVAL 3 MONTH)) AS q);

-- Re-presentation (kpis.md section 0): another episode of the same client referred in (X, X + 182] after an exit on X.
CREATE TEMP TABLE represented AS
SELECT DISTINCT a.provider, a.episode_id
FROM folded a
JOIN folded b ON a.client = b.client AND b.referral_date > a.exit_date AND b.referral_date <= a.exit_date + 182
WHERE a.successful;

-- One row per (unit, period, dimension value) per measure; GROUPING SETS give provider and area, ALL and groups.
CREATE TEMP TABLE in_treatment AS
SELECT f.provider, f.area, f.grp, f.client, p.period
FROM folded f
JOIN periods p ON f.start_date <= p.p_end AND coalesce(f.effective_end, DATE '9999-12-31') >= p.p_start;

CREATE TEMP TABLE measures AS
WITH vol AS (
    SELECT coalesce(provider, area) AS unit, period, coalesce(grp, 'ALL') AS dim, count(DISTINCT client) AS vol01
    FROM in_treatment
    GROUP BY GROUPING SETS ((provider, period), (provider, period, grp), (area, period), (area, period, grp))
),
starts AS (
    SELECT f.*, fy_label(f.start_date) AS period,
           DATE '{{asof}}' >= p.p_end + 84 AS final,
           f.exit_date IS NOT NULL AND f.exit_date - f.start_date < 84 AS exit_within_84
    FROM folded f JOIN periods p ON f.start_date BETWEEN p.p_start AND p.p_end
),
starts_measures AS (
    SELECT coalesce(provider, area) AS unit, period, coalesce(grp, 'ALL') AS dim,
           count(*) AS starts,
           count(*) FILTER (WHERE start_date - referral_date <= 21) AS waited_21,
           count(*) FILTER (WHERE in_cohort) AS cohort,
           count(*) FILTER (WHERE in_cohort AND (effective_end IS NULL OR effective_end - start_date >= 84
                                           OR (exit_within_84 AND successful))) AS retained
    FROM (SELECT *, NOT (exit_within_84 AND transfer_or_died)
                    AND (final OR exit_date IS NOT NULL OR start_date + 84 <= DATE '{{asof}}') AS in_cohort
          FROM starts)
    GROUP BY GROUPING SETS ((provider, period), (provider, period, grp), (area, period), (area, period, grp))
),
exits AS (
    SELECT coalesce(f.provider, f.area) AS unit, fy_label(f.exit_date) AS period, coalesce(f.grp, 'ALL') AS dim,
           count(DISTINCT f.client) AS successful_exits,
           count(DISTINCT f.client) FILTER (WHERE r.episode_id IS NULL) AS no_representation
    FROM folded f
    LEFT JOIN represented r USING (provider, episode_id)
    WHERE f.successful AND f.exit_date <= DATE '{{asof}}'
    GROUP BY GROUPING SETS ((f.provider, period), (f.provider, period, f.grp), (f.area, period), (f.area, period, f.grp))
),
units AS (
    SELECT 'provider' AS level, upper(provider_code) AS unit FROM read_csv('{{reference}}/providers.csv', header = true, all_varchar = true)
    UNION ALL
    SELECT 'area', upper(area_code) FROM read_csv('{{reference}}/areas.csv', header = true, all_varchar = true)
),
grid AS (
    SELECT u.level, u.unit, p.period, p.p_end, d.dim
    FROM units u, periods p, (VALUES ('ALL'), ('OPIATE'), ('NON_OPIATE'), ('ALCOHOL')) d(dim)
)
SELECT g.level, g.unit, g.period, g.p_end, g.dim,
       coalesce(v.vol01, 0) AS vol01,
       coalesce(s.starts, 0) AS starts, coalesce(s.waited_21, 0) AS waited_21,
       coalesce(s.cohort, 0) AS cohort, coalesce(s.retained, 0) AS retained,
       coalesce(e.successful_exits, 0) AS successful_exits, coalesce(e.no_representation, 0) AS no_representation
FROM grid g
LEFT JOIN vol v ON v.unit = g.unit AND v.period = g.period AND v.dim = g.dim
LEFT JOIN starts_measures s ON s.unit = g.unit AND s.period = g.period AND s.dim = g.dim
LEFT JOIN exits e ON e.unit = g.unit AND e.period = g.period AND e.dim = g.dim;

-- The KPI rows, shaped like the project's restricted results.
COPY (
    SELECT period, level, unit AS unit_code, kpi_id,
           CASE WHEN dim = 'ALL' THEN 'all' ELSE 'substance_group' END AS dimension, dim AS dimension_value,
           numerator, denominator,
           CASE WHEN denominator IS NULL THEN CAST(numerator AS DOUBLE) ELSE percent(numerator, denominator) END AS value,
           status
    FROM (
        SELECT *, 'VOL01_in_treatment' AS kpi_id, vol01 AS numerator, CAST(NULL AS BIGINT) AS denominator, 'final' AS status FROM measures
        UNION ALL
        SELECT *, 'ACC01_waited_3_weeks_or_less', waited_21, starts, 'final' FROM measures
        UNION ALL
        SELECT *, 'RET01_retained_12_weeks', retained, cohort,
               CASE WHEN DATE '{{asof}}' < p_end + 84 THEN 'provisional' ELSE 'final' END FROM measures
        UNION ALL
        SELECT *, 'EXT01_successful_completions', successful_exits, vol01, 'final' FROM measures
        UNION ALL
        SELECT *, 'EXT02_successful_no_representation', no_representation, vol01,
               CASE WHEN DATE '{{asof}}' < p_end + 182 THEN 'provisional' ELSE 'final' END FROM measures
    )
) TO '{{out}}' (FORMAT parquet, COMPRESSION snappy);
