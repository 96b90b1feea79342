#!/usr/bin/env bash
# First start of the postgres container: the two roles and the database (as scripts/services.sh does locally).
set -euo pipefail
psql -v ON_ERROR_STOP=1 -U postgres <<SQL
CREATE ROLE prm_owner LOGIN PASSWORD '${PRM_DB_OWNER_PASSWORD}';
CREATE ROLE prm_app LOGIN NOSUPERUSER NOCREATEDB NOBYPASSRLS PASSWORD '${PRM_DB_APP_PASSWORD}';
CREATE DATABASE prm OWNER prm_owner;
SQL
