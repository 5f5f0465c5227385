#!/usr/bin/env bash
# run.sh - the performance benchmark (not part of the test suite): makes a
# large capture once, then runs real tshark on it, alternating, with and
# without the plugin, and prints wall and CPU time, packets per second, peak
# memory and the plugin's overhead.
#
#   baseline   tshark without the plugin, reading the TLS handshake fields a
#              person reads by hand (handshake types, certificates, CA names,
#              alerts), as the plugin's tshark-only equivalent
#   plugin     tshark with the plugin: -Y mtls.problem -T fields -e mtls.problem
#   same-read  the baseline's command with the plugin loaded: what the plugin
#              adds to the same work
#
# usage: bench/run.sh BUILD_DIR [ROUNDS]   (default 3 rounds)
# environment: MTLS_BENCH_DIR (default /var/tmp/mtls-bench) holds the capture;
#              MTLS_BENCH_HANDSHAKES (default 50000) sizes it;
#              MTLS_BENCH_WORKLOAD (default mixed) is make-capture.py's workload
#              (mixed, failing, distinct-certificates, replay).
#
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build_dir=$(cd "${1:?usage: bench/run.sh BUILD_DIR [ROUNDS]}" && pwd)
rounds=${2:-3}
handshakes=${MTLS_BENCH_HANDSHAKES:-50000}
bench_dir=${MTLS_BENCH_DIR:-/var/tmp/mtls-bench}
workload=${MTLS_BENCH_WORKLOAD:-mixed}
# The mixed capture keeps its old name, so an earlier run's capture is reused.
capture=$bench_dir/mtls-bench-$handshakes.pcap
[ "$workload" = mixed ] || capture=$bench_dir/$workload-$handshakes.pcap

mkdir -p "$bench_dir"
chmod a+rx "$bench_dir"
if [ ! -s "$capture" ] || [ "$capture" -ot "$here/make-capture.py" ]; then
    python3 "$here/make-capture.py" "$capture" --workload "$workload" --handshakes "$handshakes"
fi
chmod a+r "$capture"

# shellcheck source=common.sh
source "$here/common.sh" "$build_dir"

baseline=(tshark -n -r "$capture" "${hand_read[@]}")
plugin=(tshark -n -r "$capture" -Y mtls.problem -T fields -e mtls.problem)

packets=$(capinfos -c -M "$capture" | awk -F': *' '/Number of packets/ {print $2}')
echo "capture: $capture ($workload: $packets packets, $handshakes mTLS handshakes, $(du -h "$capture" | cut -f1))"
echo "$(tshark --version 2>/dev/null | head -n 1); $rounds rounds; $(nproc) CPUs"
log=$(mktemp)
for round in $(seq "$rounds"); do
    echo "round $round"
    python3 "$here/measure.py" run baseline "$log" -- bash -c 'mtls_without_plugin "$@"' _ "${baseline[@]}"
    python3 "$here/measure.py" run plugin "$log" -- bash -c 'mtls_as_test_user "$@"' _ "${plugin[@]}"
    python3 "$here/measure.py" run same-read "$log" -- bash -c 'mtls_as_test_user "$@"' _ "${baseline[@]}"
done
python3 "$here/measure.py" summary "$log" "$packets"
problems=$(mtls_as_test_user "${plugin[@]}" | wc -l)
echo "frames with mtls.problem: $problems"
rm -f "$log"
