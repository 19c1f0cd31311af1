#!/usr/bin/env bash
# A long run of a tiny model with the watcher attached; prints managed heap, live tensors and RSS as CSV.
# Usage: scripts/soak.sh [STEPS (100000)] [EVERY (10)]
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet run -c Release --project tests/TrainWatch.Benchmarks -- soak "${1:-100000}" "${2:-10}"
