#!/usr/bin/env bash
# The README's promise on the real clock: how long an event takes from logging to readable in the file (default
# options, an event every 40 ms, the file polled every 10 ms). Prints median, p95 and max; exits 1 when p95 is above
# the limit. A measurement, not a unit test (issue 23): run it on a quiet machine.
# Usage: scripts/visibility.sh [EVENTS (150)] [LIMIT_SECONDS (2.5)]
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet run -c Release --project tests/TrainWatch.Benchmarks -- visibility "${1:-150}" "${2:-2.5}"
