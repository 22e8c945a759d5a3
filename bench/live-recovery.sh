#!/usr/bin/env bash
# Live recovery (docs/agent.md, "Load shedding"): the sample API collapsed by thread starvation under continued
# open-loop load, its settings made sufficient through the tuning file without a restart, with shedding off and on.
# Needs PostgreSQL and Redis from Debian's packages (scripts/setup.sh). Options: --rate N --collapse S --recover S
# --objective-ms N --rounds N --min-threads N --pool N --controls --shed-with-fix. Report in .live-recovery/<UTC time>/.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build bench/Autotune.LiveRecovery -c Release -nologo -clp:ErrorsOnly
exec dotnet bench/Autotune.LiveRecovery/bin/Release/net10.0/Autotune.LiveRecovery.dll "$@"
