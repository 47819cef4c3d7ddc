#!/bin/sh
# The static site's search in headless Chromium, from file://: the time
# each query takes in the page (search.js's own clock, from reading the
# query to the results shown, index files loaded included) and the bytes
# of the files it loaded, beside the peer: the whole index as one file, as
# a search that loads its index at once would need.
#
#   ARTICLES=50000 bench/site_search.sh     (build/bench/site_search_bench first)
set -eu
articles=${ARTICLES:-50000}
root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/bench/out/site_search"
rm -rf "$out"
mkdir -p "$out"
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT

seconds=$("$root/build/bench/site_search_bench" "$out" "$articles")
site="$out/site"
index_bytes=$(du -sb "$site/search" | cut -f1)
index_files=$(find "$site/search" -type f | wc -l)
text_bytes=$(find "$site/search/a" -type f -printf '%s\n' | awk '{ s += $1 } END { print s }')
postings_bytes=$((index_bytes - text_bytes))
printf 'articles: %d; site written in %.1f s (pages and index)\n' "$articles" "$seconds"
printf 'index: %.1f MB in %d files (postings %.1f MB, article texts %.1f MB)\n' \
  "$(echo "$index_bytes / 1048576" | bc -l)" "$index_files" \
  "$(echo "$postings_bytes / 1048576" | bc -l)" "$(echo "$text_bytes / 1048576" | bc -l)"

queries="台湾 選舉 国 经济发展 軟體 election taiwan school+policy 台湾+election zzzzqq"
run=0
for round in 1 2 3; do
  for q in $queries; do
    run=$((run + 1))
    query=$(printf '%s' "$q" | tr '+' ' ' | python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.stdin.read()))')
    # No --virtual-time-budget: it would stop the page's clock while files
    # load. Chromium dumps the DOM once the page is loaded, and the
    # search's files, each added before the last one's load ended, keep it
    # loading until the results are shown.
    dom=$(timeout 60 chromium --headless --no-sandbox --disable-gpu --no-first-run \
      --user-data-dir="$profile/$run" \
      --dump-dom "file://$site/search.html?q=$query" 2>/dev/null)
    ms=$(printf '%s' "$dom" | sed -n 's/.*data-search-ms="\([0-9]*\)".*/\1/p' | head -1)
    loaded=$(printf '%s' "$dom" | sed -n 's/.*data-search-files="\([^"]*\)".*/\1/p' | head -1)
    bytes=$(cd "$site/search" && for f in $loaded; do stat -c %s "$f.js"; done | awk '{ s += $1 } END { print s + 0 }')
    page=$(stat -c %s "$site/search.html" "$site/search/search.js" | awk '{ s += $1 } END { print s }')
    echo "$q ${ms:-NA} $((bytes + page))" >> "$out/queries.txt"
  done
done
printf '%-16s %8s %12s\n' query ms 'KB loaded'
awk '{ n[$1]++; ms[$1, n[$1]] = $2; kb[$1] = $3 / 1024 } END { for (q in n) { printf "%-16s %8s %12.1f\n", q, ms[q, 2], kb[q] } }' \
  "$out/queries.txt" | sort
awk '$2 != "NA" { print $2 }' "$out/queries.txt" | sort -n |
  awk '{ v[NR] = $1 } END { printf "per query in Chromium: p50 %d ms, p95 %d ms (%d runs)\n", v[int(NR * 0.5 + 0.5)], v[int(NR * 0.95 + 0.5)], NR }'
awk '{ if ($3 > max) max = $3 } END { printf "loaded per query: at most %.1f KB (page and script included)\n", max / 1024 }' "$out/queries.txt"
printf 'peer, the whole index as one file: %.1f MB (postings alone %.1f MB) for every query\n' \
  "$(echo "$index_bytes / 1048576" | bc -l)" "$(echo "$postings_bytes / 1048576" | bc -l)"
