#!/usr/bin/env bash
# run-wireshark-4.4.sh - runs the whole test suite (tests/run-all.sh) again
# against Wireshark 4.4: inside a Debian 13 (trixie) chroot made with
# debootstrap, where install-deps.sh installs trixie's tshark, Wireshark GUI
# and libwireshark-dev 4.4. The chroot is kept and reused by later runs.
#
# usage: tests/run-wireshark-4.4.sh [CHROOT_DIR]   (default: build-trixie/)
# Needs root (debootstrap, chroot, mounts). MTLS_DEBIAN_MIRROR overrides the
# Debian mirror (default http://deb.debian.org/debian).
#
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
root=${1:-$top/build-trixie}
mirror=${MTLS_DEBIAN_MIRROR:-http://deb.debian.org/debian}
[ "$(id -u)" = 0 ] || { echo "run-wireshark-4.4.sh: needs root (debootstrap and chroot)" >&2; exit 1; }

if ! command -v debootstrap >/dev/null; then
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap
fi
# Mounts a killed run may have left: never remove or mount over them.
for target in dev/pts dev proc; do
    if mountpoint -q "$root/$target" 2>/dev/null; then umount -l "$root/$target"; fi
done
if [ ! -x "$root/usr/bin/apt-get" ]; then
    echo "== debootstrap trixie into $root"
    rm -rf "$root"
    mkdir -p "$root"
    log=$(mktemp)
    debootstrap --variant=minbase --include=ca-certificates,sudo trixie "$root" "$mirror" >"$log" 2>&1 ||
        { tail -n 30 "$log"; exit 1; }
fi

# The test suite needs /proc (setpriv, ps) and real devices (Xvfb, the capture
# generator's loopback capture). Unmounted on any exit, so that removing the
# chroot folder can never reach the host's /dev.
mounted=()
cleanup() {
    local index
    for ((index = ${#mounted[@]} - 1; index >= 0; index--)); do umount -l "${mounted[index]}" 2>/dev/null || true; done
}
trap cleanup EXIT
mount -t proc proc "$root/proc" && mounted+=("$root/proc")
mount --bind /dev "$root/dev" && mounted+=("$root/dev")
mount --bind /dev/pts "$root/dev/pts" && mounted+=("$root/dev/pts")
cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true

# A fresh copy of the project (tracked files, as they are in the work tree).
rm -rf "$root/src"
mkdir -p "$root/src"
(cd "$top" && git ls-files -z | tar --null -T - -c) | tar -x -C "$root/src"

echo "== test suite against Wireshark 4.4 (Debian 13 chroot)"
chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
    bash -c 'cd /src && bash tests/run-all.sh /build && echo "Wireshark in the chroot: $(tshark --version | head -n 1)"'
