#!/usr/bin/env bash
# The first command of the README: installs what newsvault needs (Debian 12
# packages), builds it, and runs the main job on the bundled sample.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
echo
echo "== newsvault parse examples/dw-chinese.rdf"
build/newsvault parse examples/dw-chinese.rdf
