#!/usr/bin/env bash
# Writes run/.env once with local-only secrets and connection settings for the project-local services.
# Production sets these variables itself (see docker-compose.yml); nothing here is used there.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p run
[ -f run/.env ] && exit 0
rand() { python3 -c 'import secrets; print(secrets.token_urlsafe(32))'; }
cat > run/.env <<ENV
PRM_SECRET_KEY=$(rand)
PRM_DEBUG=0
PRM_ALLOWED_HOSTS=.localhost,localhost,127.0.0.1
PRM_BASE_DOMAIN=localhost
PRM_PLATFORM_HOST=localhost
PRM_DB_HOST=127.0.0.1
PRM_DB_PORT=54329
PRM_DB_NAME=prm
PRM_DB_APP_USER=prm_app
PRM_DB_APP_PASSWORD=$(rand)
PRM_DB_OWNER_USER=prm_owner
PRM_DB_OWNER_PASSWORD=$(rand)
PRM_REDIS_URL=redis://127.0.0.1:63799/0
PRM_EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend
PRM_EMAIL_FILE_PATH=$PWD/run/mail
PRM_MEDIA_ROOT=$PWD/run/media
ENV
echo "wrote run/.env"
