#!/usr/bin/env bash
# Article-extraction benchmark: how fast newsvault finds the article in a web
# page, beside Mozilla Readability (the extractor Firefox's reader view
# runs), on the pages of ../shared/corpus/extraction in the same run.
#
# Both are timed in-process on pages read into memory beforehand, parse and
# extraction together: newsvault's extract_article() (extract_pages_bench)
# and Readability over linkedom's DOM (extract_pages.mjs, Node). Each goes
# over the whole set RUNS times and its fastest pass counts; peak memory is
# /usr/bin/time's maximum resident set size of each process. The CLI
# (`newsvault extract FILE --json`, one process per page) is timed too: what
# extracting a page costs from the command line, start-up and JSON included.
#
# usage: bench/extract_pages.sh      (from anywhere; needs scripts/build.sh)
# environment:
#   NEWSVAULT=path        CLI binary (default build/newsvault)
#   NEWSVAULT_BENCH=path  in-process benchmark (default build/bench/extract_pages_bench)
#   RUNS=n                passes over the set per process (default 5)
#   ROUNDS=n              processes of each tool, taking turns (default 3); the
#                         fastest pass of all counts
#
# Setup: the peer comes from npm (@mozilla/readability and linkedom, the
# versions in bench/package.json), installed by this script into
# bench/node_modules/ (git-ignored) when missing. Scratch files go to
# bench/out/.
set -euo pipefail
export LC_ALL=C
cd "$(dirname "$0")/.."

newsvault=${NEWSVAULT:-build/newsvault}
library_bench=${NEWSVAULT_BENCH:-build/bench/extract_pages_bench}
runs=${RUNS:-5}
rounds=${ROUNDS:-3}
corpus=../shared/corpus/extraction
out=bench/out/extract_pages
python=/usr/bin/python3

. bench/common.sh
require_tools extract_pages "/usr/bin/time|time" "node|nodejs" "npm|npm" "$python|python3"
require_built extract_pages "$newsvault" "$library_bench"
if [ ! -f "$corpus/ground-truth.json" ]; then
  echo "extract_pages: $corpus is absent (it sits beside the repository)" >&2
  exit 1
fi

# --- the peer, from npm, into bench/node_modules -----------------------------
if [ ! -d bench/node_modules/@mozilla/readability ] || [ ! -d bench/node_modules/linkedom ]; then
  echo "installing @mozilla/readability and linkedom into bench/node_modules ..." >&2
  npm install --prefix bench --no-save --no-audit --no-fund --loglevel=error >&2
fi
readability_version=$(node -p 'require("./bench/node_modules/@mozilla/readability/package.json").version')
linkedom_version=$(node -p 'require("./bench/node_modules/linkedom/package.json").version')

# --- the pages, unpacked, with their addresses --------------------------------
mkdir -p "$out/pages"
"$python" - "$corpus" "$out" <<'PY'
import gzip, json, sys
from pathlib import Path
corpus, out = Path(sys.argv[1]), Path(sys.argv[2])
truth = json.loads((corpus / 'ground-truth.json').read_text(encoding='utf-8'))
with open(out / 'pages.list', 'w', encoding='utf-8') as listing:
    for page_id, page in sorted(truth.items()):
        target = out / 'pages' / f'{page_id}.html'
        if not target.exists():
            target.write_bytes(gzip.decompress((corpus / 'pages' / f'{page_id}.html.gz').read_bytes()))
        listing.write(f'{target}\t{page["url"]}\n')
PY
cut -f1 "$out/pages.list" | xargs cat >/dev/null  # warm the page cache

# measure TOOL COMMAND...: runs the in-process benchmark under /usr/bin/time;
# prints "pages bytes seconds empty peak_kb".
measure() {
  local tool=$1
  shift
  if ! /usr/bin/time -f %M -o "$out/time.txt" "$@" >"$out/$tool.txt" 2>"$out/$tool.err"; then
    echo "extract_pages: $tool failed: $(tail -n 3 "$out/$tool.err")" >&2
    exit 1
  fi
  echo "$(cat "$out/$tool.txt") $(tail -n 1 "$out/time.txt")"
}

# The two take turns, $rounds rounds of $runs passes each, and each keeps
# its fastest pass and its largest peak: on a machine shared with other
# work, a burst of load then spoils one round of one tool, not the
# comparison.
nv_seconds="" rd_seconds="" nv_peak=0 rd_peak=0
for ((round = 1; round <= rounds; round++)); do
  echo "round $round/$rounds: newsvault, then Readability $readability_version + linkedom $linkedom_version ..." >&2
  read -r pages bytes seconds nv_empty peak < <(measure newsvault "$library_bench" --repeat "$runs" "$out/pages.list")
  if [ -z "$nv_seconds" ] || awk -v a="$seconds" -v b="$nv_seconds" 'BEGIN { exit !(a < b) }'; then nv_seconds=$seconds; fi
  if ((peak > nv_peak)); then nv_peak=$peak; fi
  read -r _ _ seconds rd_empty peak < <(measure readability node bench/extract_pages.mjs --repeat "$runs" "$out/pages.list")
  if [ -z "$rd_seconds" ] || awk -v a="$seconds" -v b="$rd_seconds" 'BEGIN { exit !(a < b) }'; then rd_seconds=$seconds; fi
  if ((peak > rd_peak)); then rd_peak=$peak; fi
done
/usr/bin/time -f %M -o "$out/time.txt" node -e 'require("./bench/node_modules/@mozilla/readability"); require("./bench/node_modules/linkedom")'
node_baseline_kb=$(tail -n 1 "$out/time.txt")

echo "timing newsvault extract (CLI, one process per page) ..." >&2
start=$EPOCHREALTIME
cli_failed=0
while IFS=$'\t' read -r path url; do
  "$newsvault" extract "$path" --url "$url" --json >/dev/null 2>&1 || cli_failed=$((cli_failed + 1))
done <"$out/pages.list"
cli_seconds=$(awk -v start="$start" -v end="$EPOCHREALTIME" 'BEGIN { printf "%.6f", end - start }')

echo
echo "Article extraction: newsvault $("$newsvault" --version 2>/dev/null | head -n 1 | awk '{print $2}'), Readability $readability_version + linkedom $linkedom_version (node $(node --version))"
echo "$pages pages, $(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1e6 }') MB of HTML; $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ)"
echo
awk -v pages="$pages" -v bytes="$bytes" \
    -v nv="$nv_seconds" -v nv_peak="$nv_peak" -v nv_empty="$nv_empty" \
    -v rd="$rd_seconds" -v rd_peak="$rd_peak" -v rd_empty="$rd_empty" \
    -v cli="$cli_seconds" -v cli_failed="$cli_failed" -v node_kb="$node_baseline_kb" 'BEGIN {
  printf "%-26s %9s %9s %8s %10s %6s\n", "tool", "seconds", "pages/s", "MB/s", "peak RSS", "empty"
  printf "%-26s %9.3f %9.1f %8.2f %7.1f MB %6d\n", "newsvault (in-process)", nv, pages / nv, bytes / 1e6 / nv, nv_peak / 1024, nv_empty
  printf "%-26s %9.3f %9.1f %8.2f %7.1f MB %6d\n", "Readability + linkedom", rd, pages / rd, bytes / 1e6 / rd, rd_peak / 1024, rd_empty
  printf "%-26s %9.3f %9.1f %8.2f %10s %6d\n", "newsvault extract (CLI)", cli, pages / cli, bytes / 1e6 / cli, "-", cli_failed
  printf "\nnewsvault / Readability throughput: %.1fx (target: at least 5x)\n", rd / nv
  printf "Readability'"'"'s peak includes node and its modules: %.1f MB on their own.\n", node_kb / 1024
}'
