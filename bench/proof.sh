#!/usr/bin/env bash
# The proof benchmark (docs/proof.md): three load profiles on a real PostgreSQL, Redis and the sample API; local
# mode's settings against the starting ones and the best of a static grid. Rewrites bench/results/tuning.md
# (about an hour); `--smoke` checks the harness in a few minutes and writes to .proof/<time>/ instead.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
echo "proof: building (Release)"
dotnet build -c Release bench/Autotune.Demo -nologo -v quiet -clp:ErrorsOnly
exec dotnet bench/Autotune.Demo/bin/Release/net10.0/Autotune.Demo.dll proof "$@"
