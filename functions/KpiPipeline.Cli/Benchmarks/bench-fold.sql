-- The benchmark's second DuckDB baseline (docs/benchmarks.md, issue 11): only what the physical limit of the job is made of,
-- reading every monthly episodes.csv and folding the months (dataset.md 2.3: the latest month's row wins, DELETED
-- removes, an episode with no exit that a later month left out ends at the end of the last month it appeared in).
-- No validation, no pseudonymisation, no KPIs, nothing written. Placeholder filled in by DuckDbSide: {{returns}}.

CREATE TEMP TABLE episode_rows AS
SELECT upper(provider_code) AS provider,
       episode_id,
       upper(first_initial) || upper(last_initial) || date_of_birth || upper(sex) AS client,
       referral_date,
       treatment_start_date AS start_date,
       exit_date,
       coalesce(upper(record_status), 'ACTIVE') AS record_status,
       CAST(regexp_extract(filename, '([0-9]{4}-[0-9]{2})/[^/]*$', 1) || '-01' AS DATE) AS month
FROM read_csv('{{returns}}/*/*/episodes.csv', header = true, filename = true, auto_detect = false,
    columns = {
        'provider_code': 'VARCHAR', 'episode_id': 'VARCHAR', 'first_initial': 'VARCHAR', 'last_initial': 'VARCHAR',
        'date_of_birth': 'VARCHAR', 'sex': 'VARCHAR', 'referral_date': 'DATE', 'referral_source': 'VARCHAR',
        'primary_substance': 'VARCHAR', 'treatment_start_date': 'DATE', 'setting': 'VARCHAR', 'medication': 'VARCHAR',
        'daily_dose_mg': 'VARCHAR', 'treatment_goal': 'VARCHAR', 'naloxone_supplied': 'VARCHAR', 'exit_date': 'DATE',
        'exit_reason': 'VARCHAR', 'record_status': 'VARCHAR'});

CREATE TEMP TABLE last_file_month AS
SELECT upper(regexp_extract(file, '([^/]+)/[0-9]{4}-[0-9]{2}/episodes\.csv$', 1)) AS provider,
       max(CAST(regexp_extract(file, '([0-9]{4}-[0-9]{2})/episodes\.csv$', 1) || '-01' AS DATE)) AS last_month
FROM glob('{{returns}}/*/*/episodes.csv')
GROUP BY ALL;

CREATE TEMP TABLE folded AS
WITH latest AS (
    SELECT * FROM episode_rows
    QUALIFY row_number() OVER (PARTITION BY provider, episode_id ORDER BY month DESC) = 1
)
SELECT l.provider, l.episode_id, l.client, l.referral_date, l.start_date, l.exit_date,
       coalesce(l.exit_date, CASE WHEN l.month < f.last_month THEN last_day(l.month) END) AS effective_end
FROM latest l
JOIN last_file_month f USING (provider)
WHERE l.record_status <> 'DELETED';
