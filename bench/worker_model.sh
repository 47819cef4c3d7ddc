#!/usr/bin/env bash
# The workers' model test (src/cli/worker_command_test.cc,
# WorkersKilledAndStartedAtRandomArchiveEveryVersionServedOnce) for longer
# than the suite gives it: feeds on 127.0.0.1 that change every round,
# workers started and killed with SIGKILL at random, then every story
# checked (archived once, each version served at most once and in order,
# the last one there) and `publish` and `check` run. On both engines: the
# PostgreSQL half in a throwaway cluster when PostgreSQL is installed.
# Prints the rounds, workers started and killed, and what was archived; a
# failure names its seed, which NEWSVAULT_WORKER_MODEL_SEED=N repeats.
#
#   bench/worker_model.sh [SECONDS]     # per engine; default 1800
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-1800}"
case "$seconds" in '' | *[!0-9]*) echo "bench/worker_model.sh: SECONDS must be a whole number" >&2; exit 2 ;; esac
scripts/build.sh newsvault cli_test >/dev/null
if [ -z "${NEWSVAULT_TEST_POSTGRESQL:-}" ]; then
  if started=$(scripts/postgresql-cluster.sh start 2>/dev/null); then
    eval "$started"
    trap 'scripts/postgresql-cluster.sh stop "$NEWSVAULT_TEST_POSTGRESQL_DIR" >/dev/null 2>&1 || true' EXIT
  else
    echo "bench/worker_model.sh: no PostgreSQL cluster could be started; the SQLite half alone" >&2
  fi
fi
NEWSVAULT_BIN=build/newsvault NEWSVAULT_WORKER_MODEL_SECONDS="$seconds" build/cli_test \
  --gtest_filter='*WorkerTest.WorkersKilledAndStartedAtRandom*' 2>&1 |
  grep -E '^worker model:|Failure|SEED|missing|twice|OK \]|FAILED|PASSED|SKIPPED'
