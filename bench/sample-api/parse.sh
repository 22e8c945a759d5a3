#!/usr/bin/env bash
# Reads wrk --latency output on stdin; prints "rps p50_ms p99_ms non2xx socket_errors".
awk '
function ms(v) {
  if (v ~ /us$/) { sub(/us$/, "", v); return v / 1000 }
  if (v ~ /ms$/) { sub(/ms$/, "", v); return v + 0 }
  if (v ~ /s$/)  { sub(/s$/, "", v);  return v * 1000 }
  return v
}
/^ +50%/ { p50 = ms($2) }
/^ +99%/ { p99 = ms($2) }
/^Requests\/sec:/ { rps = $2 }
/Non-2xx or 3xx responses:/ { non2xx = $NF }
/Socket errors:/ { gsub(/,/, ""); errors = $4 + $6 + $8 + $10 }
END { printf "%.0f %.3f %.3f %d %d\n", rps, p50, p99, non2xx + 0, errors + 0 }'
