#!/usr/bin/env bash
# run-wireshark-chroot.sh - runs the whole test suite (tests/run-all.sh) again
# against another Wireshark: inside a chroot of a later Debian release made
# with debootstrap, where install-test-deps.sh installs that release's tshark,
# Wireshark GUI and libwireshark-dev. The chroot is kept and reused by later
# runs.
#   trixie (Debian 13): Wireshark 4.4
#   forky  (Debian 14, testing): Wireshark 4.6; Debian 12's debootstrap has
#          no forky script, so the sid one makes it, and its index may carry
#          an expired Valid-Until, which the chroot's apt is told to accept.
#
# usage: tests/run-wireshark-chroot.sh RELEASE [CHROOT_DIR]   (default: build-RELEASE/)
# Needs root (debootstrap, chroot, mounts). MTLS_DEBIAN_MIRROR overrides the
# Debian mirror (default http://deb.debian.org/debian).
#
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
release=${1:?usage: run-wireshark-chroot.sh trixie|forky [CHROOT_DIR]}
root=${2:-$top/build-$release}
mirror=${MTLS_DEBIAN_MIRROR:-http://deb.debian.org/debian}
[ "$(id -u)" = 0 ] || { echo "run-wireshark-chroot.sh: needs root (debootstrap and chroot)" >&2; exit 1; }
# forky runs every test but two long ones that trixie runs too (CI's time
# budget): the capture generator (the generator against the expectations) and
# the corrupted captures (the plugin's robustness, also run under ASan on
# 4.0). Both passed on 4.6.9 when last run whole; MTLS_FORKY_EXCLUDE= runs all.
# Of the other stacks' captures (pcaps/expected-stacks.tsv) both run only the
# protocols' decrypted ones, whose answers other Wireshark versions dissect
# with their own fields; the rest is the analyzer's logic, which 4.0 checks.
# The explanations' wording is the analyzer's, the same on every Wireshark: checked on 4.0 only.
other_stacks='^tshark_(stacks_|protocols_[0-9])|^explanation_words$'
exclude=${MTLS_CHROOT_EXCLUDE-$other_stacks}
case $release in
    trixie) script=trixie ;;
    forky) script=sid exclude=${MTLS_FORKY_EXCLUDE-"^(capture_generator|hostile_captures)\$|$other_stacks"} ;;
    *) echo "run-wireshark-chroot.sh: unknown release $release (trixie or forky)" >&2; exit 2 ;;
esac

if ! command -v debootstrap >/dev/null; then
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap
fi
# Mounts a killed run may have left: never remove or mount over them.
for target in dev/pts dev proc; do
    if mountpoint -q "$root/$target" 2>/dev/null; then umount -l "$root/$target"; fi
done
if [ ! -x "$root/usr/bin/apt-get" ]; then
    echo "== debootstrap $release into $root"
    rm -rf "$root"
    mkdir -p "$root"
    log=$(mktemp)
    debootstrap --variant=minbase --include=ca-certificates,sudo "$release" "$root" "$mirror" \
        "/usr/share/debootstrap/scripts/$script" >"$log" 2>&1 || { tail -n 30 "$log"; exit 1; }
fi
# A testing release's index can outlive its Valid-Until between mirror pushes.
echo 'Acquire::Check-Valid-Until "false";' >"$root/etc/apt/apt.conf.d/99mtls-no-valid-until"

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

echo "== test suite against $release's Wireshark (chroot)"
chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 MTLS_CTEST_EXCLUDE="$exclude" \
    bash -c 'cd /src && bash tests/run-all.sh /build && echo "Wireshark in the chroot: $(tshark --version | head -n 1)"'
