#!/usr/bin/env bash
# Installs what the demo and the tests need: Node tools from npm (Azurite; DuckDB for `kpi bench`) and the .NET packages,
# then builds the solution. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v dotnet >/dev/null || { echo "dotnet (SDK 10) is required" >&2; exit 1; }
command -v node >/dev/null || { echo "node (20+) and npm are required" >&2; exit 1; }
if [ ! -d node_modules/azurite ] || [ ! -d node_modules/@duckdb/node-api ]; then
  echo "== npm install (Azurite, DuckDB for kpi bench)"
  npm install --no-audit --no-fund --loglevel=error
fi
echo "== dotnet build"
dotnet restore KpiPipeline.sln --verbosity quiet
log=$(mktemp)
if ! dotnet build KpiPipeline.sln --configuration Release --no-restore --verbosity quiet -nologo > "$log" 2>&1; then
  grep -vE "warning NU1603" "$log" >&2
  echo "build failed" >&2
  exit 1
fi
rm -f "$log"
