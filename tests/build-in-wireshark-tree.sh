#!/usr/bin/env bash
# build-in-wireshark-tree.sh - builds the project as a custom plugin inside a
# Wireshark source tree (CUSTOM_PLUGIN_SRC_DIR=plugins/epan/mtls), the way
# Wireshark is built on Windows and macOS, and proves the result: the tshark
# built there lists mtls-analyzer.so and finds what pcaps/expected.tsv says on every
# capture that needs no HTTP/2 header decoding (this minimal Wireshark is
# configured without nghttp2).
#
# Not part of CI: libwireshark alone is about 2,000 compilations (about 14
# minutes on two cores at -O0, the source download included).
#
# usage: tests/build-in-wireshark-tree.sh [WIRESHARK_SOURCE_DIR [BUILD_DIR]]
#   Without WIRESHARK_SOURCE_DIR: this Debian release's Wireshark source,
#   fetched with `apt-get source wireshark` into $MTLS_WIRESHARK_TREE_WORKDIR
#   (default /tmp/mtls-wireshark-tree). BUILD_DIR defaults to a folder there.
# Needs root to install the build dependencies and fetch the source.
#
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
workdir=${MTLS_WIRESHARK_TREE_WORKDIR:-/tmp/mtls-wireshark-tree}
source_dir=${1:-}
build_dir=${2:-$workdir/build}
started=$SECONDS

build_dependencies=(cmake ninja-build flex bison python3 perl dpkg-dev libglib2.0-dev libgcrypt20-dev
    libc-ares-dev libpcre2-dev libgnutls28-dev zlib1g-dev libbrotli-dev libzstd-dev)
missing=()
for package in "${build_dependencies[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "== installing ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null
fi

if [ -z "$source_dir" ]; then
    mkdir -p "$workdir"
    source_dir=$(find "$workdir" -maxdepth 1 -type d -name 'wireshark-[0-9]*' | head -n 1)
    if [ -z "$source_dir" ]; then
        # shellcheck source=lib/debian-source.sh
        source "$top/tests/lib/debian-source.sh"
        trap 'rm -f "$mtls_wireshark_source_list"' EXIT
        echo "== apt-get source wireshark ($(. /etc/os-release && echo "$VERSION_CODENAME"))"
        mtls_fetch_wireshark_source "$workdir" ||
            { echo "build-in-wireshark-tree.sh: this mirror has no Wireshark source for this release" >&2; exit 1; }
        source_dir=$(find "$workdir" -maxdepth 1 -type d -name 'wireshark-[0-9]*' | head -n 1)
    fi
fi
source_dir=$(cd "$source_dir" && pwd)
[ -f "$source_dir/cmake/modules/WiresharkPlugin.cmake" ] || {
    echo "build-in-wireshark-tree.sh: $source_dir is not a Wireshark source tree" >&2; exit 2; }

# The project's tracked files, as they are in the work tree, where Wireshark
# looks for custom plugins.
plugin_dir=$source_dir/plugins/epan/mtls
rm -rf "$plugin_dir"
mkdir -p "$plugin_dir"
(cd "$top" && git ls-files -z | tar --null -T - -c) | tar -x -C "$plugin_dir"

# Only tshark and libwireshark, unoptimised: the proof is that the plugin
# builds and loads there, and -O0 halves the time libwireshark takes.
not_built=()
for program in wireshark logray stratoshark tfshark rawshark dumpcap text2pcap mergecap reordercap editcap \
    capinfos captype randpkt dftest sharkd mmdbresolve fuzzshark androiddump sshdump ciscodump dpauxmon \
    randpktdump wifidump etwdump sdjournal udpdump falcodump strato; do
    not_built+=("-DBUILD_$program=OFF")
done
for feature in PCAP LUA SMI KERBEROS SBC SPANDSP BCG729 ILBC OPUS AMRNB LIBXML2 MINIZIP MINIZIPNG LZ4 \
    SNAPPY NGHTTP2 NGHTTP3 CAP NETLINK ZLIBNG; do
    not_built+=("-DENABLE_$feature=OFF")
done
echo "== configuring $(basename "$source_dir") with plugins/epan/mtls in $build_dir"
cmake -S "$source_dir" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=None -DCMAKE_C_FLAGS=-O0 -DCMAKE_CXX_FLAGS=-O0 \
    -DENABLE_PLUGINS=ON -DENABLE_GNUTLS=ON -DENABLE_ZLIB=ON -DENABLE_BROTLI=ON -DENABLE_ZSTD=ON \
    -DCUSTOM_PLUGIN_SRC_DIR=plugins/epan/mtls "${not_built[@]}" >"$build_dir.cmake.log" 2>&1 ||
    { tail -n 30 "$build_dir.cmake.log"; exit 1; }
echo "== building tshark and mtls ($(nproc) jobs; the first build of libwireshark takes long)"
ninja -C "$build_dir" tshark mtls >"$build_dir.ninja.log" 2>&1 || { tail -n 30 "$build_dir.ninja.log"; exit 1; }
plugin_warnings=$(grep -c "plugins/epan/mtls/.*warning:" "$build_dir.ninja.log" || true)
echo "   compiler warnings in the plugin and analyzer: $plugin_warnings"

tshark_binary=$build_dir/run/tshark
# shellcheck source=lib/plugin-env.sh
source "$top/tests/lib/plugin-env.sh" "$build_dir/run"
export MTLS_TSHARK=$tshark_binary
chmod -R a+rX "$build_dir/run"

failures=0
echo "== $(mtls_tshark --version | head -n 1)"
if mtls_tshark -G plugins | grep -E '^mtls-analyzer\.so'; then
    echo "PASS: the tshark built in the tree loads mtls-analyzer.so"
else
    echo "FAIL: the tshark built in the tree does not list mtls-analyzer.so"
    failures=$((failures + 1))
fi

# Every expectation line but those whose captures carry HTTP/2 answers (their
# status comes from HPACK, decoded only with nghttp2).
checked=0
# Tabs become a non-blank separator first: read would merge a run of tabs,
# and the options column is often empty.
while IFS=$'\x1f' read -r capture options problems notes verdicts; do
    case $capture in '' | \#*) continue ;; esac
    read -r -a extra <<<"${options//@PCAPS@/$MTLS_TEST_ROOT/pcaps}"
    if mtls_tshark -r "$MTLS_TEST_ROOT/pcaps/$capture" "${extra[@]}" -Y http2 -T fields -e frame.number 2>/dev/null |
        grep -q .; then
        continue
    fi
    checked=$((checked + 1))
    MTLS_TSHARK=$tshark_binary bash "$top/tests/integration/check-capture.sh" "$build_dir/run" "$capture" \
        "$options" "$problems" "$notes" "$verdicts" >"$workdir/check.log" 2>&1 ||
        { failures=$((failures + 1)); cat "$workdir/check.log"; }
done < <(tr '\t' '\037' <"$top/pcaps/expected.tsv")
echo "   $checked expectation lines checked with the in-tree tshark, $failures failed"
echo "== took $((SECONDS - started)) s"
[ "$failures" = 0 ]
