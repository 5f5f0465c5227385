#!/usr/bin/env bash
# check-hostile.sh - real tshark with the built plugin over damaged copies of
# the sample captures. Each run must end by itself (no crash, no hang) and may
# only say what the capture still proves:
#   - every capture, corrupted at random (editcap -E, three seeds each): no
#     crash or hang that tshark without the plugin does not have as well;
#   - one capture cut after every packet: no problem that the whole capture
#     does not have, and a handshake cut before its outcome is "incomplete
#     capture", never a guess;
#   - the same capture with every packet cut short (snaplen 64 to 1024 bytes):
#     no problem the whole capture does not have.
#
# usage: check-hostile.sh BUILD_DIR
#
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../lib/plugin-env.sh
source "$here/../lib/plugin-env.sh" "$1"
# shellcheck source=../lib/checks.sh
source "$here/../lib/checks.sh"
pcaps=$MTLS_TEST_ROOT/pcaps
damaged=$MTLS_TEST_ROOT/home/damaged
mkdir -p "$damaged"
chmod a+rwx "$damaged"
per_run_seconds=60

tshark_verdicts() { # CAPTURE: problem codes and final verdicts, -2
    mtls_tshark -n -2 -r "$1" -Y mtls -T fields -E occurrence=a -E aggregator=, \
        -e mtls.problem -e mtls.verdict -e mtls.stream -e mtls.handshake 2>/dev/null
}

# Exit status of a full two-pass dissection, 124 on a hang.
export -f mtls_as_test_user mtls_without_plugin
dissect_status() { # CAPTURE [no-plugin]
    local status=0 runner=mtls_as_test_user
    [ "${2:-}" = no-plugin ] && runner=mtls_without_plugin
    timeout "$per_run_seconds" bash -c "$runner"' tshark -n -2 -V -r "$1" >/dev/null 2>&1' _ "$1" || status=$?
    echo "$status"
}

corrupted_copies_never_crash() {
    local capture copy seed status baseline failures=0 runs=0 theirs=0
    for capture in "$pcaps"/*.pcapng "$pcaps"/third-party/*/*.pcap*; do
        for seed in 1 2 3; do
            copy=$damaged/$(basename "$capture").$seed
            editcap -E 0.02 --seed "$seed" "$capture" "$copy" >/dev/null 2>&1 || continue
            chmod a+r "$copy"
            runs=$((runs + 1))
            status=$(dissect_status "$copy")
            # tshark reports malformed captures with status 2: only signals and hangs count.
            if [ "$status" -ge 124 ]; then
                baseline=$(dissect_status "$copy" no-plugin)
                if [ "$baseline" = "$status" ]; then
                    theirs=$((theirs + 1))
                    echo "tshark without the plugin ends the same way ($status) on $(basename "$copy"): not ours"
                else
                    echo "$(basename "$capture") seed $seed: status $status with the plugin, $baseline without"
                    failures=$((failures + 1))
                fi
            fi
            rm -f "$copy"
        done
    done
    echo "$runs corrupted copies, $failures crashes or hangs caused by the plugin, $theirs of tshark's own"
    [ "$runs" -gt 100 ] && [ "$failures" -eq 0 ]
}

# Problems must be among the whole capture's; prints the offending ones.
problems_within() { # WHOLE_PROBLEMS FINDINGS
    local extra
    extra=$(cut -f1 <<<"$2" | tr ',' '\n' | sed '/^$/d' | sort -u | comm -23 - <(tr ',' '\n' <<<"$1" | sort -u))
    [ -z "$extra" ] || { echo "problems the whole capture does not have: $extra"; return 1; }
}

truncated_captures_claim_no_more() {
    local capture=$pcaps/tls12-missing-intermediate.pcapng whole whole_problems outcome packets keep cut findings
    whole=$(tshark_verdicts "$capture")
    whole_problems=$(cut -f1 <<<"$whole" | tr ',' '\n' | sed '/^$/d' | sort -u | paste -sd, -)
    outcome=$(mtls_tshark -n -2 -r "$capture" -Y 'tls.alert_message' -T fields -e frame.number | head -n 1)
    packets=$(capinfos -c -M "$capture" | awk -F': *' '/Number of packets/ {print $2}')
    [ -n "$whole_problems" ] && [ -n "$outcome" ] || { echo "the reference capture lost its findings"; return 1; }
    for keep in $(seq 1 "$packets"); do
        cut=$damaged/cut-$keep.pcapng
        editcap -r "$capture" "$cut" "1-$keep" >/dev/null
        chmod a+r "$cut"
        findings=$(tshark_verdicts "$cut")
        problems_within "$whole_problems" "$findings" || { echo "after $keep packets"; return 1; }
        if [ "$keep" -lt "$outcome" ] && [ -n "$findings" ]; then
            if cut -f2 <<<"$findings" | grep -qv '^incomplete capture$'; then
                echo "cut after $keep packets (outcome in $outcome), verdicts: $(cut -f2 <<<"$findings" | sort -u | paste -sd' ')"
                return 1
            fi
        fi
    done
    for snaplen in 64 128 256 512 1024; do
        cut=$damaged/snap-$snaplen.pcapng
        editcap -s "$snaplen" "$capture" "$cut" >/dev/null
        chmod a+r "$cut"
        problems_within "$whole_problems" "$(tshark_verdicts "$cut")" || { echo "snaplen $snaplen"; return 1; }
    done
    echo "$packets cuts and 5 snap lengths: nothing beyond '$whole_problems', incomplete before frame $outcome"
}

check "corrupted copies of every capture: no crash or hang of the plugin's making" corrupted_copies_never_crash
check "a capture cut short claims nothing it no longer proves" truncated_captures_claim_no_more
checks_summary
