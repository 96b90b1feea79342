#!/usr/bin/env bash
# `make api-contract`: the strict API contract run of schemathesis.toml against the demo (run `make demo` first),
# as tests/api/test_api_contract.py runs it against a test server: Globex's partner admin (examples, fuzzing,
# stateful), then Acme's vendor admin (all four phases). The fuzzer creates, changes and deactivates demo objects.
# A second web server on a free port with the API rate limits raised serves the run (the demo's own keeps its
# limits: 429s would hide what the run is for); it stops at the end. Exit status 0: nothing found.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
PORT=$((PRM_PORT + 1))
require_free_port PORT
PRM_API_THROTTLE_BURST=1000000/min PRM_API_THROTTLE_SUSTAINED=100000000/day PRM_APPLICATION_RATE_LIMIT=1000000/day \
  .venv/bin/gunicorn prm.wsgi:application --bind "127.0.0.1:$PORT" --workers 2 --threads 4 \
  --pid run/contract-web.pid --error-logfile run/contract-web.log --daemon
trap 'stop_pidfile run/contract-web.pid' EXIT
for _ in $(seq 100); do
  curl -fs -o /dev/null -H "Host: localhost" "http://127.0.0.1:$PORT/health/" && break
  sleep 0.2
done
curl -fs -o /dev/null -H "Host: localhost" "http://127.0.0.1:$PORT/health/" ||
  { echo "The contract run's web server does not answer on port $PORT: see run/contract-web.log." >&2; exit 1; }
mkdir -p run/contract
status=0
run() {  # run <tenant> <e-mail> <phases>
  local key
  key=$(.venv/bin/python manage.py create_api_token --tenant "$1" --email "$2" --name "API contract run")
  curl -fs -H "Host: $1.localhost:$PORT" -H "Authorization: Token $key" -H "Accept: application/json" \
    "http://127.0.0.1:$PORT/api/schema/" > run/contract/schema.json
  echo "== $2 ($3)"
  .venv/bin/schemathesis --config-file schemathesis.toml run run/contract/schema.json \
    --url "http://127.0.0.1:$PORT" -H "Host: $1.localhost:$PORT" -H "Authorization: Token $key" \
    --phases "$3" --workers 2 || status=1
}
# The partner admin is Globex's: Acme's vendor admin run deactivates Acme's users (all but the last admin, whom
# the portal keeps), and another tenant's it cannot touch, so the command can be run again.
run globex admin@tailspin.test examples,fuzzing,stateful
run acme admin@acme.test examples,coverage,fuzzing,stateful
exit $status
