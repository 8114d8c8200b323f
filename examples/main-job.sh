#!/usr/bin/env bash
# The main job on a fresh machine: install what is needed, build the static release binary, bring the
# example stack up, check it serves and resolves names, take it down, and check nothing is left behind.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
./examples/setup.sh
export PATH=/opt/swift/usr/bin:$PATH
swift build -c release --static-swift-stdlib -Xswiftc -static-executable -Xlinker -s --product swcompose
swc=$PWD/.build/release/swcompose

export SWCOMPOSE_ROOT=$(mktemp -d /tmp/swcompose-main.XXXXXX)
project=webapp-$$
cleanup() {
  (cd "$repo/examples/webapp" && "$swc" -p "$project" down -v -t 1 >/dev/null 2>&1) || true
  rm -rf "$SWCOMPOSE_ROOT"
}
trap cleanup EXIT

./examples/busybox-rootfs.sh "$SWCOMPOSE_ROOT/busybox.tar"
"$swc" image import "$SWCOMPOSE_ROOT/busybox.tar" localhost/busybox:test

cd examples/webapp
export WEB_PORT=${WEB_PORT:-18080}
"$swc" -p "$project" config -q
"$swc" -p "$project" up -d --wait
"$swc" -p "$project" ps

# web serves the bind-mounted site on the published port...
page=$(busybox wget -q -O - "http://127.0.0.1:$WEB_PORT/")
[[ $page == *"hello from swcompose"* ]] || { echo "web did not serve the site: $page" >&2; exit 1; }
# ...and app reaches it by service name through the embedded DNS.
for _ in $(seq 50); do
  "$swc" -p "$project" logs app 2>/dev/null | grep -q "hello from swcompose" && break
  sleep 0.1
done
"$swc" -p "$project" logs app | grep -q "hello from swcompose" || { echo "app could not fetch http://web/" >&2; exit 1; }

"$swc" -p "$project" down -v
leaks=$(grep -c "$SWCOMPOSE_ROOT" /proc/self/mountinfo || true)
[ "$leaks" = 0 ] || { echo "mounts left behind" >&2; exit 1; }
if find /sys/fs/cgroup -maxdepth 6 -type d -path "*swcompose/$project*" | grep -q .; then
  echo "cgroups left behind" >&2; exit 1
fi
echo "main job: stack up, served, resolved by name, and down with nothing left behind"
