#!/usr/bin/env bash
# Builds the .deb (cpack -G DEB in build/) and checks that it installs what
# cmake --install does: the program, the man page, bash and zsh completion,
# the systemd units and their user. Kept out of the test binaries because
# packing the program takes a while. Usage: scripts/check-deb.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
cmake --build "$build" --target newsvault man >/dev/null
(cd "$build" && cpack -G DEB >/dev/null)
deb=$(ls -t "$build"/newsvault_*.deb | head -n 1)
listing=$(dpkg-deb -c "$deb")
missing=0
for file in ./usr/bin/newsvault ./usr/share/man/man1/newsvault.1 \
    ./usr/share/bash-completion/completions/newsvault ./usr/share/zsh/vendor-completions/_newsvault \
    ./usr/lib/systemd/system/newsvault.service ./usr/lib/systemd/system/newsvault-fetch.service \
    ./usr/lib/systemd/system/newsvault-fetch.timer ./usr/lib/sysusers.d/newsvault.conf \
    ./usr/share/doc/newsvault/examples/cron/newsvault.cron; do
  if ! grep -q " $file\$" <<<"$listing"; then
    echo "check-deb: $deb lacks $file" >&2
    missing=1
  fi
done
dpkg-deb -I "$deb" postinst >/dev/null || { echo "check-deb: $deb has no postinst" >&2; missing=1; }
if [ "$missing" -eq 0 ]; then
  echo "check-deb: $deb ($(du -h "$deb" | cut -f1)) installs the program, man page, completions and units"
fi
exit "$missing"
