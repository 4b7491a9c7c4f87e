#!/usr/bin/env bash
# Installs what the demo and the tests need: Node tools from npm (Azurite, the local Azure Storage; DuckDB for Node, which
# the tests read Parquet back with), Debian's chromium (the scorecard tests drive it through Playwright) and the .NET
# packages, then builds the solution. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
# Playwright's own browser download does not work here: the tests use /usr/bin/chromium from apt.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
if ! command -v chromium >/dev/null; then
  echo "== apt-get install chromium (for the scorecard browser tests)"
  sudo_cmd=""
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd="sudo"; fi
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq chromium >/dev/null
fi
command -v dotnet >/dev/null || { echo "dotnet (SDK 10) is required" >&2; exit 1; }
command -v node >/dev/null || { echo "node (20+) and npm are required" >&2; exit 1; }
# Reinstalled whenever package-lock.json differs from the one last installed (a stamp inside node_modules).
if ! cmp -s package-lock.json node_modules/.installed-package-lock.json; then
  echo "== npm ci (Azurite, @duckdb/node-api; exactly the versions in package-lock.json)"
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json node_modules/.installed-package-lock.json
fi
echo "== dotnet build"
dotnet restore KpiPipeline.sln --verbosity quiet
log=$(mktemp)
if ! dotnet build KpiPipeline.sln --configuration Release --no-restore --verbosity quiet -nologo > "$log" 2>&1; then
  grep -vE "warning NU1603" "$log" >&2
  echo "build failed" >&2
  exit 1
fi
# The kpi command ahead-of-time compiled (ReadyToRun): a run of kpi process spends no time in the JIT compiler, which
# was a tenth of its CPU at one fifth of national size (docs/benchmarks.md). The demo and the README's commands use it.
echo "== dotnet publish kpi (ReadyToRun)"
if ! dotnet publish functions/KpiPipeline.Cli --configuration Release --runtime linux-x64 --self-contained false \
    -p:PublishReadyToRun=true --output functions/KpiPipeline.Cli/bin/ReadyToRun --verbosity quiet -nologo > "$log" 2>&1; then
  grep -vE "warning NU1603" "$log" >&2
  echo "publish failed" >&2
  exit 1
fi
rm -f "$log"
