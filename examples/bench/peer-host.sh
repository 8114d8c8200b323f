#!/usr/bin/env bash
# Host changes the peers (crun, podman, podman-compose) need on this machine, and their undoing.
#   up    mount hugetlb as a cgroup v1 hierarchy when cgroup2 holds it (crun refuses the hybrid layout
#         otherwise); add the nftables table inet swc_bench_guard that drops every forwarded packet
#         to or from the uplink (netavark adds NAT rules for podman-compose's network); record ip_forward
#   down  undo only what `up` did, put ip_forward back, and remove what podman, netavark and crun left
#         that was not there at `up`: /run directories, empty libpod_parent cgroups, netavark's nft tables
set -euo pipefail
state=${SWC_BENCH_HOST_STATE:-/run/swc-bench-host.state}
uplink=$(ip route show default | awk '{print $5; exit}')
hugetlb=/sys/fs/cgroup/hugetlb
engine_run="libpod containers crun netns netavark.lock"

case "${1:?usage: peer-host.sh up|down}" in
up)
  touch "$state"
  grep -q '^ip_forward=' "$state" || echo "ip_forward=$(cat /proc/sys/net/ipv4/ip_forward)" >>"$state"
  grep -q '^before ' "$state" || echo "before $(cd /run && ls -d $engine_run 2>/dev/null | tr '\n' ' ') $(nft list tables | tr ' \n' '_ ')" >>"$state"
  if [ -n "$(cat /sys/fs/cgroup/unified/cgroup.controllers 2>/dev/null)" ] && ! mountpoint -q $hugetlb; then
    mkdir -p $hugetlb
    mount -t cgroup -o hugetlb cgroup $hugetlb
    echo hugetlb >>"$state"
  fi
  if ! nft list table inet swc_bench_guard >/dev/null 2>&1; then
    # With no default route there is no uplink to guard; the table then drops all forwarding.
    if [ -n "$uplink" ]; then match="iifname \"$uplink\" drop
    oifname \"$uplink\" drop"; else match="drop"; fi
    nft -f - <<NFT
table inet swc_bench_guard {
  chain forward {
    type filter hook forward priority -50; policy accept;
    $match
  }
}
NFT
    echo guard >>"$state"
  fi ;;
down)
  [ -f "$state" ] || exit 0
  if grep -qx guard "$state"; then nft delete table inet swc_bench_guard; fi
  if grep -qx hugetlb "$state"; then
    # The kernel hands hugetlb back to cgroup2 only once the v1 hierarchy has no cgroups left, also ones
    # still being released: remove empty children, unmount, check, retry.
    for _ in 1 2 3 4 5; do
      mountpoint -q $hugetlb || mount -t cgroup -o hugetlb cgroup $hugetlb
      find $hugetlb -mindepth 1 -depth -type d -exec rmdir {} \; 2>/dev/null || true
      sleep 1
      umount $hugetlb
      [ "$(awk '$1=="hugetlb" {print $2}' /proc/cgroups)" = 0 ] && break
      sleep 1
    done
    rmdir $hugetlb
  fi
  before=$(sed -n 's/^before //p' "$state")
  if ! pgrep -x conmon >/dev/null && ! pgrep -x podman >/dev/null; then
    find /sys/fs/cgroup -maxdepth 2 -name libpod_parent -type d | while read -r dir; do
      find "$dir" -depth -type d -exec rmdir {} \; 2>/dev/null || true
    done
    for table in "ip nat" "ip filter"; do
      case " $before " in *" table_${table/ /_} "*) continue ;; esac
      # only netavark's chains in it: nothing else of this machine is lost
      if nft list table $table >/dev/null 2>&1 && ! nft list table $table | grep -E '^\s+chain ' | grep -vqE 'NETAVARK|POSTROUTING|PREROUTING|OUTPUT|INPUT|FORWARD'; then
        nft delete table $table
      fi
    done
    for dir in $engine_run; do
      case " $before " in *" $dir "*) continue ;; esac
      if [ -e "/run/$dir" ]; then
        mountpoint -q "/run/$dir" && [ -z "$(ls -A "/run/$dir")" ] && umount "/run/$dir"
        mountpoint -q "/run/$dir" || rm -rf --one-file-system "/run/$dir"
      fi
    done
  fi
  forward=$(sed -n 's/^ip_forward=//p' "$state")
  [ -n "$forward" ] && echo "$forward" >/proc/sys/net/ipv4/ip_forward
  rm -f "$state" ;;
esac
