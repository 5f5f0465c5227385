#!/usr/bin/env bash
# quickstart.sh - the README's first command: installs the dependencies,
# builds, installs the plugin where Wireshark finds it (the global plugin
# folder as root, your own one otherwise) and analyses the bundled sample.
#
# usage: packaging/quickstart.sh [CAPTURE]   (default: pcaps/sample.pcapng)
#
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
capture=${1:-$top/pcaps/sample.pcapng}
# tshark's warning about running as root is noise here; real errors still show.
tshark() { command tshark "$@" 2> >(grep -v '^Running as user' >&2); }

"$top/packaging/install-deps.sh"
scope=user
[ "$(id -u)" = 0 ] && scope=system
cmake -S "$top" -B "$top/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMTLS_INSTALL_SCOPE=$scope -DBUILD_TESTING=OFF >/dev/null
cmake --build "$top/build" --parallel "$(nproc)" >/dev/null
cmake --install "$top/build" | grep -v "^-- Up-to-date" || true

echo
echo "Loaded plugin:"
tshark -G plugins | grep -E '^mtls-analyzer\.so' || { echo "tshark does not list mtls-analyzer.so" >&2; exit 1; }
echo
echo "Handshakes in $capture:"
# One line per handshake (its final verdict, from the first frame with its summary), then each
# finding on the frame where it was seen.
tshark -2 -r "$capture" -Y mtls.verdict.reason -T fields -E occurrence=f -e mtls.stream -e mtls.handshake -e mtls.verdict \
    -e mtls.client.subject -e mtls.verdict.reason |
    awk -F'\t' '!seen[$1 "/" $2]++ { printf "  stream %s handshake %s: %s%s (%s)\n", $1, $2, $3, ($4 != "" ? ", client " $4 : ""), $5 }'
echo
echo "Findings:"
tshark -2 -r "$capture" -Y 'mtls.problem || mtls.note' -T fields -E occurrence=a -E aggregator='|' \
    -e frame.number -e mtls.stream -e mtls.problem -e mtls.note -e mtls.message |
    awk -F'\t' '{ n = split($3 ($3 != "" && $4 != "" ? "|" : "") $4, codes, "|"); split($5, messages, "|");
                  for (i = 1; i <= n; i++) printf "  frame %s (stream %s) %s\n      %s\n", $1, $2, codes[i], messages[i] }'
