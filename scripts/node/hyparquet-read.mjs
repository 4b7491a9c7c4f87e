// Reads Parquet files with hyparquet (a pure-JS reader, independent of the project and of DuckDB) and prints them
// as JSON: [{ path, numRows, rowGroups, keyValueMetadata, columns, rows }] with one array of values per row.
// Usage (from the repository root): node scripts/node/hyparquet-read.mjs FILE [FILE...]
// JSON has no BigInt, NaN or Infinity: INT64 values are printed as decimal strings, non-finite doubles as "NaN",
// "Infinity" or "-Infinity", and DATE values as "YYYY-MM-DD".
import { gunzipSync } from 'node:zlib';
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects, parquetSchema } from 'hyparquet';

// hyparquet decodes SNAPPY itself; GZIP comes from node's zlib.
const compressors = {
  GZIP: (input) => new Uint8Array(gunzipSync(input)),
};

function toJsonValue(value) {
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  return value;
}

const results = [];
for (const path of process.argv.slice(2)) {
  const file = await asyncBufferFromFile(path);
  const metadata = await parquetMetadataAsync(file);
  const columns = parquetSchema(metadata).children.map((child) => child.element.name);
  const objects = await parquetReadObjects({ file, metadata, compressors });
  results.push({
    path,
    numRows: Number(metadata.num_rows),
    rowGroups: metadata.row_groups.length,
    keyValueMetadata: Object.fromEntries((metadata.key_value_metadata ?? []).map((kv) => [kv.key, kv.value ?? ''])),
    columns,
    rows: objects.map((row) => columns.map((name) => toJsonValue(row[name]))),
  });
}
process.stdout.write(JSON.stringify(results));
