#!/usr/bin/env bash
# Peak memory (max RSS) and time of `trainwatch diff`, `export`, `inspect` and `tail --once` on generated runs of
# growing size, to show that the CLI's memory is bounded and its time linear in the size of the runs
# (docs/reliability.md, "CLI memory"). Each size is two runs, a and b, of 100 histogram tags x STEPS steps, 64 buckets
# (what the watcher writes; ~101 KB per step per run), from the hidden `generate-bench-runs` command; run b carries one
# planted divergence. Prints one line per command and size.
#
# Usage: scripts/bench-memory.sh [WORKDIR] [STEPS ...]
#   WORKDIR  where the runs are generated (default: a fresh temp directory, deleted afterwards); runs already in
#            WORKDIR/s<STEPS> are reused
#   STEPS    steps per run (default: 1250 2500 5000, i.e. ~126, 252 and 504 MB per run; 20000 is ~2 GB per run)
# Environment:
#   TRAINWATCH_DLL  a TrainWatch.Cli.dll to measure instead of building this tree (e.g. an older build, for "before")
#   COMMANDS        which to run (default "diff export-csv inspect tail"; export-json writes ~5x the input, to /dev/null)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [[ $# -ge 1 ]]; then
  work="$1"
  shift
  mkdir -p "$work"
else
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
fi
sizes=("$@")
[[ ${#sizes[@]} -gt 0 ]] || sizes=(1250 2500 5000)
read -r -a commands <<< "${COMMANDS:-diff export-csv inspect tail}"

dll="${TRAINWATCH_DLL:-}"
if [[ -z "$dll" ]]; then
  dotnet build "$root/src/TrainWatch.Cli" -c Release -nologo -v quiet >/dev/null
  dll="$root/src/TrainWatch.Cli/bin/Release/net10.0/TrainWatch.Cli.dll"
fi
trainwatch=(dotnet "$dll")

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores; measuring $dll"
printf '%-12s %7s %9s %9s %9s %5s\n' command "MB/run" "wall s" "cpu s" "peak MB" exit
for steps in "${sizes[@]}"; do
  dir="$work/s$steps"
  if [[ ! -d "$dir/a" || ! -d "$dir/b" ]]; then
    "${trainwatch[@]}" generate-bench-runs "$dir" --tags 100 --steps "$steps" --buckets 64 >/dev/null
  fi
  megabytes="$(du -sm "$dir/a" | cut -f1)"
  for command in "${commands[@]}"; do
    case "$command" in
      diff) args=(diff "$dir/a" "$dir/b") ;;
      export-csv) args=(export "$dir" --format csv --output /dev/null) ;;
      export-json) args=(export "$dir" --format json --output /dev/null) ;;
      inspect) args=(inspect "$dir") ;;
      tail) args=(tail "$dir" --once) ;;
      *) echo "unknown command '$command'" >&2; exit 2 ;;
    esac

    # Peak RSS as the kernel counts it (getrusage ru_maxrss via GNU time), for the whole process.
    status=0
    /usr/bin/time -o "$work/time.txt" -f '%e %U %S %M' "${trainwatch[@]}" "${args[@]}" >/dev/null 2>"$work/stderr.txt" || status=$?
    read -r wall user sys kilobytes < <(tail -n 1 "$work/time.txt")
    printf '%-12s %7s %9s %9.2f %9d %5s\n' "$command" "$megabytes" "$wall" "$(echo "$user + $sys" | bc)" $((kilobytes / 1024)) "$status"

    # diff exits 1 (run b's planted divergence); anything above 1 is a failure, not a finding.
    if [[ $status -gt 1 ]]; then
      cat "$work/stderr.txt" >&2
      exit 2
    fi
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg) (other builds share this machine: compare cpu s too)"
