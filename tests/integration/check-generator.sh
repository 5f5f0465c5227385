#!/usr/bin/env bash
# check-generator.sh - makes every sample capture anew with pcaps/make-captures.sh
# (real OpenSSL peers on loopback, real dumpcap) and checks each fresh capture
# against its line in pcaps/expected.tsv, so the generator and the committed
# captures cannot drift apart. Needs the right to capture on lo (root in CI).
#
# usage: check-generator.sh BUILD_DIR
#
# MTLS_CHECK_OTHER_STACKS=1 also makes pcaps/stacks/ and pcaps/protocols/ anew
# (make-stack-captures.sh, make-protocol-captures.sh: Go, Node.js, Erlang,
# wolfSSL, Mbed TLS, PostgreSQL, MariaDB, Mosquitto, Postfix, slapd) and
# checks them against pcaps/expected-stacks.tsv. Their servers are not in CI's
# install: run it, as root on Debian 12 with the packages their "Needs:" lines
# name, before committing new captures of theirs.
#
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build_dir=$1
fresh=$(mktemp -d /tmp/mtls-fresh-captures.XXXXXX)
trap 'rm -rf "$fresh"' EXIT
MTLS_CAPTURE_BASE_PORT=25400 "$top/pcaps/make-captures.sh" "$fresh" >"$fresh.log" 2>&1 || {
    echo "FAIL: make-captures.sh failed:"
    cat "$fresh.log"
    rm -f "$fresh.log"
    exit 1
}
rm -f "$fresh.log"
# The real-software captures come from Debian 12's packages; other releases
# ship other versions of every server and client, whose answers differ.
real_software=false
if grep -q '^12\.' /etc/debian_version 2>/dev/null; then
    real_software=true
    MTLS_REAL_CAPTURE_BASE_PORT=27400 "$top/pcaps/make-real-captures.sh" "$fresh/real" >"$fresh.log" 2>&1 || {
        echo "FAIL: make-real-captures.sh failed:"
        cat "$fresh.log"
        rm -f "$fresh.log"
        exit 1
    }
    rm -f "$fresh.log"
fi
other_stacks=false
if [ "${MTLS_CHECK_OTHER_STACKS:-0}" = 1 ]; then
    other_stacks=true
    for generator in stack:stacks protocol:protocols; do
        MTLS_STACK_CAPTURE_BASE_PORT=28400 "$top/pcaps/make-${generator%%:*}-captures.sh" "$fresh/${generator#*:}" >"$fresh.log" 2>&1 || {
            echo "FAIL: make-${generator%%:*}-captures.sh failed:"
            cat "$fresh.log"
            rm -f "$fresh.log"
            exit 1
        }
    done
    rm -f "$fresh.log"
fi
cp "$top/pcaps/expected.tsv" "$top/pcaps/expected-stacks.tsv" "$fresh/"
export MTLS_PCAPS_SOURCE=$fresh
# shellcheck source=../lib/checks.sh
source "$here/../lib/checks.sh"
# The checks run side by side, one per core: each reads its fresh capture with tshark once (-2).
results=$(mktemp -d /tmp/mtls-generator-results.XXXXXX)
index=0
while IFS= read -r line; do
    # Tabs are whitespace to read, which would merge empty columns: split on a unit separator.
    IFS=$'\x1f' read -r capture options problems notes verdicts <<<"${line//$'\t'/$'\x1f'}"
    case $capture in
        '#'* | third-party/*) continue ;;
        real/*) $real_software || continue ;;
        stacks/* | protocols/*) $other_stacks || continue ;;
    esac
    index=$((index + 1))
    if [ ! -f "$fresh/$capture" ]; then
        check_status 1 "the generator made $capture"
    else
        # The analysis only: the plugin's own properties are checked on the committed captures.
        printf '%s\0' "$index" "$capture" "$options" "$problems" "$notes" "$verdicts" analysis-only >"$results/$index.args"
    fi
done < <(cat "$top/pcaps/expected.tsv" "$top/pcaps/expected-stacks.tsv")
check_one() { # ARGS_FILE
    local arguments=()
    mapfile -d '' -t arguments <"$1"
    if "$here/check-capture.sh" "$build_dir" "${arguments[@]:1}" >"${1%.args}.out" 2>&1; then
        echo passed >"${1%.args}.rc"
    else
        echo failed >"${1%.args}.rc"
    fi
}
export -f check_one
export here build_dir
find "$results" -name '*.args' -print0 | xargs -0 -r -P "$(nproc)" -n 1 bash -c 'check_one "$1"' _
checks=$(find "$results" -name '*.args' | wc -l)
answered=$(find "$results" -name '*.rc' | wc -l)
[ "$checks" = "$answered" ] || check_status 1 "every check ran ($answered of $checks did)"
for rc in "$results"/*.rc; do
    [ -e "$rc" ] || continue
    # What check-capture.sh said of the fresh capture: its verdict line, or its failures.
    if [ "$(cat "$rc")" = passed ]; then
        check_status 0 "fresh $(sed -n 's/^ok: //p' "${rc%.rc}.out")"
    else
        grep -v ' passed, ' "${rc%.rc}.out"
        check_status 1 "fresh $(tr '\0' '\n' <"${rc%.rc}.args" | sed -n 2p) (${rc##*/})"
    fi
done
rm -rf "$results"
checks_summary
