#!/usr/bin/env bash
# EF Core beside raw Npgsql on the agent's tuned pool: one process (bench/Autotune.EfBench) serves the same
# primary-key read as the same JSON on four data paths; wrk loads each in turn, in paired rounds, and the section
# "EF Core beside raw Npgsql" of bench/results/sample-api.md is rewritten with the result. Starts its own
# PostgreSQL on loopback (servers.sh). Settings (env): BENCH_DURATION (default 10s), BENCH_CONNECTIONS (default 32),
# BENCH_POOL (default 8), BENCH_ROUNDS (odd, default 5).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=$root/bench/results/sample-api.md
duration=${BENCH_DURATION:-10s}
connections=${BENCH_CONNECTIONS:-32}
pool=${BENCH_POOL:-8}
rounds=${BENCH_ROUNDS:-5}
paths=(npgsql ef ef-compiled dapper)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
pgport=$(free_port) redisport=$(free_port) apiport=$(free_port) metricsport=$(free_port)

work=$(mktemp -d /tmp/ef-bench.XXXXXX)
chmod 755 "$work"
api_pid=
cleanup() {
  [ -n "$api_pid" ] && kill "$api_pid" 2>/dev/null && wait "$api_pid" 2>/dev/null || true
  "$here/servers.sh" stop "$work/servers" || true
  rm -rf "$work"
}
trap cleanup EXIT

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
started=$(date -u '+%Y-%m-%d %H:%M UTC')
dotnet publish "$root/bench/Autotune.EfBench" -c Release -o "$work/app" --nologo -v q >/dev/null
"$here/servers.sh" start "$work/servers" "$pgport" "$redisport"
psql_() { psql -h 127.0.0.1 -p "$pgport" -U postgres -v ON_ERROR_STOP=1 -qAt "$@"; }
psql_ -d postgres -c "CREATE DATABASE bench"
psql_ -d bench -c "CREATE TABLE users (id bigint PRIMARY KEY, name text NOT NULL, email text NOT NULL)" \
  -c "INSERT INTO users SELECT g, 'user ' || g, 'user' || g || '@example.com' FROM generate_series(1, 100000) g" -c "ANALYZE users"

ConnectionStrings__Postgres="Host=127.0.0.1;Port=$pgport;Username=postgres;Database=bench;Maximum Pool Size=$pool;Max Auto Prepare=20;No Reset On Close=true" \
  AUTOTUNE_METRICS_PORT=$metricsport AUTOTUNE_METRICS_ADDRESS=127.0.0.1 \
  "$work/app/Autotune.EfBench" --urls "http://127.0.0.1:$apiport" >"$work/api.log" 2>&1 &
api_pid=$!
for _ in $(seq 1 600); do curl -sf "http://127.0.0.1:$apiport/npgsql/1" >/dev/null 2>&1 && break; sleep 0.1; done
for path in "${paths[@]}"; do
  curl -sf "http://127.0.0.1:$apiport/$path/7" | grep -q '"email":"user7@example.com"' || { echo "$path answers wrong" >&2; cat "$work/api.log" >&2; exit 1; }
done

api_cpu_us() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.0f", ($14 + $15) * 1000000 / hz }' "/proc/$api_pid/stat"; }
# load PATH SECONDS: prints "rps p50 p99 non2xx errors cpu_us_per_request"
load() {
  local cpu0 cpu1 result requests
  cpu0=$(api_cpu_us)
  MODE=users USER_PATH="/$1/" MAX_ID=100000 WRITE_SHARE=0 wrk -t2 -c"$connections" -d"$2" --timeout 10s --latency \
    -s "$here/load.lua" "http://127.0.0.1:$apiport" >"$work/wrk.txt"
  cpu1=$(api_cpu_us)
  requests=$(awk '/ requests in / { print $1; exit }' "$work/wrk.txt")
  result=$("$here/parse.sh" <"$work/wrk.txt")
  echo "$result $(( (cpu1 - cpu0) / (requests > 0 ? requests : 1) ))"
}

# Warm every path (the JIT's tiers, EF Core's query cache, prepared statements) before any measured round.
for path in "${paths[@]}"; do for _ in 1 2 3 4; do load "$path" 3s >/dev/null; done; done

declare -A rps_of cpu_of cell_of
declare -A ratios
round_rows=()
over() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
for round in $(seq 1 "$rounds"); do
  # Each round starts one path later, so no path always runs first (or right after another) while the
  # machine's other work comes and goes.
  for i in "${!paths[@]}"; do
    path=${paths[$(( (i + round - 1) % ${#paths[@]} ))]}
    read -r rps p50 p99 bad errors cpu <<<"$(load "$path" "$duration")"
    rps_of[$path]=$rps cpu_of[$path]=$cpu cell_of[$path]="$rps | $p50 | $p99 | $cpu |"
    [ "$((bad + errors))" -eq 0 ] || { echo "$path: $bad non-2xx, $errors socket errors" >&2; exit 1; }
    echo "round $round $path: $rps req/s, p50 $p50 ms, p99 $p99 ms, $cpu us CPU/request"
  done
  row="| $round |"
  for path in "${paths[@]}"; do row="$row ${cell_of[$path]}"; done
  for path in ef ef-compiled dapper; do
    ratios[rps-$path]+=" $(over "${rps_of[$path]}" "${rps_of[npgsql]}")"
    ratios[cpu-$path]+=" $(over "${cpu_of[$path]}" "${cpu_of[npgsql]}")"
    row="$row $(over "${rps_of[$path]}" "${rps_of[npgsql]}") |"
  done
  round_rows+=("$row")
done
median() { printf '%s\n' "$@" | sort -n | sed -n "$(( ($# + 1) / 2 ))p"; }
# shellcheck disable=SC2086 # the ratios are space-separated on purpose
m() { median ${ratios[$1]}; }
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

section=$(
  echo "<!-- ef-vs-npgsql: written by bench/sample-api/ef-vs-npgsql.sh; run.sh keeps it -->"
  echo "## EF Core beside raw Npgsql"
  echo
  echo "Measured by \`bench/sample-api/ef-vs-npgsql.sh\` on $started: one process (\`bench/Autotune.EfBench\`, Release,"
  echo "the agent added, every path on its one tuned pool of $pool, auto-prepare, no reset on close) answers"
  echo "\`GET /{path}/{id}\` with the same primary-key read of \`users\` (100,000 rows, ids uniform) as the same JSON. Each"
  echo "path warmed for 12 s, then \`wrk -t2 -c$connections -d$duration\` on each path in turn (each round starting one path later), $rounds rounds; the ratios"
  echo "are of the same round. Load average when it started: $load_before; when it ended: $load_after (2 cores;"
  echo "other builds and tests shared the machine, so the absolute numbers are low and move, the ratios less)."
  echo
  echo "Machine: $(lscpu | awk -F: '/Model name/ { gsub(/^ +/, "", $2); print $2; exit }'), $(nproc) cores; .NET $(dotnet --version);"
  echo "PostgreSQL $(ls /usr/lib/postgresql | sort -V | tail -1) (servers.sh: fsync off, shared_buffers 128MB); $(wrk -v 2>&1 | awk 'NR == 1 { print $1, $2 }')."
  echo
  echo "- \`npgsql\`: \`ITunedDataSource.OpenConnectionAsync\`, an \`NpgsqlCommand\`, a reader."
  echo "- \`ef\`: \`AddDbContextPool\` with \`UseAutotuneNpgsql(sp)\`, \`Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == id)\`."
  echo "- \`ef-compiled\`: the same query through \`EF.CompileAsyncQuery\`."
  echo "- \`dapper\`: \`QueryFirstOrDefaultAsync<User>\` on a connection from the registered \`DbDataSource\`."
  echo
  echo "| round | npgsql req/s | P50 ms | P99 ms | CPU us/req | ef req/s | P50 ms | P99 ms | CPU us/req | ef-compiled req/s | P50 ms | P99 ms | CPU us/req | dapper req/s | P50 ms | P99 ms | CPU us/req | ef / npgsql | ef-compiled / npgsql | dapper / npgsql |"
  echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
  printf '%s\n' "${round_rows[@]}"
  echo
  echo "Medians of the rounds, each path against raw Npgsql in the same round (every request of every round answered 2xx):"
  echo
  echo "| path | req/s ratio | API CPU per request ratio |"
  echo "| --- | ---: | ---: |"
  echo "| EF Core (LINQ, pooled context) | $(m rps-ef) | $(m cpu-ef) |"
  echo "| EF Core, compiled query | $(m rps-ef-compiled) | $(m cpu-ef-compiled) |"
  echo "| Dapper over the DbDataSource | $(m rps-dapper) | $(m cpu-dapper) |"
  echo
  echo "With the machine this busy, req/s moves with the other work from one 10 s slice to the next; the API's CPU"
  echo "time per request (user + system, from /proc) moves much less, and is the steadier measure of what each path costs."
  echo "<!-- /ef-vs-npgsql -->"
)
# Replace the section if the file has it, else append it.
python3 - "$out" "$section" <<'PY'
import re, sys
path, section = sys.argv[1], sys.argv[2]
text = open(path).read()
pattern = re.compile(r"<!-- ef-vs-npgsql:.*?<!-- /ef-vs-npgsql -->\n?", re.S)
text = pattern.sub(lambda _: section + "\n", text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + section + "\n"
open(path, "w").write(text)
PY
echo "wrote the EF Core section of $out"
