#!/usr/bin/env bash
# Measures how far `newsvault parse --json` agrees with Debian's feedparser
# on the feed corpus in ../shared/corpus/feeds (field by field).
# usage: scripts/feed-agreement.sh [NEWSVAULT_BINARY] [feed_compare.py options...]
set -euo pipefail
cd "$(dirname "$0")/.."
binary=${1:-build/newsvault}
shift || true
corpus=../shared/corpus/feeds
if [ ! -d "$corpus" ]; then
  echo "feed-agreement: $corpus is absent (it sits beside the repository); nothing to measure" >&2
  exit 0
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
failed=0
while IFS= read -r -d '' f; do
  rel=${f#"$corpus"/}
  mkdir -p "$out/$(dirname "$rel")"
  if ! "$binary" parse "$f" --json >"$out/$rel.json" 2>/dev/null; then
    failed=$((failed + 1))
    rm -f "$out/$rel.json"
  fi
done < <(find "$corpus" -path "$corpus/reference" -prune -o -type f \
           \( -name '*.xml' -o -name '*.rss' -o -name '*.atom' -o -name '*.rdf' -o -name '*.json' \) -print0)
echo "feeds newsvault could not read: $failed"
python3 ../shared/tools/feed_compare.py "$corpus/reference" "$out" "$@"
