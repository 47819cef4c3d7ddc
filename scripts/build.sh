#!/usr/bin/env bash
# Configures and builds newsvault into build/ (Release with debug info):
# every target, or only those named ("scripts/build.sh newsvault").
set -euo pipefail
cd "$(dirname "$0")/.."
# ccache, keyed on paths relative to the checkout, lets another clone on
# the same machine reuse what this one compiled.
launcher=()
if command -v ccache >/dev/null; then
  export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo "${launcher[@]}" >/dev/null
if [ "$#" -gt 0 ]; then
  cmake --build build -j "$(nproc)" --target "$@"
else
  cmake --build build -j "$(nproc)"
fi
