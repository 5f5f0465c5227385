#!/usr/bin/env bash
# check-style.sh - the layout rules of the C sources of the plugin and the
# analyzer that a compiler does not check: lines of at most 120 characters
# (header-field tables written over several lines, as Wireshark's are),
# spaces rather than tabs, no trailing blanks, and C99 integer types rather
# than GLib's (gboolean stays where a GLib callback's signature asks for it).
#
# usage: check-style.sh
#
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
sources=(plugin/*.c plugin/*.h analyzer/*.c analyzer/*.h)
problems=$(awk 'length > 120 { printf "%s:%d: %d characters\n", FILENAME, FNR, length }
                /\t/ { printf "%s:%d: a tab\n", FILENAME, FNR }
                / +$/ { printf "%s:%d: trailing blanks\n", FILENAME, FNR }
                /(^|[^A-Za-z0-9_])(g(u)?int(8|16|32|64)?|gsize|gssize|gchar|guchar)([^A-Za-z0-9_]|$)/ {
                    printf "%s:%d: a GLib integer type (use a C99 one)\n", FILENAME, FNR }' "${sources[@]}")
if [ -n "$problems" ]; then
    echo "FAIL: layout"
    echo "$problems"
    exit 1
fi
echo "PASS: ${#sources[@]} files: lines of at most 120 characters, no tabs, no trailing blanks, C99 integer types"
