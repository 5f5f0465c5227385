#!/usr/bin/env bash
# check-package.sh - builds the .deb, checks what it installs (the plugin in
# Wireshark's global plugin folder, mtls-report and its manual page, the mTLS
# profile among the global profiles) and its dependency on the libwireshark
# ABI it was built for; then installs it with apt, uses it the way a user
# would (tshark finds the plugin by itself, mtls-report, tshark -C mtls-analyzer) and
# removes it again.
#
# Installing needs root (or sudo without a password), as on a CI machine.
#
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
out=$(mktemp -d)
chmod a+rx "$out"
sudo=""
[ "$(id -u)" = 0 ] || sudo="sudo -n"
installed=""
cleanup() {
    if [ -n "$installed" ]; then
        $sudo env DEBIAN_FRONTEND=noninteractive apt-get remove -y -q "$installed" >/dev/null 2>&1 || true
    fi
    rm -rf "$out" || true
}
trap cleanup EXIT
deb=$("$top/packaging/build-deb.sh" "$out" | tail -n 1)
plugin_dir="$(pkg-config --variable=plugindir wireshark)/epan"
profile_dir="$(pkg-config --variable=prefix wireshark)/share/wireshark/profiles/mtls-analyzer"
abi=$(dpkg-query -W -f='${Depends}' libwireshark-dev | grep -o 'libwireshark[0-9]*' | head -n 1)
version=$(sed -n 's/^project(mtls-analyzer VERSION \([0-9.]*\).*/\1/p' "$top/CMakeLists.txt")
# shellcheck source=../lib/checks.sh
source "$top/tests/lib/checks.sh"
# Each check below reads the status of the command before it: one that fails
# is counted and reported, not a reason to stop.
set +e

contents=$(dpkg-deb -c "$deb")
missing=""
for path in "$plugin_dir/mtls-analyzer.so" /usr/bin/mtls-report /usr/share/man/man1/mtls-report.1 \
    "$profile_dir/preferences" "$profile_dir/colorfilters" "$profile_dir/dfilter_buttons" "$profile_dir/recent"; do
    grep -q " \\.$path\$" <<<"$contents" || missing+=" $path"
done
[ -z "$missing" ]
check_status $? "$(basename "$deb") holds the plugin, mtls-report, its manual page and the mtls-analyzer profile${missing:+ (missing:$missing)}"
dpkg-deb -f "$deb" Depends | grep -q "$abi"
check_status $? "the package depends on $abi (the libwireshark ABI it was built for): $(dpkg-deb -f "$deb" Depends)"
[ "$(dpkg-deb -f "$deb" Version)" = "$version" ]
check_status $? "the package version is the project's ($version)"

$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$deb" >"$out/install.log" 2>&1
status=$?
installed=$(dpkg-deb -f "$deb" Package)
check_status $status "apt installs the package"

# Installed, the plugin needs no environment: tshark's own plugin search finds it.
listing=$(env -u WIRESHARK_PLUGIN_DIR tshark -G plugins 2>/dev/null)
grep -qE "^mtls-analyzer\.so\s.*$plugin_dir/mtls-analyzer\.so" <<<"$listing"
check_status $? "tshark loads the installed plugin from $plugin_dir"

sample=$top/pcaps/sample.pcapng
report_status=0
report=$(env -u WIRESHARK_PLUGIN_DIR mtls-report "$sample" 2>&1) || report_status=$?
[ "$report_status" = 1 ] && grep -q "6 handshakes in 1 capture: " <<<"$report"
check_status $? "the installed mtls-report analyses the sample (exit $report_status)"

man -w mtls-report >/dev/null 2>&1 || [ -f /usr/share/man/man1/mtls-report.1 ]
check_status $? "man mtls-report is installed"

columns=$(env -u WIRESHARK_PLUGIN_DIR tshark -C mtls-analyzer -2 -r "$sample" -Y 'mtls.problem == "unknown_ca"' 2>&1)
grep -q ' rejected CN=integration-client' <<<"$columns"
check_status $? "tshark -C mtls-analyzer uses the installed profile's columns"

checks_summary
