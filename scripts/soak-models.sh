#!/usr/bin/env bash
# Soaks TrainWatch on user-style models (tests/TrainWatch.SoakModels): every model at every = 1, 10 and 100, one
# process per run, repeated. A monitor must never crash the training it watches (issue 27): every abnormal exit is
# reported with its model, interval, the step it died at and the first lines of its stack.
# Run it alone: two TorchSharp processes on a 2-core machine slow each other 10-100x (the timings mean nothing then,
# though crashes still count).
# Usage: scripts/soak-models.sh [ROUNDS (1)] [STEPS (3000)] [EVERY... (1 10 100)]
#        MODELS="conv-autoencoder-adam unet-adam" scripts/soak-models.sh 2 1500 10
set -uo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-1}"
steps="${2:-3000}"
shift 2 2>/dev/null || shift $#
intervals=("$@")
[ ${#intervals[@]} -eq 0 ] && intervals=(1 10 100)

dotnet build tests/TrainWatch.SoakModels -c Release -v quiet -nologo >/dev/null || { echo "build failed" >&2; exit 1; }
program=tests/TrainWatch.SoakModels/bin/Release/net10.0/TrainWatch.SoakModels.dll
models="${MODELS:-$(dotnet "$program" --list)}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

runs=0; abnormal=0
for round in $(seq 1 "$rounds"); do
  for model in $models; do
    for every in "${intervals[@]}"; do
      runs=$((runs + 1))
      rm -rf "$work/run"
      start=$(date +%s.%N)
      dotnet "$program" "$model" "$every" "$steps" "$work/run" >"$work/out" 2>"$work/err"
      rc=$?
      seconds=$(echo "$(date +%s.%N) - $start" | bc)
      if [ $rc -ne 0 ] || ! grep -q "^finished" "$work/out"; then
        abnormal=$((abnormal + 1))
        died="$(grep -m1 -o 'died at step [0-9-]*' "$work/err" || echo 'step unknown')"
        echo "ABNORMAL round $round $model every=$every: exit $rc, $died"
        grep -m1 -E "Exception|error" "$work/err" | cut -c1-200 | sed 's/^/    /'
        grep -E "^\s+at " "$work/err" | head -6 | sed 's/^/  /'
      else
        printf 'ok       round %d %-24s every=%-4s %6.1f s%s\n' "$round" "$model" "$every" "$seconds" \
          "$(grep -q 'failed sample' "$work/err" && echo "  ($(grep -o '[0-9]* failed sample steps' "$work/err"))")"
      fi
    done
  done
done
echo "soak: $runs runs of $steps steps, $abnormal abnormal exits"
[ $abnormal -eq 0 ]
