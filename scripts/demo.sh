#!/usr/bin/env bash
# Sets everything up on a fresh machine of this kind and runs the demo: Azurite, synthetic returns uploaded as providers
# would, the published function app's isolated worker driven over gRPC by a local stand-in for the Functions host,
# published Parquet and scorecards, a KPI table.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
exec dotnet functions/KpiPipeline.Cli/bin/ReadyToRun/kpi.dll demo "$@"
