#!/usr/bin/env bash
# Issue 16: the example with its log directory on a full disk must finish like a normal run, plus at most the drain
# limit, with about the same CPU time, and leave only whole records. Runs the example twice, on a normal disk and on a
# 3 MB tmpfs, under /usr/bin/time; checks both runs with the independent reader tfevents-check; prints the comparison.
# Needs root (mount). Usage: [TIMEOUT=900] scripts/full-disk.sh [STEPS (400)] [EVERY (2)] [SIZE (3m)]
# On a loaded machine, fewer steps (100 fill 3 MB too) keep both runs short.
set -euo pipefail
cd "$(dirname "$0")/.."
STEPS="${1:-400}" EVERY="${2:-2}" SIZE="${3:-3m}"
DRAIN_LIMIT=5   # EventWriterOptions.DrainTimeout's default, in seconds
CHECK=/work/shared/tools/tfevents-check
WORK="$(mktemp -d)"
FULL="$WORK/full" NORMAL="$WORK/normal"
mkdir -p "$FULL" "$NORMAL"
cleanup() { mountpoint -q "$FULL" && umount "$FULL"; rm -rf "$WORK"; }
trap cleanup EXIT
trap 'exit 130' INT TERM   # through the EXIT trap: never leave the mount behind

if ! mount -t tmpfs -o "size=$SIZE" tmpfs "$FULL" 2>/dev/null; then
  loop="$WORK/disk.img"   # no tmpfs allowed: a small ext4 image on a loop device instead
  truncate -s "$SIZE" "$loop" && mkfs.ext4 -q "$loop" && mount -o loop "$loop" "$FULL" \
    || { echo "full-disk.sh: cannot mount a small filesystem (needs root); skipped"; exit 2; }
fi
command -v /usr/bin/time >/dev/null || { echo "full-disk.sh: needs /usr/bin/time (apt-get install time)"; exit 2; }

# Built once, run with dotnet DLL: the timings are the program's, not the build's.
dotnet build examples/ShapesCnn -c Release -v q -nologo >/dev/null
DLL="$(ls examples/ShapesCnn/bin/Release/net*/ShapesCnn.dll | head -1)"

run() { # NAME LOGDIR
  set +e
  /usr/bin/time -v -o "$WORK/$1.time" timeout "${TIMEOUT:-900}" dotnet "$DLL" --logdir "$2/run" --steps "$STEPS" --every "$EVERY" \
    >"$WORK/$1.out" 2>"$WORK/$1.err"
  echo $? >"$WORK/$1.rc"
  set -e
}
seconds() { # "h:mm:ss" or "m:ss.ss" -> seconds
  awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%.1f", s }' <<<"$1"
}
report() { # NAME
  local t="$WORK/$1.time"
  wall=$(seconds "$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$t")")
  user=$(sed -n 's/.*User time (seconds): //p' "$t")
  sys=$(sed -n 's/.*System time (seconds): //p' "$t")
  cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.1f", u + s }')
  printf '%-7s exit %s  wall %6.1f s  cpu %6.1f s (user %s, sys %s)\n' "$1" "$(cat "$WORK/$1.rc")" "$wall" "$cpu" "$user" "$sys"
  eval "${1}_wall=$wall ${1}_cpu=$cpu"
}

run normal "$NORMAL"
run full "$FULL"

echo "== $STEPS steps, sample every $EVERY; full disk: $SIZE $(stat -f -c %T "$FULL")"
report normal
report full
echo "== the full disk: $(df -h --output=used,avail "$FULL" | tail -1 | xargs) used/free"
echo "   event files: $(find "$FULL/run" -name 'events.out.tfevents.*' | wc -l), projector folders: $(find "$FULL/run" -mindepth 1 -maxdepth 1 -type d | wc -l), temporary files left: $(find "$FULL/run" -name '*.tmp' | wc -l)"
echo "== what TrainWatch reported (standard error, full disk):"
grep -i 'trainwatch' "$WORK/full.err" | cut -c1-400 | sed 's/^/   /' || echo "   (nothing)"
echo "== tfevents-check"
status=0
for name in normal full; do
  dir="$NORMAL"; [ "$name" = full ] && dir="$FULL"
  if out="$(python3 "$CHECK" "$dir/run" 2>&1)"; then
    echo "   $name: whole records only ($(echo "$out" | tail -1 | cut -c1-160))"
  else
    echo "   $name: FAILED"; echo "$out" | head -20 | sed 's/^/     /'; status=1
  fi
done

echo "== verdict"
limit=$(awk -v w="$normal_wall" -v d="$DRAIN_LIMIT" 'BEGIN { printf "%.1f", w * 1.25 + d + 5 }')
cpu_limit=$(awk -v c="$normal_cpu" 'BEGIN { printf "%.1f", c * 1.25 + 5 }')
[ "$(cat "$WORK/full.rc")" = 0 ] || { echo "   FAIL: the full-disk run did not exit 0"; status=1; }
awk -v w="$full_wall" -v l="$limit" 'BEGIN { exit !(w <= l) }' \
  && echo "   ok: wall $full_wall s <= normal $normal_wall s x1.25 + drain limit $DRAIN_LIMIT s + 5 s" \
  || { echo "   FAIL: wall $full_wall s > $limit s"; status=1; }
awk -v c="$full_cpu" -v l="$cpu_limit" 'BEGIN { exit !(c <= l) }' \
  && echo "   ok: cpu $full_cpu s <= normal $normal_cpu s x1.25 + 5 s" \
  || { echo "   FAIL: cpu $full_cpu s > $cpu_limit s"; status=1; }
exit $status
