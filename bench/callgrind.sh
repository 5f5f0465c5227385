#!/usr/bin/env bash
# callgrind.sh - the benchmark in instructions and peak memory, the figures
# that do not move with the load of a shared machine: for each workload of
# make-capture.py, real tshark under callgrind without the plugin (reading by
# hand what a person reads) and with it (-Y mtls.problem), then the peak
# resident memory of the same runs without valgrind.
#
#   mixed            2,000 handshakes, mostly accepted
#   failing          2,000 handshakes, nearly all rejected (ECDSA and RSA clients)
#   long-connection  one mTLS connection with 50,000 Application Data records
#                    (MTLS_BENCH_RECORDS), for memory per frame
#   distinct-certificates
#                    2,000 accepted TLS 1.2 handshakes, each client with its own
#                    certificate under one issuing CA: certificate caches rarely
#                    hit; also printed as memory per handshake
#   replay           every TCP capture of pcaps/ (without their embedded keys),
#                    copied to about 2,000 TCP streams: real chains, CA lists
#                    and record layouts
#
# usage: bench/callgrind.sh BUILD_DIR [WORKLOAD...]   (default: all five)
# environment: MTLS_BENCH_DIR (default /var/tmp/mtls-bench) keeps the captures;
#              MTLS_BENCH_HANDSHAKES (2000: mixed, failing, distinct-certificates,
#              replay), MTLS_BENCH_RECORDS (50000). bench/report-memory.sh measures
#              mtls-report's own memory.
#
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build_dir=$(cd "${1:?usage: bench/callgrind.sh BUILD_DIR [WORKLOAD...]}" && pwd)
shift
workloads=("$@")
[ ${#workloads[@]} -gt 0 ] || workloads=(mixed failing long-connection distinct-certificates replay)
handshakes=${MTLS_BENCH_HANDSHAKES:-2000}
records=${MTLS_BENCH_RECORDS:-50000}
bench_dir=${MTLS_BENCH_DIR:-/var/tmp/mtls-bench}
command -v valgrind >/dev/null || { echo "callgrind.sh: needs valgrind" >&2; exit 2; }
mkdir -p "$bench_dir"
chmod a+rwx "$bench_dir"

# shellcheck source=common.sh
source "$here/common.sh" "$build_dir"

instructions() { # LABEL RUNNER COMMAND...: prints the total instructions callgrind counted
    local label=$1 runner=$2 out
    shift 2
    out=$bench_dir/callgrind.$label.out
    rm -f "$out"
    "$runner" valgrind --tool=callgrind --callgrind-out-file="$out" "$@" >/dev/null 2>"$bench_dir/callgrind.$label.log" ||
        { echo "callgrind.sh: $label failed:" >&2; tail -n 5 "$bench_dir/callgrind.$label.log" >&2; exit 1; }
    chmod a+r "$out"
    awk '/Collected :/ { print $NF }' "$bench_dir/callgrind.$label.log"
}

peak_mb() { # RUNNER COMMAND...: peak resident memory in MB
    local log
    log=$(mktemp)
    python3 "$here/measure.py" run peak "$log" -- bash -c "$1"' "$@"' _ "${@:2}" >/dev/null
    python3 -c 'import json,sys; print(round(json.loads(open(sys.argv[1]).readline())["rss_mb"], 1))' "$log"
    rm -f "$log"
}

per_handshake=()
echo "$(tshark --version 2>/dev/null | head -n 1); valgrind $(valgrind --version)"
printf '%-21s %9s %16s %16s %7s %11s %12s %9s\n' workload packets "Ir without" "Ir with plugin" ratio \
    "peak MB w/o" "peak MB with" "extra MB"
for workload in "${workloads[@]}"; do
    case $workload in
        mixed | failing | distinct-certificates | replay)
            capture=$bench_dir/$workload-$handshakes.pcap
            generate=(--workload "$workload" --handshakes "$handshakes") ;;
        long-connection)
            capture=$bench_dir/$workload-$records.pcap
            generate=(--workload long-connection --handshakes 1 --bulk "$records" --dns-every 0) ;;
        *) echo "callgrind.sh: unknown workload $workload" >&2; exit 2 ;;
    esac
    if [ ! -s "$capture" ] || [ "$capture" -ot "$here/make-capture.py" ]; then
        python3 "$here/make-capture.py" "$capture" "${generate[@]}" >/dev/null
    fi
    chmod a+r "$capture"
    packets=$(capinfos -c -M "$capture" | awk -F': *' '/Number of packets/ {print $2}')
    baseline=(tshark -n -r "$capture" "${hand_read[@]}")
    plugin=(tshark -n -r "$capture" -Y mtls.problem -T fields -e mtls.problem)
    without=$(instructions "$workload.without" mtls_without_plugin "${baseline[@]}")
    with=$(instructions "$workload.with" mtls_as_test_user "${plugin[@]}")
    peak_without=$(peak_mb mtls_without_plugin "${baseline[@]}")
    peak_with=$(peak_mb mtls_as_test_user "${plugin[@]}")
    printf '%-21s %9s %16s %16s %7s %11s %12s %9s\n' "$workload" "$packets" "$without" "$with" \
        "$(awk -v a="$with" -v b="$without" 'BEGIN { printf "%.3f", a / b }')" "$peak_without" "$peak_with" \
        "$(awk -v a="$peak_with" -v b="$peak_without" 'BEGIN { printf "%+.1f", a - b }')"
    # What each client's own certificate costs the plugin in memory, the figure
    # that grows with a gateway's clients.
    if [ "$workload" = distinct-certificates ]; then
        per_handshake+=("$(awk -v a="$peak_with" -v b="$peak_without" -v n="$handshakes" \
            'BEGIN { printf "distinct-certificates: (%.1f - %.1f) MB / %d handshakes = %.1f KB per handshake", a, b, n, (a - b) * 1024 / n }')")
    fi
done
for line in "${per_handshake[@]}"; do echo "$line"; done
echo "callgrind profiles: $bench_dir/callgrind.WORKLOAD.{without,with}.out (callgrind_annotate)"
