#!/usr/bin/env bash
# check-style.sh - the layout rules of the C sources of the plugin and the
# analyzer that a compiler does not check: lines of at most 120 characters
# (header-field tables written over several lines, as Wireshark's are),
# spaces rather than tabs, no trailing blanks, and C99 integer types rather
# than GLib's (gboolean stays where a GLib callback's signature asks for it);
# the modules call and include down, never in a circle (module-cycles.py);
# files of at most 800 lines and functions of at most 80 (the tables that
# register fields and preferences aside); and portability: the plugin and the analyzer build on Windows and macOS too,
# so they include only ISO C, GLib, GnuTLS, Wireshark and compression headers
# and call no POSIX-only function (GLib and Wireshark have a portable one for
# each).
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

# Headers a Windows build has: ISO C's, and those of the libraries the project builds on.
iso_c='assert|ctype|errno|float|inttypes|limits|locale|math|setjmp|signal|stdarg|stdbool|stddef|stdint|stdio|stdlib|string|time'
libraries='glib|glib/[a-z0-9_]+|gnutls/[a-z0-9_-]+|wireshark|epan/[a-z0-9_/.-]+|wsutil/[a-z0-9_/.-]+|ws_[a-z_]+|zlib|brotli/[a-z]+|zstd'
posix_includes=$(grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]*<' "${sources[@]}" |
    grep -vE "<(${iso_c})\.h>|<(${libraries})(\.h)?>" || true)
# POSIX functions that MSVC's C library lacks or names differently; each has a GLib twin.
posix_calls=$(grep -nE '(^|[^A-Za-z0-9_.>])(inet_ntop|inet_pton|strcasecmp|strncasecmp|strdup|strndup|strtok_r|strsep|gmtime_r|localtime_r|timegm|realpath|getline|fnmatch|opendir|readdir|access|unlink|mkstemp|usleep|sleep|getpid|popen|fileno|isatty|dirname|basename)[[:space:]]*\(' \
    "${sources[@]}" | grep -vE '^[^:]+:[0-9]+:[[:space:]]*(/?\*|//)' || true)
if [ -n "$posix_includes$posix_calls" ]; then
    echo "FAIL: POSIX-only includes or calls in plugin/ or analyzer/ (use GLib's or Wireshark's portable API)"
    printf '%s\n' "$posix_includes" "$posix_calls" | sed '/^$/d'
    exit 1
fi
echo "PASS: ${#sources[@]} files include only ISO C and library headers and call no POSIX-only function"

# Sizes: a file a reader can hold, a function that fits on a screen and a half.
too_long=$(awk 'FNR == 1 { previous = ""; start = 0 }
                FNR == 801 { printf "%s: more than 800 lines\n", FILENAME }
                /^\{$/ { start = FNR; name = previous }
                /^\}/ && start {
                    lines = FNR - start + 1
                    if (lines > 80 && name !~ /^void mtls_register_(fields|preferences)\(/)
                        printf "%s:%d: %s: %d lines\n", FILENAME, start, name, lines
                    start = 0 }
                { previous = $0 }' "${sources[@]}")
if [ -n "$too_long" ]; then
    echo "FAIL: files over 800 lines or functions over 80 (registration tables aside)"
    echo "$too_long"
    exit 1
fi
echo "PASS: every file at most 800 lines, every function at most 80 (registration tables aside)"

python3 "$top/tests/lib/module-cycles.py" "$top"
