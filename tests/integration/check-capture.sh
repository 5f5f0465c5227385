#!/usr/bin/env bash
# check-capture.sh - runs real tshark with the built plugin over one capture
# and compares its findings with the expectation, in one pass and with -2.
#
# usage: check-capture.sh BUILD_DIR CAPTURE 'TSHARK OPTIONS' PROBLEMS NOTES VERDICTS [analysis-only]
#   analysis-only: read the capture once (-2) and check the analysis only, not
#   the plugin's own properties that expected.tsv's lines check already (one
#   pass agrees with -2; each code's display filter finds exactly its frames).
#   The other stacks' lines use it: they are about the analysis, and CI's time
#   budget counts every tshark start.
#   MTLS_CHECK_SCOPE=analysis-only makes every line so (the sanitizer job: it looks for memory
#   errors, and one run per capture reaches every code path the others would).
#   CAPTURE is relative to pcaps/; @PCAPS@ in the options stands for pcaps/.
#   PROBLEMS and NOTES: sorted, comma-separated codes (every occurrence), or -.
#   VERDICTS: the final verdict of each handshake in order, comma-separated, or -.
#
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail
build_dir=$1 capture=$2 options=$3 want_problems=$4 want_notes=$5 want_verdicts=$6 scope=${MTLS_CHECK_SCOPE:-${7:-full}}
# shellcheck source=../lib/plugin-env.sh
source "$(dirname "$0")/../lib/plugin-env.sh" "$build_dir"

pcaps=$MTLS_TEST_ROOT/pcaps
read -r -a extra <<<"${options//@PCAPS@/$pcaps}"
# shellcheck source=../lib/checks.sh
source "$(dirname "$0")/../lib/checks.sh"
fail() { check_status 1 "$capture: $*"; }

# Every frame the plugin annotates: frame, problems, notes, streams, handshakes, verdicts.
annotations() { # PASS_OPTION...
    mtls_tshark -r "$pcaps/$capture" "${extra[@]}" "$@" -Y mtls -T fields -E occurrence=a -E aggregator=';' \
        -e frame.number -e mtls.problem -e mtls.note -e mtls.stream -e mtls.handshake -e mtls.verdict
}
findings() { # < annotations: the frames that carry a problem or a note
    awk -F'\t' -v OFS='\t' '$2 != "" || $3 != "" { print $1, $2, $3 }'
}
codes_in_column() { # COLUMN < findings
    cut -f "$1" | tr ';' '\n' | sed '/^$/d' | sort | paste -sd, - | sed 's/^$/-/'
}

two_pass_annotations=$(annotations -2)
two_pass=$(findings <<<"$two_pass_annotations")
if [ "$scope" != analysis-only ]; then
    one_pass=$(annotations | findings)
    [ "$one_pass" = "$two_pass" ] || fail "one pass and -2 differ:
--- one pass
$one_pass
--- -2
$two_pass"
fi

got_problems=$(codes_in_column 2 <<<"$two_pass")
got_notes=$(codes_in_column 3 <<<"$two_pass")
[ "$got_problems" = "$want_problems" ] || fail "problems: want $want_problems, got $got_problems"
[ "$got_notes" = "$want_notes" ] || fail "notes: want $want_notes, got $got_notes"

# The final verdict of every handshake, in order of first appearance.
got_verdicts=$(cut -f 4- <<<"$two_pass_annotations" |
    awk -F'\t' '{ n = split($1, s, ";"); split($2, h, ";"); split($3, v, ";");
                  for (i = 1; i <= n; i++) { key = s[i] "/" h[i]; if (!(key in seen)) { seen[key] = 1; print v[i] } } }' |
    paste -sd, - | sed 's/^$/-/')
[ "$got_verdicts" = "$want_verdicts" ] || fail "verdicts: want $want_verdicts, got $got_verdicts"

# Each code narrows the filter to exactly the frames that carry it.
codes_to_filter=$got_problems
[ "$scope" = analysis-only ] && codes_to_filter=-
for code in $(tr ',' '\n' <<<"$codes_to_filter" | sort -u | grep -v '^-$' || true); do
    want_frames=$(awk -F'\t' -v c="$code" '{ n = split($2, p, ";"); for (i = 1; i <= n; i++) if (p[i] == c) { print $1; break } }' <<<"$two_pass" | paste -sd, -)
    got_frames=$(mtls_tshark -r "$pcaps/$capture" "${extra[@]}" -Y "mtls.problem == \"$code\"" -T fields -e frame.number | paste -sd, -)
    [ "$got_frames" = "$want_frames" ] || fail "filter mtls.problem == \"$code\": want frames $want_frames, got $got_frames"
done

if [ "$checks_failed" -eq 0 ]; then
    check_status 0 "$capture ${options:+($options) }problems=$got_problems notes=$got_notes verdicts=$got_verdicts"
fi
checks_summary
