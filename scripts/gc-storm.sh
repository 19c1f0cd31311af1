#!/usr/bin/env bash
# Runs the TorchSharp tests under a storm of garbage collections (tests/TrainWatch.TorchSharp.Tests/Support/
# GarbageCollectionStorm.cs), to expose TorchSharp objects that a collection can free while libtorch still uses them.
# Prints, per run, the summary line, each failing test with its innermost frames, and the tests in progress if the test
# host crashed. Failures inside TorchSharp's own BatchNorm.forward or SGD.step are expected (docs/reliability.md).
# Usage: scripts/gc-storm.sh [RUNS (3)]
set -uo pipefail
cd "$(dirname "$0")/.."
runs="${1:-3}"
dotnet build tests/TrainWatch.TorchSharp.Tests -c Release -v quiet -nologo >/dev/null || exit 1
crashed=0
for i in $(seq 1 "$runs"); do
  echo "== storm run $i of $runs"
  out="$(TRAINWATCH_GC_STORM=1 timeout 1800 dotnet test tests/TrainWatch.TorchSharp.Tests -c Release --no-build 2>&1)"
  grep -E "^\s+Failed |^\s+at (TrainWatch|TorchSharp\.Modules|TorchSharp\.torch\.optim)" <<<"$out" | grep -v "System.Reflection" | head -20
  if grep -q "Test host process crashed" <<<"$out"; then
    crashed=$((crashed + 1))
    grep -A4 "The test running when the crash occurred" <<<"$out"
  fi
  grep -E "Passed!|Failed!" <<<"$out"
done
echo "== $crashed of $runs runs crashed the test host"
[ "$crashed" -eq 0 ]
