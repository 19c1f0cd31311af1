#!/usr/bin/env bash
# The reader and CLI fuzz properties (FsCheck) with another seed and more cases than CI runs.
# Usage: scripts/fuzz.sh [SEED (random)] [CASES per property (100000)]
set -euo pipefail
cd "$(dirname "$0")/.."
export TRAINWATCH_FUZZ_SEED="${1:-$RANDOM$RANDOM}" TRAINWATCH_FUZZ_CASES="${2:-100000}"
echo "TRAINWATCH_FUZZ_SEED=$TRAINWATCH_FUZZ_SEED TRAINWATCH_FUZZ_CASES=$TRAINWATCH_FUZZ_CASES"
dotnet test tests/TrainWatch.Tests --filter 'FullyQualifiedName~Fuzz'
dotnet test tests/TrainWatch.Cli.Tests --filter 'FullyQualifiedName~Fuzz'
