#!/bin/sh
# Regenerates src/core/t2s_table.inc, the Traditional-to-Simplified
# character table search normalises with, from the OpenCC installed
# (libopencc-dev). The search tests fail when the table and OpenCC differ.
set -eu
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
g++ -std=c++23 -O1 -Isrc -o "$work/t2s_table" scripts/t2s_table.cc src/core/utf8.cc $(pkg-config --cflags --libs opencc)
"$work/t2s_table" > src/core/t2s_table.inc
echo "src/core/t2s_table.inc: $(grep -o '{0x' src/core/t2s_table.inc | wc -l) characters"
