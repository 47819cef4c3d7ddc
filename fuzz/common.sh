# Sourced by fuzz/run.sh and fuzz/campaign.sh: the target list, checking the
# targets asked for, building build-fuzz/ and refreshing the seed corpora,
# and each target's input length and dictionary. Expects `targets` (the
# targets asked for, empty for all) and sets it to the full list when empty.
cxx="${CXX:-clang++-16}"
build_dir="${FUZZ_BUILD_DIR:-build-fuzz}"
all_targets=(feed date url extract sanitize config dw_adapter address names)
if [ "${#targets[@]}" -eq 0 ]; then targets=("${all_targets[@]}"); fi

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
    date | address | names) echo 256 ;;
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
    address) echo fuzz/address.dict ;;
    names) echo fuzz/names.dict ;;
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

# Runs TARGET's fuzzer over its corpus, at low priority, with the options
# every run shares and any given after the target, in place of the calling
# shell (call it in a background subshell: its pid is then the fuzzer's).
# -timeout: one input taking this long is a hang, and a finding.
fuzz_target() {  # TARGET [LIBFUZZER_OPTION...]
  local target="$1"
  shift
  mkdir -p "$build_dir/artifacts/$target"
  exec nice -n 10 "$build_dir/fuzz/${target}_fuzzer" "$build_dir/corpus/$target" \
    -max_len="$(max_len "$target")" -dict="$(dictionary "$target")" \
    -timeout=30 -rss_limit_mb=2560 -print_final_stats=1 \
    -artifact_prefix="$build_dir/artifacts/$target/" "$@"
}

# Sets execs, cov, ft and corp from a log: the executions of the final
# stats (added up, when the log holds several runs) and the last status
# line's coverage, features and corpus size. -a: a log quotes the inputs'
# bytes.
read_log() {  # LOG
  local last
  execs=$(grep -aoE '^stat::number_of_executed_units: [0-9]+' "$1" | awk '{sum += $2} END {print sum + 0}')
  last=$(grep -aE '^#[0-9]+' "$1" | tail -n 1 || true)
  cov=$(grep -aoE 'cov: [0-9]+' <<<"$last" | grep -oE '[0-9]+' || echo '?')
  ft=$(grep -aoE 'ft: [0-9]+' <<<"$last" | grep -oE '[0-9]+' || echo '?')
  corp=$(grep -aoE 'corp: [0-9]+' <<<"$last" | grep -oE '[0-9]+' || echo '?')
}

# What a failed run found, and the input it kept.
finding_of() {  # LOG EXIT_STATUS
  local what artifact
  what=$(grep -aoE 'ERROR: (libFuzzer|AddressSanitizer|LeakSanitizer): [a-zA-Z -]+|runtime error: .*|SUMMARY: .*' \
    "$1" | head -n 1 || true)
  artifact=$(grep -aoE "Test unit written to [^ ]+" "$1" | tail -n 1 | sed 's/Test unit written to //' || true)
  echo "FAILED (${what:-exit $2}) ${artifact}"
}
