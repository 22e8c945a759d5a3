#!/usr/bin/env bash
# Starts (or stops) a throwaway PostgreSQL and Redis on loopback for the benchmark, in a temp directory.
# Usage: servers.sh start DIR PGPORT REDISPORT | servers.sh stop DIR
set -euo pipefail

cmd=$1 dir=$2
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

case $cmd in
  start)
    pgport=$3 redisport=$4
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres "$dir"
    as_postgres "$pgbin/initdb" -D "$dir/pg" -U postgres --auth=trust --encoding=UTF8 --no-instructions >"$dir/initdb.log"
    cat >>"$dir/pg/postgresql.conf" <<CONF
port = $pgport
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
max_connections = 200
shared_buffers = 128MB
fsync = off
synchronous_commit = off
full_page_writes = off
CONF
    as_postgres "$pgbin/pg_ctl" -D "$dir/pg" -l "$dir/pg.log" -w start >/dev/null
    redis-server --port "$redisport" --bind 127.0.0.1 --save '' --appendonly no --dir "$dir" --daemonize yes \
      --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" >/dev/null
    ;;
  stop)
    [ -f "$dir/redis.pid" ] && kill "$(cat "$dir/redis.pid")" 2>/dev/null || true
    [ -f "$dir/pg/postmaster.pid" ] && as_postgres "$pgbin/pg_ctl" -D "$dir/pg" -m fast -w stop >/dev/null || true
    ;;
esac
