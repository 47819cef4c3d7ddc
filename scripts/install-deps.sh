#!/usr/bin/env bash
# Installs the Debian 12 packages newsvault needs to build, test and benchmark.
# Safe to run again: apt-get skips what is already installed.
set -euo pipefail

packages=(
  build-essential cmake pkg-config git ca-certificates
  ccache                         # rebuilds and other clones reuse what was compiled
  libxml2-dev libxml2-utils      # XML parsing (SAX2, recover mode) and xmllint for the benchmark
  libpugixml-dev                 # the fast path for well-formed feeds
  libuchardet-dev                # charset detection when a feed does not say
  libcli11-dev                   # command-line parsing
  nlohmann-json3-dev             # JSON Feed input, --json output
  libfmt-dev
  libcurl4-openssl-dev           # fetching (multi interface, HTTP/2, gzip/deflate/br)
  libsqlite3-dev                 # the store
  libpq-dev                      # the store's PostgreSQL engine (libpq)
  postgresql                     # the throwaway cluster the store's tests run against
  sqlite3                        # a store test damages a database behind the store's back
  libssl-dev                     # SHA-256 of article revisions, SHA-1 of git packs
  libtoml11-dev                  # newsvault.toml
  zlib1g-dev                     # git packs; the extraction corpus test reads gzipped pages
  libzstd-dev                    # the store packs revisions' content
  libgit2-dev                    # the archive's history: commits and pushes
  libmimalloc-dev                # the program's allocator
  libcpp-httplib-dev             # newsvault serve: the HTTP server (a thread pool, keep-alive)
  libsodium-dev                  # newsvault serve: users' password hashes (crypto_pwhash_str)
  libdeflate-dev                 # WARC records: whole-buffer gzip, faster than zlib at its fastest
  wrk                            # bench/serve.sh: the load generator
  libgtest-dev libgmock-dev googletest
  python3 python3-feedparser     # the reference parser the tests and benchmark compare against
  python3-yaml                   # the GitHub Actions example's test reads the workflow
  systemd                        # systemd-analyze verify: the units' test
  dpkg-dev                       # dpkg-shlibdeps: the .deb's Depends, computed from the binary
  zsh                            # zsh -n: the zsh completion's test
  tzdata                         # the site's time zones (/usr/share/zoneinfo)
  groff                          # the man page's test renders it
  time                           # /usr/bin/time: peak memory in the benchmark
  newsboat                       # the peer bench/fetch_feeds.sh times fetching against, and the
                                 #   client the serve tests read both APIs with
  nodejs                         # runs Mozilla Readability, the peer of bench/extract_pages.sh
                                 # (which installs it from npm into bench/node_modules)
  libopencc-dev                  # Traditional/Simplified Chinese copies ([feeds.NAME] convert)
  chromium                       # the static site's browser test (headless)
  strace                         # the site search test: which files Chromium opens
  fonts-wqy-microhei             # a CJK font, so the browser test's screenshots show the text
  clang-16 libclang-rt-16-dev    # the fuzz targets: libFuzzer, ASan, UBSan (fuzz/run.sh); clang 16
                                 # is the first that reads libstdc++ 12's <expected>
  llvm                           # llvm-symbolizer: source lines in sanitizer reports
  openssh-client                 # ssh-keygen: signs the daily manifests ([publish.sign])
)

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -q
  $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# npm installs the extraction benchmark's peer. Debian's nodejs comes
# without it; a Node.js that bundles its own npm conflicts with Debian's.
if ! command -v npm >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get install -y -q --no-install-recommends npm
fi

# A second WARC reader for the record stage's tests: webrecorder's
# warcio.js, into tests/tools/warcio/node_modules (the tests skip, saying
# so, without it).
if command -v npm >/dev/null && [ ! -d "$(dirname "$0")/../tests/tools/warcio/node_modules/warcio" ]; then
  npm install --prefix "$(dirname "$0")/../tests/tools/warcio" --no-save --no-audit --no-fund --loglevel=error ||
    echo "warning: warcio.js not installed; the WARC tests that read with it will skip" >&2
fi
