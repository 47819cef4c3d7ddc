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
all_targets=(feed date url extract sanitize config dw_adapter)
targets=("$@")
if [ "${#targets[@]}" -eq 0 ]; then targets=("${all_targets[@]}"); fi
jobs="${FUZZ_JOBS:-2}"
cxx="${CXX:-clang++-16}"
build_dir="${FUZZ_BUILD_DIR:-build-fuzz}"

for target in "${targets[@]}"; do
  if [[ ! " ${all_targets[*]} " == *" $target "* ]]; then
    echo "fuzz: no target '$target' (targets: ${all_targets[*]})" >&2
    exit 2
  fi
done
if ! command -v "$cxx" >/dev/null; then
  echo "fuzz: $cxx not found: scripts/install-deps.sh installs it (clang-16, libclang-rt-16-dev)" >&2
  exit 1
fi

launcher=()
if command -v ccache >/dev/null; then
  export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1  # shared by clones on this machine
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
cmake -S . -B "$build_dir" -DNEWSVAULT_FUZZ=ON -DCMAKE_CXX_COMPILER="$cxx" "${launcher[@]}" >/dev/null
cmake --build "$build_dir" -j "$(nproc)" --target "${targets[@]/%/_fuzzer}" >/dev/null
fuzz/seed-corpus.sh "$build_dir" | grep -v "^seed-corpus: [a-z_]* *[0-9]* inputs$" || true

# The longest input each target is given: a feed or a page of a useful size,
# a date or a URL of any length a document holds.
max_len() {
  case "$1" in
    date) echo 256 ;;
    url) echo 2048 ;;
    config) echo 8192 ;;
    sanitize | dw_adapter | extract) echo 32768 ;;
    *) echo 65536 ;;
  esac
}
dictionary() {
  case "$1" in
    feed) echo fuzz/xml.dict ;;
    extract | sanitize) echo fuzz/html.dict ;;
    dw_adapter) echo fuzz/json.dict ;;
    config) echo fuzz/toml.dict ;;
    date) echo fuzz/date.dict ;;
    url) echo fuzz/url.dict ;;
  esac
}

# Stack traces with source lines, and UB findings with theirs.
for symbolizer in llvm-symbolizer-16 llvm-symbolizer; do
  if command -v "$symbolizer" >/dev/null; then
    export ASAN_SYMBOLIZER_PATH="${ASAN_SYMBOLIZER_PATH:-$(command -v "$symbolizer")}"
    break
  fi
done
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1}"

logs="$build_dir/logs"
mkdir -p "$logs"
run_target() {
  local target="$1"
  mkdir -p "$build_dir/artifacts/$target"
  # -timeout: one input taking this long is a hang, and a finding.
  nice -n 10 "$build_dir/fuzz/${target}_fuzzer" "$build_dir/corpus/$target" \
    -max_total_time="$seconds" -max_len="$(max_len "$target")" -dict="$(dictionary "$target")" \
    -timeout=30 -rss_limit_mb=2560 -print_final_stats=1 \
    -artifact_prefix="$build_dir/artifacts/$target/" >"$logs/$target.log" 2>&1
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
  log="$logs/$target.log"
  execs=$(grep -oE '^stat::number_of_executed_units: [0-9]+' "$log" | grep -oE '[0-9]+$' || echo 0)
  last=$(grep -E '^#[0-9]+' "$log" | tail -n 1)
  cov=$(grep -oE 'cov: [0-9]+' <<<"$last" | grep -oE '[0-9]+' || echo '?')
  ft=$(grep -oE 'ft: [0-9]+' <<<"$last" | grep -oE '[0-9]+' || echo '?')
  corp=$(grep -oE 'corp: [0-9]+' <<<"$last" | grep -oE '[0-9]+' || echo '?')
  result=ok
  if [ "${status[$target]}" -ne 0 ]; then
    failed=1
    what=$(grep -oE 'ERROR: (libFuzzer|AddressSanitizer|LeakSanitizer): [a-zA-Z -]+|runtime error: .*|SUMMARY: .*' \
      "$log" | head -n 1 || true)
    artifact=$(grep -oE "Test unit written to [^ ]+" "$log" | tail -n 1 | sed 's/Test unit written to //' || true)
    result="FAILED (${what:-exit ${status[$target]}}) ${artifact}"
  fi
  printf 'fuzz: %-10s %4ss %10s execs  cov %5s  ft %6s  corpus %5s  %s\n' \
    "$target" "$seconds" "$execs" "$cov" "$ft" "$corp" "$result"
done
if [ "$failed" -ne 0 ]; then
  echo "fuzz: failed; each log is in $logs/, each input in $build_dir/artifacts/" >&2
  exit 1
fi
