#!/usr/bin/env bash
# CI and fresh machines: install Debian's Docker engine, start it, and build the
# sandbox image offline. Idempotent: each step is skipped when already done.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
step() { printf '%s… ' "$1"; }
took() { echo "done in $((SECONDS - $1)) s"; }

t=$SECONDS; step "docker engine package"
if ! command -v dockerd >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io debootstrap >/dev/null
fi
command -v debootstrap >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
took $t

t=$SECONDS; step "docker engine running"
if ! docker info >/dev/null 2>&1; then
  (dockerd >/var/log/dockerd.log 2>&1 &)
  for _ in $(seq 1 120); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
  docker info >/dev/null 2>&1 || { echo "dockerd did not start; see /var/log/dockerd.log" >&2; tail -20 /var/log/dockerd.log >&2; exit 1; }
fi
took $t

t=$SECONDS; echo "sandbox image:"
"$here/build-offline.sh" "$@"
took $t
