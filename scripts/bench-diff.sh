#!/usr/bin/env bash
# Times `trainwatch diff` on two runs of 100 histogram tags x 1,000 steps (64 buckets each, what the TrainWatch watcher
# writes; ~100 MB per run). Goal: <= 2 s wall time on the 2-core build machine. Prints one line per repetition.
#
# Usage: scripts/bench-diff.sh [WORKDIR] [REPETITIONS]
#   WORKDIR      where the two runs are generated (default: a fresh temp directory, deleted afterwards)
#   REPETITIONS  how many timed diffs (default 5); the first includes a cold file cache only if WORKDIR was reused
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
repetitions="${2:-5}"
if [[ $# -ge 1 ]]; then
  work="$1"
  mkdir -p "$work"
else
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
fi

dotnet build "$root/src/TrainWatch.Cli" -c Release -nologo -v quiet >/dev/null
trainwatch=(dotnet "$root/src/TrainWatch.Cli/bin/Release/net10.0/TrainWatch.Cli.dll")

if [[ ! -d "$work/a" || ! -d "$work/b" ]]; then
  "${trainwatch[@]}" generate-bench-runs "$work" --tags 100 --steps 1000 --buckets 64
fi
du -sh "$work/a" "$work/b"

for ((i = 1; i <= repetitions; i++)); do
  # Exit code 1 is expected: run b carries one planted divergence, so diff reports a finding.
  status=0
  /usr/bin/time -f "diff #$i: %e s wall, %U s user, %S s sys, %M KB max RSS" \
    "${trainwatch[@]}" diff "$work/a" "$work/b" >/dev/null || status=$?
  if [[ $status -ne 1 ]]; then
    echo "unexpected exit code $status from trainwatch diff" >&2
    exit 2
  fi
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores (other builds share this machine: compare user+sys too)"
