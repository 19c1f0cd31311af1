#!/usr/bin/env bash
# SIGKILL crash trials beyond CI's 20: kills a logging process at random moments and checks every flushed record.
# Usage: scripts/crash-trials.sh [TRIALS (200)]
set -euo pipefail
cd "$(dirname "$0")/.."
TRAINWATCH_CRASH_TRIALS="${1:-200}" dotnet test tests/TrainWatch.Tests -c Release \
  --filter "FullyQualifiedName~CrashSafetyTests.Every_flushed_record" --logger "console;verbosity=detailed" \
  | grep -E "SIGKILL trials|Test Run|Passed:|Failed"
