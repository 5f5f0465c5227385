#!/usr/bin/env bash
# check-package.sh - builds the .deb and checks what it would install: the
# plugin in Wireshark's global plugin folder and a dependency on the
# libwireshark ABI it was built for.
#
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
deb=$("$top/packaging/build-deb.sh" "$out" | tail -n 1)
plugin_dir="$(pkg-config --variable=plugindir wireshark)/epan"
abi=$(dpkg-query -W -f='${Depends}' libwireshark-dev | grep -o 'libwireshark[0-9]*' | head -n 1)
failed=0
dpkg-deb -c "$deb" | grep -q " \\.$plugin_dir/mtls\\.so\$" || { echo "FAIL: $deb lacks $plugin_dir/mtls.so"; dpkg-deb -c "$deb"; failed=1; }
dpkg-deb -f "$deb" Depends | grep -q "$abi" || { echo "FAIL: $deb does not depend on $abi"; failed=1; }
[ "$failed" = 0 ] && echo "ok: $(basename "$deb") installs $plugin_dir/mtls.so and depends on $abi"
echo "$((1 - failed)) passed, $failed failed"
exit "$failed"
