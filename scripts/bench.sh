#!/usr/bin/env bash
# Runs the side-by-side benchmarks and regenerates docs/benchmarks.md.
# Usage: scripts/bench.sh [--quick]
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet run -c Release --project tests/TrainWatch.Benchmarks -- headtohead --out docs/benchmarks.md "$@"
