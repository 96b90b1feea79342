#!/usr/bin/env bash
# Writes run/.env once with local-only secrets and connection settings for the project-local services.
# Production sets these variables itself (see docker-compose.yml); nothing here is used there.
#
# Each checkout gets its own ports and its own cluster folder, derived from the checkout's path, so two
# checkouts on one machine do not meet. Choose other ports by setting PRM_PORT (web), PRM_DB_PORT and
# PRM_REDIS_PORT when run/.env is first written, or by editing run/.env (keep PRM_REDIS_URL's port in step).
# Run as root, the cluster (data directory and socket) lives outside the checkout in a folder the `postgres`
# user can enter (a checkout under /root is closed to it); run as another user, under run/.
#
# Idempotent: an existing run/.env is kept; a variable added since it was written is appended with the value
# that checkout has always used, so services already running from it keep working.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
mkdir -p run

checkout_id=$(printf %s "$ROOT" | sha1sum | cut -c1-12)
slot=$((16#${checkout_id:0:6} % 1000))

rand() { python3 -c 'import secrets; print(secrets.token_urlsafe(32))'; }

cluster_dir() {
  local postgres_home
  if [ "$(id -u)" -eq 0 ]; then
    postgres_home=$(getent passwd postgres | cut -d: -f6 || true)
    echo "${postgres_home:-/var/lib/postgresql}/prm-$checkout_id"
  else
    echo "$ROOT/run"
  fi
}

write_new() {
  local redis_port
  redis_port=${PRM_REDIS_PORT:-$((26000 + slot))}
  cat > run/.env <<ENV
PRM_SECRET_KEY=$(rand)
PRM_DEBUG=0
PRM_ALLOWED_HOSTS=.localhost,localhost,127.0.0.1
PRM_BASE_DOMAIN=localhost
PRM_PLATFORM_HOST=localhost
PRM_PORT=${PRM_PORT:-$((27000 + slot))}
PRM_PG_DIR=$(cluster_dir)
PRM_DB_HOST=127.0.0.1
PRM_DB_PORT=${PRM_DB_PORT:-$((25000 + slot))}
PRM_DB_NAME=prm
PRM_DB_APP_USER=prm_app
PRM_DB_APP_PASSWORD=$(rand)
PRM_DB_OWNER_USER=prm_owner
PRM_DB_OWNER_PASSWORD=$(rand)
PRM_REDIS_PORT=$redis_port
PRM_REDIS_URL=redis://127.0.0.1:$redis_port/0
PRM_EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend
PRM_EMAIL_FILE_PATH=$ROOT/run/mail
PRM_MEDIA_ROOT=$ROOT/run/media
ENV
  echo "wrote run/.env (web port $(grep ^PRM_PORT= run/.env | cut -d= -f2), cluster in $(cluster_dir))"
}

# The values a run/.env written before these variables existed has always meant.
append_missing() {
  local redis_url
  redis_url=$(sed -n 's/^PRM_REDIS_URL=//p' run/.env)
  append_if_missing PRM_PORT 8000
  append_if_missing PRM_PG_DIR "$ROOT/run"
  append_if_missing PRM_REDIS_PORT "$(echo "$redis_url" | sed -n 's|^redis://[^:/]*:\([0-9]*\).*|\1|p' | grep . || echo 63799)"
}

append_if_missing() {
  grep -q "^$1=" run/.env || echo "$1=$2" >> run/.env
}

if [ -f run/.env ]; then append_missing; else write_new; fi
