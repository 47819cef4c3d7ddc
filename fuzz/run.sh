#!/usr/bin/env bash
# Builds the fuzz configuration (build-fuzz/: clang, libFuzzer, ASan, UBSan)
# and runs each target for SECONDS over its corpus, JOBS targets at a time.
# Prints one line per target (executions, coverage, corpus, result) and
# exits non-zero when any target found a crash, a leak, a timeout or a
# broken property; the input that did it is kept in
# build-fuzz/artifacts/<target>/ (docs/internals/fuzzing.md).
#
#   fuzz/run.sh [SECONDS] [TARGET...]     (default 60 seconds, every target)
#
# Environment: FUZZ_JOBS (targets at a time, default 2), CXX (the clang,
# default clang++-16), FUZZ_BUILD_DIR (default build-fuzz).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
if [ "$#" -gt 0 ]; then shift; fi
targets=("$@")
jobs="${FUZZ_JOBS:-2}"
# shellcheck source=fuzz/common.sh
source fuzz/common.sh

run_target() {
  fuzz_target "$1" -max_total_time="$seconds" >"$logs/$1.log" 2>&1
}

echo "fuzz: ${#targets[@]} targets, ${seconds}s each, $jobs at a time; logs in $logs/"
pids=()
declare -A status
for target in "${targets[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n || true; done
  run_target "$target" &
  pids+=("$!:$target")
done
for entry in "${pids[@]}"; do
  if wait "${entry%%:*}"; then status[${entry#*:}]=0; else status[${entry#*:}]=$?; fi
done

failed=0
for target in "${targets[@]}"; do
  read_log "$logs/$target.log"
  result=ok
  if [ "${status[$target]}" -ne 0 ]; then
    failed=1
    result=$(finding_of "$logs/$target.log" "${status[$target]}")
  fi
  printf 'fuzz: %-10s %4ss %10s execs  cov %5s  ft %6s  corpus %5s  %s\n' \
    "$target" "$seconds" "$execs" "$cov" "$ft" "$corp" "$result"
done
if [ "$failed" -ne 0 ]; then
  echo "fuzz: failed; each log is in $logs/, each input in $build_dir/artifacts/" >&2
  exit 1
fi
