#!/usr/bin/env bash
# Measures `pgbench -S` (select-only) throughput at several client counts against a throwaway PostgreSQL
# started in a temp dir on 127.0.0.1, and prints one CSV row per point: clients,tps,latency_ms.
# These points calibrate the simulator's database model (bench/engine/calibration-points.csv).
# Usage: bench/engine/measure-pgbench.sh [seconds-per-point] [clients...]   (run as root or as postgres)
set -euo pipefail
secs="${1:-15}"; shift || true
clients=("${@:-1 2 4 8 16 32 64 128}")
read -r -a clients <<<"${clients[*]}"
bin="$(dirname "$(readlink -f "$(command -v initdb)")")"
dir="$(mktemp -d /tmp/autotune-pgbench.XXXXXX)"
chmod 777 "$dir"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
as_pg() { if [ "$(id -un)" = postgres ]; then "$@"; else runuser -u postgres -- "$@"; fi; }
cleanup() { as_pg "$bin/pg_ctl" -D "$dir/data" -m fast stop >/dev/null 2>&1 || true; rm -rf "$dir"; }
trap cleanup EXIT
as_pg "$bin/initdb" -D "$dir/data" -A trust -U postgres >/dev/null
as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
  -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c max_connections=200 -c shared_buffers=128MB -c fsync=off" start >/dev/null
as_pg pgbench -h 127.0.0.1 -p "$port" -U postgres -i -s 10 -q postgres >/dev/null 2>&1
echo "# $(date -u +%FT%TZ) load average: $(cut -d" " -f1-3 /proc/loadavg)"
echo "clients,tps,latency_ms,cores=$(nproc),postgres=$("$bin/postgres" --version | awk '{print $3}')"
for c in "${clients[@]}"; do
  out="$(as_pg pgbench -h 127.0.0.1 -p "$port" -U postgres -S -n -c "$c" -j 2 -T "$secs" postgres 2>&1)"
  tps="$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' <<<"$out")"
  lat="$(sed -n 's/^latency average = \([0-9.]*\) ms/\1/p' <<<"$out")"
  echo "$c,$tps,$lat"
done
