// Runs SQL for the tests in DuckDB through @duckdb/node-api, the reader analysts use from Node, so every Parquet and CSV
// file the project writes is read back by a DuckDB outside the project's process (DuckDb.cs starts one per test process).
//
// Protocol: one JSON request per line on stdin, one JSON answer per line on stdout, matched by id; requests run at once.
//   {"id": 1, "sql": "SELECT ..."}                      a fresh in-memory database, closed after the answer
//   {"id": 2, "session": 7, "sql": "CREATE ...; ..."}   the in-memory database of session 7 (opened by its first request)
//   {"id": 3, "session": 7, "close": true}              closes session 7
// Answer: {"id", "columns": [names], "types": [DuckDB type names], "rows": [objects]} or {"id", "error": "message"}. Rows
// follow DuckDB's JSON conventions (getRowObjectsJson): BIGINT, HUGEINT and DECIMAL as decimal strings, dates as
// YYYY-MM-DD, non-finite doubles as "NaN"/"Infinity", lists as arrays. A SQL text may hold several statements; the answer
// is the last one's result. The server ends when stdin closes (the test process ended).
import { createInterface } from 'node:readline';
import { DuckDBInstance } from '@duckdb/node-api';

const sessions = new Map();

async function open() {
  const instance = await DuckDBInstance.create(':memory:');
  return { instance, connection: await instance.connect() };
}

function close(database) {
  database.connection.closeSync();
  database.instance.closeSync();
}

async function answer(request) {
  if (request.close) {
    const opening = sessions.get(request.session);
    sessions.delete(request.session);
    if (opening) close(await opening);
    return { id: request.id, closed: true };
  }

  let database;
  if (request.session === undefined) {
    database = await open();
  } else {
    if (!sessions.has(request.session)) sessions.set(request.session, open());
    database = await sessions.get(request.session);
  }

  try {
    const result = await database.connection.runAndReadAll(request.sql);
    return {
      id: request.id,
      columns: result.columnNames(),
      types: result.columnTypes().map(type => type.toString()),
      rows: result.getRowObjectsJson(),
    };
  } finally {
    if (request.session === undefined) close(database);
  }
}

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
lines.on('line', line => {
  const request = JSON.parse(line);
  answer(request)
    .catch(error => ({ id: request.id, error: String(error?.message ?? error) }))
    .then(reply => process.stdout.write(JSON.stringify(reply) + '\n'));
});
lines.on('close', () => {
  for (const database of sessions.values()) database.then(close, () => {});
  process.exit(0);
});
