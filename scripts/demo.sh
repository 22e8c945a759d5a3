#!/usr/bin/env bash
# The README's first command: installs what is missing, builds, and runs the demo (PostgreSQL, Redis and the
# sample API started mis-tuned on loopback, an open-loop load ramp, the operator in local mode tuning it, and a
# before/after report with a plot in .demo/<time>/). Ctrl-C stops it and everything it started.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
echo "demo: building (Release)"
dotnet build -c Release bench/Autotune.Demo -nologo -v quiet -clp:ErrorsOnly
exec dotnet bench/Autotune.Demo/bin/Release/net10.0/Autotune.Demo.dll "$@"
