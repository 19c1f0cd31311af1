#!/usr/bin/env bash
# The diagnosis population: whole training setups drawn from seeds (examples/Population), healthy and with one fault
# planted each, in a tuning seed range and a held-out one (never looked at while changing a rule); scores TrainWatch's
# live alerts on both and regenerates docs/diagnosis.md with the two side by side.
# Usage: scripts/diagnosis-zoo.sh [--healthy 200] [--faulted 150] [--max-steps 2000] [--sets tuning,heldout] [--jobs 1] [--zoo] [--check]
#   --jobs 2 runs a set's healthy and faulted seeds in two processes (each uses one thread): the full population,
#   700 setups of up to 2,000 steps, takes about 35 minutes on 2 free cores that way.
#   --zoo also runs the six hand-written models of examples/FaultZoo (report on standard output).
#   --check is the CI gate: no report; exit 1 when a healthy run raised a warning, a planted fault was missed or
#   named at the wrong place, or a run crashed. .ci/run runs the subset
#   --healthy 8 --faulted 13 --max-steps 300 --sets tuning --check (about 3 minutes on a free machine): tuning seeds,
#   a regression gate; the held-out seeds stay for the report, never for a pass/fail a rule could be tuned to.
set -euo pipefail
cd "$(dirname "$0")/.."

healthy=200 faulted=150 max_steps=2000 sets=tuning,heldout jobs=1 zoo=0 check=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --healthy) healthy="$2"; shift 2 ;;
    --faulted) faulted="$2"; shift 2 ;;
    --max-steps) max_steps="$2"; shift 2 ;;
    --sets) sets="$2"; shift 2 ;;
    --jobs) jobs="$2"; shift 2 ;;
    --zoo) zoo=1; shift ;;
    --check) check=1; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

dotnet build examples/Population -c Release -v quiet -nologo >/dev/null
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
population=examples/Population/bin/Release/net10.0/Population.dll
for set in tuning heldout; do
  touch "$out/$set.jsonl"
  if [[ ",$sets," == *",$set,"* ]]; then
    if [[ $jobs -ge 2 ]]; then
      # Healthy and faulted seeds apart, then one results file in the order a single process writes it.
      dotnet "$population" run --set "$set" --healthy "$healthy" --faulted 0 --max-steps "$max_steps" --out "$out/$set.healthy.jsonl" --work "$out/runs-h" &
      healthy_pid=$!
      dotnet "$population" run --set "$set" --healthy 0 --faulted "$faulted" --max-steps "$max_steps" --out "$out/$set.faulted.jsonl" --work "$out/runs-f"
      wait "$healthy_pid"
      cat "$out/$set.healthy.jsonl" "$out/$set.faulted.jsonl" > "$out/$set.jsonl"
    else
      dotnet "$population" run --set "$set" --healthy "$healthy" --faulted "$faulted" --max-steps "$max_steps" --out "$out/$set.jsonl" --work "$out/runs"
    fi
  fi
  mkdir -p artifacts/population && cp "$out/$set.jsonl" "artifacts/population/$set.jsonl"
done
if [[ $check == 1 ]]; then
  status=0
  for set in tuning heldout; do
    if [[ ",$sets," == *",$set,"* ]]; then
      dotnet "$population" check --results "$out/$set.jsonl" || status=1
    fi
  done
  exit $status
fi
dotnet "$population" report --tuning "$out/tuning.jsonl" --heldout "$out/heldout.jsonl" --report docs/diagnosis.md

if [[ $zoo == 1 ]]; then
  dotnet build examples/FaultZoo -c Release -v quiet -nologo >/dev/null
  dotnet examples/FaultZoo/bin/Release/net10.0/FaultZoo.dll --out "$out/zoo"
fi
