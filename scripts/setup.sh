#!/usr/bin/env bash
# The first command of the README: installs what newsvault needs (Debian 12
# packages), builds the newsvault binary alone (the tests are built by
# scripts/test.sh), and runs the main job on the bundled sample.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh newsvault
# The main job: an archive of the bundled sample (feeds and DW-shaped
# article JSON of our own, reached through file:// URLs, so it runs offline),
# on the embedded default store.
sample=sample-archive
here=$(pwd)
rm -rf "$sample"
build/newsvault init "$sample"
cat >> "$sample/newsvault.toml" <<TOML

# The sample's DW articles come from files beside it, not from DW.
[adapters.dw]
article_api = "file://$here/examples/dw-api/{id}.json"
TOML
build/newsvault --dir "$sample" add "file://$here/examples/dw-chinese.rdf" --name dw-chinese --adapter dw
# Its entries link a site that does not exist: their own content is the article.
build/newsvault --dir "$sample" add "file://$here/examples/world-news.rss" --name world-news --full-text never
build/newsvault --dir "$sample" fetch --now 2023-06-19T01:47:05Z
echo
echo "== the archive in $sample/:"
build/newsvault --dir "$sample" list
(cd "$sample" && find . -name '*.md' -not -path './.newsvault/*' | sort)
