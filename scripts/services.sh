#!/usr/bin/env bash
# Starts / stops the project-local PostgreSQL cluster and Redis on loopback, under run/ (git-ignored).
# PostgreSQL refuses to run as root, so the cluster belongs to the unprivileged `postgres` user.
# Idempotent: `start` reuses a running cluster and creates the roles and database only when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
set -a; . run/.env; set +a
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
PGDATA=$ROOT/run/pgdata
PGSOCK=$ROOT/run/pgsock
as_postgres() {
  if [ "$(id -un)" = "postgres" ] || [ "$(id -u)" -ne 0 ]; then "$@"; else runuser -u postgres -- "$@"; fi
}
psql_admin() { as_postgres "$PGBIN/psql" -h "$PGSOCK" -p "$PRM_DB_PORT" -U postgres -v ON_ERROR_STOP=1 -qtA "$@"; }

start_postgres() {
  mkdir -p "$PGSOCK"
  if [ ! -s "$PGDATA/PG_VERSION" ]; then
    mkdir -p "$PGDATA"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$PGDATA" "$PGSOCK"
    as_postgres "$PGBIN/initdb" -D "$PGDATA" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
      --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  fi
  [ "$(id -u)" -eq 0 ] && chown postgres: "$PGSOCK"
  if ! as_postgres "$PGBIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; then
    if "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$PRM_DB_PORT"; then
      echo "Port $PRM_DB_PORT is taken by another PostgreSQL (another checkout's run/?). Stop it first." >&2
      exit 1
    fi
    as_postgres "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w start \
      -o "-c listen_addresses=127.0.0.1 -p $PRM_DB_PORT -k $PGSOCK -c fsync=off -c synchronous_commit=off -c shared_buffers=4GB -c wal_buffers=64MB -c max_wal_size=8GB -c checkpoint_timeout=30min" >/dev/null
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
SQL
  if [ -z "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '$PRM_DB_NAME'")" ]; then
    psql_admin -c "CREATE DATABASE $PRM_DB_NAME OWNER $PRM_DB_OWNER_USER"
  fi
}

start_redis() {
  mkdir -p run/redis
  if ! redis-cli -p 63799 ping >/dev/null 2>&1; then
    redis-server --port 63799 --bind 127.0.0.1 --daemonize yes --dir "$ROOT/run/redis" \
      --pidfile "$ROOT/run/redis.pid" --logfile "$ROOT/run/redis.log" --save "" --appendonly no
    for _ in $(seq 50); do redis-cli -p 63799 ping >/dev/null 2>&1 && break; sleep 0.1; done
  fi
}

stop_all() {
  as_postgres "$PGBIN/pg_ctl" -D "$PGDATA" -m fast stop >/dev/null 2>&1 || true
  redis-cli -p 63799 shutdown nosave >/dev/null 2>&1 || true
}

case "${1:-start}" in
  start) start_postgres; start_redis ;;
  stop) stop_all ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
