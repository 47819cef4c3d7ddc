#!/usr/bin/env bash
# Workers benchmark: articles archived per second by 1, 2 and 4
# `newsvault worker --once` processes sharing one PostgreSQL store (a
# throwaway cluster on PostgreSQL's default settings: fsync and synchronous
# commit on), beside newsboat's `-x reload` of the same feeds (the peer: a
# C++ feed reader fetching with curl into SQLite). Each worker run starts
# from an empty database; the workers only save into the store (documents
# are the publisher's), so one publish after the PostgreSQL runs is timed on
# its own. One worker on an SQLite store does the same work beside them.
# Each run reports the CPU seconds of the workers and of PostgreSQL (every
# process of the cluster, backends that ended included), PostgreSQL's share
# of the two, and the statements the server executed per article
# (pg_stat_statements, loaded for that: each statement is at most one round
# trip, fewer where several go in one message). The table is also written
# into docs/benchmarks.md.
#
# usage: bench/workers.sh              (from anywhere; needs build/newsvault)
# environment:
#   NEWSVAULT=path   binary to measure (default build/newsvault)
#   FEEDS=n          feeds to generate and serve (default 1000)
#   ITEMS=n          items per feed (default 10)
#   WORKERS="1 2 4"  worker counts to run
#   PEER=no          leave newsboat out (at 10,000 feeds it takes about 25 minutes)
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
  -o "-k $cluster -c listen_addresses='' -p $port -c shared_preload_libraries=pg_stat_statements" >/dev/null
admin="postgresql://$pg_user@/postgres?host=$cluster&port=$port"
pg_version=$(psql -qAt "$admin" -c 'SHOW server_version')

results=$out/results.tsv
: >"$results"
ticks=$(getconf CLK_TCK)
# PostgreSQL's CPU seconds so far: the postmaster's own and those of the
# children it has reaped (ended backends), and each live child's.
pg_cpu() {
  local postmaster total=0 pid fields
  postmaster=$(head -n 1 "$cluster/data/postmaster.pid")
  read -r -a fields < <(sed 's/^.*) //' "/proc/$postmaster/stat")
  total=$((fields[11] + fields[12] + fields[13] + fields[14]))
  for pid in $(cat "/proc/$postmaster/task/$postmaster/children" 2>/dev/null); do
    if read -r -a fields < <(sed 's/^.*) //' "/proc/$pid/stat" 2>/dev/null); then
      total=$((total + fields[11] + fields[12]))
    fi
  done
  awk -v t="$total" -v hz="$ticks" 'BEGIN { printf "%.2f", t / hz }'
}
# One row: what ran, wall seconds, articles in the store, articles/s, the
# workers' CPU seconds, PostgreSQL's, its share, round trips and statements
# per article ("-" where there is none).
row() {
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$(awk -v n="$3" -v s="$2" 'BEGIN { printf "%.0f", n / s }')" \
    "${4:--}" "${5:--}" "$(if [ -n "${5:-}" ]; then awk -v w="$4" -v p="$5" 'BEGIN { printf "%.0f%%", 100 * p / (w + p) }'; else echo -; fi)" \
    "${6:--}" "${7:--}" >>"$results"
}
# run_workers ARCHIVE COUNT: COUNT workers --once at the same time; prints
# their wall seconds, CPU seconds (user + system, all of them) and the
# round trips to the store their logs' `stopped` lines count.
run_workers() {
  local archive=$1 count=$2 start pids=() i cpu=0
  start=$EPOCHREALTIME
  for i in $(seq "$count"); do
    /usr/bin/time -f '%U %S' -o "$out/worker-$count-$i.time" \
      "$newsvault" --dir "$archive" worker --once --id "bench-$i" 2>"$out/worker-$count-$i.log" &
    pids+=($!)
  done
  for pid in "${pids[@]}"; do wait "$pid" || echo "workers: a worker failed: see $out/worker-$count-*.log" >&2; done
  local seconds trips=0
  seconds=$(seconds_since "$start")
  for i in $(seq "$count"); do
    cpu=$(awk -v c="$cpu" '{ c += $1 + $2 } END { printf "%.2f", c }' "$out/worker-$count-$i.time")
    trips=$((trips + $(sed -n 's/.* stopped .*store_round_trips=\([0-9]*\).*/\1/p' "$out/worker-$count-$i.log" | tail -n 1)))
  done
  echo "$seconds $cpu $trips"
}

for workers in $worker_counts; do
  database=bench_workers_$workers
  psql -qAt "$admin" -c "DROP DATABASE IF EXISTS $database" -c "CREATE DATABASE $database" >/dev/null
  uri="postgresql://$pg_user@/$database?host=$cluster&port=$port"
  psql -qAt "$uri" -c "CREATE EXTENSION pg_stat_statements" >/dev/null
  archive=$out/archive-$workers
  rm -rf "$archive"
  "$newsvault" init -q "$archive" --store "$uri" 2>/dev/null
  printf '[store]\nurl = "%s"\n[fetch]\nfull_text = "never"\n[publish.git]\nenabled = false\n' "$uri" \
    >"$archive/newsvault.toml"
  "$newsvault" --dir "$archive" -q import-opml "$out/feeds.opml"
  psql -qAt "$uri" -c "SELECT pg_stat_statements_reset()" >/dev/null
  pg_before=$(pg_cpu)
  read -r seconds worker_cpu trips < <(run_workers "$archive" "$workers")
  pg_used=$(awk -v a="$(pg_cpu)" -v b="$pg_before" 'BEGIN { printf "%.2f", a - b }')
  articles=$(psql -qAt "$uri" -c 'SELECT count(*) FROM articles')
  statements=$(psql -qAt "$uri" -c "SELECT sum(calls) FROM pg_stat_statements
    WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
      AND query NOT LIKE '%pg_stat_statements%'")
  row "newsvault, $workers worker(s), PostgreSQL" "$seconds" "$articles" "$worker_cpu" "$pg_used" \
    "$(awk -v s="$trips" -v n="$articles" 'BEGIN { printf "%.2f", s / n }')" \
    "$(awk -v s="$statements" -v n="$articles" 'BEGIN { printf "%.2f", s / n }')"
  echo "  $workers worker(s): ${seconds}s, $articles articles, ${worker_cpu}s workers' CPU, ${pg_used}s PostgreSQL's" >&2
  published_archive=$archive
done
# Publishing is the same work however many workers saved: timed once.
start=$EPOCHREALTIME
"$newsvault" --dir "$published_archive" -q publish >/dev/null
row "newsvault publish (PostgreSQL store)" "$(seconds_since "$start")" "$articles"

# The same work on the embedded store: one worker, SQLite.
archive=$out/archive-sqlite
rm -rf "$archive"
"$newsvault" init -q "$archive"
printf '[fetch]\nfull_text = "never"\n[publish.git]\nenabled = false\n' >"$archive/newsvault.toml"
"$newsvault" --dir "$archive" -q import-opml "$out/feeds.opml"
read -r seconds worker_cpu _ < <(run_workers "$archive" 1)
read -r _ articles < <("$python" "$helper" count newsvault "$archive/.newsvault/store.db")
row "newsvault, 1 worker, SQLite" "$seconds" "$articles" "$worker_cpu"
echo "  1 worker on SQLite: ${seconds}s, $articles articles" >&2

if [ "${PEER:-yes}" != no ]; then
peer=$out/newsboat
rm -rf "$peer"
mkdir -p "$peer/home" "$peer/xdg-config" "$peer/xdg-data" "$peer/xdg-cache"
printf 'reload-threads 32\nauto-reload no\ndownload-timeout 30\n' >"$peer/config"
start=$EPOCHREALTIME
/usr/bin/time -f '%U %S' -o "$out/newsboat.time" env HOME="$peer/home" XDG_CONFIG_HOME="$peer/xdg-config" XDG_DATA_HOME="$peer/xdg-data" \
  XDG_CACHE_HOME="$peer/xdg-cache" \
  newsboat -x reload -q -u "$out/urls" -c "$peer/cache.db" -C "$peer/config" >/dev/null 2>&1 || true
seconds=$(seconds_since "$start")
read -r _ peer_items < <("$python" "$helper" count newsboat "$peer/cache.db")
row "newsboat -x reload (reload-threads 32)" "$seconds" "$peer_items" \
  "$(awk '{ printf "%.2f", $1 + $2 }' "$out/newsboat.time")"
fi

stop_all

table=$out/table.md
{
  echo "Workers: $("$newsvault" --version | head -n 1), PostgreSQL $pg_version (default settings), $(newsboat --version | head -n 1)"
  echo "$(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ); $feeds RSS 2.0 feeds of $items items from 127.0.0.1; each worker run from an empty database"
  echo
  printf '%-40s %8s %8s %10s %12s %12s %8s %12s %12s\n' "run" "seconds" "articles" "articles/s" \
    "worker CPU s" "server CPU s" "server %" "trips/art." "stmts/art."
  while IFS=$'\t' read -r what seconds articles rate cpu pg share trips statements; do
    printf '%-40s %8s %8s %10s %12s %12s %8s %12s %12s\n' "$what" "$seconds" "$articles" "$rate" "$cpu" "$pg" \
      "$share" "$trips" "$statements"
  done <"$results"
  echo
  echo "worker CPU s: the workers' user + system time; server CPU s: every PostgreSQL process's (ended backends"
  echo "included); server %: its share of the two; trips/art.: round trips to the store per article, as the workers"
  echo "count them; stmts/art.: statements the server ran per article (pg_stat_statements; a pipeline sends many in"
  echo "one round trip)."
  sqlite=$(awk -F'\t' '$1 == "newsvault, 1 worker, SQLite" { print $2 }' "$results")
  postgresql=$(awk -F'\t' '$1 == "newsvault, 1 worker(s), PostgreSQL" { print $2 }' "$results")
  if [ -n "$sqlite" ] && [ -n "$postgresql" ]; then
    echo
    awk -v p="$postgresql" -v s="$sqlite" 'BEGIN { printf "one worker, PostgreSQL / SQLite wall time: %.2f (target <= 2: %s)\n", p / s, p / s <= 2 ? "met" : "MISSED" }'
  fi
} >"$table"
cat "$table"
if [ -f docs/benchmarks.md ]; then
  "$python" "$helper" record docs/benchmarks.md "$table" "FEEDS=$feeds ITEMS=$items bench/workers.sh" --name workers
fi
