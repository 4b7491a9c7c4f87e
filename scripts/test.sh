#!/usr/bin/env bash
# Sets everything up on a fresh machine of this kind and runs every test:
# npm packages (Azurite, @duckdb/node-api) into ./node_modules, the .NET restore and build, then all test projects
# (they start their own Azurite on free loopback ports, read Parquet back with DuckDB from Node (@duckdb/node-api), and open
# the scorecards in Debian's chromium through Playwright).
set -euo pipefail
cd "$(dirname "$0")/.."
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
./scripts/setup.sh

results=$(mktemp -d)
# The tests' own folders (published files, reports, browser profiles, screenshots, Azurite's data where a test keeps it
# on disk): one folder for this run, deleted when every test passed and kept to look at when one failed.
export KPIPIPELINE_TEST_SCRATCH="$results/scratch"
mkdir -p "$KPIPIPELINE_TEST_SCRATCH"
echo "== dotnet test (results in $results)"
set +e
dotnet test KpiPipeline.sln --configuration Release --no-build --results-directory "$results" --logger trx \
  > "$results/test.log" 2>&1
status=$?
set -e

# Per-project summaries and every failure, then one closing line over all test projects.
grep -E "^(Passed|Failed)!|^\s+Failed |Error Message|^\s+(Assert|Expected|Actual)|Test Run Aborted|exited with error" "$results/test.log" || true
read -r failed passed skipped < <(grep -E "^(Passed|Failed)! +- Failed: +[0-9]+, Passed: +[0-9]+, Skipped: +[0-9]+" "$results/test.log" \
  | sed -E 's/.*Failed: +([0-9]+), Passed: +([0-9]+), Skipped: +([0-9]+).*/\1 \2 \3/' \
  | awk '{f+=$1; p+=$2; s+=$3} END {printf "%d %d %d\n", f, p, s}')
projects=$(find tests -name '*.Tests.csproj' | wc -l)
reported=$(grep -cE "^(Passed|Failed)! +- Failed:" "$results/test.log" || true)
if [ "$reported" -ne "$projects" ]; then
  echo "Only $reported of $projects test projects reported results:" >&2
  tail -40 "$results/test.log" >&2
  status=1
fi
echo "$passed passed, $failed failed, $skipped skipped"
if [ "$status" -eq 0 ]; then
  rm -rf "$KPIPIPELINE_TEST_SCRATCH"
else
  echo "The tests' folders are kept in $KPIPIPELINE_TEST_SCRATCH" >&2
fi
exit "$status"
