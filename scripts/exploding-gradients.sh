#!/usr/bin/env bash
# Trains examples/ShapesCnn twice — once with a healthy learning rate, once with one far too high — and asks
# `trainwatch diff` which layer's distributions part first and whose norms explode.
#
# Usage: scripts/exploding-gradients.sh [OUTDIR]
# Environment: STEPS (default 300), EVERY (log every K steps, default 10), HEALTHY_LR (0.01), HIGH_LR (1.0),
#              THRESHOLD (diff --threshold, default 0.2).
# Writes OUTDIR/healthy, OUTDIR/high-lr (the two runs), OUTDIR/diff (the distances as a TensorBoard run) and
# OUTDIR/diff.html. Look at them with: tensorboard --logdir OUTDIR
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$root/runs/exploding-gradients}"
steps="${STEPS:-300}"
every="${EVERY:-10}"
healthy_lr="${HEALTHY_LR:-0.01}"
high_lr="${HIGH_LR:-1.0}"
threshold="${THRESHOLD:-0.2}"

# Start from empty run directories: event files left by an earlier invocation would be read as a restart of the run.
for run in healthy high-lr diff; do
  rm -rf "${out:?}/$run"
done
rm -f "$out/diff.html"
mkdir -p "$out"

dotnet build "$root/examples/ShapesCnn" -c Release -nologo -v quiet
dotnet build "$root/src/TrainWatch.Cli" -c Release -nologo -v quiet

train() {
  local logdir="$1" lr="$2"
  echo "== training with lr=$lr -> $logdir"
  # A learning rate this high may drive the loss to NaN; whatever was logged until then is what we compare.
  if ! dotnet run --project "$root/examples/ShapesCnn" -c Release --no-build -- \
      --logdir "$logdir" --steps "$steps" --every "$every" --lr "$lr"; then
    echo "note: training with lr=$lr exited with an error; diffing what it logged" >&2
  fi
}

train "$out/healthy" "$healthy_lr"
train "$out/high-lr" "$high_lr"

echo "== trainwatch diff (A = lr $healthy_lr, B = lr $high_lr)"
# Exit code 1 means diff found a divergence or an exploding norm — the expected outcome here, not a failure.
status=0
dotnet "$root/src/TrainWatch.Cli/bin/Release/net10.0/TrainWatch.Cli.dll" diff "$out/healthy" "$out/high-lr" \
  --threshold "$threshold" --report "$out/diff.html" --tb-out "$out/diff" || status=$?
case $status in
  0) echo "no divergence above $threshold: try a higher HIGH_LR or more STEPS" ;;
  1) echo "report: $out/diff.html   distances: tensorboard --logdir $out" ;;
  *) echo "trainwatch diff failed (exit $status)" >&2; exit "$status" ;;
esac
