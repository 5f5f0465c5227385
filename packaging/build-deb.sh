#!/usr/bin/env bash
# build-deb.sh - builds the Debian package: the plugin in Wireshark's global
# plugin folder, mtls-report, and the mtls-analyzer profile among the global profiles;
# it depends on the libwireshark it was built against.
#
# usage: packaging/build-deb.sh [OUTPUT_DIR]   (default: build-deb/)
#
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$top/build-deb}
mkdir -p "$out"
out=$(cd "$out" && pwd)
build=$(mktemp -d)
trap 'rm -rf "$build"' EXIT
# A package always installs system-wide, whoever builds it.
cmake -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUILD_TESTING=OFF -DCMAKE_INSTALL_PREFIX=/usr \
    -DMTLS_INSTALL_SCOPE=system >/dev/null
cmake --build "$build" --parallel "$(nproc)" >/dev/null
(cd "$build" && cpack -G DEB -B "$out" >/dev/null)
rm -rf "$out/_CPack_Packages"
ls "$out"/*.deb
