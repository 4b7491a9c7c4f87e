-- An independent reading of kpis.md section 10 (version 1.1), written from the spec alone, in DuckDB SQL over the raw
-- monthly CSV returns. It computes, at every level (provider, area, nation, all) for every quarter:
--   * the ‡ KPIs ACC01, VOL01, VOL02, RET01, EXT01, EXT02 and SOFT03 for dimensions all, substance_group and the three
--     breakdowns of 10.1 (treatment_goal, sex, age_band);
--   * EXT07, EXT08, CJ01, HAT01, HAT02, HAT03, CAP01, CAP02 and CAP03 (dimension all).
-- The results are the tables oracle_rows (the restricted dataset) and oracle_public_rows (the public dataset after
-- disclosure control), with the columns period, level, unit_code, kpi_id, dimension, dimension_value, numerator,
-- denominator, value, status (and suppressed in the public one), shaped like the project's kpi_results.
-- SpecVersion11OracleTests compares them with what `kpi process` publishes.
--
-- Placeholders filled in by the test:
--   {{returns}}   the returns folder ({provider}/{YYYY-MM}/{episodes|reviews|nsp|workforce}.csv)
--   {{reference}} the reference folder (providers.csv, areas.csv)
--   {{asof}}      the run's as-of date, YYYY-MM-DD
--   {{rejected}}  a CSV file with one column `path` ({provider}/{YYYY-MM}/{file}.csv): the files the test broke on
--                 purpose, which validation rejects (dataset.md 2.3: only accepted files count). Validation itself is
--                 not what this checks; the test asserts separately that the project rejected exactly these files.
--
-- People are linked by the raw attributor FIRST_INITIAL + LAST_INITIAL + date_of_birth + SEX (dataset.md 2.2): the
-- string the project's client_key is the keyed hash of, so distinct counts agree without an HMAC here.
--
-- Readings made where the spec leaves room (named R1–R9 where they are applied):
--   R1  Age at referral (dataset.md 2.2, "whole years"): completed years, a birthday counted from the same month and day;
--       someone born on 29 February reaches the next year of age on 1 March in a common year (as in UK law).
--   R2  Events are counted as dated: an event in the month holding the as-of date but dated after it (a return for a
--       month is only ignored when the month's first day is after the as-of date, dataset.md 2.3) still counts; the
--       as-of date only enters where kpis.md names it (status windows, RET01/CJ01 provisional cohorts, HAT01's cohort).
--   R3  CAP01's "open at P.end" episodes need a treatment_start_date ≤ P.end (stated); a never-started referral is not
--       in the caseload.
--   R4  CAP02/CAP03 where the unit has no workforce month in P: numerator 0, denominator 0, value blank (10.7 gives
--       0 ÷ 0 for a headcount of 0; no workforce month sums over no providers, which is the same 0 ÷ 0).
--   R5  SOFT03 (section 0 and 6): LATEST is the episode's latest REVIEW/EXIT review dated in P and strictly after START,
--       chosen without regard to the measure (an EXIT beats a REVIEW of the same date); the episode is paired for
--       opiate_days when both START and that LATEST hold it. SOFT03 is not limited to OPIATE episodes (not stated).
--   R6  Breakdown values come from the episode's combined (latest) row (10.7), also sex and age (the attributor and
--       the age at referral of the combined row).
--   R7  EXT08's optimal ranges: METHADONE 60–120; BUPRENORPHINE and BUPRENORPHINE_NALOXONE both use the
--       buprenorphine range 12–32 (inclusive, on the exact decimal dose).
--   R8  HAT01: "treatment_start_date + 365 in P and ≤ as-of" both apply in every quarter; the status is provisional
--       only for a quarter whose end is after the as-of date.
--   R9  Public dataset (outputs.md 4): each count on its own (numerator, denominator, a count KPI's value, CAP02/CAP03's
--       sums, CAP01's caseload) is blank when 1–7, 0 when 0, else rounded to the nearest 5; a row is suppressed when any
--       of its counts was 1–7; percents are recomputed from the rounded counts, CAP01 from the rounded caseload over
--       the unrounded FTE (10.5); no secondary suppression across dimension values. (The project adds complementary
--       suppression, docs/kpis.md; SpecVersion11OracleTests accepts a public row it blanked further only where every
--       count it blanked is one this reading publishes.)
-- The project's own list (docs/kpis.md, "Readings of the spec"), read only after this file was written, makes the same
-- choices where it speaks to these points (it is silent on R1 and R2; the comparison shows the code agrees with both).

-- A financial-year quarter label (2025-26-Q1 = April to June 2025) for the quarter holding a date.
CREATE MACRO fy_label(d) AS
    CAST(year(d) - CASE WHEN month(d) < 4 THEN 1 ELSE 0 END AS VARCHAR) || '-'
    || lpad(CAST((year(d) - CASE WHEN month(d) < 4 THEN 1 ELSE 0 END + 1) % 100 AS VARCHAR), 2, '0')
    || '-Q' || CAST(((month(d) + 8) % 12) // 3 + 1 AS VARCHAR);

-- 100 × n ÷ d rounded half away from zero to one decimal, in exact integer arithmetic (n, d ≥ 0); blank when d = 0.
CREATE MACRO percent(n, d) AS
    CASE WHEN d = 0 THEN NULL ELSE ((2000 * n + d) // (2 * d)) / 10.0 END;

-- Blank means "not recorded" (dataset.md 1); codes are case-insensitive.
CREATE MACRO code(x) AS nullif(upper(x), '');
CREATE MACRO blank(x) AS nullif(x, '');

CREATE TEMP TABLE rejected AS
SELECT path FROM read_csv('{{rejected}}', header = true, auto_detect = false, columns = {'path': 'VARCHAR'});

-- Every return file present, with its provider, month and kind from the path. A file counts when it was not rejected and
-- its month's first day is not after the as-of date (dataset.md 2.3). Reading R2: nothing else is cut at the as-of date.
CREATE TEMP TABLE files AS
SELECT file,
       regexp_extract(file, '([^/]+/[0-9]{4}-[0-9]{2}/[a-z]+\.csv)$', 1) AS path,
       upper(regexp_extract(file, '([^/]+)/[0-9]{4}-[0-9]{2}/[a-z]+\.csv$', 1)) AS provider,
       CAST(regexp_extract(file, '([0-9]{4}-[0-9]{2})/[a-z]+\.csv$', 1) || '-01' AS DATE) AS month,
       regexp_extract(file, '([a-z]+)\.csv$', 1) AS kind
FROM glob('{{returns}}/*/*/*.csv');

CREATE TEMP TABLE accepted AS
SELECT * FROM files
WHERE month <= DATE '{{asof}}' AND path NOT IN (SELECT path FROM rejected);

CREATE TEMP TABLE providers AS
SELECT upper(provider_code) AS provider, upper(area_code) AS area
FROM read_csv('{{reference}}/providers.csv', header = true, all_varchar = true);

CREATE TEMP TABLE areas AS
SELECT upper(area_code) AS area, upper(nation) AS nation
FROM read_csv('{{reference}}/areas.csv', header = true, all_varchar = true);

-- Levels (section 0): every registered provider, every area, every nation that has an area, and ALL; each provider
-- belongs to its own unit at every level.
CREATE TEMP TABLE units AS
SELECT 'provider' AS level, provider AS unit_code FROM providers
UNION ALL SELECT 'area', area FROM areas
UNION ALL SELECT DISTINCT 'nation', nation FROM areas
UNION ALL SELECT 'all', 'ALL';

CREATE TEMP TABLE provider_units AS
SELECT provider, 'provider' AS level, provider AS unit_code FROM providers
UNION ALL SELECT provider, 'area', area FROM providers
UNION ALL SELECT p.provider, 'nation', a.nation FROM providers p JOIN areas a USING (area)
UNION ALL SELECT provider, 'all', 'ALL' FROM providers;

-- Every row of every accepted episodes.csv with its reporting month (columns by name, any order, optional ones absent).
CREATE TEMP TABLE episode_rows AS
SELECT a.provider, a.month,
       r.episode_id,
       upper(r.first_initial) || upper(r.last_initial) || r.date_of_birth || upper(r.sex) AS client,
       CAST(r.date_of_birth AS DATE) AS date_of_birth,
       upper(r.sex) AS sex,
       CAST(r.referral_date AS DATE) AS referral_date,
       code(r.referral_source) AS referral_source,
       code(r.primary_substance) AS substance,
       CAST(blank(r.treatment_start_date) AS DATE) AS start_date,
       code(r.setting) AS setting,
       code(r.medication) AS medication,
       CAST(blank(r.daily_dose_mg) AS DECIMAL(18, 6)) AS dose,
       code(r.treatment_goal) AS treatment_goal,
       CAST(blank(r.exit_date) AS DATE) AS exit_date,
       code(r.exit_reason) AS exit_reason,
       coalesce(code(r.record_status), 'ACTIVE') AS record_status
FROM read_csv('{{returns}}/*/*/episodes.csv', header = true, filename = true, all_varchar = true, union_by_name = true,
              delim = ',', quote = '"', escape = '"') r
JOIN accepted a ON a.file = r.filename;

-- The latest accepted episodes.csv month per provider (an empty file counts too, so it comes from the paths).
CREATE TEMP TABLE last_file_month AS
SELECT provider, max(month) AS last_month FROM accepted WHERE kind = 'episodes' GROUP BY ALL;

-- dataset.md 2.3: the latest month's row wins (reading R6: also for sex, age and the person), DELETED removes, and an episode with no exit that a later accepted month
-- left out ends at the last day of the last month it appeared in (its effective end).
CREATE TEMP TABLE episodes AS
WITH latest AS (
    SELECT * FROM episode_rows
    QUALIFY row_number() OVER (PARTITION BY provider, episode_id ORDER BY month DESC) = 1
)
SELECT l.*, p.area,
       provider || '/' || episode_id AS episode,
       CASE WHEN l.substance IN ('HEROIN', 'OTHER_OPIOID') THEN 'OPIATE'
            WHEN l.substance = 'ALCOHOL' THEN 'ALCOHOL' ELSE 'NON_OPIATE' END AS grp,
       CASE WHEN l.exit_reason IN ('COMPLETED_DRUG_FREE', 'COMPLETED_OCCASIONAL_USE') THEN 'SUCCESSFUL'
            WHEN l.exit_reason IN ('TRANSFERRED', 'TRANSFERRED_CUSTODY') THEN 'TRANSFER'
            WHEN l.exit_reason = 'DIED' THEN 'DIED'
            WHEN l.exit_reason IS NOT NULL THEN 'UNPLANNED' END AS outcome,
       coalesce(l.exit_date, CASE WHEN l.month < f.last_month THEN last_day(l.month) END) AS effective_end,
       -- Reading R1: completed years at referral.
       year(l.referral_date) - year(l.date_of_birth)
           - CASE WHEN month(l.referral_date) * 100 + day(l.referral_date)
                       < month(l.date_of_birth) * 100 + day(l.date_of_birth) THEN 1 ELSE 0 END AS age_at_referral
FROM latest l
JOIN last_file_month f USING (provider)
JOIN providers p USING (provider)
WHERE l.record_status <> 'DELETED';

-- The breakdown values of each episode (kpis.md 0 and 10.1), one row per dimension.
CREATE TEMP TABLE episode_dims AS
SELECT episode, 'all' AS dimension, 'ALL' AS dimension_value FROM episodes
UNION ALL
SELECT episode, 'substance_group', grp FROM episodes
UNION ALL
SELECT episode, 'treatment_goal', coalesce(treatment_goal, 'NOT_RECORDED') FROM episodes
UNION ALL
SELECT episode, 'sex', sex FROM episodes
UNION ALL
SELECT episode, 'age_band',
       CASE WHEN age_at_referral < 30 THEN '18-29' WHEN age_at_referral < 40 THEN '30-39'
            WHEN age_at_referral < 50 THEN '40-49' WHEN age_at_referral < 60 THEN '50-59' ELSE '60-PLUS' END
FROM episodes;

CREATE TEMP TABLE dimension_values AS
SELECT * FROM (VALUES
    ('all', 'ALL'),
    ('substance_group', 'OPIATE'), ('substance_group', 'NON_OPIATE'), ('substance_group', 'ALCOHOL'),
    ('treatment_goal', 'ABSTINENCE'), ('treatment_goal', 'MAINTENANCE'), ('treatment_goal', 'HARM_REDUCTION'),
    ('treatment_goal', 'UNDECIDED'), ('treatment_goal', 'NOT_RECORDED'),
    ('sex', 'M'), ('sex', 'F'), ('sex', 'X'),
    ('age_band', '18-29'), ('age_band', '30-39'), ('age_band', '40-49'), ('age_band', '50-59'), ('age_band', '60-PLUS')
) v(dimension, dimension_value);

-- Every quarter from the one holding the earliest referral (combined, deleted removed) to the one holding the as-of date.
CREATE TEMP TABLE periods AS
SELECT CAST(q AS DATE) AS p_start,
       CAST(q + INTERVAL 3 MONTH - INTERVAL 1 DAY AS DATE) AS p_end,
       fy_label(CAST(q AS DATE)) AS period
FROM (SELECT unnest(generate_series(
                CAST(date_trunc('quarter', (SELECT min(referral_date) FROM episodes)) AS TIMESTAMP),
                CAST(date_trunc('quarter', DATE '{{asof}}') AS TIMESTAMP),
                INTERVAL 3 MONTH)) AS q);

-- In treatment in P (section 0): started by P.end, effective end blank or on/after P.start.
CREATE TEMP TABLE in_treatment AS
SELECT e.*, p.period, p.p_start, p.p_end
FROM episodes e
JOIN periods p ON e.start_date <= p.p_end AND coalesce(e.effective_end, DATE '9999-12-31') >= p.p_start;

-- Re-presentation (section 0): the same person has another episode referred in (X, X + 182] after an exit on X.
CREATE TEMP TABLE represented AS
SELECT DISTINCT a.episode
FROM episodes a
JOIN episodes b ON a.client = b.client AND b.referral_date > a.exit_date AND b.referral_date <= a.exit_date + 182
WHERE a.outcome = 'SUCCESSFUL';

-- Reviews combine like episodes: per (provider, episode_id, review_date, stage) the latest month wins; a review counts
-- only once its episode exists (combined, not deleted).
CREATE TEMP TABLE reviews AS
WITH review_rows AS (
    SELECT a.provider, a.month, r.episode_id, CAST(r.review_date AS DATE) AS review_date, upper(r.stage) AS stage,
           CAST(blank(r.opiate_days) AS INTEGER) AS opiate_days
    FROM read_csv('{{returns}}/*/*/reviews.csv', header = true, filename = true, all_varchar = true, union_by_name = true,
                  delim = ',', quote = '"', escape = '"') r
    JOIN accepted a ON a.file = r.filename
)
SELECT r.provider || '/' || r.episode_id AS episode, r.review_date, r.stage, r.opiate_days
FROM review_rows r
JOIN episodes e ON e.provider = r.provider AND e.episode_id = r.episode_id
QUALIFY row_number() OVER (PARTITION BY r.provider, r.episode_id, r.review_date, r.stage ORDER BY r.month DESC) = 1;

-- START: the earliest START review of each episode, with or without the measure.
CREATE TEMP TABLE start_reviews AS
SELECT episode, review_date AS start_review_date, opiate_days AS start_opiate_days
FROM reviews WHERE stage = 'START'
QUALIFY row_number() OVER (PARTITION BY episode ORDER BY review_date) = 1;

-- LATEST for P: the latest REVIEW or EXIT review dated in P and after START; an EXIT beats a REVIEW of the same date.
-- Reading R5: chosen without regard to the measure.
CREATE TEMP TABLE latest_reviews AS
SELECT r.episode, p.period, r.opiate_days AS latest_opiate_days
FROM reviews r
JOIN start_reviews s USING (episode)
JOIN periods p ON r.review_date BETWEEN p.p_start AND p.p_end
WHERE r.stage IN ('REVIEW', 'EXIT') AND r.review_date > s.start_review_date
QUALIFY row_number() OVER (PARTITION BY r.episode, p.period ORDER BY r.review_date DESC, r.stage = 'EXIT' DESC) = 1;

-- Facts: one row per (KPI, period, episode) that reaches a KPI, with the key counted (the person for "distinct clients",
-- the episode for episode counts) and whether it is in the numerator and the denominator.
CREATE TEMP TABLE facts (
    kpi_id VARCHAR, period VARCHAR, episode VARCHAR, provider VARCHAR, area VARCHAR, key VARCHAR, num BOOLEAN, den BOOLEAN);

-- VOL01: distinct clients with an episode IT in P.
INSERT INTO facts
SELECT 'VOL01_in_treatment', period, episode, provider, area, client, true, false FROM in_treatment;

-- VOL02: distinct clients with an episode starting in P.
-- ACC01: starts in P (episodes); numerator: start − referral ≤ 21.
INSERT INTO facts
SELECT kpi, p.period, e.episode, e.provider, e.area,
       CASE WHEN kpi = 'VOL02_new_presentations' THEN e.client ELSE e.episode END,
       CASE WHEN kpi = 'VOL02_new_presentations' THEN true ELSE e.start_date - e.referral_date <= 21 END,
       kpi = 'ACC01_waited_3_weeks_or_less'
FROM episodes e
JOIN periods p ON e.start_date BETWEEN p.p_start AND p.p_end,
     (VALUES ('VOL02_new_presentations'), ('ACC01_waited_3_weeks_or_less')) k(kpi);

-- RET01 (section 3): cohort = starts in P less those that ended TRANSFER or DIED within 84 days; while the window is open
-- (as-of < P.end + 84) only episodes with an exit_date recorded or start + 84 ≤ as-of. Numerator: no effective end, or
-- effective end − start ≥ 84, or exited SUCCESSFUL before 84 days.
INSERT INTO facts
SELECT 'RET01_retained_12_weeks', period, episode, provider, area, episode,
       effective_end IS NULL OR effective_end - start_date >= 84
           OR (outcome = 'SUCCESSFUL' AND exit_date - start_date < 84),
       true
FROM (
    SELECT e.*, p.period, p.p_end FROM episodes e JOIN periods p ON e.start_date BETWEEN p.p_start AND p.p_end
)
WHERE NOT coalesce(outcome IN ('TRANSFER', 'DIED') AND exit_date - start_date < 84, false)
  AND (DATE '{{asof}}' >= p_end + 84 OR exit_date IS NOT NULL OR start_date + 84 <= DATE '{{asof}}');

-- EXT01: distinct clients with a SUCCESSFUL exit in P (started or not); EXT02: those with such an exit that has no
-- re-presentation. Their denominators are VOL01 of the same unit, period and dimension value (added below).
INSERT INTO facts
SELECT kpi, p.period, e.episode, e.provider, e.area, e.client, true, false
FROM episodes e
JOIN periods p ON e.exit_date BETWEEN p.p_start AND p.p_end,
     (VALUES ('EXT01_successful_completions'), ('EXT02_successful_no_representation')) k(kpi)
WHERE e.outcome = 'SUCCESSFUL'
  AND (kpi = 'EXT01_successful_completions' OR e.episode NOT IN (SELECT episode FROM represented));

-- SOFT03: episodes IT in P paired for opiate_days with START opiate_days > 0; numerator: LATEST opiate_days = 0.
INSERT INTO facts
SELECT 'SOFT03_opiate_abstinent', it.period, it.episode, it.provider, it.area, it.episode, l.latest_opiate_days = 0, true
FROM in_treatment it
JOIN start_reviews s USING (episode)
JOIN latest_reviews l ON l.episode = it.episode AND l.period = it.period
WHERE s.start_opiate_days > 0 AND l.latest_opiate_days IS NOT NULL;

-- EXT07 (10.2): episodes with a SUCCESSFUL exit in P and a treatment_start_date; numerator: exit − start < 84.
INSERT INTO facts
SELECT 'EXT07_early_successful_exit', p.period, e.episode, e.provider, e.area, e.episode,
       e.exit_date - e.start_date < 84, true
FROM episodes e
JOIN periods p ON e.exit_date BETWEEN p.p_start AND p.p_end
WHERE e.outcome = 'SUCCESSFUL' AND e.start_date IS NOT NULL;

-- EXT08 (10.2): distinct clients with an episode IT in P, goal MAINTENANCE, medication METHADONE, BUPRENORPHINE or
-- BUPRENORPHINE_NALOXONE, open at P.end and started on or before P.end − 365; numerator: some such episode with its dose
-- in the optimal range (reading R7). A blank or 0 dose is never in range.
INSERT INTO facts
SELECT 'EXT08_stable_maintenance', period, episode, provider, area, client,
       CASE medication WHEN 'METHADONE' THEN dose BETWEEN 60 AND 120 ELSE dose BETWEEN 12 AND 32 END IS TRUE,
       true
FROM in_treatment
WHERE treatment_goal = 'MAINTENANCE'
  AND medication IN ('METHADONE', 'BUPRENORPHINE', 'BUPRENORPHINE_NALOXONE')
  AND (effective_end IS NULL OR effective_end > p_end)
  AND start_date <= p_end - 365;

-- CJ01 (10.3): PRISON_RELEASE referrals dated in P (episodes); numerator: start − referral ≤ 21. While the window is open
-- (as-of < P.end + 21) the denominator keeps only referrals with a treatment_start_date or referral + 21 ≤ as-of.
INSERT INTO facts
SELECT 'CJ01_prison_release_engaged_3_weeks', p.period, e.episode, e.provider, e.area, e.episode,
       coalesce(e.start_date - e.referral_date <= 21, false), true
FROM episodes e
JOIN periods p ON e.referral_date BETWEEN p.p_start AND p.p_end
WHERE e.referral_source = 'PRISON_RELEASE'
  AND (DATE '{{asof}}' >= p.p_end + 21 OR e.start_date IS NOT NULL OR e.referral_date + 21 <= DATE '{{asof}}');

-- HAT01 (10.4): HAT_CLINIC episodes with start + 365 in P and ≤ as-of (reading R8); numerator: no effective end, or
-- effective end − start ≥ 365.
INSERT INTO facts
SELECT 'HAT01_engaged_12_months', p.period, e.episode, e.provider, e.area, e.episode,
       e.effective_end IS NULL OR e.effective_end - e.start_date >= 365, true
FROM episodes e
JOIN periods p ON e.start_date + 365 BETWEEN p.p_start AND p.p_end
WHERE e.setting = 'HAT_CLINIC' AND e.start_date + 365 <= DATE '{{asof}}';

-- HAT02 (10.4): HAT_CLINIC episodes with an exit in P and a treatment_start_date; numerator: exit − start < 182.
INSERT INTO facts
SELECT 'HAT02_left_within_6_months', p.period, e.episode, e.provider, e.area, e.episode,
       e.exit_date - e.start_date < 182, true
FROM episodes e
JOIN periods p ON e.exit_date BETWEEN p.p_start AND p.p_end
WHERE e.setting = 'HAT_CLINIC' AND e.start_date IS NOT NULL;

-- HAT03 (10.4): distinct clients with a HAT_CLINIC episode IT in P.
INSERT INTO facts
SELECT 'HAT03_in_treatment', period, episode, provider, area, client, true, false
FROM in_treatment WHERE setting = 'HAT_CLINIC';

-- The KPIs computed from facts, with their unit (percent or count) and the dimensions they have.
CREATE TEMP TABLE fact_kpis AS
SELECT * FROM (VALUES
    ('ACC01_waited_3_weeks_or_less', 'percent', true),
    ('VOL01_in_treatment', 'count', true),
    ('VOL02_new_presentations', 'count', true),
    ('RET01_retained_12_weeks', 'percent', true),
    ('EXT01_successful_completions', 'percent', true),
    ('EXT02_successful_no_representation', 'percent', true),
    ('SOFT03_opiate_abstinent', 'percent', true),
    ('EXT07_early_successful_exit', 'percent', false),
    ('EXT08_stable_maintenance', 'percent', false),
    ('CJ01_prison_release_engaged_3_weeks', 'percent', false),
    ('HAT01_engaged_12_months', 'percent', false),
    ('HAT02_left_within_6_months', 'percent', false),
    ('HAT03_in_treatment', 'count', false)
) k(kpi_id, unit, breakdowns);

-- Aggregated per unit (every level), period and dimension value: a key counts in every value in which it has a
-- qualifying episode, and once per unit however many of the unit's providers it is seen at.
CREATE TEMP TABLE fact_figures AS
SELECT f.kpi_id, f.period, d.dimension, d.dimension_value, u.level, u.unit_code,
       count(DISTINCT f.key) FILTER (WHERE f.num) AS num,
       count(DISTINCT f.key) FILTER (WHERE f.den) AS den
FROM facts f
JOIN provider_units u USING (provider)
JOIN episode_dims d USING (episode)
JOIN fact_kpis k USING (kpi_id)
WHERE k.breakdowns OR d.dimension = 'all'
GROUP BY ALL;

-- Every unit, period and dimension value has a row (section 0, 10.1), empty ones with 0 counts.
CREATE TEMP TABLE fact_rows AS
WITH grid AS (
    SELECT k.kpi_id, k.unit, u.level, u.unit_code, p.period, p.p_end, v.dimension, v.dimension_value
    FROM fact_kpis k, units u, periods p, dimension_values v
    WHERE k.breakdowns OR v.dimension = 'all'
),
joined AS (
    SELECT g.*, coalesce(f.num, 0) AS num, coalesce(f.den, 0) AS den, coalesce(v.num, 0) AS vol01
    FROM grid g
    LEFT JOIN fact_figures f USING (kpi_id, level, unit_code, period, dimension, dimension_value)
    LEFT JOIN fact_figures v ON v.kpi_id = 'VOL01_in_treatment' AND v.level = g.level AND v.unit_code = g.unit_code
        AND v.period = g.period AND v.dimension = g.dimension AND v.dimension_value = g.dimension_value
)
SELECT period, level, unit_code, kpi_id, dimension, dimension_value,
       CAST(num AS BIGINT) AS numerator,
       CAST(CASE WHEN unit = 'count' THEN NULL
                 WHEN kpi_id IN ('EXT01_successful_completions', 'EXT02_successful_no_representation') THEN vol01
                 ELSE den END AS BIGINT) AS denominator,
       CASE kpi_id
           WHEN 'RET01_retained_12_weeks' THEN CASE WHEN DATE '{{asof}}' >= p_end + 84 THEN 'final' ELSE 'provisional' END
           WHEN 'EXT02_successful_no_representation' THEN CASE WHEN DATE '{{asof}}' >= p_end + 182 THEN 'final' ELSE 'provisional' END
           WHEN 'CJ01_prison_release_engaged_3_weeks' THEN CASE WHEN DATE '{{asof}}' >= p_end + 21 THEN 'final' ELSE 'provisional' END
           WHEN 'HAT01_engaged_12_months' THEN CASE WHEN DATE '{{asof}}' >= p_end THEN 'final' ELSE 'provisional' END
           ELSE 'final' END AS status
FROM joined;

-- Workforce (10.5): each provider's workforce month in P is its latest accepted workforce.csv month in P.
CREATE TEMP TABLE workforce_months AS
SELECT a.provider, p.period, p.p_end,
       CAST(w.staff_headcount AS BIGINT) AS headcount,
       -- FTE in hundredths (at most two decimal places, dataset.md 6), so sums and the ratio stay exact.
       CAST(CAST(w.staff_fte AS DECIMAL(18, 2)) * 100 AS BIGINT)
           - CAST(CAST(w.long_term_leave_fte AS DECIMAL(18, 2)) * 100 AS BIGINT) AS available_fte_hundredths,
       CAST(w.staff_on_long_term_leave AS BIGINT) AS on_leave,
       CAST(w.staff_under_2_years AS BIGINT) AS under_2_years
FROM read_csv('{{returns}}/*/*/workforce.csv', header = true, filename = true, all_varchar = true, union_by_name = true,
              delim = ',', quote = '"', escape = '"') w
JOIN accepted a ON a.file = w.filename
JOIN periods p ON a.month BETWEEN p.p_start AND p.p_end
QUALIFY row_number() OVER (PARTITION BY a.provider, p.period ORDER BY a.month DESC) = 1;

-- CAP01's caseload: distinct clients with an episode open at P.end (reading R3) at a provider with a workforce month.
CREATE TEMP TABLE caseload AS
SELECT w.provider, w.period, e.client
FROM workforce_months w
JOIN episodes e ON e.provider = w.provider AND e.start_date <= w.p_end
    AND (e.effective_end IS NULL OR e.effective_end > w.p_end);

CREATE TEMP TABLE cap_figures AS
WITH staff AS (
    SELECT u.level, u.unit_code, w.period,
           sum(w.headcount) AS headcount, sum(w.available_fte_hundredths) AS fte, sum(w.on_leave) AS on_leave,
           sum(w.under_2_years) AS under_2_years
    FROM workforce_months w JOIN provider_units u USING (provider)
    GROUP BY ALL
),
clients AS (
    SELECT u.level, u.unit_code, c.period, count(DISTINCT c.client) AS caseload
    FROM caseload c JOIN provider_units u USING (provider)
    GROUP BY ALL
)
SELECT u.level, u.unit_code, p.period,
       s.headcount IS NOT NULL AS has_workforce,
       coalesce(s.headcount, 0) AS headcount, coalesce(s.fte, 0) AS fte, coalesce(s.on_leave, 0) AS on_leave,
       coalesce(s.under_2_years, 0) AS under_2_years, coalesce(c.caseload, 0) AS caseload
FROM units u
CROSS JOIN periods p
LEFT JOIN staff s ON s.level = u.level AND s.unit_code = u.unit_code AND s.period = p.period
LEFT JOIN clients c ON c.level = u.level AND c.unit_code = u.unit_code AND c.period = p.period;

-- Every row with its unit and, for CAP01, the available FTE (in hundredths) it was divided by.
CREATE TEMP TABLE all_rows AS
SELECT r.period, r.level, r.unit_code, r.kpi_id, r.dimension, r.dimension_value, r.numerator, r.denominator, r.status,
       k.unit, CAST(NULL AS BIGINT) AS fte
FROM fact_rows r JOIN fact_kpis k USING (kpi_id)
UNION ALL
SELECT period, level, unit_code, 'CAP01_caseload_per_fte', 'all', 'ALL', caseload, NULL, 'final', 'ratio',
       -- Blank when the FTE sums to 0 or no provider has a workforce month (10.5, 10.7).
       CASE WHEN has_workforce AND fte > 0 THEN fte END
FROM cap_figures
UNION ALL
-- Reading R4: no workforce month gives 0 ÷ 0 like a headcount of 0.
SELECT period, level, unit_code, 'CAP02_staff_under_2_years_service', 'all', 'ALL', under_2_years, headcount, 'final',
       'percent', NULL
FROM cap_figures
UNION ALL
SELECT period, level, unit_code, 'CAP03_staff_on_long_term_leave', 'all', 'ALL', on_leave, headcount, 'final',
       'percent', NULL
FROM cap_figures;

-- The restricted dataset (outputs.md 1): every level, no disclosure control. A percent is 100 × n ÷ d; a count's value
-- is the count; CAP01 is the caseload ÷ the available FTE, one decimal (with the FTE in hundredths that is
-- percent(caseload, hundredths)).
CREATE TEMP TABLE oracle_rows AS
SELECT period, level, unit_code, kpi_id, dimension, dimension_value, numerator, denominator,
       CASE unit WHEN 'count' THEN CAST(numerator AS DOUBLE)
                 WHEN 'ratio' THEN CASE WHEN fte IS NOT NULL THEN percent(numerator, fte) END
                 ELSE percent(numerator, denominator) END AS value,
       status
FROM all_rows;

-- The public dataset (outputs.md 1 and 4; kpis.md 10.5; reading R9): area level and above; a count of 1–7 is blank and the row
-- suppressed, 0 stays 0, any other count is rounded to the nearest 5; a percent is recomputed from the rounded counts
-- (blank when either is blank); a count KPI's value is its rounded count; CAP01's value is recomputed from the rounded
-- numerator over the unrounded FTE (blank when the numerator is suppressed).
CREATE MACRO disclosed(n) AS CASE WHEN n BETWEEN 1 AND 7 THEN NULL WHEN n = 0 THEN 0 ELSE (n + 2) // 5 * 5 END;

CREATE TEMP TABLE oracle_public_rows AS
SELECT period, level, unit_code, kpi_id, dimension, dimension_value,
       disclosed(numerator) AS numerator, disclosed(denominator) AS denominator,
       CASE unit WHEN 'count' THEN CAST(disclosed(numerator) AS DOUBLE)
                 WHEN 'ratio' THEN CASE WHEN fte IS NOT NULL THEN percent(disclosed(numerator), fte) END
                 ELSE percent(disclosed(numerator), disclosed(denominator)) END AS value,
       status,
       coalesce(numerator BETWEEN 1 AND 7, false) OR coalesce(denominator BETWEEN 1 AND 7, false) AS suppressed
FROM all_rows
WHERE level <> 'provider';
