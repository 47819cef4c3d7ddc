#!/usr/bin/env bash
# Builds the .deb (cpack -G DEB in the build folder, from the program
# already built there) and checks it as a machine installing it would see
# it: it installs the program, the man page, bash and zsh completion, the
# systemd units and their user; every library the program loads comes
# from a package its Depends names (or one those depend on); the data it
# reads at run time (time zones, certificates) is depended on; and
# systemd-analyze verify accepts the units as installed. Run by ctest
# (test PackageInstallsAndDependsOnWhatItLoads) and on its own:
#   scripts/check-deb.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
fail() {
  echo "check-deb: $*" >&2
  failed=1
}
failed=0
# Only the program and its man page: the package holds nothing else built.
cmake --build "$build" -j 2 --target newsvault man >/dev/null
for tool in cpack dpkg-deb dpkg-shlibdeps readelf; do
  command -v "$tool" >/dev/null || { echo "check-deb: $tool is not installed (scripts/install-deps.sh)" >&2; exit 1; }
done
packing=$(cd "$build" && cpack -G DEB 2>&1) || { echo "$packing" >&2; echo "check-deb: cpack failed" >&2; exit 1; }
deb=$(ls -t "$build"/newsvault_*.deb | head -n 1)

# What it installs.
listing=$(dpkg-deb -c "$deb")
for file in ./usr/bin/newsvault ./usr/share/man/man1/newsvault.1 \
    ./usr/share/bash-completion/completions/newsvault ./usr/share/zsh/vendor-completions/_newsvault \
    ./usr/lib/systemd/system/newsvault.service ./usr/lib/systemd/system/newsvault-fetch.service \
    ./usr/lib/systemd/system/newsvault-fetch.timer ./usr/lib/sysusers.d/newsvault.conf \
    ./usr/share/doc/newsvault/examples/cron/newsvault.cron; do
  grep -q " $file\$" <<<"$listing" || fail "$deb lacks $file"
done
dpkg-deb -I "$deb" postinst >/dev/null || fail "$deb has no postinst"

# Installed into a staging root, as dpkg would unpack it.
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
dpkg-deb -x "$deb" "$stage"

# Depends, each package's name alone ("libc6 (>= 2.34)" -> libc6).
depends=$(dpkg-deb -f "$deb" Depends)
declare -A named=()
IFS=',' read -ra clauses <<<"$depends"
for clause in "${clauses[@]}"; do
  IFS='|' read -ra alternatives <<<"$clause"
  for alternative in "${alternatives[@]}"; do
    name=$(sed -e 's/^ *//' -e 's/[ (:].*//' <<<"$alternative")
    [ -n "$name" ] && named[$name]=1
  done
done
# The packages those depend on, as installed here: a library a library
# loads comes with it.
declare -A reached=()
queue=("${!named[@]}")
while [ "${#queue[@]}" -gt 0 ]; do
  package=${queue[0]}
  queue=("${queue[@]:1}")
  [ -n "${reached[$package]:-}" ] && continue
  reached[$package]=1
  more=$(dpkg-query -W -f='${Depends},${Pre-Depends}' "$package" 2>/dev/null || true)
  IFS=',' read -ra clauses <<<"$more"
  for clause in "${clauses[@]}"; do
    IFS='|' read -ra alternatives <<<"$clause"
    for alternative in "${alternatives[@]}"; do
      name=$(sed -e 's/^ *//' -e 's/[ (:].*//' <<<"$alternative")
      [ -n "$name" ] && [ -z "${reached[$name]:-}" ] && queue+=("$name")
    done
  done
done

# The package that ships the library at `path` (merged /usr: dpkg may
# know it under /lib or under /usr/lib).
package_of() {
  local path=$1 real
  real=$(readlink -f "$path")
  for candidate in "$path" "$real" "${path#/usr}" "/usr$path" "${real#/usr}" "/usr$real"; do
    if owner=$(dpkg-query -S "$candidate" 2>/dev/null); then
      sed -e 's/:.*//' -e 's/,.*//' <<<"$owner" | head -n 1
      return 0
    fi
  done
  return 1
}

program="$stage/usr/bin/newsvault"
needed=$(readelf -d "$program" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
resolved=$(ldd "$program")
checked=0
for library in $needed; do
  path=$(awk -v name="$library" '$1 == name && $2 == "=>" {print $3}' <<<"$resolved")
  if [ -z "$path" ] || [ "$path" = "not" ]; then
    fail "the installed program needs $library, which does not resolve here"
    continue
  fi
  if ! package=$(package_of "$path"); then
    fail "$library ($path) belongs to no installed package"
    continue
  fi
  [ -n "${named[$package]:-}" ] || fail "the program links $library (package $package), which Depends does not name: $depends"
  checked=$((checked + 1))
done
# Every library loaded at run time, not only the program's own: each from
# a package Depends reaches.
while read -r library arrow path _; do
  [ "$arrow" = "=>" ] && [ -f "$path" ] || continue
  package=$(package_of "$path") || { fail "$library ($path) belongs to no installed package"; continue; }
  [ -n "${reached[$package]:-}" ] || fail "the program loads $library (package $package), which nothing in Depends brings"
done <<<"$resolved"
# Data read at run time, which no ELF header names.
for package in tzdata ca-certificates libopencc-data; do
  [ -n "${reached[$package]:-}" ] || fail "Depends does not bring $package, which the program reads at run time"
done

# The units as installed, checked by systemd-analyze verify: copies whose
# ExecStart= names the staged program (verify checks the binary exists,
# and the package is only unpacked here); every other finding is a fault.
units="$stage/usr/lib/systemd/system"
if command -v systemd-analyze >/dev/null; then
  mkdir "$stage/verify"
  for unit in newsvault.service newsvault-fetch.service newsvault-fetch.timer; do
    sed "s#/usr/bin/newsvault#$stage/usr/bin/newsvault#g" "$units/$unit" >"$stage/verify/$unit"
  done
  verified=$(systemd-analyze verify --man=no "$stage/verify/newsvault.service" \
      "$stage/verify/newsvault-fetch.service" "$stage/verify/newsvault-fetch.timer" 2>&1) ||
    fail "systemd-analyze verify rejects the installed units: $verified"
  [ -z "$verified" ] || fail "systemd-analyze verify finds faults in the installed units: $verified"
else
  fail "systemd-analyze is not installed (scripts/install-deps.sh)"
fi

if [ "$failed" -eq 0 ]; then
  echo "check-deb: $deb ($(du -h "$deb" | cut -f1)) installs the program, man page, completions and units;" \
    "its $checked libraries come from Depends: $depends"
fi
exit "$failed"
