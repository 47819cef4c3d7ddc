# Helpers the bench scripts share; sourced, not run.

# seconds_since START: wall seconds from START (an $EPOCHREALTIME) to now.
seconds_since() {
  awk -v start="$1" -v end="$EPOCHREALTIME" 'BEGIN { printf "%.3f", end - start }'
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
