#!/usr/bin/env bash
# report-memory.sh - the peak memory of mtls-report itself, the Python process
# that reads tshark's JSON, apart from the tshark it runs (the plugin's cost is
# callgrind.sh's): mtls-report on a 10,000-handshake capture of make-capture.py,
# run inside bench/measure.py (own-peak) so that the Python process's peak and
# its tshark's are told apart.
#
# usage: bench/report-memory.sh BUILD_DIR [WORKLOAD...]   (default: mixed distinct-certificates)
# environment: MTLS_BENCH_DIR (default /var/tmp/mtls-bench) keeps the captures;
#              MTLS_BENCH_REPORT_HANDSHAKES (10000) sizes them.
#
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build_dir=$(cd "${1:?usage: bench/report-memory.sh BUILD_DIR [WORKLOAD...]}" && pwd)
shift
workloads=("$@")
[ ${#workloads[@]} -gt 0 ] || workloads=(mixed distinct-certificates)
handshakes=${MTLS_BENCH_REPORT_HANDSHAKES:-10000}
bench_dir=${MTLS_BENCH_DIR:-/var/tmp/mtls-bench}
[ -x "$build_dir/mtls-report" ] || { echo "report-memory.sh: no $build_dir/mtls-report (build first)" >&2; exit 2; }
mkdir -p "$bench_dir"
chmod a+rwx "$bench_dir"

# shellcheck source=common.sh
source "$here/common.sh" "$build_dir"
# The unprivileged user that runs tshark with the plugin reads the tool from
# the private folder, and runs the system's Python (root's may be out of reach).
cp "$build_dir/mtls-report" "$here/measure.py" "$MTLS_TEST_ROOT/"
chmod a+rx "$MTLS_TEST_ROOT/mtls-report" "$MTLS_TEST_ROOT/measure.py"
python=/usr/bin/python3
[ -x "$python" ] || python=$(command -v python3)

printf '%-21s %9s %14s %15s\n' workload handshakes "Python peak MB" "tshark peak MB"
for workload in "${workloads[@]}"; do
    capture=$bench_dir/$workload-$handshakes.pcap
    if [ ! -s "$capture" ] || [ "$capture" -ot "$here/make-capture.py" ]; then
        python3 "$here/make-capture.py" "$capture" --workload "$workload" --handshakes "$handshakes" >/dev/null
    fi
    chmod a+r "$capture"
    log=$MTLS_TEST_ROOT/home/report-memory.log
    rm -f "$log"
    # mtls-report's exit status says what it found (1 problems, 3 undetermined), not that it failed.
    status=0
    mtls_as_test_user "$python" "$MTLS_TEST_ROOT/measure.py" own-peak "$workload" "$log" -- \
        "$MTLS_TEST_ROOT/mtls-report" --progress never --format jsonl "$capture" >/dev/null || status=$?
    if [ "$status" -eq 2 ] || [ "$status" -gt 3 ] || [ ! -s "$log" ]; then
        echo "report-memory.sh: mtls-report failed on $capture (exit $status)" >&2
        exit 1
    fi
    "$python" -c 'import json, sys
row = json.loads(open(sys.argv[1]).readline())
own, child = row["python_mb"], row["child_mb"]
print(f"{sys.argv[2]:<21} {sys.argv[3]:>9} {own:14.1f} {child:15.1f}")' "$log" "$workload" "$handshakes"
done
