#!/usr/bin/env bash
# The proof benchmark (docs/proof.md): six load profiles on a real PostgreSQL, Redis and the sample API, every phase
# ramped to its knee; local mode's settings against the starting ones, the cheapest of a static grid within 2% of
# its best, the runtime/Npgsql defaults, HikariCP's formula and a trial-based search, with their cost. Rewrites
# bench/results/tuning.md (about 65 minutes on a quiet 2-core machine; `--estimate` prints the estimate); `--smoke`
# runs every phase briefly (~15 minutes) and writes to .proof/<time>/ instead; `--profile NAME` runs one profile.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
echo "proof: building (Release)"
dotnet build -c Release bench/Autotune.Demo -nologo -v quiet -clp:ErrorsOnly
exec dotnet bench/Autotune.Demo/bin/Release/net10.0/Autotune.Demo.dll proof "$@"
