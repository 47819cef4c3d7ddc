#!/usr/bin/env bash
# Workers benchmark: articles archived per second by 1, 2 and 4
# `newsvault worker --once` processes sharing one PostgreSQL store (a
# throwaway cluster on PostgreSQL's default settings: fsync and synchronous
# commit on), beside newsboat's `-x reload` of the same feeds (the peer: a
# C++ feed reader fetching with curl into SQLite). Each worker run starts
# from an empty database; the workers only save into the store (documents
# are the publisher's), so the publish that follows is timed on its own.
# The table is also written into docs/benchmarks.md.
#
# usage: bench/workers.sh              (from anywhere; needs build/newsvault)
# environment:
#   NEWSVAULT=path   binary to measure (default build/newsvault)
#   FEEDS=n          feeds to generate and serve (default 1000)
#   ITEMS=n          items per feed (default 10)
#   WORKERS="1 2 4"  worker counts to run
#
# Inputs: the feeds of bench/fetch_feeds.py (generated into
# bench/out/workers/, git-ignored), served from 127.0.0.1.
set -euo pipefail
export LC_ALL=C
cd "$(dirname "$0")/.."

newsvault=${NEWSVAULT:-build/newsvault}
feeds=${FEEDS:-1000}
items=${ITEMS:-10}
worker_counts=${WORKERS:-1 2 4}
python=/usr/bin/python3
helper=bench/fetch_feeds.py
out=bench/out/workers
feed_dir=$out/feeds
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)

. bench/common.sh
require_tools workers "$python|python3" "newsboat|newsboat" "${pg_bin:-/usr/lib/postgresql}/initdb|postgresql" \
  "psql|postgresql-client"
require_built workers "$newsvault"
newsvault=$(realpath "$newsvault")
mkdir -p "$out"
out=$(realpath "$out")
feed_dir=$out/feeds


if [ ! -s "$feed_dir.made" ] || [ "$(cat "$feed_dir.made")" != "$feeds $items" ]; then
  echo "generating $feeds feeds of $items items in $feed_dir ..." >&2
  rm -rf "$feed_dir"
  "$python" "$helper" generate "$feed_dir" --feeds "$feeds" --items "$items" >/dev/null
  echo "$feeds $items" >"$feed_dir.made"
fi

# --- the feed server and the PostgreSQL cluster, both ended by the trap ---------
server_pid=""
cluster=""
as_owner() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
stop_all() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  server_pid=""
  if [ -n "$cluster" ]; then as_owner "$pg_bin/pg_ctl" -D "$cluster/data" -m fast -w stop >/dev/null 2>&1 || true; rm -rf "$cluster"; fi
  cluster=""
}
trap stop_all EXIT
trap 'exit 130' INT TERM

rm -f "$out/port"
"$python" "$helper" serve "$feed_dir" --port-file "$out/port" --max-seconds 7200 2>"$out/server.log" &
server_pid=$!
base=$(wait_for_port workers "$out/port" "$out/server.log")
"$python" "$helper" lists "$feed_dir" "$base" "$out/feeds.opml" "$out/urls"

# PostgreSQL's defaults, except where it listens: a Unix socket of its own.
cluster=$(mktemp -d /tmp/newsvault-bench-postgresql.XXXXXX)
chmod 755 "$cluster"
pg_user=$(id -un)
if [ "$(id -u)" -eq 0 ]; then chown postgres: "$cluster"; pg_user=postgres; fi
port=$((20000 + RANDOM % 20000))
as_owner "$pg_bin/initdb" -D "$cluster/data" -A trust -U "$pg_user" >"$cluster/initdb.log" 2>&1
as_owner "$pg_bin/pg_ctl" -D "$cluster/data" -l "$cluster/server.log" -w start \
  -o "-k $cluster -c listen_addresses='' -p $port" >/dev/null
admin="postgresql://$pg_user@/postgres?host=$cluster&port=$port"
pg_version=$(psql -qAt "$admin" -c 'SHOW server_version')

results=$out/results.tsv
: >"$results"
# One row: what ran, wall seconds, articles in the store, articles/s.
row() { printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$(awk -v n="$3" -v s="$2" 'BEGIN { printf "%.0f", n / s }')" >>"$results"; }

for workers in $worker_counts; do
  database=bench_workers_$workers
  psql -qAt "$admin" -c "DROP DATABASE IF EXISTS $database" -c "CREATE DATABASE $database" >/dev/null
  uri="postgresql://$pg_user@/$database?host=$cluster&port=$port"
  archive=$out/archive-$workers
  rm -rf "$archive"
  "$newsvault" init -q "$archive" --store "$uri" 2>/dev/null
  printf '[store]\nurl = "%s"\n[fetch]\nfull_text = "never"\n[publish.git]\nenabled = false\n' "$uri" \
    >"$archive/newsvault.toml"
  "$newsvault" --dir "$archive" -q import-opml "$out/feeds.opml"
  start=$EPOCHREALTIME
  pids=()
  for i in $(seq "$workers"); do
    "$newsvault" --dir "$archive" -q worker --once --id "bench-$i" 2>"$out/worker-$workers-$i.log" &
    pids+=($!)
  done
  for pid in "${pids[@]}"; do wait "$pid" || echo "workers: a worker failed: see $out/worker-$workers-*.log" >&2; done
  seconds=$(seconds_since "$start")
  articles=$(psql -qAt "$uri" -c 'SELECT count(*) FROM articles')
  row "newsvault, $workers worker(s), PostgreSQL" "$seconds" "$articles"
  echo "  $workers worker(s): ${seconds}s, $articles articles" >&2
  start=$EPOCHREALTIME
  "$newsvault" --dir "$archive" -q publish >/dev/null
  row "newsvault publish after $workers worker(s)" "$(seconds_since "$start")" "$articles"
done

peer=$out/newsboat
rm -rf "$peer"
mkdir -p "$peer/home" "$peer/xdg-config" "$peer/xdg-data" "$peer/xdg-cache"
printf 'reload-threads 32\nauto-reload no\ndownload-timeout 30\n' >"$peer/config"
start=$EPOCHREALTIME
env HOME="$peer/home" XDG_CONFIG_HOME="$peer/xdg-config" XDG_DATA_HOME="$peer/xdg-data" \
  XDG_CACHE_HOME="$peer/xdg-cache" \
  newsboat -x reload -q -u "$out/urls" -c "$peer/cache.db" -C "$peer/config" >/dev/null 2>&1 || true
seconds=$(seconds_since "$start")
read -r _ peer_items < <("$python" "$helper" count newsboat "$peer/cache.db")
row "newsboat -x reload (reload-threads 32)" "$seconds" "$peer_items"

stop_all

table=$out/table.md
{
  echo "Workers: $("$newsvault" --version | head -n 1), PostgreSQL $pg_version (default settings), $(newsboat --version | head -n 1)"
  echo "$(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ); $feeds RSS 2.0 feeds of $items items from 127.0.0.1; each worker run from an empty database"
  echo
  printf '%-46s %9s %9s %11s\n' "run" "seconds" "articles" "articles/s"
  while IFS=$'\t' read -r what seconds articles rate; do
    printf '%-46s %9s %9s %11s\n' "$what" "$seconds" "$articles" "$rate"
  done <"$results"
} >"$table"
cat "$table"
if [ -f docs/benchmarks.md ]; then
  "$python" "$helper" record docs/benchmarks.md "$table" "FEEDS=$feeds ITEMS=$items bench/workers.sh" --name workers
fi
