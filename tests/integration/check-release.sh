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
# shellcheck source=../lib/checks.sh
source "$top/tests/lib/checks.sh"
expect() { # DESCRIPTION ACTUAL
    if [ "$2" = "$version" ]; then check_status 0 "$1 is $version"; else check_status 1 "$1 is '$2', not $version"; fi
}
[ -n "$version" ] || { echo "FAIL: no version in CMakeLists.txt"; exit 1; }
plugin=$(find "$build/plugins" -name mtls-analyzer.so | head -n 1)
# plugin_version[] is the exported string Wireshark shows in tshark -G plugins.
expect "the plugin's plugin_version" "$(source "$top/tests/lib/plugin-env.sh" "$build" &&
    mtls_tshark -G plugins | awk '$1 == "mtls-analyzer.so" {print $2}')"
expect "mtls-report --version" "$("$build/mtls-report" --version | awk '{print $2}')"
expect "the manual page" "$(sed -n 's/^\.TH .*"mtls-analyzer \([0-9.]*\)".*/\1/p' "$build/mtls-report.1")"
expect "CHANGELOG.md's newest entry" "$(sed -n 's/^## \([0-9][0-9.]*\) .*/\1/p' "$top/CHANGELOG.md" | head -n 1)"
licence=1
grep -q "GNU GENERAL PUBLIC LICENSE" "$top/LICENSE" && grep -q "Version 2, June 1991" "$top/LICENSE" &&
    ! grep -rL "SPDX-License-Identifier: GPL-2.0-or-later" "$top"/analyzer/*.[ch] "$top"/plugin/*.[ch] | grep -q . &&
    licence=0
check_status $licence "LICENSE is the GPL 2 and every C source says GPL-2.0-or-later"
if [ -n "$plugin" ]; then check_status 0 "the plugin is built"; else check_status 1 "the plugin is built"; fi
checks_summary
