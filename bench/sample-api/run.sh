#!/usr/bin/env bash
# Benchmark of the sample API on loopback: starts its own PostgreSQL and Redis in a temp directory, loads the API
# with wrk, runs pgbench -S, and writes bench/results/sample-api.md. Not a test; takes about 15 minutes.
# Settings (env): BENCH_DURATION (default 10s), BENCH_CONNECTIONS (default 32), BENCH_POOL (default 8),
# BENCH_ROUNDS (paired rounds per ratio target, odd, default 5).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=$root/bench/results/sample-api.md
# The section ef-vs-npgsql.sh writes is measured apart: this run rewrites the file and keeps that section.
kept_section=$(sed -n '/^<!-- ef-vs-npgsql:/,/^<!-- \/ef-vs-npgsql -->/p' "$out" 2>/dev/null || true)
duration=${BENCH_DURATION:-10s}
connections=${BENCH_CONNECTIONS:-32}
pool=${BENCH_POOL:-8}
rounds=${BENCH_ROUNDS:-5}
sweep_connections=64
key=bench-key
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || shuf -i 20000-60000 -n 1; }
pgport=$(free_port) redisport=$(free_port) apiport=$(free_port) metricsport=$(free_port)

for tool in wrk pgbench redis-server dotnet; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install wrk postgresql redis-server)" >&2; exit 1; }
done

work=$(mktemp -d /tmp/sample-api-bench.XXXXXX)
chmod 755 "$work"
api_pid=
cleanup() {
  [ -n "$api_pid" ] && kill "$api_pid" 2>/dev/null && wait "$api_pid" 2>/dev/null || true
  "$here/servers.sh" stop "$work/servers" || true
  # Keep the logs of the last run for diagnosis.
  rm -rf /tmp/sample-api-bench-logs && mkdir -p /tmp/sample-api-bench-logs && cp "$work"/*.log "$work"/*.txt /tmp/sample-api-bench-logs/ 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
echo "building the API (Release)..."
dotnet publish "$root/sample-api/SampleApi" -c Release -o "$work/app" --nologo -v q >/dev/null
"$here/servers.sh" start "$work/servers" "$pgport" "$redisport"
psql_() { psql -h 127.0.0.1 -p "$pgport" -U postgres -v ON_ERROR_STOP=1 -qAt "$@"; }
psql_ -d postgres -c "CREATE DATABASE bench" -c "CREATE DATABASE pgbench"
pg="Host=127.0.0.1;Port=$pgport;Username=postgres;Database=bench"

# start_api NAME [ENV=VALUE...]: a fresh API process (a cold thread pool for every sweep point), waits for /readyz.
start_api() {
  local name=$1; shift
  env ConnectionStrings__Postgres="$pg;Maximum Pool Size=$pool" ConnectionStrings__Redis="127.0.0.1:$redisport" \
    SampleApi__ApiKey=$key SampleApi__RateLimitPerSecond=100000000 SampleApi__RateLimitBurst=100000000 \
    AUTOTUNE_METRICS_PORT=$metricsport AUTOTUNE_METRICS_ADDRESS=127.0.0.1 Logging__LogLevel__Default=Warning \
    "$@" "$work/app/SampleApi" --urls "http://127.0.0.1:$apiport" >"$work/api-$name.log" 2>&1 &
  api_pid=$!
  for _ in $(seq 1 600); do
    curl -sf "http://127.0.0.1:$apiport/readyz" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "the API did not get ready; log:" >&2; cat "$work/api-$name.log" >&2; exit 1
}
stop_api() { kill "$api_pid" 2>/dev/null || true; wait "$api_pid" 2>/dev/null || true; api_pid=; }
applied() { { curl -s "http://127.0.0.1:$metricsport/metrics" || true; } | awk -v m="$1" '$1 ~ "^"m"({|$)" { print $2; exit }'; }

# load NAME MODE MAX_ID WRITE_SHARE CONNECTIONS DURATION: runs wrk, prints "rps p50 p99 non2xx errors".
# USER_PATH (env) replaces /users/ in "users" mode. Also leaves the API's CPU time (microseconds) and managed bytes
# allocated per request of the run in $work/cost-NAME.txt.
load() {
  local cpu0 cpu1 alloc0 alloc1 requests
  cpu0=$(api_cpu_us) alloc0=$(applied dotnet_gc_heap_total_allocated_bytes_total)
  API_KEY=$key MODE=$2 MAX_ID=$3 WRITE_SHARE=$4 wrk -t2 -c"$5" -d"$6" --timeout 10s --latency -s "$here/load.lua" \
    "http://127.0.0.1:$apiport" >"$work/wrk-$1.txt"
  cpu1=$(api_cpu_us) alloc1=$(applied dotnet_gc_heap_total_allocated_bytes_total)
  requests=$(awk '/ requests in / { print $1; exit }' "$work/wrk-$1.txt")
  awk -v c=$((cpu1 - cpu0)) -v a0="${alloc0:-0}" -v a1="${alloc1:-0}" -v n="${requests:-0}" \
    'BEGIN { if (n > 0) printf "%.0f %.0f\n", c / n, (a1 - a0) / n; else print "? ?" }' >"$work/cost-$1.txt"
  "$here/parse.sh" <"$work/wrk-$1.txt"
}
api_cpu_us() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.0f", ($14 + $15) * 1000000 / hz }' "/proc/$api_pid/stat"; }

# warm NAME MODE MAX_ID WRITE_SHARE: loads in 3 s slices until throughput stops rising (the JIT's tiers have settled:
# a fresh process needs well over 3 s of this load before its hot path is fully optimised, more on a busy machine),
# at least 4 and at most 12 slices. Prints the seconds it took.
warm() {
  local slice best=0 flat=0 rps
  for slice in $(seq 1 12); do
    rps=$(load "warm-$1-$slice" "$2" "$3" "$4" "$connections" 3s | cut -d' ' -f1)
    if [ "$rps" -gt $((best + best / 20)) ]; then best=$rps flat=0; else flat=$((flat + 1)); fi
    [ "$slice" -ge 4 ] && [ "$flat" -ge 2 ] && break
  done
  echo $((slice * 3))
}

rows=() csv=()
median() { printf '%s\n' "$@" | sort -n | sed -n "$(( ($# + 1) / 2 ))p"; }
record() { # record SCENARIO "rps p50 p99 non2xx errors" [NOTE]
  read -r rps p50 p99 bad errors <<<"$2"
  rows+=("| $1 | $rps | $p50 | $p99 | $bad | $errors | ${3:-} |")
  echo "$1: $rps req/s, p50 $p50 ms, p99 $p99 ms, non-2xx $bad, socket errors $errors"
}

# --- The API against its baselines --------------------------------------------------------------------------
start_api main SampleApi__BareEndpoint=true
secs=$(warm bare bare 1 0)
bare=$(load bare bare 1 0 "$connections" "$duration"); record "bare endpoint, no middleware (GET /bare)" "$bare" "warm-up ${secs} s"
healthz=$(load healthz healthz 1 0 "$connections" "$duration"); record "GET /healthz through the whole middleware pipeline" "$healthz"
secs=$(warm local users 1000 0)
local_hit=$(load local users 1000 0 "$connections" "$duration"); record "GET /users/{id}, in-process cache hit (1,000 hot ids)" "$local_hit" "warm-up ${secs} s"
stop_api

start_api redis SampleApi__Cache__LocalEnabled=false SampleApi__BareEndpoint=true
secs=$(warm redis users 1000 0)
redis_hit=$(load redis users 1000 0 "$connections" "$duration"); record "GET /users/{id}, Redis hit, in-process cache off" "$redis_hit" "warm-up ${secs} s"
# Paired rounds for the Redis target: the bare endpoint and the Redis hit of this one process, one right after the
# other, $rounds times; the target's ratio is the median round (see the uncached pairs below for why).
warm redis-bare bare 1 0 >/dev/null
redis_pairs=() redis_ratios=()
for round in $(seq 1 "$rounds"); do
  p_bare=$(load "redis-bare-$round" bare 1 0 "$connections" "$duration")
  p_redis=$(load "redis-hit-$round" users 1000 0 "$connections" "$duration")
  p_ratio=$(awk -v a="${p_redis%% *}" -v b="${p_bare%% *}" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
  redis_pairs+=("| $round | ${p_bare%% *} | ${p_redis%% *} | $p_ratio | $(( $(echo "$p_bare" | cut -d' ' -f4) + $(echo "$p_redis" | cut -d' ' -f4) )) |")
  redis_ratios+=("$p_ratio")
  echo "paired round $round: bare ${p_bare%% *} req/s, Redis hit ${p_redis%% *} req/s, ratio $p_ratio"
done
redis_median=$(median "${redis_ratios[@]}")
stop_api

# --- pgbench -S: the database's own ceiling ---------------------------------------------------------------
pgbench -h 127.0.0.1 -p "$pgport" -U postgres -i -s 10 -q pgbench >/dev/null 2>&1
pgbench_tps() { # pgbench_tps CLIENTS: one run of the select-only script; prints its tps, leaves its latency log
  rm -f "$work"/pgbench_log*
  (cd "$work" && pgbench -h 127.0.0.1 -p "$pgport" -U postgres -S -M prepared -c "$1" -j 2 -T "${duration%s}" -l pgbench 2>/dev/null \
    | awk '/^tps = / { printf "%.0f", $3; exit }')
}
pgb_best=0 pgb_best_clients=0 pgb_rows=()
for clients in 2 8 16 32 64; do
  tps=$(pgbench_tps "$clients")
  read -r p50 p99 <<<"$(cat "$work"/pgbench_log* | awk '{ print $3 / 1000 }' | sort -n | awk '{ a[NR] = $1 } END { printf "%.3f %.3f", a[int(NR * 0.5)], a[int(NR * 0.99)] }')"
  pgb_rows+=("| pgbench -S -M prepared, $clients clients | $tps | $p50 | $p99 | 0 | 0 | |")
  csv+=("pgbench_select,clients,$clients,$tps,$p50,$p99,0")
  echo "pgbench -S $clients clients: $tps tps, p50 $p50 ms, p99 $p99 ms"
  if [ "$tps" -gt "$pgb_best" ]; then pgb_best=$tps pgb_best_clients=$clients; fi
done

# Uncached: both caches off by their settings, so every read is served by PostgreSQL. The same process also serves
# the layers of that path (GET /bare/..., mapped before every middleware): each adds one layer to the one before, so
# the differences are what each layer costs. Every layer is warmed on its own (its code is JIT-compiled separately).
layer_names=() layer_descriptions=() layer_paths=()
layer() { # layer NAME PATH DESCRIPTION: warms one layer until its throughput settles
  local secs
  secs=$(USER_PATH=$2 warm "$1" users 100000 0)
  echo "$secs" >"$work/layer-$1-warm.txt"
  layer_names+=("$1") layer_descriptions+=("$3") layer_paths+=("$2")
}
start_api uncached SampleApi__BareEndpoint=true SampleApi__Cache__LocalEnabled=false SampleApi__Cache__RedisEnabled=false
layer minimal /bare/npgsql/ "minimal endpoint: one primary-key read on a plain Npgsql data source, no middleware (\`GET /bare/npgsql/{id}\`)"
layer tuned /bare/tuned/ "+ the connection comes from the agent's ITunedDataSource: lease, wait and use time histograms (\`GET /bare/tuned/{id}\`)"
layer store /bare/store/ "+ UserStore.FindAsync: the idempotent-read retry wrapper (\`GET /bare/store/{id}\`)"
layer reader /bare/reader/ "+ UserReader.GetAsync: cache checks (both off), single-flight, the read counter (\`GET /bare/reader/{id}\`)"
layer uncached /users/ "+ the middleware pipeline, routing and the minimal-API endpoint: \`GET /users/{id}\`"
# Two passes over the warmed layers, one after the other, so that a busy spell of the machine does not land on one
# layer only; each layer's line is the mean of its two runs: "rps p50 p99 non2xx errors cpu_us bytes warm_s".
for pass in 1 2; do
  for i in "${!layer_names[@]}"; do
    name=${layer_names[$i]}
    result=$(USER_PATH=${layer_paths[$i]} load "$name-$pass" users 100000 0 "$connections" "$duration")
    echo "$result $(cat "$work/cost-$name-$pass.txt")" >>"$work/layer-$name-runs.txt"
    echo "layer $name pass $pass: $result, API CPU us and bytes allocated per request $(cat "$work/cost-$name-$pass.txt")"
  done
done
for name in "${layer_names[@]}"; do
  # Bytes: the smallest non-zero reading. The runtime's allocation counter has been seen to read unchanged over one
  # run and catch up in the next (0, then three runs' worth), which a mean would turn into two wrong values.
  awk -v warm="$(cat "$work/layer-$name-warm.txt")" '{ for (f = 1; f <= 6; f++) s[f] += $f; if ($7 > 0 && (b == "" || $7 < b)) b = $7 } END {
    printf "%.0f %.3f %.3f %d %d %.0f %s %s\n", s[1] / NR, s[2] / NR, s[3] / NR, s[4], s[5], s[6] / NR, (b == "" ? "?" : b), warm }' \
    "$work/layer-$name-runs.txt" >"$work/layer-$name.txt"
done
uncached=$(cut -d' ' -f1-5 "$work/layer-uncached.txt") minimal=$(cut -d' ' -f1-5 "$work/layer-minimal.txt")
record "GET /users/{id}, uncached (PostgreSQL, pool $pool)" "$uncached" "both caches off by their settings; mean of two runs; warm-up $(cut -d' ' -f8 "$work/layer-uncached.txt") s"
record "minimal endpoint: one Npgsql primary-key read, no middleware (GET /bare/npgsql/{id})" "$minimal" "same process as the row above; mean of two runs"
echo "(the two uncached rows are the means of two ${duration} runs each, see the layer table)"
# against_pgbench NAME: $rounds paired rounds of the running API's uncached endpoint (runs NAME-1...) each followed
# right after by pgbench -S at the sweep's best client count. Each round's ratio compares two runs seconds apart, so
# a busy spell of the shared machine lands on both sides of it; the median round is the ratio. Leaves the table rows
# in pair_rows and the median in pair_median.
against_pgbench() {
  local round p_api p_pgb p_ratio ratios=()
  pair_rows=()
  for round in $(seq 1 "$rounds"); do
    p_api=$(load "$1-$round" users 100000 0 "$connections" "$duration")
    p_pgb=$(pgbench_tps "$pgb_best_clients")
    p_ratio=$(awk -v a="${p_api%% *}" -v b="$p_pgb" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
    pair_rows+=("| $round | ${p_api%% *} | $(cut -d' ' -f1 "$work/cost-$1-$round.txt") | $p_pgb | $p_ratio | $(echo "$p_api" | cut -d' ' -f4) |")
    ratios+=("$p_ratio")
    echo "$1 round $round: uncached ${p_api%% *} req/s, pgbench -S ($pgb_best_clients clients) $p_pgb tps, ratio $p_ratio"
  done
  pair_median=$(median "${ratios[@]}")
}
# The uncached target, in the process of the layer table.
against_pgbench paired
paired_rows=("${pair_rows[@]}") paired_median=$pair_median
stop_api

# Reference, not how the API runs: the same uncached endpoint with Npgsql's multiplexing on, paired with pgbench -S the
# same way. Multiplexing writes the commands of concurrent requests over shared connections, so a request never waits
# for a connection of its own; the API does not use it (docs/sample-api.md, "Why the API does not multiplex").
start_api multiplexing SampleApi__Cache__LocalEnabled=false SampleApi__Cache__RedisEnabled=false \
  ConnectionStrings__Postgres="$pg;Maximum Pool Size=$pool;Multiplexing=true"
warm multiplexing users 100000 0 >/dev/null
against_pgbench multiplexing
mux_rows=("${pair_rows[@]}") mux_median=$pair_median
stop_api

start_api mix
warm mix users 100000 0.2 >/dev/null
mix=$(load mix users 100000 0.2 "$connections" "$duration")
rss_kb=$(awk '/VmHWM/ { print $2 }' "/proc/$api_pid/status")
record "80/20 read/write mix (GET / PUT /users/{id}, caches on)" "$mix" "peak RSS $((rss_kb / 1024)) MB"
stop_api

# --- Demonstration profiles, mis-tuned to well-tuned ---------------------------------------------------------
# Each point is a fresh process with the settings in its tuning file (AUTOTUNE_TUNING_FILE), caches off.
sweep() { # sweep PROFILE KNOB VALUE MIN_THREADS POOL ENV...
  local profile=$1 knob=$2 value=$3 threads=$4 size=$5; shift 5
  local file="$work/tuning-$profile-$value.json"
  if [ "$threads" = default ]; then
    printf '{"generation":1,"dbMaxPoolSize":%s}\n' "$size" >"$file"
  else
    printf '{"generation":1,"threadPoolMinThreads":%s,"dbMaxPoolSize":%s}\n' "$threads" "$size" >"$file"
  fi
  start_api "$profile-$value" AUTOTUNE_TUNING_FILE="$file" SampleApi__Cache__LocalEnabled=false SampleApi__Cache__RedisEnabled=false "$@"
  for _ in $(seq 1 50); do [ "$(applied autotune_tuning_generation)" = 1 ] && break; sleep 0.1; done
  local applied_threads applied_pool result
  applied_threads=$(applied autotune_tuning_thread_pool_min_threads) applied_pool=$(applied autotune_tuning_db_max_pool_size)
  result=$(load "$profile-$value" users 100000 0 "$sweep_connections" "$duration")
  stop_api
  read -r rps p50 p99 bad errors <<<"$result"
  sweep_rows+=("| $profile | $knob | $value | ${applied_threads:-?} | ${applied_pool:-?} | $rps | $p50 | $p99 | $bad | $errors |")
  csv+=("$profile,$knob,$value,$rps,$p50,$p99,$((bad + errors))")
  echo "$profile $knob=$value (applied min threads ${applied_threads:-?}, pool ${applied_pool:-?}): $rps req/s, p50 $p50 ms, p99 $p99 ms, non-2xx $bad, errors $errors"
}
sweep_rows=()
blocking_env=(SampleApi__Demo__BlockingDataPath=true SampleApi__Demo__SimulatedRoundTripMilliseconds=20)
for threads in 2 8 16 32 64; do sweep blocking_data_path min_threads "$threads" "$threads" 64 "${blocking_env[@]}"; done
roundtrip_env=(SampleApi__Demo__SimulatedRoundTripMilliseconds=20)
for size in 2 4 8 16 32 64; do sweep simulated_round_trip pool_size "$size" default "$size" "${roundtrip_env[@]}"; done

load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# --- Report -------------------------------------------------------------------------------------------------
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
bare_rps=${bare%% *} local_rps=${local_hit%% *} redis_rps=${redis_hit%% *} uncached_rps=${uncached%% *} minimal_rps=${minimal%% *}
mkdir -p "$(dirname "$out")"
{
  echo "# Sample API benchmark"
  echo
  echo "Measured by \`bench/sample-api/run.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC'). Everything on one machine over loopback:"
  echo "wrk, the API, PostgreSQL and Redis share its cores, and the machine is shared with other work, so absolute"
  echo "numbers move between runs; the ratios within one run are what the targets are about. Load average when the"
  echo "run started: $load_before, when it ended: $load_after (on $(nproc) cores; anything well above $(nproc) means other"
  echo "work competed for the CPU, and every handoff between processes - API, Redis, PostgreSQL, wrk - waited for it)."
  echo
  echo "## Machine and settings"
  echo
  echo "- CPU: $(lscpu | awk -F: '/Model name/ { gsub(/^ +/, "", $2); print $2; exit }'), $(nproc) cores; memory $(free -g | awk '/Mem:/ { print $2 }') GiB; kernel $(uname -r)"
  echo "- .NET $(dotnet --version), $("$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)/postgres" --version), $(redis-server --version | awk '{ print $3 }' | tr -d 'v='), $(wrk -v 2>&1 | head -1 | awk '{ print $1, $2 }')"
  echo "- API: Release build, Server GC, Npgsql pool $pool (\`Maximum Pool Size=$pool\`), auto-prepare, no reset on close, rate limit far above the offered rate."
  echo "- PostgreSQL: fresh initdb, shared_buffers 128MB, fsync and synchronous_commit off (a throwaway benchmark server; the API's 2xx durability is a property of a normally configured server)."
  echo "- Load: \`wrk -t2 -c$connections -d$duration --latency -s bench/sample-api/load.lua\` after a warm-up of the same load in 3 s slices until throughput stops rising (at least 12 s; the note says how long); ids uniform over 1..100,000 unless stated; every scenario's non-2xx count is in the table (it must be 0)."
  echo
  echo "## Results"
  echo
  echo "| scenario | req/s | P50 ms | P99 ms | non-2xx | socket errors | note |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | --- |"
  printf '%s\n' "${rows[@]}" "${pgb_rows[@]}"
  echo
  echo "## Ratios against the targets (same run)"
  echo
  echo "| ratio | measured | target |"
  echo "| --- | ---: | ---: |"
  echo "| in-process hit / bare endpoint | $(ratio "$local_rps" "$bare_rps") | >= 0.6 |"
  echo "| Redis hit / bare endpoint, median of $rounds paired rounds in one process (below) | $redis_median | >= 0.4 |"
  echo "| Redis hit / bare endpoint, rows above (two processes, minutes apart) | $(ratio "$redis_rps" "$bare_rps") | |"
  echo "| uncached / pgbench -S at $pgb_best_clients clients, median of $rounds paired rounds (below) | $paired_median | >= 0.4 |"
  echo "| uncached (layer table) / pgbench -S best of the sweep ($pgb_best_clients clients, $pgb_best tps), runs minutes apart | $(ratio "$uncached_rps" "$pgb_best") | |"
  echo "| minimal Npgsql endpoint / pgbench -S best (reference: what one read costs without our code) | $(ratio "$minimal_rps" "$pgb_best") | |"
  echo "| uncached / minimal Npgsql endpoint (what our code path keeps of it) | $(ratio "$uncached_rps" "$minimal_rps") | |"
  echo "| reference: uncached with Npgsql multiplexing on / pgbench -S, median of $rounds paired rounds (below; not how the API runs) | $mux_median | |"
  echo "| peak RSS under the mix | $((rss_kb / 1024)) MB | < 300 MB |"
  echo
  echo "## Redis hit against the bare endpoint, paired"
  echo
  echo "One API process with the in-process cache off and the bare endpoint on: \`GET /bare\`, then \`GET /users/{id}\`"
  echo "served from Redis (1,000 hot ids), ${duration} each, one right after the other; the ratio is of each pair."
  echo
  echo "| round | bare req/s | Redis hit req/s | ratio | non-2xx |"
  echo "| ---: | ---: | ---: | ---: | ---: |"
  printf '%s\n' "${redis_pairs[@]}"
  echo
  echo "## Uncached against pgbench -S, paired"
  echo
  echo "The uncached endpoint (same process as the layer table, after it) and then \`pgbench -S -M prepared\` at the sweep's"
  echo "best client count ($pgb_best_clients), ${duration} each, one right after the other; the ratio is of each pair."
  echo
  echo "| round | uncached req/s | API CPU us/req | pgbench -S tps | ratio | non-2xx |"
  echo "| ---: | ---: | ---: | ---: | ---: | ---: |"
  printf '%s\n' "${paired_rows[@]}"
  echo
  echo "## Reference: uncached with Npgsql multiplexing, paired"
  echo
  echo "A separate API process, caches off, with \`Multiplexing=true\` added to its connection string (pool $pool), paired with"
  echo "\`pgbench -S\` like the rounds above. Not how the API runs: with multiplexing no request waits for a connection of"
  echo "its own, so the pool waits that the operator sizes pools by are gone, and synchronous commands (the blocking"
  echo "demonstration profile) are refused (docs/sample-api.md, \"Why the API does not multiplex\")."
  echo
  echo "| round | uncached req/s | API CPU us/req | pgbench -S tps | ratio | non-2xx |"
  echo "| ---: | ---: | ---: | ---: | ---: | ---: |"
  printf '%s\n' "${mux_rows[@]}"
  echo
  echo "## Layer costs of the uncached path (same process, same run)"
  echo
  echo "Each row adds one layer to the row above it; all are served by one API process with both caches off, each warmed"
  echo "until its throughput stopped rising, then loaded like the rows above in two passes over all layers (each row is"
  echo "the mean of its two runs). API CPU is the process's user + system time"
  echo "per request (it includes the kernel's loopback work for the API's sockets); bytes are managed heap allocations per"
  echo "request (the smallest non-zero reading of the two passes). Both are per request, so they move less with other"
  echo "work on the machine than req/s does."
  echo
  echo "| layer | req/s | x pgbench -S best | x minimal | P50 ms | P99 ms | non-2xx | API CPU us/req | bytes/req | warm-up s |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
  for i in "${!layer_names[@]}"; do
    read -r l_rps l_p50 l_p99 l_bad l_err l_cpu l_bytes l_warm <"$work/layer-${layer_names[$i]}.txt"
    echo "| ${layer_descriptions[$i]} | $l_rps | $(ratio "$l_rps" "$pgb_best") | $(ratio "$l_rps" "$minimal_rps") | $l_p50 | $l_p99 | $((l_bad + l_err)) | $l_cpu | $l_bytes | $l_warm |"
  done
  echo
  echo "## Demonstration profiles (simulator calibration points)"
  echo
  echo "Caches off, ids uniform over 1..100,000, \`wrk -t2 -c$sweep_connections -d$duration\`, a fresh API process per point with the"
  echo "settings given in its tuning file (the applied values are read back from the agent's gauges)."
  echo
  echo "- blocking_data_path: \`${blocking_env[*]}\`, pool 64; the knob is threadPoolMinThreads (2 = this machine's default)."
  echo "- simulated_round_trip: \`${roundtrip_env[*]}\` on the async path, default minimum threads; the knob is dbMaxPoolSize."
  echo
  echo "| profile | knob | value | applied min threads | applied pool | req/s | P50 ms | P99 ms | non-2xx | socket errors |"
  echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
  printf '%s\n' "${sweep_rows[@]}"
  echo
  echo "Machine-readable (pgbench rows: value = clients, rps = tps):"
  echo
  echo '```csv'
  echo "profile,knob,value,rps,p50_ms,p99_ms,failed"
  printf '%s\n' "${csv[@]}"
  echo '```'
} >"$out"
[ -z "$kept_section" ] || printf '\n%s\n' "$kept_section" >>"$out"
echo "wrote $out"
