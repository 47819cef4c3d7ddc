#!/usr/bin/env bash
# Feed-parsing benchmark: how fast newsvault reads feeds, beside feedparser
# (the peer: the parser our output is measured against) and `xmllint
# --noout` (libxml2's bare parse: the floor, since newsvault falls back to
# libxml2 and parses well-formed feeds faster with pugixml).
#
# newsvault is measured twice: the library in-process (feed_parse_bench
# times parse_feed() alone on files read beforehand, as feedparser.parse()
# is timed), and the CLI (`newsvault parse FILE --json`, one process per
# file: what archiving a file costs, start-up and JSON included).
#
# usage: bench/feed_parse.sh          (from anywhere; needs scripts/build.sh)
# environment:
#   NEWSVAULT=path        CLI binary to measure (default build/newsvault)
#   NEWSVAULT_BENCH=path  in-process benchmark (default build/bench/feed_parse_bench)
#   RUNS=n                runs on the large feed, best one kept (default 3)
#   FEED_MB=n             size of the generated feed in MB (default 52)
#
# Inputs: the real feeds in ../shared/corpus/feeds (if present) and one large
# generated RSS 2.0 feed in bench/out/ (git-ignored). Prints one table; see
# bench/README.md for what each number means.
set -euo pipefail
export LC_ALL=C  # EPOCHREALTIME and printf must use '.' as the decimal point
cd "$(dirname "$0")/.."

newsvault=${NEWSVAULT:-build/newsvault}
library_bench=${NEWSVAULT_BENCH:-build/bench/feed_parse_bench}
runs=${RUNS:-3}
feed_mb=${FEED_MB:-52}
# Debian's python, not whichever python3 is first on PATH: python3-feedparser
# is installed for this one.
python=/usr/bin/python3
helper=bench/feed_parse.py
out=bench/out
corpus=../shared/corpus/feeds
large=$out/large.rss
results=$out/feed_parse.tsv

# --- prerequisites: check, never install --------------------------------------
. bench/common.sh
require_tools feed_parse "/usr/bin/time|time" "xmllint|libxml2-utils" "$python|python3"
if ! "$python" -c 'import feedparser' 2>/dev/null; then
  echo "feed_parse: missing feedparser for $python (Debian package python3-feedparser)" >&2
  exit 1
fi
require_built feed_parse "$newsvault" "$library_bench"
# The peer's speed depends on its version; the numbers in bench/README.md are
# for Debian 12's 6.0.10.
feedparser_version=$("$python" -c 'import feedparser; print(feedparser.__version__)')
if [ "$feedparser_version" != 6.0.10 ]; then
  echo "feed_parse: note: feedparser is $feedparser_version, not 6.0.10 (Debian 12's)" >&2
fi

mkdir -p "$out"
: >"$results"


# total_bytes FILE...: the sum of the files' sizes.
total_bytes() {
  stat -c %s "$@" | awk '{ sum += $1 } END { print sum + 0 }'
}

# record TOOL INPUT FILES BYTES SECONDS PEAK_RSS_KB: one row of the table.
record() {
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$results"
}

# --- (a) the corpus of real feeds ---------------------------------------------
# Small files (70 KB on average). The library and feedparser parse them all
# inside one process each, parse() alone timed, each file $runs times with the
# fastest counting (as on the large feed: the first parse of a file also pays
# for memory touched for the first time, which on a VM varies from run to
# run). xmllint reads them all in one invocation, so its start-up is paid
# once; the CLI pays a process start per file, which is what archiving a feed
# costs (and most of its time here).
if [ -d "$corpus" ]; then
  # Every feed under the corpus except reference/ (feedparser's expected
  # output) and the README: the feed extensions feed-agreement.sh uses.
  mapfile -d '' corpus_files < <(find "$corpus" -path "$corpus/reference" -prune -o -type f \
    \( -name '*.xml' -o -name '*.rss' -o -name '*.atom' -o -name '*.rdf' -o -name '*.json' \) \
    -print0 | sort -z)
  # xmllint reads XML only: the JSON Feeds are left out of its row (the
  # ratios compare MB/s, so the slightly smaller set stays comparable).
  xml_files=()
  for f in "${corpus_files[@]}"; do
    [[ $f == *.json ]] || xml_files+=("$f")
  done
  corpus_label="corpus (real feeds)"
  echo "corpus: ${#corpus_files[@]} feeds in $corpus" >&2

  # Read every file once first, so that no tool pays for a cold page cache.
  cat "${corpus_files[@]}" >/dev/null
  printf '%s\0' "${corpus_files[@]}" >"$out/corpus.list"

  read -r files bytes seconds bozo _ < <("$library_bench" --repeat "$runs" --files-from "$out/corpus.list")
  record newsvault-lib "$corpus_label" "$files" "$bytes" "$seconds" -
  corpus_notes="newsvault found problems in $bozo"

  failed=0
  start=$EPOCHREALTIME
  for f in "${corpus_files[@]}"; do
    "$newsvault" parse "$f" --json >/dev/null 2>&1 || failed=$((failed + 1))
  done
  record newsvault-cli "$corpus_label" "${#corpus_files[@]}" "$(total_bytes "${corpus_files[@]}")" \
    "$(seconds_since "$start" 6)" -
  corpus_notes+=" and could not read $failed"

  # One invocation for all files. Broken feeds make xmllint exit non-zero and
  # report on stderr; it has still parsed them.
  start=$EPOCHREALTIME
  xmllint --noout "${xml_files[@]}" >/dev/null 2>"$out/xmllint.txt" || true
  record xmllint "$corpus_label" "${#xml_files[@]}" "$(total_bytes "${xml_files[@]}")" \
    "$(seconds_since "$start" 6)" -

  # What starting that many processes costs on this machine by itself, to
  # read the CLI row by: on a small VM it can be most of its time.
  start=$EPOCHREALTIME
  for f in "${corpus_files[@]}"; do /bin/true "$f"; done
  spawn_seconds=$(seconds_since "$start" 6)

  read -r files bytes seconds bozo _ < <("$python" "$helper" feedparser --repeat "$runs" \
    --files-from "$out/corpus.list")
  record feedparser "$corpus_label" "$files" "$bytes" "$seconds" -
  corpus_notes+=", feedparser flagged $bozo as bozo;"
  corpus_notes+=" starting ${#corpus_files[@]} processes (/bin/true) takes ${spawn_seconds}s here"
else
  echo "corpus: $corpus is absent (it sits beside the repository): measuring the large feed only" >&2
  corpus_notes=""
fi

# --- (b) one large generated feed ----------------------------------------------
# Regenerated only when missing, when the generator changed or when another
# size is asked for ($large.mb says which it was made for): the seed is fixed,
# so the bytes are the same on every machine.
if [ ! -s "$large" ] || [ "$helper" -nt "$large" ] ||
   [ "$(cat "$large.mb" 2>/dev/null)" != "$feed_mb" ]; then
  echo "generating $large (${feed_mb} MB) ..." >&2
  "$python" "$helper" generate "$large" --mb "$feed_mb" >&2
  echo "$feed_mb" >"$large.mb"
fi
large_bytes=$(total_bytes "$large")
large_label="large.rss (generated)"
cat "$large" >/dev/null  # warm the page cache

# best_of LABEL COMMAND...: runs COMMAND $runs times under /usr/bin/time and
# records the fastest wall time and the largest peak RSS (%M, in KB). The best
# run is the one least disturbed by whatever else the machine was doing.
best_of() {
  local tool=$1
  shift
  local best="" peak=0 start seconds rss
  for ((run = 1; run <= runs; run++)); do
    start=$EPOCHREALTIME
    if ! /usr/bin/time -f %M -o "$out/time.txt" "$@" >/dev/null 2>"$out/stderr.txt"; then
      echo "$tool failed on $large: $(tail -n 3 "$out/stderr.txt")" >&2
    fi
    seconds=$(seconds_since "$start" 6)
    rss=$(tail -n 1 "$out/time.txt")
    echo "  $tool run $run: ${seconds}s, ${rss} KB" >&2
    if [ -z "$best" ] || awk -v a="$seconds" -v b="$best" 'BEGIN { exit !(a < b) }'; then
      best=$seconds
    fi
    if ((rss > peak)); then peak=$rss; fi
  done
  record "$tool" "$large_label" 1 "$large_bytes" "$best" "$peak"
}

echo "large feed: $large, $large_bytes bytes, best of $runs runs" >&2
# The library: one process parses the feed $runs times and reports its best;
# its peak RSS includes the feed read into memory beforehand.
/usr/bin/time -f %M -o "$out/time.txt" \
  "$library_bench" --repeat "$runs" "$large" >"$out/library.txt"
read -r files bytes seconds bozo entries <"$out/library.txt"
record newsvault-lib "$large_label" "$files" "$bytes" "$seconds" "$(tail -n 1 "$out/time.txt")"
echo "  newsvault-lib best: ${seconds}s, $entries entries, problems=$bozo" >&2
best_of newsvault-cli "$newsvault" parse "$large" --json
best_of xmllint xmllint --noout "$large"

# feedparser: one process parses the feed $runs times and reports its best;
# its peak RSS includes the interpreter and feedparser's imports (measured
# alone below, to tell them apart).
/usr/bin/time -f %M -o "$out/time.txt" \
  "$python" "$helper" feedparser --repeat "$runs" "$large" >"$out/feedparser.txt"
read -r files bytes seconds bozo entries <"$out/feedparser.txt"
record feedparser "$large_label" "$files" "$bytes" "$seconds" "$(tail -n 1 "$out/time.txt")"
echo "  feedparser best: ${seconds}s, $entries entries, bozo=$bozo" >&2
/usr/bin/time -f %M -o "$out/time.txt" "$python" -c 'import feedparser'
python_baseline_kb=$(tail -n 1 "$out/time.txt")

# --- the table -------------------------------------------------------------------
echo
echo "Feed parsing: newsvault $( "$newsvault" --version 2>/dev/null | head -n 1), feedparser $feedparser_version, $(xmllint --version 2>&1 | head -n 1)"
echo "$(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ)"
echo
"$python" "$helper" report "$results"
echo
if [ -n "$corpus_notes" ]; then echo "corpus: $corpus_notes."; fi
echo "feedparser's peak RSS includes python and its imports: $((python_baseline_kb / 1024)) MB on their own."
echo "newsvault-lib and feedparser time parse() alone in one process; newsvault-cli and xmllint"
echo "include process start-up and reading the file (xmllint: one process for all corpus files)."
