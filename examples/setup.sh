#!/usr/bin/env bash
# Installs the Debian packages swcompose builds and tests with (idempotent; root).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
need=(libyaml-dev zlib1g-dev libssl-dev pkg-config busybox-static util-linux iproute2 docker-registry apache2-utils tmux openssl)
missing=()
for p in "${need[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi
# The registry package starts a system service; the tests start their own on loopback.
if command -v systemctl >/dev/null 2>&1; then systemctl disable --now docker-registry >/dev/null 2>&1 || true; fi
