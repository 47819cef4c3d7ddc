#!/usr/bin/env bash
# The second command of the README: installs and builds what is needed (so
# it works on a fresh machine too), then runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
# The store's tests run against PostgreSQL too: a throwaway cluster (a Unix
# socket only, no fsync) for this run, stopped however the run ends.
# NEWSVAULT_TEST_POSTGRESQL already set: that server instead.
if [ -z "${NEWSVAULT_TEST_POSTGRESQL:-}" ]; then
  eval "$(scripts/postgresql-cluster.sh start)"
  trap 'scripts/postgresql-cluster.sh stop "$NEWSVAULT_TEST_POSTGRESQL_DIR"' EXIT
fi
ctest --test-dir build --output-on-failure -j "$(nproc)" "$@"
# Then each fuzz target briefly over its corpus, two at a time, with ASan and
# UBSan (docs/internals/fuzzing.md): 9 targets x 20 s is about 90 s of
# fuzzing on 2 cores. NEWSVAULT_FUZZ_SECONDS sets the time per target; 0
# skips the fuzzing.
fuzz_seconds="${NEWSVAULT_FUZZ_SECONDS:-20}"
if [ "$fuzz_seconds" -gt 0 ]; then
  fuzz/run.sh "$fuzz_seconds"
fi
