#!/bin/sh
# Search index build rate, query latency from the command line (process
# start included) and index size, beside SQLite's own trigram tokenizer
# over the same text (the peer, run by the sqlite3 shell on a copy) and
# `grep -c` over the same text in one file.
#
#   ARTICLES="20000 100000" bench/search.sh   (the default; build/newsvault first)
#
# Each size is an archive made by one fetch of feeds of 10,000 entries each,
# with the feeds out, the site and the git history off (they are not
# searched, and would take most of the time). What it prints is also
# written into docs/benchmarks.md.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$root/build/newsvault
sizes=${ARTICLES:-${1:-20000 100000}}
work=$(mktemp -d)
results=$(mktemp)
trap 'rm -rf "$work" "$results"' EXIT

{
for articles in $sizes; do
rm -rf "$work"/*
# Articles half Chinese (Traditional and Simplified), half English, in feeds
# of at most 10,000 entries (a feed file newsvault reads is capped at 64 MiB).
python3 - "$work" "$articles" <<'PY'
import random, sys
from xml.sax.saxutils import escape
random.seed(7)
han = "臺灣台湾選舉选举政府軟體软体新聞新闻經濟经济中國中国北京上海香港民主自由人民發展发展國際国际今天明天記者记者報道报道社會社会文化教育環境环境科學科学技術技术市場市场公司銀行"
words = "the election government market company people city news report week year policy economy taiwan china world today water power health school".split()
def zh(n): return "".join(random.choice(han) for _ in range(n)) + "。"
def en(n): return " ".join(random.choice(words) for _ in range(n)) + "."
total, per_feed = int(sys.argv[2]), 10000
out = None
for i in range(total):
    if i % per_feed == 0:
        if out: out.write("</channel></rss>\n")
        out = open("%s/feed-%03d.xml" % (sys.argv[1], i // per_feed), "w")
        out.write('<rss version="2.0"><channel><title>Bench</title>\n')
    chinese = i % 2 == 0
    title = zh(12) if chinese else en(8)
    body = "".join("<p>%s</p>" % (zh(80) if chinese else en(60)) for _ in range(6))
    out.write("<item><title>%s</title><link>https://bench.example/%d</link><guid>%d</guid>"
              "<pubDate>Mon, 19 Jun 2023 01:00:00 GMT</pubDate><description>%s</description></item>\n"
              % (escape(title), i, i, escape(body)))
out.write("</channel></rss>\n")
PY

archive="$work/archive"
"$bin" init -q "$archive"
printf '[feed]\nmax_entries = 1000000\n[publish]\nfeed_items = 0\n[publish.git]\nenabled = false\n[publish.site]\nenabled = false\n' \
  > "$archive/newsvault.toml"
for feed in "$work"/feed-*.xml; do
  "$bin" --dir "$archive" add -q "$feed" --name "$(basename "$feed" .xml)" --full-text never
done
start=$(date +%s.%N)
"$bin" --dir "$archive" fetch -q --now 2023-06-20T00:00:00Z
end=$(date +%s.%N)
fetch_seconds=$(echo "$end - $start" | bc -l)
db="$archive/.newsvault/store.db"
text_bytes=$(sqlite3 "$db" "SELECT sum(length(CAST(title AS BLOB)) + length(CAST(body AS BLOB))) FROM search_text")
indexed=$(sqlite3 "$db" "SELECT count(*) FROM search_text")

start=$(date +%s.%N)
"$bin" --dir "$archive" search -q --rebuild
end=$(date +%s.%N)
build_seconds=$(echo "$end - $start" | bc -l)
index_bytes=$(sqlite3 "$db" "SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'search_index%'")

# The peer: FTS5's trigram tokenizer over the same text, in the sqlite3 shell.
cp "$db" "$work/peer.db"
start=$(date +%s.%N)
sqlite3 "$work/peer.db" "CREATE VIRTUAL TABLE peer USING fts5(title, body, content='search_text', content_rowid='article_id', tokenize='trigram'); INSERT INTO peer(peer) VALUES('rebuild');"
end=$(date +%s.%N)
peer_seconds=$(echo "$end - $start" | bc -l)
peer_bytes=$(sqlite3 "$work/peer.db" "SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'peer%'")

percentiles() {  # milliseconds, one a line, on stdin
  sort -n | awk '{ v[NR] = $1 } END { printf "p50 %.1f ms, p95 %.1f ms", v[int(NR * 0.5 + 0.5)], v[int(NR * 0.95 + 0.5)] }'
}
queries="台湾 选举 軟體 国 election taiwan 經濟发展 market"
ours=$(for round in 1 2 3 4 5; do for q in $queries; do
  s=$(date +%s%N); "$bin" --dir "$archive" search --limit 20 "$q" > /dev/null; e=$(date +%s%N)
  echo "($e - $s) / 1000000" | bc -l; done; done | percentiles)
# The machine is shared: the CPU time of each query, beside its wall time.
cpu=$(for q in $queries; do
  /usr/bin/time -f '%U %S' -o "$work/time.txt" "$bin" --dir "$archive" search --limit 20 "$q" > /dev/null
  awk '{ printf "%.0f\n", ($1 + $2) * 1000 }' "$work/time.txt"; done | sort -n | awk '{ v[NR] = $1 } END { print v[int(NR * 0.5 + 0.5)] }')
# The peer's trigram MATCH finds nothing under three characters, so its
# queries are LIKE on the trigram table, which FTS5 answers from the index
# for three characters or more and by scanning below.
theirs=$(for round in 1 2 3 4 5; do for q in $queries; do
  s=$(date +%s%N); sqlite3 "$work/peer.db" "SELECT rowid FROM peer WHERE body LIKE '%$q%' LIMIT 20" > /dev/null; e=$(date +%s%N)
  echo "($e - $s) / 1000000" | bc -l; done; done | percentiles)

# The floor: grep -c of each query over the same text, one file.
sqlite3 "$db" "SELECT title || char(10) || body FROM search_text" > "$work/text.txt"
start=$(date +%s.%N)
grep -c -F zzqq "$work/text.txt" > /dev/null || true  # reads it all
end=$(date +%s.%N)
grep_seconds=$(echo "$end - $start" | bc -l)
floor=$(for round in 1 2 3 4 5; do for q in $queries; do
  s=$(date +%s%N); grep -c -i -F "$q" "$work/text.txt" > /dev/null || true; e=$(date +%s%N)
  echo "($e - $s) / 1000000" | bc -l; done; done | percentiles)

mb=$(echo "$text_bytes / 1048576" | bc -l)
printf '\narticles indexed: %d, text %.1f MB (archived by one fetch in %.0f s, the index kept as it went)\n' \
  "$indexed" "$mb" "$fetch_seconds"
printf 'newsvault: build %.1f MB/s (%.1f s), index %.2fx the text, query %s\n' \
  "$(echo "$mb / $build_seconds" | bc -l)" "$build_seconds" "$(echo "$index_bytes / $text_bytes" | bc -l)" "$ours"
printf 'trigram (sqlite3 shell): build %.1f MB/s (%.1f s), index %.2fx the text, LIKE query %s\n' \
  "$(echo "$mb / $peer_seconds" | bc -l)" "$peer_seconds" "$(echo "$peer_bytes / $text_bytes" | bc -l)" "$theirs"
printf 'grep -c -i -F over the text (one file): read %.0f MB/s, query %s\n' \
  "$(echo "$mb / $grep_seconds" | bc -l)" "$floor"
printf 'newsvault CPU time (user + system) of one search, median of the queries: %s ms\n' "$cpu"
done
printf '\nmachine: %s cores, load average %s at the end\n' "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$results"
python3 "$root/bench/fetch_feeds.py" record --name search "$root/docs/benchmarks.md" "$results" \
  "ARTICLES=\"$sizes\" bench/search.sh"
