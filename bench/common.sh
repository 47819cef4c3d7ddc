# Helpers the bench scripts share; sourced, not run.

# seconds_since START [DIGITS]: wall seconds from START (an $EPOCHREALTIME)
# to now, with DIGITS decimals (default 3). Bash has no floating point; awk
# does the subtraction.
seconds_since() {
  awk -v start="$1" -v end="$EPOCHREALTIME" -v digits="${2:-3}" 'BEGIN { printf "%.*f", digits, end - start }'
}

# require_tools SCRIPT 'TOOL|PACKAGE'...: every TOOL (an absolute path that
# must be executable, or a command on PATH) is there, or SCRIPT says which
# are missing and from which Debian packages, and exits 1. Checks, never
# installs.
require_tools() {
  local script=$1 spec tool
  shift
  local missing=()
  for spec in "$@"; do
    tool=${spec%%|*}
    if [[ $tool == /* ]]; then
      [ -x "$tool" ] && continue
    else
      command -v "$tool" >/dev/null && continue
    fi
    missing+=("$tool (Debian package ${spec#*|})")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    for tool in "${missing[@]}"; do echo "$script: missing $tool" >&2; done
    echo "$script: run scripts/install-deps.sh, then run this again" >&2
    exit 1
  fi
}

# require_built SCRIPT BINARY...: every BINARY is built, or SCRIPT says which
# is not and exits 1.
require_built() {
  local script=$1 binary
  shift
  for binary in "$@"; do
    if [ ! -x "$binary" ]; then
      echo "$script: $binary is missing: run scripts/build.sh first" >&2
      exit 1
    fi
  done
}

# wait_for_port SCRIPT PORT_FILE LOG: waits (up to 60 s) for the server
# started in the background as $server_pid to write its port into
# PORT_FILE, and prints its base URL; or SCRIPT says the server did not
# start, with the end of LOG, and fails (which ends a script run with
# set -e, as the bench scripts are).
wait_for_port() {
  local script=$1 port_file=$2 log=$3 _
  for _ in $(seq 600); do
    [ -s "$port_file" ] && break
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  if [ ! -s "$port_file" ]; then
    echo "$script: the server did not start: $(tail -n 3 "$log")" >&2
    exit 1
  fi
  echo "http://127.0.0.1:$(cat "$port_file")"
}

# The server a script starts puts its pid in server_pid; the traps end it
# however the script ends.
server_pid=""
stop_server() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
  fi
}
trap stop_server EXIT
trap 'exit 130' INT TERM
