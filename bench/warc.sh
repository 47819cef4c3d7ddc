#!/usr/bin/env bash
# WARC writing benchmark: what recording every response costs newsvault
# (build/bench/warc_write_bench: record::WarcWriter as fetch uses it, with its
# default settings) beside webrecorder's warcio.js writing the same records
# (bench/warc_write.mjs), on generated response bodies.
#
# usage: bench/warc.sh     (from anywhere; needs build/bench/warc_write_bench)
#   MB=n   payload megabytes each tool writes (default 1000; the bodies are
#          about 40 MB, recorded in turn, so memory that grew with the file
#          would show in the last column)
set -euo pipefail
cd "$(dirname "$0")/.."
bench=build/bench/warc_write_bench
megabytes=${MB:-1000}
out=bench/out/warc
if [ ! -x "$bench" ]; then
  echo "warc: $bench is missing: cmake --build build --target warc_write_bench" >&2
  exit 1
fi
command -v node >/dev/null && command -v npm >/dev/null ||
  { echo "warc: node and npm are missing: apt-get install nodejs npm" >&2; exit 1; }
if [ ! -d bench/node_modules/warcio ]; then
  echo "installing warcio.js into bench/node_modules ..." >&2
  npm install --prefix bench --no-save --no-audit --no-fund --loglevel=error >&2
fi
warcio_version=$(node -p 'require("./bench/node_modules/warcio/package.json").version')

rm -rf "$out"
mkdir -p "$out/bodies"
# What a fetch run receives, by kind, with a fixed seed:
#   feed    RSS 2.0 text of 100-300 KB, sent plain
#   page    article HTML of 60-200 KB, sent plain
#   pagegz  the same kind of HTML sent gzip-encoded (most servers do)
#   image   JPEG-like bytes of 50-400 KB (already compressed: random)
python3 - "$out/bodies" <<'PY'
import gzip, os, random, sys
root = sys.argv[1]
rng = random.Random(20261204)
words = ("archive news report 新闻 報導 台湾 政府 市场 économie société "
         "новости события river policy market the of and to in").split()
def text(size, wrap):
    parts, n = [], 0
    while n < size:
        p = wrap(" ".join(rng.choice(words) for _ in range(rng.randint(30, 120))))
        parts.append(p); n += len(p.encode())
    return "".join(parts)
for i in range(40):
    feed = ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Feed</title>'
            + text(rng.randint(100_000, 300_000), lambda t: f"<item><title>{t[:40]}</title><description><![CDATA[<p>{t}</p>]]></description></item>\n")
            + "</channel></rss>\n")
    open(os.path.join(root, f"feed-{i:03d}.xml"), "w").write(feed)
    page = lambda: ("<!doctype html><html><head><title>Article</title></head><body><article>"
                    + text(rng.randint(60_000, 200_000), lambda t: f'<p class="body">{t}</p>\n') + "</article></body></html>\n")
    open(os.path.join(root, f"page-{i:03d}.html"), "w").write(page())
    open(os.path.join(root, f"pagegz-{i:03d}.html.gz"), "wb").write(gzip.compress(page().encode(), 6))
    open(os.path.join(root, f"image-{i:03d}.jpg"), "wb").write(b"\xff\xd8\xff\xe0" + rng.randbytes(rng.randint(50_000, 400_000)))
PY

run() {  # run NAME COMMAND...: keeps its output in $out/NAME.txt
  "${@:2}" > "$out/$1.txt"
}
run newsvault "$bench" "$out/bodies" "$out/newsvault" "$megabytes"
run warcio node bench/warc_write.mjs "$out/bodies" "$out/warcio.warc.gz" "$megabytes"

python3 - "$out" "$megabytes" "$warcio_version" > "$out/table.txt" <<'PY'
import os, sys
out, megabytes, warcio = sys.argv[1], float(sys.argv[2]), sys.argv[3]
def read(name):
    kinds, total = {}, None
    for line in open(os.path.join(out, name + ".txt")):
        f = line.split()
        if f[0] == "kind": kinds[f[1]] = (int(f[2]), float(f[3]), float(f[4]))
        else: total = tuple(float(x) for x in f[1:])
    return kinds, total
print(f"WARC writing: newsvault (build/bench/warc_write_bench, record::WarcWriter, default settings), warcio.js {warcio} (node)")
print(f"{os.cpu_count()} cores; {megabytes:.0f} MB of response payload each, bodies recorded in turn; a request and a response record per exchange, gzip per record")
print()
print(f"{'tool':<10} {'kind':<8} {'records':>8} {'payload MB':>11} {'seconds':>8} {'MB/s':>8}")
print("-" * 58)
rows = {}
for tool in ("newsvault", "warcio"):
    kinds, total = read(tool)
    rows[tool] = total
    for kind, (records, mb, seconds) in sorted(kinds.items()):
        print(f"{tool:<10} {kind:<8} {records:>8} {mb:>11.1f} {seconds:>8.2f} {mb / seconds:>8.1f}")
print()
print(f"{'tool':<10} {'payload MB':>11} {'seconds':>8} {'MB/s':>8} {'.warc.gz MB':>12} {'peak RSS growth MB':>19}")
print("-" * 74)
for tool, (mb, seconds, warc_mb, rss) in rows.items():
    print(f"{tool:<10} {mb:>11.1f} {seconds:>8.2f} {mb / seconds:>8.1f} {warc_mb:>12.1f} {rss:>19.1f}")
mb, seconds, _, rss = rows["newsvault"]
speed = mb / seconds
print()
print(f"newsvault MB/s                          {speed:8.1f}   target >= 200: {'met' if speed >= 200 else 'MISSED'}")
print(f"newsvault peak memory growth, MB        {rss:8.1f}   target < 20: {'met' if rss < 20 else 'MISSED'}")
print(f"newsvault / warcio.js, MB/s             {speed / (rows['warcio'][0] / rows['warcio'][1]):8.2f}   (no target)")
PY
cat "$out/table.txt"

# The table also goes into docs/benchmarks.md, between its markers.
python3 - docs/benchmarks.md "$out/table.txt" "MB=$megabytes bench/warc.sh" <<'PY'
import os, sys
page_path, table_path, command = sys.argv[1:]
begin, end = "<!-- warc: begin -->", "<!-- warc: end -->"
page = open(page_path, encoding="utf-8").read()
block = f"{begin}\n`{command}`\n\n```\n{open(table_path, encoding='utf-8').read().strip()}\n```\n{end}"
if begin in page and end in page:
    page = page[:page.index(begin)] + block + page[page.index(end) + len(end):]
else:
    page = page.rstrip("\n") + "\n\n" + block + "\n"
open(page_path + ".tmp", "w", encoding="utf-8").write(page)
os.replace(page_path + ".tmp", page_path)
PY
