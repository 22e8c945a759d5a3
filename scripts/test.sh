#!/usr/bin/env bash
# Sets up and runs every test of Autotune: installs what is missing (scripts/setup.sh), builds the solution,
# checks formatting, packs the agent (scripts/pack-agent.sh), runs every test project (they start their own
# PostgreSQL, Redis and Prometheus on loopback), and ends with one line summing the whole run: "N passed, N failed[, N skipped]".
set -uo pipefail
cd "$(dirname "$0")/.."

log_dir=$(mktemp -d /tmp/autotune-test-XXXXXX)
cleanup() {
  # Servers the tests started live in temporary directories named autotune-*; none may outlive the run.
  pkill -f -- '-D /tmp/autotune-pg-' 2>/dev/null || true
  pkill -f -- '--dir /tmp/autotune-redis-' 2>/dev/null || true
  pkill -f -- '--storage.tsdb.path=/tmp/autotune-prom-' 2>/dev/null || true
  # The logs were printed as the run went; keep nothing behind.
  rm -rf "$log_dir"
}
trap cleanup EXIT

bash scripts/setup.sh || { echo "0 passed, 1 failed"; exit 1; }

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

checks_passed=0
checks_failed=0

echo "== build"
if ! dotnet build Autotune.sln -c Release -nologo -clp:ErrorsOnly 2>&1 | tee "$log_dir/build.log"; then
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi

echo "== format"
if dotnet format Autotune.sln --verify-no-changes --no-restore >"$log_dir/format.log" 2>&1; then
  checks_passed=$((checks_passed + 1))
  echo "format: ok"
else
  checks_failed=$((checks_failed + 1))
  echo "format: dotnet format --verify-no-changes found changes to make:"
  head -40 "$log_dir/format.log"
fi

echo "== pack"
# The agent's NuGet packages into a local feed; AgentPackageTests builds an app from this feed (offline: the feed and
# the machine's package cache), so the tests check the packages CI made, not the projects.
if bash scripts/pack-agent.sh "$log_dir/feed" "0.1.0-ci.$(date -u +%Y%m%d%H%M%S)" >"$log_dir/pack.log" 2>&1; then
  checks_passed=$((checks_passed + 1))
  export AUTOTUNE_PACKAGE_FEED="$log_dir/feed"
  echo "pack: ok ($(cd "$log_dir/feed" && ls -- *.nupkg | tr '\n' ' '))"
else
  checks_failed=$((checks_failed + 1))
  echo "pack: failed"
  tail -40 "$log_dir/pack.log"
fi

echo "== tests"
# Two test modules at a time: the server-backed suites share two cores with their servers.
# Exit code 8 (a module that ran no test) is not a failure by itself; the summary counts what ran.
timeout --kill-after=30s 60m dotnet test --solution Autotune.sln -c Release --no-build \
  --max-parallel-test-modules 2 --ignore-exit-code 8 2>&1 | tee "$log_dir/test.log"
test_status=${PIPESTATUS[0]}

summary=$(sed -n '/^Test run summary/,$p' "$log_dir/test.log")
field() { echo "$summary" | awk -v k="$1:" '$1 == k { print $2; exit }'; }
passed=$(field succeeded); failed=$(field failed); skipped=$(field skipped)
passed=${passed:-0}; failed=${failed:-0}; skipped=${skipped:-0}
if [[ -z "$summary" || ( $test_status -ne 0 && $failed -eq 0 ) ]]; then
  # The runner ended without its own summary (a crash, a hang killed by timeout): count the run as failed.
  echo "the test run ended with status $test_status without a complete summary"
  failed=$((failed + 1))
fi

# The failures again, just above the summary, so the end of the output names what failed and why.
if grep -q -E '^failed ' "$log_dir/test.log"; then
  echo "== failed tests"
  grep -E -A6 '^failed ' "$log_dir/test.log" | grep -v -E '^\s+at |^--$' | cut -c1-300 | head -60
fi

passed=$((passed + checks_passed))
failed=$((failed + checks_failed))
line="$passed passed, $failed failed"
((skipped > 0)) && line="$line, $skipped skipped"
echo "$line"
((failed == 0))
