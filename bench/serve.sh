#!/bin/sh
# newsvault serve under load: reader pages and Google Reader stream/contents
# requests per second, p99 latency, and the server's peak resident memory,
# with 200 keep-alive clients (wrk, Debian's package), client and server on
# this machine. What it prints is also written into docs/benchmarks.md.
#
#   bench/serve.sh [ARTICLES] [SECONDS] [STORE]   (default 2000 articles,
#       10 s a run; build/newsvault first). STORE, a postgresql:// URI of an
#       empty database, puts the archive's store there instead of SQLite.
set -eu
articles=${1:-2000}
seconds=${2:-10}
store=${3:-}
connections=200
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$root/build/newsvault
command -v wrk >/dev/null || { echo "bench/serve.sh: needs wrk (scripts/install-deps.sh installs it)" >&2; exit 1; }
work=$(mktemp -d)
server=""
results=$(mktemp)
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work" "$results"' EXIT

# Articles of a few paragraphs, half Chinese, half English.
python3 - "$work/feed.xml" "$articles" <<'PY'
import random, sys
from xml.sax.saxutils import escape
random.seed(7)
han = "臺灣台湾選舉选举政府軟體软体新聞新闻經濟经济中國中国北京上海香港民主自由人民發展发展國際国际"
words = "the election government market company people city news report week year policy economy".split()
def zh(n): return "".join(random.choice(han) for _ in range(n)) + "。"
def en(n): return " ".join(random.choice(words) for _ in range(n)) + "."
out = open(sys.argv[1], "w")
out.write('<rss version="2.0"><channel><title>Bench</title>\n')
for i in range(int(sys.argv[2])):
    chinese = i % 2 == 0
    title = zh(12) if chinese else en(8)
    body = "".join("<p>%s</p>" % (zh(80) if chinese else en(60)) for _ in range(4))
    out.write("<item><title>%s</title><link>https://bench.example/%d</link><guid>%d</guid>"
              "<pubDate>Mon, %02d Jun 2023 01:00:00 GMT</pubDate><description>%s</description></item>\n"
              % (escape(title), i, i, 1 + i % 28, escape(body)))
out.write("</channel></rss>\n")
PY

archive="$work/archive"
if [ -n "$store" ]; then
  "$bin" init -q "$archive" --store "$store"
  engine=postgresql
else
  "$bin" init -q "$archive"
  engine=sqlite
fi
"$bin" --dir "$archive" add -q "$work/feed.xml" --name bench --full-text never
"$bin" --dir "$archive" fetch -q --now 2023-06-30T00:00:00Z
printf 'bench pass phrase\n' | "$bin" --dir "$archive" user add bench --password-stdin -q

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$bin" --dir "$archive" serve --listen "127.0.0.1:$port" 2>"$work/serve.log" &
server=$!
base="http://127.0.0.1:$port"
for _ in $(seq 100); do curl -s -o /dev/null "$base/" && break; sleep 0.1; done
auth=$(curl -s -d 'Email=bench&Passwd=bench pass phrase' "$base/accounts/ClientLogin" | sed -n 's/^Auth=//p')
stream="$base/reader/api/0/stream/contents/user/-/state/com.google/reading-list?n=20&output=json"
article=$(sed -n 's/.*<a href="\(feeds\/[^"]*\/[0-9][0-9]-[^"]*\.html\)".*/\1/p' "$archive/site/index.html" | head -1)

# The server's CPU time so far (user + system), in clock ticks.
server_ticks() { awk '{ print $14 + $15 }' "/proc/$server/stat"; }

# wrk's totals: requests/s and the 99th percentile; and the server's CPU
# time per request, which a machine shared with other work does not change
# as much as the rate.
run() {  # NAME URL [HEADER]
  name=$1 url=$2
  if [ $# -gt 2 ]; then
    curl -s -o /dev/null -H "$3" "$url"  # warm: the first answer renders and caches
    before=$(server_ticks)
    wrk -t2 -c$connections -d"${seconds}s" --latency -H "$3" "$url" >"$work/wrk.txt"
  else
    curl -s -o /dev/null "$url"
    before=$(server_ticks)
    wrk -t2 -c$connections -d"${seconds}s" --latency "$url" >"$work/wrk.txt"
  fi
  after=$(server_ticks)
  requests=$(sed -n 's/^ *\([0-9]*\) requests in.*/\1/p' "$work/wrk.txt")
  cpu=$(echo "($after - $before) * 1000000 / $(getconf CLK_TCK) / $requests" | bc)
  rate=$(sed -n 's/^Requests\/sec: *//p' "$work/wrk.txt")
  p99=$(sed -n 's/^ *99% *//p' "$work/wrk.txt")
  errors=$(sed -n 's/^ *Non-2xx or 3xx responses: *//p' "$work/wrk.txt")
  bytes=$(curl -s ${3:+-H "$3"} "$url" | wc -c)
  printf '| %s | %s | %s | %s | %s | %s |\n' "$name" "$rate" "$p99" "$cpu" "$bytes" "${errors:-0}"
}

{

echo "newsvault serve ($engine store): $articles articles, $connections keep-alive connections, ${seconds} s per run (wrk -t2)"
echo
echo "| request | requests/s | p99 | server CPU µs/request | bytes per answer | non-2xx |"
echo "| --- | --- | --- | --- | --- | --- |"
run "home page /" "$base/"
run "article page" "$base/$article"
run "stream/contents n=20" "$stream" "Authorization: GoogleLogin auth=$auth"
run "stream/contents n=1" "${stream%n=20*}n=1&output=json" "Authorization: GoogleLogin auth=$auth"
echo
echo "server resident memory after the runs: $(sed -n 's/^VmRSS:[[:space:]]*//p' /proc/$server/status), peak $(sed -n 's/^VmHWM:[[:space:]]*//p' /proc/$server/status)"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) (client and server share them)"
} | tee "$results"
name=serve
[ "$engine" = sqlite ] || name=serve-$engine
python3 "$root/bench/fetch_feeds.py" record --name "$name" "$root/docs/benchmarks.md" "$results" \
  "bench/serve.sh $articles $seconds${store:+ postgresql://…}"
