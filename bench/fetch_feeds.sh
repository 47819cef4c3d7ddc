#!/usr/bin/env bash
# Feed-fetching benchmark: how long `newsvault fetch` takes to poll 1,000
# feeds and archive their 50,000 articles, and to poll them again when
# nothing changed (every feed answers 304), and once every feed has one new
# item (the steady state of a mirror run from cron: the run publishes
# everything, and the .git growth and the files it wrote are measured),
# beside newsboat (the peer: a C++ feed reader that also fetches with curl
# and stores in SQLite). The table is also written into docs/benchmarks.md.
#
# usage: bench/fetch_feeds.sh          (from anywhere; needs build/newsvault)
# environment:
#   NEWSVAULT=path   binary to measure (default build/newsvault)
#   FEEDS=n          feeds to generate and serve (default 1000)
#   ITEMS=n          items per feed (default 50)
#   CONNECTIONS=n    newsvault's max_connections and newsboat's reload-threads
#                    (default 32, newsvault's default)
#
# Inputs: generated RSS 2.0 feeds in bench/out/fetch_feeds/ (git-ignored),
# served from 127.0.0.1 by bench/fetch_feeds.py. Prints one table; see
# bench/README.md for what each number means.
set -euo pipefail
export LC_ALL=C  # EPOCHREALTIME and printf must use '.' as the decimal point
cd "$(dirname "$0")/.."
. bench/common.sh

newsvault=${NEWSVAULT:-build/newsvault}
feeds=${FEEDS:-1000}
items=${ITEMS:-50}
connections=${CONNECTIONS:-32}
python=/usr/bin/python3
helper=bench/fetch_feeds.py
out=bench/out/fetch_feeds
feed_dir=$out/feeds
results=$out/results.tsv

# --- prerequisites: check, never install --------------------------------------
require_tools fetch_feeds "/usr/bin/time|time" "$python|python3" "curl|curl" "newsboat|newsboat"
require_built fetch_feeds "$newsvault"
newsvault=$(realpath "$newsvault")
newsboat_version=$(newsboat --version 2>/dev/null | head -n 1)

mkdir -p "$out"
: >"$results"

# --- the feeds -------------------------------------------------------------------
# Regenerated only when missing, when the generator changed or when another
# size is asked for: the seeds are fixed, so the bytes are the same everywhere.
if [ ! -s "$feed_dir.made" ] || [ "$helper" -nt "$feed_dir.made" ] ||
   [ "$(cat "$feed_dir.made")" != "$feeds $items" ]; then
  echo "generating $feeds feeds of $items items in $feed_dir ..." >&2
  rm -rf "$feed_dir"
  "$python" "$helper" generate "$feed_dir" --feeds "$feeds" --items "$items" >/dev/null
  echo "$feeds $items" >"$feed_dir.made"
fi
feed_bytes=$(cat "$feed_dir"/*.xml | wc -c)

# --- the server --------------------------------------------------------------------
# One Python process, one thread per connection. bench/common.sh's trap
# ends it however this script ends; --max-seconds ends it even if the trap
# never runs.

rm -f "$out/port"
"$python" "$helper" serve "$feed_dir" --port-file "$out/port" --max-seconds 3600 \
  2>"$out/server.log" &
server_pid=$!
base=$(wait_for_port fetch_feeds "$out/port" "$out/server.log")
"$python" "$helper" lists "$feed_dir" "$base" "$out/feeds.opml" "$out/urls"

# server_counts: "requests not_modified images" since the last call (feed
# requests, those answered 304, and images served), and zeroes them.
server_counts() {
  { curl -s "$base/_stats?reset"; echo; } |
    sed -E 's/.*"requests": ([0-9]+).*"not_modified": ([0-9]+).*"images": ([0-9]+).*/\1 \2 \3/'
}

# The server alone, driven by one curl with as many connections as the tools
# get: the floor under both tools' times. A tool slower than this is not
# waiting for the server. (`xargs -P 32 curl` would measure curl's start-up
# instead: 1,000 processes.)
awk '{ printf "url = \"%s\"\noutput = \"/dev/null\"\n", $0 }' "$out/urls" >"$out/curl.conf"
server_counts >/dev/null
start=$EPOCHREALTIME
curl -s --parallel --parallel-max "$connections" -K "$out/curl.conf" 2>/dev/null
floor_full=$(seconds_since "$start")
read -r floor_full_requests _ _ < <(server_counts)
# The same with a validator that matches every feed: all 304s.
last_modified=$(curl -s -o /dev/null -D - "$base/feeds/$(basename "$(head -n 1 "$out/urls")")" |
  tr -d '\r' | sed -n 's/^Last-Modified: //Ip')
server_counts >/dev/null
start=$EPOCHREALTIME
curl -s --parallel --parallel-max "$connections" -H "If-Modified-Since: $last_modified" \
  -K "$out/curl.conf" 2>/dev/null
floor_304=$(seconds_since "$start")
read -r _ floor_304_count _ < <(server_counts)

# --- the runs ------------------------------------------------------------------------
# timed TOOL RUN DATABASE COMMAND...: runs COMMAND under /usr/bin/time and
# records its wall time and peak RSS, what the server saw, and what the tool
# stored (feeds fetched without error, articles held) as one row.
timed() {
  local tool=$1 run=$2 database=$3
  shift 3
  local log="$out/$tool-${run// /-}.log"
  server_counts >/dev/null
  if ! /usr/bin/time -f '%e %M %U %S' -o "$out/time.txt" "$@" >"$log" 2>&1; then
    echo "fetch_feeds: $tool ($run) failed: $(tail -n 3 "$log")" >&2
  fi
  local seconds rss user system cpu requests not_modified images stored_feeds stored_items
  read -r seconds rss user system < <(tail -n 1 "$out/time.txt")
  cpu=$(awk -v u="$user" -v s="$system" 'BEGIN { printf "%.2f", u + s }')
  read -r requests not_modified images < <(server_counts)
  read -r stored_feeds stored_items < <("$python" "$helper" count "$tool" "$database")
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$tool" "$run" "$seconds" "$rss" \
    "$stored_feeds" "$stored_items" "$requests" "$not_modified" "$cpu" "$images" >>"$results"
  echo "  $tool $run: ${seconds}s (${cpu}s user+sys), $((rss / 1024)) MB, $requests requests ($not_modified answered 304), $images images" >&2
}

# newsvault: a fresh archive, the feeds from OPML. Every feed is on one host
# (127.0.0.1), so max_per_host is raised to max_connections: with its
# default of 6 newsvault would use 6 connections where newsboat uses 32.
# Compared like for like: feed content only (no page fetching), no images
# and no publishing (feeds out, git history), which newsboat has no
# counterpart of. A third run then does the same work in a fresh archive
# with the default settings (images kept, feeds out, the site and a commit),
# to show what they cost.
# The last bench's archives are moved aside and removed after the timed
# runs: ext4 without a journal makes file creation slow for up to five
# minutes after tens of thousands of files are deleted (it passes over
# recently freed inodes), which would time the bench's own clean-up. For
# the same reason, leave five minutes between two benches.
new_archive() {  # ARCHIVE PUBLISHING(yes|no)
  local archive=$1
  if [ -e "$archive" ]; then mv "$archive" "$archive.old.$$"; fi
  "$newsvault" init "$archive" >/dev/null
  printf '[fetch]\nmax_connections = %s\nmax_per_host = %s\nfull_text = "never"\n' \
    "$connections" "$connections" >"$archive/newsvault.toml"
  if [ "$2" = no ]; then
    printf '[publish]\nfeed_items = 0\n[publish.git]\nenabled = false\n[publish.site]\nenabled = false\n[images]\nenabled = false\n' \
      >>"$archive/newsvault.toml"
  fi
  "$newsvault" --dir "$archive" --quiet import-opml "$out/feeds.opml"
}
archive=$out/newsvault
published=$out/newsvault-published
new_archive "$archive" no
echo "newsvault: $feeds feeds, $((feed_bytes / 1000000)) MB, $connections connections" >&2
for run in first re-run; do
  timed newsvault "$run" "$archive/.newsvault/store.db" \
    "$newsvault" --dir "$archive" fetch --quiet
done
documents=$(find "$archive" -path "$archive/.newsvault" -prune -o -name '*.md' -print | wc -l)
new_archive "$published" yes
timed newsvault "first, publishing" "$published/.newsvault/store.db" \
  "$newsvault" --dir "$published" fetch --quiet
# The re-run target is on the default settings too: every feed answers 304.
timed newsvault "re-run, publishing" "$published/.newsvault/store.db" \
  "$newsvault" --dir "$published" fetch --quiet

# newsboat: a fresh cache and config in a throwaway HOME, nothing read from
# the user's own. `-x reload` polls every feed and exits without a UI.
# newsboat stores a feed's validators only once the feed has a row in its
# cache, which the first run creates: its second run downloads everything
# again, and only its third sends conditional requests that match. The third
# run is in the table to show that.
peer=$out/newsboat
rm -rf "$peer"
mkdir -p "$peer/home" "$peer/xdg-config" "$peer/xdg-data" "$peer/xdg-cache"
cp "$out/urls" "$peer/urls"
cat >"$peer/config" <<EOF
# newsvault bench/fetch_feeds.sh: newsvault's concurrency (max_connections)
reload-threads $connections
auto-reload no
download-timeout 30
EOF
echo "newsboat: the same feeds, reload-threads $connections" >&2
for run in first re-run "3rd run"; do
  timed newsboat "$run" "$peer/cache.db" \
    env HOME="$peer/home" XDG_CONFIG_HOME="$peer/xdg-config" XDG_DATA_HOME="$peer/xdg-data" \
    XDG_CACHE_HOME="$peer/xdg-cache" \
    newsboat -x reload -q -u "$peer/urls" -c "$peer/cache.db" -C "$peer/config"
done

# The steady state: every feed publishes one new item (the server's
# /_advance), and each tool polls once more. newsvault's run is the
# publishing archive's, as cron runs it: documents, indexes, feeds out, the
# site's pages, one commit. What it wrote is measured beside it: files
# whose bytes changed (newer than a marker), files in its commit, and the
# growth of .git against the bytes of the new documents.
curl -s "$base/_advance" >/dev/null
bytes_of() { du -sb "$1" | cut -f1; }
git_before=$(bytes_of "$published/.git")
touch "$out/steady.marker"
sleep 1  # mtimes of one second's resolution on some file systems
timed newsvault "steady, publishing" "$published/.newsvault/store.db" \
  "$newsvault" --dir "$published" fetch --quiet
git_growth=$(($(bytes_of "$published/.git") - git_before))
new_documents=$(find "$published" \( -path "$published/.newsvault" -o -path "$published/.git" \) -prune -o \
  -name '*.md' ! -name README.md -newer "$out/steady.marker" -print)
new_document_bytes=$(if [ -n "$new_documents" ]; then echo "$new_documents" | xargs cat | wc -c; else echo 0; fi)
files_changed=$(find "$published" \( -path "$published/.newsvault" -o -path "$published/.git" \) -prune -o \
  -type f -newer "$out/steady.marker" -print | wc -l)
# The pictures the new articles show, kept under media/ and committed with
# them: evidence, not documents, so their bytes are counted apart.
new_image_bytes=$(find "$published/media" -type f -newer "$out/steady.marker" -print0 2>/dev/null |
  xargs -0 -r cat | wc -c)
files_committed=$(git -C "$published" diff --name-only HEAD~1 HEAD 2>/dev/null | wc -l)
commits=$(git -C "$published" rev-list --count HEAD 2>/dev/null || echo 0)
printf 'steady\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$git_growth" "$new_document_bytes" "$(echo "$new_documents" | grep -c . || true)" \
  "$files_changed" "$files_committed" "$commits" "$new_image_bytes" >"$out/steady.tsv"
timed newsboat "steady" "$peer/cache.db" \
  env HOME="$peer/home" XDG_CONFIG_HOME="$peer/xdg-config" XDG_DATA_HOME="$peer/xdg-data" \
  XDG_CACHE_HOME="$peer/xdg-cache" \
  newsboat -x reload -q -u "$peer/urls" -c "$peer/cache.db" -C "$peer/config"

stop_server
rm -rf "$archive".old.* "$published".old.*

# --- the table -----------------------------------------------------------------------------
table=$out/table.md
{
echo "Feed fetching: $("$newsvault" --version 2>/dev/null | head -n 1) ($newsvault), $newsboat_version"
echo "$(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ); $feeds RSS 2.0 feeds of $items items," \
  "$((feed_bytes / 1000000)) MB, served from 127.0.0.1 (HTTP/1.1 keep-alive, ETag and Last-Modified)"
echo "concurrency: newsvault max_connections = max_per_host = $connections;" \
  "newsboat reload-threads = $connections (newsvault's max_connections)"
echo
"$python" "$helper" report "$results"
echo
echo "feeds: fetched without error, as the tool's store says; items: articles in its store after the run;"
echo "requests, 304s: feed requests counted by the server during the run; images: pictures it served (the articles show them from 127.0.0.1, and a fetch with the default settings keeps them). newsvault wrote $documents Markdown files (documents and indexes)."
echo "server alone (one curl, $connections connections): $floor_full_requests feeds downloaded in ${floor_full}s," \
  "$floor_304_count answered 304 in ${floor_304}s"
echo
"$python" "$helper" steady "$out/steady.tsv"
} >"$table"
cat "$table"
# The results page in docs/ keeps the last table, with how it was made.
results_page=docs/benchmarks.md
if [ -f "$results_page" ]; then
  "$python" "$helper" record "$results_page" "$table" "FEEDS=$feeds ITEMS=$items CONNECTIONS=$connections bench/fetch_feeds.sh"
fi
