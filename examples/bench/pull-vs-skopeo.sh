#!/bin/bash
# Pull time and peak memory: `swcompose pull` (static release build) against `skopeo copy` from a loopback
# docker-registry. The image has LAYERS layers of LAYER_MB MiB each (half random, half zeros, like real files).
# Usage: examples/bench/pull-vs-skopeo.sh [runs]     (needs docker-registry, skopeo, /usr/bin/time; run as root)
set -euo pipefail

RUNS=${1:-5}
LAYERS=${LAYERS:-4}
LAYER_MB=${LAYER_MB:-20}
here=$(cd "$(dirname "$0")/../.." && pwd)
swcompose=${SWCOMPOSE:-$here/.build/release/swcompose}

for tool in /usr/bin/docker-registry /usr/bin/skopeo /usr/bin/time "$swcompose"; do
    [ -x "$tool" ] || { echo "missing $tool (apt-get install -y docker-registry skopeo time; for swcompose:" \
        "swift build -c release --static-swift-stdlib -Xswiftc -static-executable -Xlinker -s)" >&2; exit 1; }
done

work=$(mktemp -d /tmp/swcompose-bench-XXXXXX)
registry_pid=
cleanup() {
    if [ -n "$registry_pid" ]; then kill "$registry_pid" 2>/dev/null || true; wait "$registry_pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

# --- an OCI layout with LAYERS gzip layers, written by hand: sha256sum names every blob ---
layout=$work/layout
mkdir -p "$layout/blobs/sha256"
blob() {  # file -> moves it into the layout, prints its digest hex
    local hex
    hex=$(sha256sum "$1" | cut -d' ' -f1)
    mv "$1" "$layout/blobs/sha256/$hex"
    echo "$hex"
}
diff_ids=()
layer_descriptors=()
for i in $(seq 1 "$LAYERS"); do
    rootfs=$work/rootfs$i
    mkdir -p "$rootfs/data"
    half=$((LAYER_MB / 2))
    dd if=/dev/urandom of="$rootfs/data/random$i" bs=1M count="$half" status=none
    dd if=/dev/zero of="$rootfs/data/zeros$i" bs=1M count=$((LAYER_MB - half)) status=none
    tar -C "$rootfs" -cf "$work/layer$i.tar" data
    diff_ids+=("\"sha256:$(sha256sum "$work/layer$i.tar" | cut -d' ' -f1)\"")
    gzip -1 -c "$work/layer$i.tar" > "$work/layer$i.tar.gz"
    size=$(stat -c %s "$work/layer$i.tar.gz")
    hex=$(blob "$work/layer$i.tar.gz")
    layer_descriptors+=("{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"sha256:$hex\",\"size\":$size}")
    rm -rf "$rootfs" "$work/layer$i.tar"
done
join() { local IFS=,; echo "$*"; }
printf '{"architecture":"amd64","os":"linux","config":{"Cmd":["/bin/sh"]},"rootfs":{"type":"layers","diff_ids":[%s]}}' \
    "$(join "${diff_ids[@]}")" > "$work/config.json"
config_size=$(stat -c %s "$work/config.json")
config_hex=$(blob "$work/config.json")
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[%s]}' \
    "$config_hex" "$config_size" "$(join "${layer_descriptors[@]}")" > "$work/manifest.json"
manifest_size=$(stat -c %s "$work/manifest.json")
manifest_hex=$(blob "$work/manifest.json")
echo '{"imageLayoutVersion":"1.0.0"}' > "$layout/oci-layout"
printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"bench"}}]}' \
    "$manifest_hex" "$manifest_size" > "$layout/index.json"

# --- a loopback registry, stopped by PID on exit ---
port=$((20000 + RANDOM % 20000))
cat > "$work/registry.yml" <<EOF
version: 0.1
log:
  level: error
storage:
  filesystem:
    rootdirectory: $work/registry
http:
  addr: 127.0.0.1:$port
EOF
/usr/bin/docker-registry serve "$work/registry.yml" > "$work/registry.log" 2>&1 &
registry_pid=$!
for _ in $(seq 1 100); do
    (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break
    sleep 0.05
done
image=127.0.0.1:$port/swc/bench:1
skopeo copy --quiet --dest-tls-verify=false "oci:$layout:bench" "docker://$image"
total_mb=$(du -sm "$layout/blobs" | cut -f1)

mkdir -p "$work/project"
printf 'services:\n  bench:\n    image: %s\n' "$image" > "$work/project/compose.yaml"

# run NAME COMMAND...: appends "<ms> <peak kB>" to $work/NAME; sync first so one run does not pay for the last one's writeback.
run() {
    local name=$1; shift
    sync
    local start end
    start=$(date +%s%N)
    /usr/bin/time -f %M -o "$work/rss" "$@" > "$work/out" 2>&1 || { cat "$work/out" >&2; exit 1; }
    end=$(date +%s%N)
    echo "$(((end - start) / 1000000)) $(tail -1 "$work/rss")" >> "$work/$name"
}
for i in $(seq 1 "$RUNS"); do
    run swcompose env SWCOMPOSE_ROOT="$work/root$i" COMPOSE_PROJECT_NAME=swcbench \
        "$swcompose" -f "$work/project/compose.yaml" pull --quiet
    rm -rf "$work/root$i"
    run skopeo skopeo copy --quiet --src-tls-verify=false "docker://$image" "dir:$work/skopeo$i"
    rm -rf "$work/skopeo$i"
done

median() { cut -d' ' -f"$2" "$work/$1" | sort -n | sed -n "$(((RUNS + 1) / 2))p"; }
sw_ms=$(median swcompose 1); sk_ms=$(median skopeo 1)
sw_kb=$(cut -d' ' -f2 "$work/swcompose" | sort -n | tail -1); sk_kb=$(cut -d' ' -f2 "$work/skopeo" | sort -n | tail -1)
echo "image: $LAYERS layers x $LAYER_MB MiB (${total_mb} MiB compressed), $RUNS runs, loopback registry"
printf '%-28s %12s %14s\n' "tool" "median ms" "peak RSS MiB"
printf '%-28s %12s %14s\n' "swcompose pull (+unpack)" "$sw_ms" "$((sw_kb / 1024))"
printf '%-28s %12s %14s\n' "skopeo copy dir:" "$sk_ms" "$((sk_kb / 1024))"
awk -v a="$sw_ms" -v b="$sk_ms" 'BEGIN { printf "ratio swcompose/skopeo: %.2f\n", a / b }'
