#!/usr/bin/env bash
# Builds the fuzzers' seed corpora, build-fuzz/corpus/<target>/, from what
# the repository's tests and examples already hold (the literals of the
# *_test.cc files, the fixtures, examples/) and, where it is present, the
# shared corpus beside the repository (../shared/corpus/). Files are read in
# place and written only under build-fuzz/. Adds to corpora that already
# exist (what earlier campaigns found stays).
#
#   fuzz/seed-corpus.sh [BUILD_DIR]      (default build-fuzz)
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir="${1:-build-fuzz}"
corpus="$build_dir/corpus"
shared=../shared/corpus
literals() { python3 fuzz/test_literals.py "$@" >/dev/null; }

# One file per line of standard input, named by its hash, with PREFIX before it.
lines_as_seeds() {  # OUT_DIR [PREFIX]
  python3 -c '
import hashlib, pathlib, sys
out = pathlib.Path(sys.argv[1]); prefix = sys.argv[2].encode() if len(sys.argv) > 2 else b""
out.mkdir(parents=True, exist_ok=True)
for line in sys.stdin.buffer.read().split(b"\n"):
    if line.strip():
        seed = prefix + line.strip()
        (out / hashlib.sha1(seed).hexdigest()).write_bytes(seed)
' "$@"
}

copy_as_seeds() {  # OUT_DIR FILE...
  local out="$1"; shift
  mkdir -p "$out"
  for file in "$@"; do
    case "$file" in
      *.gz) gzip -dc "$file" > "$out/$(basename "$file" .gz)" ;;
      *) cp "$file" "$out/$(basename "$file")" ;;
    esac
  done
}

mkdir -p "$corpus"
have_shared=false
if [ -d "$shared" ]; then
  have_shared=true
else
  echo "seed-corpus: $shared is absent; seeding from the repository's tests and examples only"
fi

# feed: every test's feed literals, the example feeds, the shared feeds.
literals --min-length 16 "$corpus/feed" src/feed/*_test.cc src/pipeline/fetch_run_test.cc
copy_as_seeds "$corpus/feed" examples/*.rdf examples/*.rss
if $have_shared; then
  mapfile -t feeds < <(find "$shared/feeds" -type f ! -path '*/reference/*' ! -name 'README*')
  copy_as_seeds "$corpus/feed" "${feeds[@]}"
fi

# date: the date tests' literals and the dates the feeds carry. The first
# byte of each input picks the offset of zoneless dates; '0' is UTC.
literals --prefix 0 --min-length 2 "$corpus/date" src/core/time_test.cc
date_elements='(pubDate|lastBuildDate|dc:date|published|updated|modified|issued|created)'
{
  grep -ohE "<$date_elements>[^<]{1,80}</" examples/*.rdf examples/*.rss || true
  if $have_shared; then
    find "$shared/feeds" -type f ! -path '*/reference/*' -print0 |
      xargs -0 grep -ohE "<$date_elements>[^<]{1,80}</" || true
  fi
} | sed -E 's/^<[^>]*>//; s/<\/$//' | sort -u | awk 'NR <= 400' | lines_as_seeds "$corpus/date" 0

# url: "BASE\nREFERENCE" pairs: the addresses in the examples and pages
# against a page's address, and the URL literals of the tests.
{
  grep -ohE '(href|src)="[^"]{1,200}"' examples/*.rdf examples/*.rss || true
  if $have_shared; then
    for page in "$shared"/extraction/pages/*.html.gz; do
      gzip -dc "$page" | grep -ohE '(href|src)="[^"]{1,200}"' | head -n 20 || true
    done
  fi
} | sed -E 's/^(href|src)="//; s/"$//' | sort -u | awk 'NR <= 600' |
  lines_as_seeds "$corpus/url" "https://example.com/news/story.html
"
literals --min-length 4 "$corpus/url.literals" src/pipeline/config_test.cc src/clean/clean_test.cc \
  src/extract/entry_article_test.cc
for file in "$corpus/url.literals"/*; do
  if grep -qE '^[a-zA-Z][a-zA-Z0-9+.-]*:|^/|^\.' "$file"; then
    printf 'https://example.com/news/story.html\n' | cat - "$file" > "$corpus/url/$(basename "$file")"
  fi
done
rm -rf "$corpus/url.literals"

# extract: the page tests' literals, the shared pages (decompressed).
literals --min-length 16 "$corpus/extract" src/extract/page_*_test.cc src/extract/site_rules_test.cc
if $have_shared; then copy_as_seeds "$corpus/extract" "$shared"/extraction/pages/*.html.gz; fi

# sanitize: the cleaner's tests (XSS vectors, properties), the bodies of the
# example DW articles, a share of the shared pages.
literals --min-length 4 "$corpus/sanitize" src/clean/*_test.cc src/extract/body_html_test.cc
python3 - "$corpus/sanitize" examples/dw-api/*.json src/extract/testdata/dw/*.json <<'PY'
import hashlib, json, pathlib, sys
out = pathlib.Path(sys.argv[1])
for name in sys.argv[2:]:
    body = json.loads(pathlib.Path(name).read_text()).get("text", "")
    if body:
        (out / hashlib.sha1(body.encode()).hexdigest()).write_text(body)
PY
if $have_shared; then
  mapfile -t pages < <(ls "$shared"/extraction/pages/*.html.gz | awk 'NR <= 20')
  copy_as_seeds "$corpus/sanitize" "${pages[@]}"
fi

# config: the config tests' literals, the example settings.
literals --min-length 4 "$corpus/config" src/pipeline/config_test.cc

# dw_adapter: the DW API documents of the examples and the fixtures, and
# the adapter tests' literals.
copy_as_seeds "$corpus/dw_adapter" examples/dw-api/*.json src/extract/testdata/dw/*.json
literals --min-length 8 "$corpus/dw_adapter" src/extract/adapter_*test.cc

# address: the address tests' literals, each behind a byte of hop facts
# ('0': the operator's URL, first hop, nothing allowed).
literals --prefix 0 --min-length 2 "$corpus/address" src/fetch/address_policy_test.cc

# names: the name and path tests' literals (feed names, guids).
literals --min-length 1 "$corpus/names" src/publish/document_path_test.cc src/cli/hostile_names_test.cc

for target in feed date url extract sanitize config dw_adapter address names; do
  printf 'seed-corpus: %-10s %5d inputs\n' "$target" "$(find "$corpus/$target" -type f | wc -l)"
done
