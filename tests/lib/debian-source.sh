# debian-source.sh - sourced by the scripts that need Wireshark's source:
# `apt-get source wireshark` for this machine's Debian release, through a
# deb-src line that exists only for the download, so the machine's own
# sources stay as they were. Needs root.
#
# usage: source tests/lib/debian-source.sh
#   then: mtls_fetch_wireshark_source DIR [APT-GET SOURCE OPTIONS...]
#         (returns non-zero when the mirror has no source for this release)
#
# SPDX-License-Identifier: GPL-2.0-or-later

mtls_wireshark_source_list=/etc/apt/sources.list.d/mtls-wireshark-source.list

mtls_fetch_wireshark_source() {
    local directory=$1 codename status=0
    shift
    codename=$(. /etc/os-release && echo "$VERSION_CODENAME")
    echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian" \
        "$codename main" >"$mtls_wireshark_source_list"
    if ! apt-get update -q >/dev/null 2>&1 ||
        ! (cd "$directory" && apt-get source -q "$@" wireshark >/dev/null 2>&1); then
        status=1
    fi
    rm -f "$mtls_wireshark_source_list"
    apt-get update -q >/dev/null 2>&1 || true
    return $status
}
