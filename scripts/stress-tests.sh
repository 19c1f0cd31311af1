#!/usr/bin/env bash
# The test suites, N rounds in a row, with every core kept busy by a CPU hog this script starts and stops itself: a
# test that depends on how fast the machine is fails here long before it fails on someone else's CI run (issue 23).
# Every failure is reported with its suite, round and test name; the last line is a summary. Exit status 1 if any test
# failed or any test run broke off (a crash, a hang past the blame timeout).
#
# Usage: scripts/stress-tests.sh [ROUNDS (10)] [--suites core,cli,torch] [--no-build] [--no-hog]
#   --suites   which suites (default all three): core = tests/TrainWatch.Tests, cli = tests/TrainWatch.Cli.Tests,
#              torch = tests/TrainWatch.TorchSharp.Tests (the slow one)
#   --no-build use the Release build already in the tree (by default the solution is built once, before the hog starts)
#   --no-hog   no CPU hog (to compare)
# Environment: STRESS_HANG_TIMEOUT (default 15m) turns a hung test run into a reported failure.
set -euo pipefail
cd "$(dirname "$0")/.."

rounds=10
suites="core,cli,torch"
build=1
hog=1
while [ $# -gt 0 ]; do
  case "$1" in
    --suites) suites="$2"; shift 2 ;;
    --suites=*) suites="${1#*=}"; shift ;;
    --no-build) build=0; shift ;;
    --no-hog) hog=0; shift ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *[!0-9]*|'') echo "stress-tests: unknown argument '$1'" >&2; exit 2 ;;
    *) rounds="$1"; shift ;;
  esac
done

project_of() {
  case "$1" in
    core) echo tests/TrainWatch.Tests ;;
    cli) echo tests/TrainWatch.Cli.Tests ;;
    torch) echo tests/TrainWatch.TorchSharp.Tests ;;
    *) echo "stress-tests: unknown suite '$1' (core, cli, torch)" >&2; exit 2 ;;
  esac
}
IFS=',' read -r -a suite_list <<< "$suites"
for suite in "${suite_list[@]}"; do project_of "$suite" >/dev/null; done

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

if [ "$build" = 1 ]; then
  echo "== building the solution (Release) once"
  dotnet build TrainWatch.sln -c Release -v quiet -nologo | tail -n 3
fi

results="$(mktemp -d "${TMPDIR:-/tmp}/trainwatch-stress.XXXXXX")"
hog_pids=()
stop_hog() {
  # Only the processes this script started, by their ids.
  for pid in "${hog_pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${hog_pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  hog_pids=()
}
trap 'stop_hog; rm -rf "$results"' EXIT
trap 'exit 130' INT TERM

if [ "$hog" = 1 ]; then
  cores="$(nproc 2>/dev/null || echo 2)"
  for _ in $(seq "$cores"); do
    # A busy loop per core, at normal priority: the tests get what a loaded CI machine would give them.
    bash -c 'while :; do :; done' &
    hog_pids+=("$!")
  done
  echo "== CPU hog: $cores busy loops (pids ${hog_pids[*]})"
fi

failures=()
runs=0
started=$SECONDS
for round in $(seq "$rounds"); do
  round_started=$SECONDS
  for suite in "${suite_list[@]}"; do
    project="$(project_of "$suite")"
    out="$results/$suite-$round"
    mkdir -p "$out"
    runs=$((runs + 1))
    status=0
    dotnet test "$project" -c Release --no-build --nologo \
      --logger "trx;LogFileName=results.trx" --results-directory "$out" \
      --blame-hang-timeout "${STRESS_HANG_TIMEOUT:-15m}" --blame-hang-dump-type none \
      > "$out/console.log" 2>&1 || status=$?

    # Failed tests by name, from the trx (one UnitTestResult element per test).
    failed=()
    if [ -f "$out/results.trx" ]; then
      while IFS= read -r name; do
        [ -n "$name" ] && failed+=("$name")
      done < <(grep -o '<UnitTestResult [^>]*outcome="Failed"[^>]*>' "$out/results.trx" \
        | sed -n 's/.* testName="\([^"]*\)".*/\1/p' | sed 's/&quot;/"/g; s/&amp;/\&/g; s/&lt;/</g; s/&gt;/>/g')
    fi
    summary="$(grep -E '^(Passed!|Failed!)' "$out/console.log" | tail -n 1 | sed 's/, Duration.*//; s/  */ /g' || true)"
    for name in "${failed[@]}"; do
      failures+=("round $round, $suite: $name")
      echo "FAILED round $round $suite: $name"
      # The assertion's message, so the report says why without opening the trx.
      grep -A 3 -F "Failed $name [" "$out/console.log" | sed -n 's/^ *//; 3p' | cut -c1-300 | sed 's/^/    /' || true
    done
    if [ "$status" != 0 ] && [ "${#failed[@]}" = 0 ]; then
      # No failed test named, yet the run failed: a crash, a hang cut by blame, or a build problem.
      hung="$(grep -h -o 'Name="[^"]*" [^>]*Completed="False"' "$out"/*/Sequence_*.xml 2>/dev/null | sed 's/Name="\([^"]*\)".*/\1/' | head -n 3 | paste -sd ',' - || true)"
      failures+=("round $round, $suite: test run broke off (exit $status${hung:+; running: $hung})")
      echo "FAILED round $round $suite: test run broke off (exit $status${hung:+; running: $hung})"
      tail -n 15 "$out/console.log" | sed 's/^/    /'
    fi
    echo "round $round/$rounds $suite: ${summary:-no summary (exit $status)}"
  done
  echo "round $round/$rounds took $((SECONDS - round_started)) s"
done

stop_hog
elapsed=$((SECONDS - started))
load="under a CPU hog"
[ "$hog" = 1 ] || load="without a CPU hog"
if [ "${#failures[@]}" = 0 ]; then
  echo "stress-tests: $rounds round(s) of ${suites} $load: 0 failures in $runs test runs ($elapsed s)"
  exit 0
fi
echo "stress-tests: failures:"
printf '  %s\n' "${failures[@]}"
echo "stress-tests: $rounds round(s) of ${suites} $load: ${#failures[@]} failure(s) in $runs test runs ($elapsed s)"
exit 1
