-- An independent reading of kpis.md sections 0–9 (the KPIs of version 1.0 that spec-1.1.sql does not cover), written
-- from the spec alone by an outside auditor, in DuckDB SQL over the raw monthly CSV returns. It computes, at every level
-- (provider, area, nation, all; POP01 and NSP04 area level and above) for every quarter, dimension all:
--   ACC02, ACC03, ACC04, RET02, RET03, RET04, EXT03, EXT04, EXT05, EXT06, DOS01, DOS02, HRM01, SOFT01, SOFT02, SOFT04,
--   SOFT05, SOFT06, SOFT07, SOFT08, NSP01–NSP06, POP01, DQ01, DQ02 and DQ03.
-- The result is the table oracle_rows (the restricted dataset) with the columns period, level, unit_code, kpi_id,
-- dimension, dimension_value, numerator, denominator, value, status, shaped like the project's kpi_results.
-- SpecVersion10OracleTests compares it with what `kpi process` publishes.
--
-- Placeholders filled in by the test:
--   {{returns}}   the returns folder ({provider}/{YYYY-MM}/{episodes|reviews|nsp|workforce}.csv)
--   {{reference}} the reference folder (providers.csv, areas.csv)
--   {{asof}}      the run's as-of date, YYYY-MM-DD
--   {{rejected}}  a CSV file with one column `path` ({provider}/{YYYY-MM}/{file}.csv): the files the test broke on
--                 purpose, which validation rejects (dataset.md 2.3: only accepted files count; DQ02 counts them).
--
-- People are linked by the raw attributor FIRST_INITIAL | LAST_INITIAL | date_of_birth | SEX (dataset.md 2.2), the
-- string the project's client_key is the keyed hash of, so distinct counts agree without an HMAC here.
--
-- Readings made where the spec leaves room:
--   R1  SOFT01–SOFT06: LATEST is the episode's latest REVIEW/EXIT review dated in P and strictly after START, chosen
--       without regard to the measure (an EXIT beats a REVIEW of the same date); the episode is paired for a measure
--       when both START and that LATEST hold it (section 6: "START ... even if that review lacks the measure").
--   R2  DQ03: an episode counts in month M when the provider's previous accepted episodes.csv (the latest accepted
--       month before M, at or before the as-of date) has it with no exit_date and not DELETED, and M's accepted file
--       leaves it out (W02, dataset.md 1). An empty (header-only) accepted file leaves every open episode out.
--   R3  DQ01 and DQ02 offline (section 8): every accepted file was uploaded on time; a rejected upload counts in DQ02
--       for its provider and month (months after the as-of date do not); DQ01 looks at episodes.csv files, an empty
--       accepted one included.
--   R4  POP01: value = 100 × (denominator − numerator) ÷ denominator rounded half away from zero to one decimal (exact
--       integer arithmetic; negative values round away from zero too).
--   R5  Re-presentation (section 0) after an exit is another episode of the same person (not the exiting episode
--       itself) referred in (X, X + 182].
--   R6  EXT03: "every such exit" is every SUCCESSFUL exit in P of the person within the unit (at area level, at the
--       area's providers), each of which must have a re-presentation (anywhere).
--   R7  RET03/RET04: an OST episode has a recorded medication other than NONE (a blank medication is not OST).
--   R8  SOFT07 counts reviews (not episodes or people) once per unit; SOFT08's review must have stage REVIEW.
--   R9  ACC02's median is DuckDB's quantile_cont (the mean of the two middle values for an even n), not rounded.

-- 100 × n ÷ d rounded half away from zero to one decimal, in exact integer arithmetic (n, d ≥ 0); blank when d = 0.
CREATE MACRO pct(n, d) AS CASE WHEN d IS NULL OR d = 0 THEN NULL ELSE ((2000 * n + d) // (2 * d)) / 10.0 END;
-- s ÷ n rounded half away from zero to one decimal (s may be negative); blank when n = 0.
CREATE MACRO mean1(s, n) AS CASE WHEN n IS NULL OR n = 0 THEN NULL ELSE sign(s) * ((20 * abs(s) + n) // (2 * n)) / 10.0 END;

CREATE TEMP TABLE rejected AS
SELECT path,
       upper(regexp_extract(path, '^([^/]+)/', 1)) AS provider,
       CAST(regexp_extract(path, '/([0-9]{4}-[0-9]{2})/', 1) || '-01' AS DATE) AS month
FROM read_csv('{{rejected}}', header = true, auto_detect = false, columns = {'path': 'VARCHAR'});

-- Every return file present, with its provider, month and kind from the path; accepted = not rejected (any month).
CREATE TEMP TABLE files AS
SELECT file,
       regexp_extract(file, '([^/]+/[0-9]{4}-[0-9]{2}/[a-z]+\.csv)$', 1) AS path,
       upper(regexp_extract(file, '([^/]+)/[0-9]{4}-[0-9]{2}/[a-z]+\.csv$', 1)) AS provider,
       CAST(regexp_extract(file, '([0-9]{4}-[0-9]{2})/[a-z]+\.csv$', 1) || '-01' AS DATE) AS month,
       regexp_extract(file, '([a-z]+)\.csv$', 1) AS kind
FROM glob('{{returns}}/*/*/*.csv');

CREATE TEMP TABLE accepted AS SELECT * FROM files WHERE path NOT IN (SELECT path FROM rejected);

-- The accepted files that count: returns for a month whose first day is after the as-of date are ignored (2.3).
CREATE TEMP TABLE counted AS SELECT * FROM accepted WHERE month <= DATE '{{asof}}';

-- Reference data and the units of each level.
CREATE TEMP TABLE providers AS
SELECT upper(provider_code) AS provider_code, upper(area_code) AS area_code
FROM read_csv('{{reference}}/providers.csv', header = true, all_varchar = true);

CREATE TEMP TABLE areas AS
SELECT upper(area_code) AS area_code, upper(nation) AS nation,
       CAST(estimated_opiate_users AS BIGINT) AS est_opi, CAST(estimated_pwid AS BIGINT) AS est_pwid
FROM read_csv('{{reference}}/areas.csv', header = true, all_varchar = true);

CREATE TEMP TABLE unitmap AS
SELECT provider_code, 'provider' AS level, provider_code AS unit_code FROM providers
UNION ALL SELECT provider_code, 'area', area_code FROM providers
UNION ALL SELECT p.provider_code, 'nation', a.nation FROM providers p JOIN areas a USING (area_code)
UNION ALL SELECT provider_code, 'all', 'ALL' FROM providers;

CREATE TEMP TABLE units AS
SELECT 'provider' AS level, provider_code AS unit_code FROM providers
UNION ALL SELECT 'area', area_code FROM areas
UNION ALL SELECT DISTINCT 'nation', nation FROM areas
UNION ALL SELECT 'all', 'ALL';

-- The areas of each unit at area level and above.
CREATE TEMP TABLE areamap AS
SELECT area_code, 'area' AS level, area_code AS unit_code FROM areas
UNION ALL SELECT area_code, 'nation', nation FROM areas
UNION ALL SELECT area_code, 'all', 'ALL' FROM areas;

-- Every row of every counted episodes.csv with its provider and reporting month.
CREATE TEMP TABLE raw_ep AS
SELECT c.provider, c.month, r.*
FROM read_csv('{{returns}}/*/*/episodes.csv', header = true, filename = true, all_varchar = true, union_by_name = true,
              delim = ',', quote = '"', escape = '"') r
JOIN counted c ON c.file = r.filename;

-- The latest counted episodes.csv month per provider (an empty file counts too, so it comes from the paths).
CREATE TEMP TABLE prov_last_month AS
SELECT provider, max(month) AS max_month FROM counted WHERE kind = 'episodes' GROUP BY ALL;

-- dataset.md 2.3: the latest month's row wins, DELETED removes, and an episode with no exit that a later counted month
-- left out ends at the last day of the last month it appeared in (its effective end).
CREATE TEMP TABLE eps AS
WITH latest AS (
    SELECT *, max(month) OVER (PARTITION BY provider, episode_id) AS last_month
    FROM raw_ep
    QUALIFY row_number() OVER (PARTITION BY provider, episode_id ORDER BY month DESC) = 1
),
ep AS (
    SELECT l.provider AS provider_code, l.episode_id,
           upper(first_initial) || '|' || upper(last_initial) || '|' || date_of_birth || '|' || upper(sex) AS client,
           CAST(referral_date AS DATE) AS refd, upper(primary_substance) AS primary_substance,
           CAST(treatment_start_date AS DATE) AS st, upper(medication) AS medication,
           CAST(daily_dose_mg AS DECIMAL(18, 4)) AS dose, upper(naloxone_supplied) AS naloxone,
           CAST(exit_date AS DATE) AS exit_date, upper(exit_reason) AS exit_reason,
           CASE WHEN exit_date IS NOT NULL THEN CAST(exit_date AS DATE)
                WHEN pl.max_month > l.last_month THEN last_day(l.last_month) END AS eff_end
    FROM latest l JOIN prov_last_month pl USING (provider)
    WHERE coalesce(upper(record_status), 'ACTIVE') <> 'DELETED'
)
SELECT *,
       CASE WHEN primary_substance IN ('HEROIN', 'OTHER_OPIOID') THEN 'OPIATE'
            WHEN primary_substance = 'ALCOHOL' THEN 'ALCOHOL' ELSE 'NON_OPIATE' END AS sgroup,
       CASE WHEN exit_reason IN ('COMPLETED_DRUG_FREE', 'COMPLETED_OCCASIONAL_USE') THEN 'SUCCESSFUL'
            WHEN exit_reason IN ('TRANSFERRED', 'TRANSFERRED_CUSTODY') THEN 'TRANSFER'
            WHEN exit_reason = 'DIED' THEN 'DIED'
            WHEN exit_reason IS NOT NULL THEN 'UNPLANNED' END AS oclass
FROM ep;

-- Every quarter from the one holding the earliest referral (combined, deleted removed) to the one holding the as-of date.
CREATE TEMP TABLE periods AS
WITH s AS (
    SELECT unnest(generate_series(date_trunc('quarter', (SELECT min(refd) FROM eps)),
                                  date_trunc('quarter', DATE '{{asof}}'), INTERVAL 3 MONTH))::DATE AS ps
)
SELECT ps AS pstart, (ps + INTERVAL 3 MONTH - INTERVAL 1 DAY)::DATE AS pend,
       (CASE WHEN month(ps) >= 4 THEN year(ps) ELSE year(ps) - 1 END)::VARCHAR || '-'
       || lpad(((CASE WHEN month(ps) >= 4 THEN year(ps) ELSE year(ps) - 1 END + 1) % 100)::VARCHAR, 2, '0') || '-Q'
       || (CASE month(ps) WHEN 4 THEN 1 WHEN 7 THEN 2 WHEN 10 THEN 3 ELSE 4 END)::VARCHAR AS period
FROM s;

-- Reviews combine like episodes (the latest month's row per provider, episode_id, review_date and stage wins); a review
-- counts only once its episode exists (combined, not deleted).
CREATE TEMP TABLE rv AS
SELECT c.provider AS provider_code, r.episode_id, CAST(r.review_date AS DATE) AS rdate, upper(r.stage) AS stage,
       CAST(r.injecting_days AS INTEGER) AS injecting_days, CAST(r.quality_of_life AS INTEGER) AS qol,
       upper(r.acute_housing_problem) AS housing, CAST(r.barc10_score AS INTEGER) AS barc,
       CAST(r.goals_set AS INTEGER) AS goals_set, CAST(r.goals_progressed AS INTEGER) AS goals_progressed
FROM read_csv('{{returns}}/*/*/reviews.csv', header = true, filename = true, all_varchar = true, union_by_name = true,
              delim = ',', quote = '"', escape = '"') r
JOIN counted c ON c.file = r.filename
WHERE EXISTS (SELECT 1 FROM eps e WHERE e.provider_code = c.provider AND e.episode_id = r.episode_id)
QUALIFY row_number() OVER (PARTITION BY c.provider, r.episode_id, r.review_date, upper(r.stage) ORDER BY c.month DESC) = 1;

-- NSP transactions of the counted months (a month's file replaces the month; months do not combine).
CREATE TEMP TABLE nsp AS
SELECT c.provider AS provider_code, TRY_CAST(n.transaction_date AS DATE) AS tdate, upper(n.new_registration) AS newreg,
       CAST(n.needles_supplied AS BIGINT) AS needles, upper(n.naloxone_supplied) AS nalox,
       upper(n.referred_to_treatment) AS referred
FROM read_csv('{{returns}}/*/*/nsp.csv', header = true, filename = true, all_varchar = true, union_by_name = true,
              delim = ',', quote = '"', escape = '"') n
JOIN counted c ON c.file = n.filename;

-- Every episode in every period, with the tests of section 0.
CREATE TEMP TABLE pe AS
SELECT p.period, p.pstart, p.pend, e.*,
       coalesce(e.st <= p.pend AND (e.eff_end IS NULL OR e.eff_end >= p.pstart), false) AS it,
       coalesce(e.st BETWEEN p.pstart AND p.pend, false) AS start_in,
       coalesce(e.exit_date BETWEEN p.pstart AND p.pend, false) AS exit_in,
       coalesce(e.st <= p.pend AND (e.eff_end IS NULL OR e.eff_end > p.pend), false) AS open_end,
       date_diff('day', e.refd, e.st) AS wait,
       date_diff('day', e.st, e.exit_date) AS los
FROM periods p, eps e;

-- ... and at every unit its provider belongs to.
CREATE TEMP TABLE pu AS SELECT pe.*, u.level, u.unit_code FROM pe JOIN unitmap u USING (provider_code);

-- Every unit and period: each KPI has a row for each (section 0).
CREATE TEMP TABLE scaf_all AS SELECT p.period, p.pstart, p.pend, u.level, u.unit_code FROM periods p, units u;

CREATE TEMP TABLE oracle_rows (period VARCHAR, level VARCHAR, unit_code VARCHAR, kpi_id VARCHAR, dimension VARCHAR,
    dimension_value VARCHAR, numerator BIGINT, denominator BIGINT, value DOUBLE, status VARCHAR);

-- ===== 1. Access =====

-- ACC02: median wait over starts in P (reading R9); numerator blank, denominator n.
INSERT INTO oracle_rows
WITH a AS (SELECT period, level, unit_code, count(*) AS n, quantile_cont(wait, 0.5) AS med FROM pu WHERE start_in GROUP BY ALL)
SELECT s.period, s.level, s.unit_code, 'ACC02_median_wait_days', 'all', 'ALL', NULL, coalesce(n, 0), med, 'final'
FROM scaf_all s LEFT JOIN a USING (period, level, unit_code);

-- ACC03: starts in P with wait 0 ÷ starts in P.
INSERT INTO oracle_rows
WITH a AS (SELECT period, level, unit_code, count(*) AS d, count(*) FILTER (WHERE wait = 0) AS n FROM pu WHERE start_in GROUP BY ALL)
SELECT s.period, s.level, s.unit_code, 'ACC03_same_day_start', 'all', 'ALL', coalesce(n, 0), coalesce(d, 0), pct(n, d), 'final'
FROM scaf_all s LEFT JOIN a USING (period, level, unit_code);

-- ACC04: referred by P.end − 21, not started by P.end, effective end blank or after P.end.
INSERT INTO oracle_rows
WITH a AS (
    SELECT period, level, unit_code, count(*) AS n FROM pu
    WHERE refd <= pend - 21 AND (st IS NULL OR st > pend) AND (eff_end IS NULL OR eff_end > pend) GROUP BY ALL
)
SELECT s.period, s.level, s.unit_code, 'ACC04_waiting_over_3_weeks_at_period_end', 'all', 'ALL', coalesce(n, 0), NULL,
       coalesce(n, 0), 'final'
FROM scaf_all s LEFT JOIN a USING (period, level, unit_code);

-- ===== 3. Retention =====

-- RET02: the RET01 cohort (starts in P less TRANSFER/DIED within 84 days; while the window is open only episodes that
-- have exited or whose start + 84 ≤ as-of); numerator: exited UNPLANNED with exit − start < 84.
INSERT INTO oracle_rows
WITH cohort AS (
    SELECT * FROM pu
    WHERE start_in AND NOT coalesce(oclass IN ('TRANSFER', 'DIED') AND los < 84, false)
      AND (DATE '{{asof}}' >= pend + 84 OR exit_date IS NOT NULL OR st + 84 <= DATE '{{asof}}')
),
a AS (SELECT period, level, unit_code, count(*) AS d, count(*) FILTER (WHERE oclass = 'UNPLANNED' AND los < 84) AS n FROM cohort GROUP BY ALL)
SELECT s.period, s.level, s.unit_code, 'RET02_early_unplanned_exit', 'all', 'ALL', coalesce(n, 0), coalesce(d, 0), pct(n, d),
       CASE WHEN DATE '{{asof}}' >= s.pend + 84 THEN 'final' ELSE 'provisional' END
FROM scaf_all s LEFT JOIN a USING (period, level, unit_code);

-- RET03/RET04: distinct clients with an OST episode IT in P (reading R7); numerator: such an episode started on or
-- before P.end − 1461 (2191).
INSERT INTO oracle_rows
WITH a AS (
    SELECT period, level, unit_code, count(DISTINCT client) AS d,
           count(DISTINCT client) FILTER (WHERE st <= pend - 1461) AS n4,
           count(DISTINCT client) FILTER (WHERE st <= pend - 2191) AS n6
    FROM pu WHERE it AND medication IS NOT NULL AND medication <> 'NONE' GROUP BY ALL
)
SELECT s.period, s.level, s.unit_code, k, 'all', 'ALL', coalesce(CASE WHEN k LIKE 'RET03%' THEN n4 ELSE n6 END, 0),
       coalesce(d, 0), pct(CASE WHEN k LIKE 'RET03%' THEN n4 ELSE n6 END, d), 'final'
FROM scaf_all s CROSS JOIN (VALUES ('RET03_ost_over_4_years'), ('RET04_ost_over_6_years')) t(k)
LEFT JOIN a USING (period, level, unit_code);

-- ===== 4. Exits =====

-- Reading R5: SUCCESSFUL exits followed by another episode of the same person referred in (X, X + 182].
CREATE TEMP TABLE represented AS
SELECT DISTINCT e.provider_code, e.episode_id
FROM eps e
JOIN eps o ON o.client = e.client AND NOT (o.provider_code = e.provider_code AND o.episode_id = e.episode_id)
    AND o.refd > e.exit_date AND o.refd <= e.exit_date + 182
WHERE e.oclass = 'SUCCESSFUL';

-- EXT03: distinct clients with a SUCCESSFUL exit in P; numerator: every such exit (in the unit, reading R6) has a
-- re-presentation. Final when as-of ≥ P.end + 182.
INSERT INTO oracle_rows
WITH per_client AS (
    SELECT pu.period, pu.level, pu.unit_code, pu.client, bool_and(r.episode_id IS NOT NULL) AS all_represented
    FROM pu LEFT JOIN represented r USING (provider_code, episode_id)
    WHERE pu.exit_in AND pu.oclass = 'SUCCESSFUL' GROUP BY ALL
),
a AS (SELECT period, level, unit_code, count(*) AS d, count(*) FILTER (WHERE all_represented) AS n FROM per_client GROUP BY ALL)
SELECT s.period, s.level, s.unit_code, 'EXT03_representation_6_months', 'all', 'ALL', coalesce(n, 0), coalesce(d, 0), pct(n, d),
       CASE WHEN DATE '{{asof}}' >= s.pend + 182 THEN 'final' ELSE 'provisional' END
FROM scaf_all s LEFT JOIN a USING (period, level, unit_code);

-- EXT04/EXT05: distinct clients with an exit in P with reason DROPPED_OUT / WITHDRAWN_BY_PROVIDER ÷ VOL01 (distinct
-- clients IT in P); EXT06: the count of those with reason DIED.
INSERT INTO oracle_rows
WITH a AS (
    SELECT period, level, unit_code,
           count(DISTINCT client) FILTER (WHERE exit_in AND exit_reason = 'DROPPED_OUT') AS n4,
           count(DISTINCT client) FILTER (WHERE exit_in AND exit_reason = 'WITHDRAWN_BY_PROVIDER') AS n5,
           count(DISTINCT client) FILTER (WHERE exit_in AND exit_reason = 'DIED') AS n6,
           count(DISTINCT client) FILTER (WHERE it) AS vol
    FROM pu GROUP BY ALL
),
k AS (
    SELECT s.*, k, coalesce(CASE k WHEN 'EXT04_dropped_out' THEN n4 WHEN 'EXT05_withdrawn_by_provider' THEN n5 ELSE n6 END, 0) AS n,
           coalesce(vol, 0) AS vol
    FROM scaf_all s CROSS JOIN (VALUES ('EXT04_dropped_out'), ('EXT05_withdrawn_by_provider'), ('EXT06_deaths_in_treatment')) t(k)
    LEFT JOIN a USING (period, level, unit_code)
)
SELECT period, level, unit_code, k, 'all', 'ALL', n,
       CASE WHEN k = 'EXT06_deaths_in_treatment' THEN NULL ELSE vol END,
       CASE WHEN k = 'EXT06_deaths_in_treatment' THEN n ELSE pct(n, vol) END, 'final'
FROM k;

-- ===== 5. Medication and harm reduction =====

-- DOS01/DOS02: distinct clients with a METHADONE (BUPRENORPHINE or BUPRENORPHINE_NALOXONE) episode IT in P with a dose
-- above 0; numerator: some such episode's dose in 60–120 (12–32) inclusive.
INSERT INTO oracle_rows
WITH a AS (
    SELECT period, level, unit_code,
           count(DISTINCT client) FILTER (WHERE medication = 'METHADONE') AS d1,
           count(DISTINCT client) FILTER (WHERE medication = 'METHADONE' AND dose BETWEEN 60 AND 120) AS n1,
           count(DISTINCT client) FILTER (WHERE medication IN ('BUPRENORPHINE', 'BUPRENORPHINE_NALOXONE')) AS d2,
           count(DISTINCT client) FILTER (WHERE medication IN ('BUPRENORPHINE', 'BUPRENORPHINE_NALOXONE') AND dose BETWEEN 12 AND 32) AS n2
    FROM pu WHERE it AND dose > 0 GROUP BY ALL
)
SELECT s.period, s.level, s.unit_code, k, 'all', 'ALL',
       coalesce(CASE WHEN k LIKE 'DOS01%' THEN n1 ELSE n2 END, 0), coalesce(CASE WHEN k LIKE 'DOS01%' THEN d1 ELSE d2 END, 0),
       CASE WHEN k LIKE 'DOS01%' THEN pct(n1, d1) ELSE pct(n2, d2) END, 'final'
FROM scaf_all s CROSS JOIN (VALUES ('DOS01_methadone_optimal_dose'), ('DOS02_buprenorphine_optimal_dose')) t(k)
LEFT JOIN a USING (period, level, unit_code);

-- HRM01: distinct OPIATE clients IT in P; numerator: naloxone_supplied = Y on some OPIATE episode IT in P.
INSERT INTO oracle_rows
WITH a AS (
    SELECT period, level, unit_code, count(DISTINCT client) AS d, count(DISTINCT client) FILTER (WHERE naloxone = 'Y') AS n
    FROM pu WHERE it AND sgroup = 'OPIATE' GROUP BY ALL
)
SELECT s.period, s.level, s.unit_code, 'HRM01_naloxone_supplied', 'all', 'ALL', coalesce(n, 0), coalesce(d, 0), pct(n, d), 'final'
FROM scaf_all s LEFT JOIN a USING (period, level, unit_code);

-- ===== 6. Soft outcomes =====

-- START: the earliest START review of each episode, with or without a measure.
CREATE TEMP TABLE rv_start AS
SELECT * FROM rv WHERE stage = 'START'
QUALIFY row_number() OVER (PARTITION BY provider_code, episode_id ORDER BY rdate) = 1;

-- LATEST for P (reading R1): the latest REVIEW or EXIT review dated in P and after START; EXIT beats REVIEW on a date.
CREATE TEMP TABLE rv_latest AS
SELECT p.period, r.*
FROM periods p
JOIN rv r ON r.rdate BETWEEN p.pstart AND p.pend
JOIN rv_start s ON s.provider_code = r.provider_code AND s.episode_id = r.episode_id AND r.rdate > s.rdate
WHERE r.stage IN ('REVIEW', 'EXIT')
QUALIFY row_number() OVER (PARTITION BY p.period, r.provider_code, r.episode_id
                           ORDER BY r.rdate DESC, CASE r.stage WHEN 'EXIT' THEN 0 ELSE 1 END) = 1;

-- Episodes IT in P with both a START and a LATEST, at every unit.
CREATE TEMP TABLE paired AS
SELECT pu.period, pu.level, pu.unit_code, pu.provider_code, pu.episode_id,
       s.barc AS s_barc, l.barc AS l_barc, s.injecting_days AS s_inj, l.injecting_days AS l_inj,
       s.qol AS s_qol, l.qol AS l_qol, s.housing AS s_h, l.housing AS l_h
FROM pu
JOIN rv_start s USING (provider_code, episode_id)
JOIN rv_latest l ON l.period = pu.period AND l.provider_code = pu.provider_code AND l.episode_id = pu.episode_id
WHERE pu.it;

-- SOFT01 mean barc10 change, SOFT02 LATEST barc10 ≥ 47, SOFT04 stopped injecting, SOFT05 mean quality-of-life change,
-- SOFT06 housing problem resolved; each over the episodes paired for its measure.
INSERT INTO oracle_rows
WITH a AS (
    SELECT period, level, unit_code,
           count(*) FILTER (WHERE s_barc IS NOT NULL AND l_barc IS NOT NULL) AS n1,
           sum(l_barc - s_barc) AS sum1,
           count(*) FILTER (WHERE s_barc IS NOT NULL AND l_barc >= 47) AS n2,
           count(*) FILTER (WHERE s_inj > 0 AND l_inj IS NOT NULL) AS d4,
           count(*) FILTER (WHERE s_inj > 0 AND l_inj = 0) AS n4,
           count(*) FILTER (WHERE s_qol IS NOT NULL AND l_qol IS NOT NULL) AS n5,
           sum(l_qol - s_qol) AS sum5,
           count(*) FILTER (WHERE s_h = 'Y' AND l_h IS NOT NULL) AS d6,
           count(*) FILTER (WHERE s_h = 'Y' AND l_h = 'N') AS n6
    FROM paired GROUP BY ALL
)
SELECT s.period, s.level, s.unit_code, k, 'all', 'ALL',
       CASE k WHEN 'SOFT01_recovery_capital_change' THEN NULL WHEN 'SOFT05_quality_of_life_change' THEN NULL
              WHEN 'SOFT02_recovery_capital_47_plus' THEN coalesce(n2, 0) WHEN 'SOFT04_stopped_injecting' THEN coalesce(n4, 0)
              ELSE coalesce(n6, 0) END,
       CASE k WHEN 'SOFT01_recovery_capital_change' THEN coalesce(n1, 0) WHEN 'SOFT05_quality_of_life_change' THEN coalesce(n5, 0)
              WHEN 'SOFT02_recovery_capital_47_plus' THEN coalesce(n1, 0) WHEN 'SOFT04_stopped_injecting' THEN coalesce(d4, 0)
              ELSE coalesce(d6, 0) END,
       CASE k WHEN 'SOFT01_recovery_capital_change' THEN mean1(sum1, n1) WHEN 'SOFT05_quality_of_life_change' THEN mean1(sum5, n5)
              WHEN 'SOFT02_recovery_capital_47_plus' THEN pct(n2, n1) WHEN 'SOFT04_stopped_injecting' THEN pct(n4, d4)
              ELSE pct(n6, d6) END,
       'final'
FROM scaf_all s
CROSS JOIN (VALUES ('SOFT01_recovery_capital_change'), ('SOFT02_recovery_capital_47_plus'), ('SOFT04_stopped_injecting'),
                   ('SOFT05_quality_of_life_change'), ('SOFT06_housing_problem_resolved')) t(k)
LEFT JOIN a USING (period, level, unit_code);

-- SOFT07: REVIEW/EXIT reviews dated in P of episodes IT in P with goals_set ≥ 1; numerator: goals_progressed ≥ 1.
INSERT INTO oracle_rows
WITH x AS (
    SELECT pu.period, pu.level, pu.unit_code, r.goals_progressed
    FROM pu JOIN rv r USING (provider_code, episode_id)
    WHERE pu.it AND r.stage IN ('REVIEW', 'EXIT') AND r.rdate BETWEEN pu.pstart AND pu.pend AND r.goals_set >= 1
),
a AS (SELECT period, level, unit_code, count(*) AS d, count(*) FILTER (WHERE goals_progressed >= 1) AS n FROM x GROUP BY ALL)
SELECT s.period, s.level, s.unit_code, 'SOFT07_goals_progressed', 'all', 'ALL', coalesce(n, 0), coalesce(d, 0), pct(n, d), 'final'
FROM scaf_all s LEFT JOIN a USING (period, level, unit_code);

-- SOFT08: episodes open at P.end started on or before P.end − 84; numerator: a REVIEW dated in (P.end − 112, P.end].
INSERT INTO oracle_rows
WITH x AS (
    SELECT pu.*, EXISTS (SELECT 1 FROM rv r WHERE r.provider_code = pu.provider_code AND r.episode_id = pu.episode_id
                            AND r.stage = 'REVIEW' AND r.rdate > pu.pend - 112 AND r.rdate <= pu.pend) AS has_review
    FROM pu WHERE it AND open_end AND st <= pend - 84
),
a AS (SELECT period, level, unit_code, count(*) AS d, count(*) FILTER (WHERE has_review) AS n FROM x GROUP BY ALL)
SELECT s.period, s.level, s.unit_code, 'SOFT08_outcome_review_coverage', 'all', 'ALL', coalesce(n, 0), coalesce(d, 0), pct(n, d), 'final'
FROM scaf_all s LEFT JOIN a USING (period, level, unit_code);

-- ===== 7. Needle and syringe programmes =====

-- NSP01, NSP02, NSP03, NSP05, NSP06: counts of transactions dated in P.
INSERT INTO oracle_rows
WITH x AS (
    SELECT p.period, u.level, u.unit_code, n.*
    FROM nsp n JOIN periods p ON n.tdate BETWEEN p.pstart AND p.pend JOIN unitmap u USING (provider_code)
),
a AS (
    SELECT period, level, unit_code, count(*) AS n1, sum(needles) AS n2, count(*) FILTER (WHERE newreg = 'Y') AS n3,
           count(*) FILTER (WHERE nalox = 'Y') AS n5, count(*) FILTER (WHERE referred = 'Y') AS n6
    FROM x GROUP BY ALL
),
v AS (
    SELECT s.*, k,
           coalesce(CASE k WHEN 'NSP01_transactions' THEN n1 WHEN 'NSP02_needles_supplied' THEN n2
                           WHEN 'NSP03_new_registrations' THEN n3 WHEN 'NSP05_naloxone_supplied' THEN n5 ELSE n6 END, 0) AS n
    FROM scaf_all s
    CROSS JOIN (VALUES ('NSP01_transactions'), ('NSP02_needles_supplied'), ('NSP03_new_registrations'),
                       ('NSP05_naloxone_supplied'), ('NSP06_referred_to_treatment')) t(k)
    LEFT JOIN a USING (period, level, unit_code)
)
SELECT period, level, unit_code, k, 'all', 'ALL', n, NULL, n, 'final' FROM v;

-- NSP04 (area level and above): needles in P at the providers of the unit's areas that have an estimated_pwid, over the
-- sum of those estimates; value × 4, two decimals, half away from zero; 0 ÷ 0 with a blank value where none has one.
INSERT INTO oracle_rows
WITH needles AS (
    SELECT p.period, pr.area_code, sum(n.needles) AS needles
    FROM nsp n JOIN periods p ON n.tdate BETWEEN p.pstart AND p.pend JOIN providers pr USING (provider_code) GROUP BY ALL
),
x AS (
    SELECT p.period, am.level, am.unit_code, sum(coalesce(nd.needles, 0)) AS num, sum(a.est_pwid) AS den
    FROM periods p CROSS JOIN areamap am JOIN areas a USING (area_code)
    LEFT JOIN needles nd ON nd.period = p.period AND nd.area_code = am.area_code
    WHERE a.est_pwid IS NOT NULL GROUP BY ALL
)
SELECT s.period, s.level, s.unit_code, 'NSP04_needles_per_pwid_per_year', 'all', 'ALL', coalesce(num, 0), coalesce(den, 0),
       CASE WHEN coalesce(den, 0) = 0 THEN NULL ELSE ((2 * 400 * num + den) // (2 * den)) / 100.0 END, 'final'
FROM scaf_all s LEFT JOIN x USING (period, level, unit_code)
WHERE s.level <> 'provider';

-- ===== 8. Population and data quality =====

-- POP01 (area level and above): distinct OPIATE clients IT at any time in [P.end − 364, P.end] at providers of the
-- unit's areas that have an estimated_opiate_users, over the sum of those estimates; value 100 − 100 × n ÷ d (reading R4).
INSERT INTO oracle_rows
WITH estimated AS (
    SELECT am.level, am.unit_code, sum(a.est_opi) AS den
    FROM areamap am JOIN areas a USING (area_code) WHERE a.est_opi IS NOT NULL GROUP BY ALL
),
clients AS (
    SELECT p.period, am.level, am.unit_code, count(DISTINCT e.client) AS num
    FROM periods p
    JOIN eps e ON e.st <= p.pend AND (e.eff_end IS NULL OR e.eff_end >= p.pend - 364)
    JOIN providers pr USING (provider_code)
    JOIN areas a USING (area_code)
    JOIN areamap am USING (area_code)
    WHERE e.sgroup = 'OPIATE' AND a.est_opi IS NOT NULL GROUP BY ALL
)
SELECT s.period, s.level, s.unit_code, 'POP01_unmet_need_opiate', 'all', 'ALL', coalesce(num, 0), coalesce(den, 0),
       CASE WHEN coalesce(den, 0) = 0 THEN NULL
            ELSE sign(1000 * (den - coalesce(num, 0))) * ((2 * abs(1000 * (den - coalesce(num, 0))) + den) // (2 * den)) / 10.0 END,
       'final'
FROM scaf_all s LEFT JOIN estimated USING (level, unit_code) LEFT JOIN clients USING (period, level, unit_code)
WHERE s.level <> 'provider';

-- DQ01 (reading R3): each registered provider × each month of P from the first month any provider has an accepted
-- return for (any file type) whose due date (the 15th of the next month) is on or before the as-of date; numerator: an
-- accepted episodes.csv for that month. Blank when none are expected.
INSERT INTO oracle_rows
WITH months AS (
    SELECT unnest(generate_series((SELECT min(month) FROM accepted), DATE '{{asof}}', INTERVAL 1 MONTH))::DATE AS month
),
expected AS (
    SELECT p.period, pr.provider_code, m.month,
           EXISTS (SELECT 1 FROM counted c WHERE c.kind = 'episodes' AND c.provider = pr.provider_code AND c.month = m.month) AS has_episodes
    FROM periods p CROSS JOIN providers pr CROSS JOIN months m
    WHERE m.month BETWEEN p.pstart AND p.pend AND (m.month + INTERVAL 1 MONTH + INTERVAL 14 DAY)::DATE <= DATE '{{asof}}'
),
a AS (
    SELECT period, level, unit_code, count(*) AS d, count(*) FILTER (WHERE has_episodes) AS n
    FROM expected JOIN unitmap USING (provider_code) GROUP BY ALL
)
SELECT s.period, s.level, s.unit_code, 'DQ01_returns_on_time', 'all', 'ALL', coalesce(n, 0), coalesce(d, 0), pct(n, d), 'final'
FROM scaf_all s LEFT JOIN a USING (period, level, unit_code);

-- DQ02 (reading R3): rejected uploads for months of P, at the units of their (registered) provider.
INSERT INTO oracle_rows
WITH a AS (
    SELECT p.period, u.level, u.unit_code, count(*) AS n
    FROM rejected j
    JOIN periods p ON j.month BETWEEN p.pstart AND p.pend
    JOIN unitmap u ON u.provider_code = j.provider
    WHERE j.month <= DATE '{{asof}}' GROUP BY ALL
)
SELECT s.period, s.level, s.unit_code, 'DQ02_rejected_uploads', 'all', 'ALL', coalesce(n, 0), NULL, coalesce(n, 0), 'final'
FROM scaf_all s LEFT JOIN a USING (period, level, unit_code);

-- DQ03 (reading R2): episodes open in the provider's previous counted episodes.csv that a month's file leaves out,
-- counted in that month.
INSERT INTO oracle_rows
WITH file_months AS (
    SELECT provider, month, lag(month) OVER (PARTITION BY provider ORDER BY month) AS previous
    FROM counted WHERE kind = 'episodes'
),
open_rows AS (
    SELECT provider, month, episode_id FROM raw_ep
    WHERE exit_date IS NULL AND coalesce(upper(record_status), 'ACTIVE') <> 'DELETED'
),
missing AS (
    SELECT f.provider AS provider_code, f.month, o.episode_id
    FROM file_months f JOIN open_rows o ON o.provider = f.provider AND o.month = f.previous
    WHERE NOT EXISTS (SELECT 1 FROM raw_ep r WHERE r.provider = f.provider AND r.month = f.month AND r.episode_id = o.episode_id)
),
a AS (
    SELECT p.period, u.level, u.unit_code, count(*) AS n
    FROM missing m JOIN periods p ON m.month BETWEEN p.pstart AND p.pend JOIN unitmap u USING (provider_code) GROUP BY ALL
)
SELECT s.period, s.level, s.unit_code, 'DQ03_missing_open_episodes', 'all', 'ALL', coalesce(n, 0), NULL, coalesce(n, 0), 'final'
FROM scaf_all s LEFT JOIN a USING (period, level, unit_code);
