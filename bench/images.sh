#!/usr/bin/env bash
# Image-keeping benchmark: what keeping the images of archived articles
# costs `newsvault fetch`. 1,000 articles (10 feeds of 100 items), each
# showing 3 images, half of the 3,000 references to 100 images many
# articles share and half to images of their own (1,600 distinct PNGs),
# served from 127.0.0.1. The same first fetch runs into two fresh
# archives: images on (the default) and `[images] enabled = false`; their
# wall times are printed side by side, with the images kept and the
# media store's size. Target: images on at most 30% slower.
#
# usage: bench/images.sh               (from anywhere; needs build/newsvault)
# environment:
#   NEWSVAULT=path   binary to measure (default build/newsvault)
#   ROUNDS=n         fetches of each kind, taking turns; the fastest counts (default 3)
#
# Scratch files go to bench/out/images/ (git-ignored).
set -euo pipefail
export LC_ALL=C
cd "$(dirname "$0")/.."
. bench/common.sh

newsvault=${NEWSVAULT:-build/newsvault}
rounds=${ROUNDS:-3}
python=/usr/bin/python3
out=bench/out/images

require_tools images "$python|python3"
require_built images "$newsvault"
newsvault=$(realpath "$newsvault")
rm -rf "$out"
mkdir -p "$out"

# The server: feeds and PNGs made in memory from fixed seeds. The trap
# ends it however this script ends; a time limit ends it if the trap never runs.
cat >"$out/server.py" <<'EOF'
import functools, http.server, socketserver, struct, sys, threading, zlib

FEEDS, ITEMS, SHARED = 10, 100, 100

@functools.lru_cache(maxsize=None)
def png(seed):
    # Made once each, so the server's time is not the measure; the first
    # pixel holds the seed, so every image has bytes of its own.
    width = height = 48
    raw = b"".join(b"\0" + bytes(c for pixel in
                   [((seed * 37 + x * 5) % 256, (seed * 11 + y * 3) % 256, seed % 256) for x in range(width)]
                   for c in pixel) for y in range(height))
    raw = raw[:1] + bytes([seed >> 16 & 255, seed >> 8 & 255, seed & 255]) + raw[4:]
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))

class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body are two writes: without TCP_NODELAY, Nagle's
    # algorithm and delayed ACKs hold every answer back 40 ms.
    disable_nagle_algorithm = True
    def log_message(self, *args):
        pass
    def do_GET(self):
        path = self.path
        base = "http://%s:%d" % self.server.server_address[:2]
        if path.startswith("/feed-") and path.endswith(".xml"):
            feed = int(path[6:-4])
            items = []
            for i in range(ITEMS):
                n = feed * ITEMS + i
                # Half the references go to images many articles share.
                third = "/s/%d.png" % ((n + 50) % SHARED) if n % 2 else "/u/%d-b.png" % n
                images = "".join('<img src="%s%s">' % (base, p) for p in ["/u/%d-a.png" % n, "/s/%d.png" % (n % SHARED), third])
                items.append("<item><title>Story %d</title><link>%s/story/%d</link><guid>story-%d</guid>"
                             "<pubDate>Mon, 19 Jun 2023 12:00:00 GMT</pubDate><description><![CDATA[<p>Text of story %d.</p>%s]]></description></item>"
                             % (n, base, n, n, n, images))
            body = ('<?xml version="1.0"?><rss version="2.0"><channel><title>Feed %d</title><link>%s/</link>%s</channel></rss>'
                    % (feed, base, "".join(items))).encode()
            kind = "application/rss+xml"
        elif path.startswith("/s/") or path.startswith("/u/"):
            name = path[3:-4]
            seed = int(name) if path.startswith("/s/") else 1000 + int(name.split("-")[0]) * 2 + (name.endswith("b"))
            body, kind = png(seed), "image/png"
        else:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True

for seed in list(range(SHARED)) + list(range(1000, 1000 + 2 * FEEDS * ITEMS)):
    png(seed)
server = Server(("127.0.0.1", 0), Handler)
with open(sys.argv[1], "w") as port:
    port.write(str(server.server_address[1]))
threading.Timer(3600, server.shutdown).start()
server.serve_forever()
EOF

"$python" "$out/server.py" "$out/port.tmp" 2>"$out/server.log" &
server_pid=$!
base=$(wait_for_port images "$out/port.tmp" "$out/server.log")


# set_images_off FILE: the first "# enabled = true" after [images] becomes
# "enabled = false".
set_images_off() {
  awk '/^\[images\]$/ { in_images = 1 }
       in_images && $0 == "# enabled = true" { $0 = "enabled = false"; in_images = 0 }
       { print }' "$1" >"$1.new"
  mv "$1.new" "$1"
}

# fetch_once KIND: a fresh archive of the 10 feeds, fetched once; prints
# "seconds files bytes".
fetch_once() {
  local kind=$1 dir="$out/archive-$1"
  rm -rf "$dir"
  "$newsvault" --dir "$dir" -q init >/dev/null
  for feed in $(seq 0 9); do
    "$newsvault" --dir "$dir" -q add "$base/feed-$feed.xml" --name "feed-$feed" --full-text never >/dev/null
  done
  if [ "$kind" = off ]; then set_images_off "$dir/newsvault.toml"; fi
  local start=$EPOCHREALTIME
  "$newsvault" --dir "$dir" -q fetch >/dev/null
  local seconds
  seconds=$(seconds_since "$start")
  local files=0 bytes=0
  if [ -d "$dir/media" ]; then
    files=$(find "$dir/media" -type f | wc -l)
    bytes=$(find "$dir/media" -type f -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }')
  fi
  echo "$seconds $files $bytes"
}

best_on="" best_off=""
for _ in $(seq "$rounds"); do
  read -r on files_on bytes_on < <(fetch_once on)
  read -r off files_off _ < <(fetch_once off)
  best_on=$(awk -v a="$best_on" -v b="$on" 'BEGIN { print (a == "" || b < a) ? b : a }')
  best_off=$(awk -v a="$best_off" -v b="$off" 'BEGIN { print (a == "" || b < a) ? b : a }')
done

printf '%-34s %12s %12s\n' "fetch, 1,000 articles x 3 images" "images on" "images off"
printf '%-34s %12s %12s\n' "wall seconds (fastest of $rounds)" "$best_on" "$best_off"
printf '%-34s %12s %12s\n' "image files kept" "$files_on" "$files_off"
printf '%-34s %12s %12s\n' "media bytes" "$bytes_on" "0"
awk -v on="$best_on" -v off="$best_off" \
  'BEGIN { printf "%-34s %11.1f%%\n", "cost of images", (on / off - 1) * 100 }'
