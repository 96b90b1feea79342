#!/usr/bin/env bash
# Starts / stops this checkout's PostgreSQL cluster and Redis on loopback, on the ports of its run/.env.
# PostgreSQL refuses to run as root, so the cluster belongs to the unprivileged `postgres` user; its data
# directory and socket are in PRM_PG_DIR (see scripts/env.sh), Redis's files under run/ (git-ignored).
# The cluster is durable (fsync, synchronous commit): the demo is what a small vendor may run for real.
# The test database alone trades durability for speed (tests/conftest.py).
# Idempotent: `start` reuses a running cluster, creates the roles and database when missing and sets the role
# passwords of run/.env. `stop` stops this checkout's cluster and Redis only.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
PGDATA=$PRM_PG_DIR/pgdata
PGSOCK=$PRM_PG_DIR/pgsock
as_postgres() {  # from / : the postgres user may not enter the checkout
  if [ "$(id -un)" = "postgres" ] || [ "$(id -u)" -ne 0 ]; then "$@"; else (cd / && runuser -u postgres -- "$@"); fi
}
psql_admin() { as_postgres "$PGBIN/psql" -h "$PGSOCK" -p "$PRM_DB_PORT" -U postgres -v ON_ERROR_STOP=1 -qtA "$@"; }

start_postgres() {
  mkdir -p "$PGDATA" "$PGSOCK"
  [ "$(id -u)" -eq 0 ] && chown postgres: "$PGDATA" "$PGSOCK"
  if ! as_postgres test -w "$PGDATA" -a -w "$PGSOCK"; then
    echo "The postgres user cannot write $PGDATA and $PGSOCK: set PRM_PG_DIR in $ROOT/run/.env" \
      "to a folder it can enter (not under a private home folder)." >&2
    exit 1
  fi
  if [ ! -s "$PGDATA/PG_VERSION" ]; then
    as_postgres "$PGBIN/initdb" -D "$PGDATA" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
      --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  fi
  if ! as_postgres "$PGBIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; then
    require_free_port PRM_DB_PORT
    as_postgres "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w start \
      -o "-c listen_addresses=127.0.0.1 -p $PRM_DB_PORT -k $PGSOCK -c shared_buffers=4GB -c wal_buffers=64MB -c max_wal_size=8GB -c checkpoint_timeout=30min" >/dev/null
  fi
  # Two roles: the owner runs migrations; the application role is neither owner nor superuser,
  # so FORCE ROW LEVEL SECURITY applies to every query the application makes.
  psql_admin <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$PRM_DB_OWNER_USER') THEN
    CREATE ROLE $PRM_DB_OWNER_USER LOGIN CREATEDB PASSWORD '$PRM_DB_OWNER_PASSWORD';
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$PRM_DB_APP_USER') THEN
    CREATE ROLE $PRM_DB_APP_USER LOGIN NOSUPERUSER NOCREATEDB NOBYPASSRLS PASSWORD '$PRM_DB_APP_PASSWORD';
  END IF;
END \$\$;
ALTER ROLE $PRM_DB_OWNER_USER PASSWORD '$PRM_DB_OWNER_PASSWORD';
ALTER ROLE $PRM_DB_APP_USER PASSWORD '$PRM_DB_APP_PASSWORD';
SQL
  if [ -z "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '$PRM_DB_NAME'")" ]; then
    psql_admin -c "CREATE DATABASE $PRM_DB_NAME OWNER $PRM_DB_OWNER_USER"
  fi
}

start_redis() {
  mkdir -p run/redis
  case "$PRM_REDIS_URL" in
    *"127.0.0.1:$PRM_REDIS_PORT/"*) ;;
    *) echo "PRM_REDIS_URL ($PRM_REDIS_URL) does not use PRM_REDIS_PORT ($PRM_REDIS_PORT): fix run/.env." >&2; exit 1 ;;
  esac
  if [ -f run/redis.pid ] && kill -0 "$(cat run/redis.pid)" 2>/dev/null; then
    return
  fi
  require_free_port PRM_REDIS_PORT
  redis-server --port "$PRM_REDIS_PORT" --bind 127.0.0.1 --daemonize yes --dir "$ROOT/run/redis" \
    --pidfile "$ROOT/run/redis.pid" --logfile "$ROOT/run/redis.log" --save "" --appendonly no
  for _ in $(seq 50); do redis-cli -p "$PRM_REDIS_PORT" ping >/dev/null 2>&1 && return; sleep 0.1; done
  echo "Redis did not start on port $PRM_REDIS_PORT: see run/redis.log." >&2
  exit 1
}

stop_all() {
  as_postgres "$PGBIN/pg_ctl" -D "$PGDATA" -m fast stop >/dev/null 2>&1 || true
  stop_pidfile run/redis.pid
}

case "${1:-start}" in
  start) start_postgres; start_redis ;;
  stop) stop_all ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
