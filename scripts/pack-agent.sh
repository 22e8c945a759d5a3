#!/usr/bin/env bash
# Packs the in-app agent as NuGet packages into a folder (a local feed): Autotune.Agent, Autotune.Agent.EntityFrameworkCore
# and Autotune.Contracts, which the agent depends on. Packs the Release build already made (no build of its own).
# Usage: scripts/pack-agent.sh <feed directory> [version]
set -euo pipefail
cd "$(dirname "$0")/.."
feed=${1:?usage: scripts/pack-agent.sh <feed directory> [version]}
version=${2:-0.1.0}
mkdir -p "$feed"
for project in operator/Autotune.Contracts sample-api/Autotune.Agent sample-api/Autotune.Agent.EntityFrameworkCore; do
  dotnet pack "$project" -c Release --no-build --nologo -o "$feed" -p:PackageVersion="$version"
done
