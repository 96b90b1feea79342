#!/usr/bin/env bash
# Starts (or stops) the web server (gunicorn) and a Celery worker + beat in the background, under run/.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
PORT=$PRM_PORT
stop() {
  for name in web worker beat; do
    stop_pidfile "run/$name.pid"
  done
}
start() {
  stop
  require_free_port PRM_PORT
  .venv/bin/gunicorn prm.wsgi:application --bind "127.0.0.1:$PORT" --workers 2 --threads 4 \
    --pid run/web.pid --access-logfile run/web-access.log --error-logfile run/web.log \
    --capture-output --daemon
  .venv/bin/celery -A prm worker --loglevel INFO --concurrency 2 --pidfile run/worker.pid \
    --logfile run/worker.log --detach
  .venv/bin/celery -A prm beat --loglevel INFO --pidfile run/beat.pid --logfile run/beat.log \
    --schedule run/celerybeat-schedule --detach
  for _ in $(seq 100); do
    curl -fs -o /dev/null -H "Host: localhost" "http://127.0.0.1:$PORT/health/" && break
    sleep 0.2
  done
  curl -fs -o /dev/null -H "Host: localhost" "http://127.0.0.1:$PORT/health/" ||
    { echo "The web server does not answer on port $PORT: see run/web.log." >&2; exit 1; }
  cat <<TXT

PRM portal is running.
  Acme Networks portal:   http://acme.localhost:$PORT/
  Globex Systems portal:  http://globex.localhost:$PORT/
  API docs (per portal):  http://acme.localhost:$PORT/api/docs/
  Platform admin:         http://localhost:$PORT/admin/   (operator@platform.test)

Demo logins (password for all: demo-pass-2026):
  Acme vendor admin       admin@acme.test
  Acme channel manager    cm.emea@acme.test
  Acme partner admin      admin@northwind.test      (Northwind Distribution)
  Acme partner user       rep@northwind.test
  Globex vendor admin     admin@globex.test
  Globex partner admin    admin@tailspin.test       (Tailspin Integrators)

Mail sent by the portal lands in run/mail/. Logs: run/web.log, run/worker.log. Stop with: make stop
TXT
}
case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
