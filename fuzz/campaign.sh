#!/usr/bin/env bash
# A long fuzzing campaign: runs each target, one after another, until its
# coverage stops growing. A target stops when no new edge (libFuzzer's
# `cov`) has been covered for PLATEAU minutes of fuzzing, or after MAX
# minutes, or at its first finding. It can be paused (below); the pause
# is not counted.
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
  grep -aE '^#[0-9]+' "$1" | tail -n 1 | grep -aoE 'cov: [0-9]+' | grep -oE '[0-9]+' || echo 0
}

# A campaign shares the machine: while this file exists every campaign
# stops its fuzzer (a benchmark wants a quiet machine) and starts it again,
# from the corpus it has grown, once the file is gone. A fuzzer stopped
# with SIGSTOP instead would take the pause for a hang of its input.
pause_file="$build_dir/campaign.pause"

failed=0
echo "campaign: ${targets[*]}; each until no new edge for ${plateau_minutes} min (at most ${max_minutes} min); logs in $logs/"
echo "campaign: touch $pause_file to pause, remove it to go on"
for target in "${targets[@]}"; do
  log="$logs/$target.campaign.log"
  : >"$log"
  start_fuzzer() {
    fuzz_target "$target" >>"$log" 2>&1 &
    pid=$!
  }
  start_fuzzer
  trap 'kill -INT "$pid" 2>/dev/null || true' EXIT  # no fuzzer outlives the campaign
  fuzzed=0 best=0 last_growth=0 step=10 status=0
  while true; do
    sleep "$step"
    if ! kill -0 "$pid" 2>/dev/null; then break; fi  # a finding ended it
    if [ -e "$pause_file" ]; then
      kill -INT "$pid" 2>/dev/null || true
      wait "$pid" || status=$?
      if [ "$status" -ne 72 ] && [ "$status" -ne 0 ]; then break; fi
      status=0
      while [ -e "$pause_file" ]; do sleep 5; done
      start_fuzzer
      continue
    fi
    fuzzed=$((fuzzed + step))
    cov_now=$(current_cov "$log")
    if [ "$cov_now" -gt "$best" ]; then best=$cov_now last_growth=$fuzzed; fi
    if [ $((fuzzed - last_growth)) -ge $((plateau_minutes * 60)) ] || [ "$fuzzed" -ge $((max_minutes * 60)) ]; then
      kill -INT "$pid" 2>/dev/null || true
      break
    fi
  done
  if [ "$status" -eq 0 ]; then wait "$pid" || status=$?; fi
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
