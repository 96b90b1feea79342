#!/usr/bin/env bash
# Installs the Debian packages the project needs when they are missing (idempotent).
# PostgreSQL 15 and Redis run project-local (see scripts/services.sh); Chromium drives browser tests;
# Pango/HarfBuzz/fonts are WeasyPrint's runtime; gettext compiles translations; wrk drives bench/pages.py.
set -euo pipefail
packages=(postgresql-15 postgresql-contrib redis-server chromium gettext wrk
          libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "Installing system packages: ${missing[*]}"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
