#!/usr/bin/env bash
# check-wireshark-apis.sh - runs Wireshark's own source checks over the
# plugin: checkAPIs.pl (prohibited and deprecated APIs, shadowed globals,
# header-field definitions), checkhf.pl (header fields declared, registered
# and used) and checkfiltername.pl (field names under the protocol's own).
#
# The scripts come from the Wireshark source this machine's packages were
# built from: $MTLS_WIRESHARK_SOURCE when set, otherwise the tools/ folder of
# `apt-get source wireshark`'s upstream tarball, fetched once into
# /var/tmp/mtls-wireshark-tools (root only). Exits 77 (skipped) when neither
# can be had.
#
# usage: check-wireshark-apis.sh
#
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cache=/var/tmp/mtls-wireshark-tools
tools=""
if [ -n "${MTLS_WIRESHARK_SOURCE:-}" ]; then
    tools=$MTLS_WIRESHARK_SOURCE/tools
elif [ -f "$cache/tools/checkAPIs.pl" ]; then
    tools=$cache/tools
elif [ "$(id -u)" = 0 ]; then
    # shellcheck source=../lib/debian-source.sh
    source "$top/tests/lib/debian-source.sh"
    work=$(mktemp -d)
    trap 'rm -f "$mtls_wireshark_source_list"; rm -rf "$work"' EXIT
    if mtls_fetch_wireshark_source "$work" --download-only; then
        tarball=$(find "$work" -maxdepth 1 -name 'wireshark_*.orig.tar.*' | head -n 1)
        mkdir -p "$cache"
        tar -xf "$tarball" -C "$cache" --strip-components=1 --wildcards '*/tools/checkAPIs.pl' '*/tools/checkhf.pl' \
            '*/tools/checkfiltername.pl' && tools=$cache/tools
    fi
fi
if [ -z "$tools" ] || [ ! -f "$tools/checkAPIs.pl" ]; then
    echo "SKIP: Wireshark's tools/checkAPIs.pl is not available (set MTLS_WIRESHARK_SOURCE)"
    exit 77
fi

sources=("$top"/plugin/*.c)
failures=0
run_check() { # NAME COMMAND...: any output is a finding
    local name=$1 output
    shift
    output=$("$@" 2>&1) || true
    if [ -n "$output" ]; then
        echo "FAIL: $name"
        echo "$output"
        failures=$((failures + 1))
    else
        echo "PASS: $name"
    fi
}
run_check "checkAPIs.pl" perl "$tools/checkAPIs.pl" "${sources[@]}"
run_check "checkhf.pl" perl "$tools/checkhf.pl" "$top/plugin/packet-mtls.c"
run_check "checkfiltername.pl" perl "$tools/checkfiltername.pl" "$top/plugin/packet-mtls.c"
[ "$failures" = 0 ]
