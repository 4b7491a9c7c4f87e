#!/usr/bin/env bash
# Sets everything up on a fresh machine of this kind and runs every test:
# npm packages (Azurite, DuckDB, hyparquet) into ./node_modules, then the .NET build and all test projects.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh

results=$(mktemp -d)
status=0
dotnet test KpiPipeline.sln --configuration Release --no-restore \
  --logger "console;verbosity=normal" --logger "trx" --results-directory "$results" 2>&1 | tee "$results/test.log" \
  | grep -E "^(  Passed|  Failed|  Skipped|Passed!|Failed!|Test Run|Total tests|     Passed|     Failed| +Failed |\s*error )" || true
status=${PIPESTATUS[0]}

# One plain closing line over all test projects, summed from the per-project summaries.
summary=$(grep -E "^(Passed|Failed)! +- Failed: +[0-9]+, Passed: +[0-9]+, Skipped: +[0-9]+" "$results/test.log" \
  | sed -E 's/.*Failed: +([0-9]+), Passed: +([0-9]+), Skipped: +([0-9]+).*/\1 \2 \3/' \
  | awk '{f+=$1; p+=$2; s+=$3} END {printf "%d passed, %d failed, %d skipped\n", p, f, s}')
if [ "$status" -ne 0 ]; then
  grep -E "error|Failed" "$results/test.log" | head -50 || true
fi
echo "$summary"
exit "$status"
