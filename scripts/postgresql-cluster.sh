#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster for the tests: a Unix socket only,
# no fsync, in a fresh folder. Prints the shell lines that use it and that
# stop it:
#
#   eval "$(scripts/postgresql-cluster.sh start)"   # exports NEWSVAULT_TEST_POSTGRESQL
#   build/store_test
#   scripts/postgresql-cluster.sh stop "$NEWSVAULT_TEST_POSTGRESQL_DIR"
#
# As root the cluster runs as the postgres user (PostgreSQL refuses root);
# otherwise as the current user. Needs Debian's postgresql package.
set -euo pipefail

bin_dir() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  [ -n "$dir" ] || { echo "postgresql-cluster: PostgreSQL is not installed (scripts/install-deps.sh installs it)" >&2; exit 1; }
  echo "$dir"
}

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "${1:-}" in
  start)
    bin=$(bin_dir)
    dir=$(mktemp -d /tmp/newsvault-postgresql.XXXXXX)
    chmod 755 "$dir"
    user=$(id -un)
    if [ "$(id -u)" -eq 0 ]; then chown postgres: "$dir"; user=postgres; fi
    # A port of its own, so that clusters of several checkouts do not meet.
    port=$((20000 + RANDOM % 20000))
    as_owner "$bin/initdb" -D "$dir/data" -A trust --no-sync -U "$user" >"$dir/initdb.log" 2>&1 ||
      { cat "$dir/initdb.log" >&2; exit 1; }
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w start \
      -o "-k $dir -c listen_addresses='' -p $port -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
      >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
    echo "export NEWSVAULT_TEST_POSTGRESQL='postgresql://$user@/postgres?host=$dir&port=$port'"
    echo "export NEWSVAULT_TEST_POSTGRESQL_DIR='$dir'"
    ;;
  stop)
    dir=${2:?usage: postgresql-cluster.sh stop DIR}
    [ -d "$dir/data" ] || exit 0
    as_owner "$(bin_dir)/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
  *)
    echo "usage: postgresql-cluster.sh start | stop DIR" >&2
    exit 2
    ;;
esac
