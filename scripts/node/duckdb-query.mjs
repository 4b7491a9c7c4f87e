// Runs SQL statements with DuckDB and prints the last statement's rows as JSON.
// Usage: node scripts/node/duckdb-query.mjs   (SQL on standard input)
// Used by the tests to read back every Parquet file the project writes, independently of the project.
import { DuckDBInstance } from '@duckdb/node-api';

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const sql = Buffer.concat(chunks).toString('utf8');

const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();
try {
  const reader = await connection.runAndReadAll(sql);
  const columns = reader.columnNames();
  const types = reader.columnTypes().map((t) => t.toString());
  const rows = reader.getRowObjectsJson();
  process.stdout.write(JSON.stringify({ columns, types, rows }));
} catch (error) {
  process.stderr.write(String(error?.message ?? error));
  process.exitCode = 1;
} finally {
  connection.closeSync();
}
