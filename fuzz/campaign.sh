#!/usr/bin/env bash
# A long fuzzing campaign: runs each target, one after another, until its
# coverage stops growing. A target stops when no new edge (libFuzzer's
# `cov`) has been covered for PLATEAU minutes of fuzzing, or after MAX
# minutes, or at its first finding. Time the fuzzer spends stopped
# (SIGSTOP, to keep a benchmark's machine quiet) is not counted.
#
#   fuzz/campaign.sh [--plateau MINUTES] [--max MINUTES] [TARGET...]
#                                            (defaults 10 and 60, every target)
#
# Prints a line per target and appends it to build-fuzz/campaigns.tsv (the
# record docs/internals/fuzzing.md sums up): when, the commit, the target,
# seconds fuzzed, executions, final cov, ft and corpus, the minute of the
# last new edge, and the result. Exits 1 when a target found something.
set -euo pipefail
cd "$(dirname "$0")/.."
plateau_minutes=10
max_minutes=60
while [ "$#" -gt 0 ]; do
  case "$1" in
    --plateau) plateau_minutes="$2"; shift 2 ;;
    --max) max_minutes="$2"; shift 2 ;;
    *) break ;;
  esac
done
for minutes in "$plateau_minutes" "$max_minutes"; do
  if ! [[ "$minutes" =~ ^[1-9][0-9]*$ ]]; then
    echo "campaign: minutes are whole numbers above 0, not '$minutes'" >&2
    exit 2
  fi
done
targets=("$@")
# shellcheck source=fuzz/common.sh
source fuzz/common.sh
record="$build_dir/campaigns.tsv"
if [ ! -f "$record" ]; then
  printf 'finished\tcommit\ttarget\tseconds\texecutions\tcov\tft\tcorpus\tlast_new_cov_minute\tresult\n' >"$record"
fi
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)

# Covered edges in the log's last status line, 0 before the first.
current_cov() {  # LOG
  grep -E '^#[0-9]+' "$1" | tail -n 1 | grep -oE 'cov: [0-9]+' | grep -oE '[0-9]+' || echo 0
}

# A stopped process (state T) is not fuzzing.
is_stopped() {  # PID
  [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" = T ]
}

failed=0
echo "campaign: ${targets[*]}; each until no new edge for ${plateau_minutes} min (at most ${max_minutes} min); logs in $logs/"
for target in "${targets[@]}"; do
  log="$logs/$target.campaign.log"
  fuzz_target "$target" >"$log" 2>&1 &
  pid=$!
  trap 'kill -INT "$pid" 2>/dev/null || true' EXIT  # no fuzzer outlives the campaign
  fuzzed=0 best=0 last_growth=0 step=10
  while kill -0 "$pid" 2>/dev/null; do
    sleep "$step"
    if is_stopped "$pid"; then continue; fi
    fuzzed=$((fuzzed + step))
    cov_now=$(current_cov "$log")
    if [ "$cov_now" -gt "$best" ]; then best=$cov_now last_growth=$fuzzed; fi
    if [ $((fuzzed - last_growth)) -ge $((plateau_minutes * 60)) ] || [ "$fuzzed" -ge $((max_minutes * 60)) ]; then
      kill -INT "$pid" 2>/dev/null || true
      break
    fi
  done
  status=0
  wait "$pid" || status=$?
  read_log "$log"
  # libFuzzer leaves with 72 when interrupted: the end of a clean run here.
  if [ "$status" -eq 0 ] || [ "$status" -eq 72 ]; then
    result=ok
  else
    result=$(finding_of "$log" "$status")
    failed=1
  fi
  line=$(printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s' "$(date -u +%FT%TZ)" "$commit" "$target" \
    "$fuzzed" "$execs" "$cov" "$ft" "$corp" "$((last_growth / 60))" "$result")
  echo "$line" >>"$record"
  printf 'campaign: %-10s %6ss %12s execs  cov %5s  ft %6s  corpus %5s  last new edge at minute %s  %s\n' \
    "$target" "$fuzzed" "$execs" "$cov" "$ft" "$corp" "$((last_growth / 60))" "$result"
done
exit "$failed"
