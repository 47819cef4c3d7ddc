#!/usr/bin/env bash
# The second command of the README: installs and builds what is needed (so
# it works on a fresh machine too), then runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
ctest --test-dir build --output-on-failure -j "$(nproc)" "$@"
