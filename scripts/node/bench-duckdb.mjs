// The DuckDB side of `kpi bench` (docs/benchmarks.md): runs bench-kpis.sql over a returns folder and writes the
// KPI rows to Parquet, timed from the raw CSV files to the finished Parquet file; then, untimed, copies the rows to
// CSV for the comparison with the project's numbers.
// Usage: node scripts/node/bench-duckdb.mjs <returns> <reference> <as-of YYYY-MM-DD> <out.parquet> <out.csv> <threads>
// Prints one JSON line: {"seconds": <timed seconds>, "rows": <KPI rows written>}.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

const [returns, reference, asOf, outParquet, outCsv, threads] = process.argv.slice(2);
if (!threads) {
  process.stderr.write('usage: bench-duckdb.mjs <returns> <reference> <as-of> <out.parquet> <out.csv> <threads>\n');
  process.exit(2);
}

const quote = (path) => path.replaceAll('\\', '/').replaceAll("'", "''");
const template = await readFile(join(dirname(fileURLToPath(import.meta.url)), 'bench-kpis.sql'), 'utf8');
const sql = template
  .replaceAll('{{returns}}', quote(returns))
  .replaceAll('{{reference}}', quote(reference))
  .replaceAll('{{asof}}', asOf)
  .replaceAll('{{out}}', quote(outParquet));

const instance = await DuckDBInstance.create(':memory:', { threads: String(threads) });
const connection = await instance.connect();
try {
  const started = process.hrtime.bigint();
  await connection.run(sql);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const counted = await connection.runAndReadAll(
    `COPY (SELECT * FROM read_parquet('${quote(outParquet)}')) TO '${quote(outCsv)}' (HEADER, DELIMITER ',');
     SELECT count(*) AS n FROM read_parquet('${quote(outParquet)}')`);
  const rows = Number(counted.getRowObjectsJson()[0].n);
  process.stdout.write(JSON.stringify({ seconds, rows }) + '\n');
} catch (error) {
  process.stderr.write(String(error?.message ?? error) + '\n');
  process.exitCode = 1;
} finally {
  connection.closeSync();
}
