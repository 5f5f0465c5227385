#!/usr/bin/env bash
# check-release.sh - release hygiene: one version everywhere it shows
# (CMakeLists.txt is the source; the built plugin, mtls-report, its manual
# page and CHANGELOG.md's newest entry must agree) and the GPL licence
# Wireshark plugins need.
#
# usage: check-release.sh BUILD_DIR
#
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "$1" && pwd)
version=$(sed -n 's/^project(mtls-analyzer VERSION \([0-9.]*\).*/\1/p' "$top/CMakeLists.txt")
failed=0
expect() { # DESCRIPTION ACTUAL
    if [ "$2" = "$version" ]; then echo "ok: $1 is $version"; else echo "FAIL: $1 is '$2', not $version"; failed=1; fi
}
[ -n "$version" ] || { echo "FAIL: no version in CMakeLists.txt"; exit 1; }
plugin=$(find "$build/plugins" -name mtls.so | head -n 1)
# plugin_version[] is the exported string Wireshark shows in tshark -G plugins.
expect "the plugin's plugin_version" "$(source "$top/tests/lib/plugin-env.sh" "$build" &&
    mtls_tshark -G plugins | awk '$1 == "mtls.so" {print $2}')"
expect "mtls-report --version" "$("$build/mtls-report" --version | awk '{print $2}')"
expect "the manual page" "$(sed -n 's/^\.TH .*"mtls-analyzer \([0-9.]*\)".*/\1/p' "$build/mtls-report.1")"
expect "CHANGELOG.md's newest entry" "$(sed -n 's/^## \([0-9][0-9.]*\) .*/\1/p' "$top/CHANGELOG.md" | head -n 1)"
if grep -q "GNU GENERAL PUBLIC LICENSE" "$top/LICENSE" && grep -q "Version 2, June 1991" "$top/LICENSE" &&
    ! grep -rL "SPDX-License-Identifier: GPL-2.0-or-later" "$top"/analyzer/*.[ch] "$top"/plugin/*.[ch] | grep -q .; then
    echo "ok: LICENSE is the GPL 2 and every C source says GPL-2.0-or-later"
else
    echo "FAIL: LICENSE or an SPDX line is missing"
    failed=1
fi
[ -n "$plugin" ] || failed=1
echo "$((failed == 0 ? 1 : 0)) passed, $failed failed"
exit "$failed"
