#!/bin/sh
# Runs once, when the data directory is first created (docker-entrypoint-initdb.d). Passwords come from the
# environment (the chart's Secret), never from this file.
#   sample_api: the API's role, owning the database "sample".
#   autotune:   the operator's role: pg_monitor (read pg_stat_activity, pg_settings) and ALTER SYSTEM on
#               max_connections only (PostgreSQL 15+), plus pg_reload_conf(); not a superuser.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v app_password="$APP_PASSWORD" -v tuner_password="$TUNER_PASSWORD" <<'SQL'
CREATE ROLE sample_api LOGIN PASSWORD :'app_password';
CREATE DATABASE sample OWNER sample_api;
CREATE ROLE autotune LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'tuner_password';
GRANT pg_monitor TO autotune;
GRANT ALTER SYSTEM ON PARAMETER max_connections TO autotune;
GRANT EXECUTE ON FUNCTION pg_reload_conf() TO autotune;
SQL
