# Sourced by the set-up scripts: go to the checkout's root, complete and load its run/.env, check ports.
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
bash scripts/env.sh
set -a; . run/.env; set +a

# Refuses a port another program listens on (another checkout's services?), naming the setting to change.
require_free_port() {
  local variable=$1
  if (exec 3<>"/dev/tcp/127.0.0.1/${!variable}") 2>/dev/null; then
    echo "Port ${!variable} ($variable) is taken by another program — another checkout's services? Stop them," \
      "or choose another $variable in $ROOT/run/.env." >&2
    exit 1
  fi
}

# Stops the process whose id a pid file of this checkout names (and only it), and waits until it is gone.
stop_pidfile() {
  local pidfile=$1 pid
  [ -f "$pidfile" ] || return 0
  pid=$(cat "$pidfile")
  if kill "$pid" 2>/dev/null; then
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -f "$pidfile"
}
