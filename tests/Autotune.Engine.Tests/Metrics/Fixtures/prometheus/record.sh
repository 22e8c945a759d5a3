#!/bin/sh
# Re-records the Prometheus responses in this folder from a real Prometheus (Debian's prometheus and promtool).
# The data: generate-data.py (two pods, one minute, pod b restarts, one timed-out scrape of pod a), backfilled as a
# TSDB block. The queries: queries.tsv, as PromQueries writes them (PrometheusWindowTests checks that they agree).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
port=${PORT:-19391}
python3 "$here/generate-data.py" "$work/data.om"
promtool tsdb create-blocks-from openmetrics "$work/data.om" "$work/tsdb" >/dev/null
printf 'global:\n  scrape_interval: 1h\nscrape_configs: []\n' > "$work/prometheus.yml"
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/tsdb" --storage.tsdb.retention.time=100y \
  --web.listen-address="127.0.0.1:$port" >"$work/prometheus.log" 2>&1 &
pid=$!
trap 'kill $pid; rm -rf "$work"' EXIT
until curl -sf "http://127.0.0.1:$port/-/ready" >/dev/null; do sleep 0.2; done
api="http://127.0.0.1:$port/api/v1"
while IFS="$(printf '\t')" read -r name query; do
  if [ "$name" = raw ]; then
    curl -s -G "$api/query_range" --data-urlencode "query=$query" -d start=1795752000 -d end=1795752060 -d step=10s > "$here/query_range-raw.json"
  else
    curl -s -G "$api/query" --data-urlencode "query=$query" -d time=1795752060 > "$here/query-$name.json"
  fi
done < "$here/queries.tsv"
curl -s -G "$api/query" --data-urlencode "query=sum(rate(x[5m])" -d time=1795752060 > "$here/query-error.json"
