#!/usr/bin/env bash
# check-profile.sh - the "mtls-analyzer" configuration profile shipped in
# packaging/profile, read by real tshark (-C mtls-analyzer) with the plugin: its
# columns show the verdict and client certificate, its colouring rules colour
# problems and outcomes, and every filter button is a valid filter that
# selects what its label says.
#
# usage: check-profile.sh BUILD_DIR
#
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../lib/plugin-env.sh
source "$here/../lib/plugin-env.sh" "$1"
profiles=$MTLS_TEST_ROOT/home/.config/wireshark/profiles
mkdir -p "$profiles"
cp -r "$mtls_source_dir/packaging/profile/mtls-analyzer" "$profiles/"
chmod -R a+rwX "$MTLS_TEST_ROOT/home"
sample=$MTLS_TEST_ROOT/pcaps/sample.pcapng
# shellcheck source=../lib/checks.sh
source "$(dirname "$0")/../lib/checks.sh"

# The frames of the sample, by what happened there (see pcaps/PROVENANCE.md).
frames_where() { # FILTER
    mtls_tshark -2 -r "$sample" -Y "$1" -T fields -e frame.number | paste -sd, -
}

columns_show_verdict_and_certificate() {
    local line
    line=$(mtls_tshark -C mtls-analyzer -2 -r "$sample" -Y 'mtls.problem == "unknown_ca"')
    echo "$line"
    grep -q ' rejected CN=integration-client,O=mtls-analyzer test PKI missing_intermediate,unknown_ca Alert' <<<"$line"
}

colouring_rules_apply() {
    local rules
    rules=$(mtls_tshark -C mtls-analyzer -2 -r "$sample" --color -T fields -e frame.number -e frame.coloring_rule.name)
    for frame in $(frames_where mtls.problem | tr , ' '); do
        grep -qxP "$frame\tmTLS problem" <<<"$rules" || { echo "frame $frame not coloured as a problem"; return 1; }
    done
    local accepted
    accepted=$(frames_where 'mtls.verdict == "completed (answer unseen)" && !mtls.problem && tls.handshake' | cut -d, -f1)
    grep -qxP "$accepted\tmTLS completed, answer unseen" <<<"$rules" || { echo "frame $accepted not pale blue"; return 1; }
    # A close_notify is no problem: only fatal alerts take the alert colour (nginx's, decrypted).
    local real=$MTLS_TEST_ROOT/pcaps/real/nginx-tls12-curl-good close_notify
    close_notify=$(mtls_tshark -C mtls-analyzer -2 -r "$real.pcapng" -o "tls.keylog_file:$real.keys" --color \
        -Y 'tls.alert_message.desc == 0' -T fields -e frame.number -e frame.coloring_rule.name)
    [ -n "$close_notify" ] && ! grep -qi "alert" <<<"$close_notify" ||
        { echo "close_notify missing or coloured as a fatal alert: $close_notify"; return 1; }
    # Frames outside any handshake keep the generic rules.
    grep -qP "\tTCP SYN/FIN$" <<<"$rules"
}

# Each button's filter compiles and selects frames; the ones with a precise
# meaning select exactly the frames the mtls fields say.
filter_buttons_work() {
    local label filter count=0
    while IFS=$'\t' read -r label filter; do
        count=$((count + 1))
        local selected
        selected=$(frames_where "$filter") || { echo "button '$label': invalid filter $filter"; return 1; }
        [ -n "$selected" ] || { echo "button '$label' selects nothing in the sample"; return 1; }
        case $label in
        "mTLS problems") [ "$selected" = "$(frames_where 'mtls.problem')" ] ;;
        "No client certificate") [ "$selected" = "$(frames_where 'mtls.stream == 3')" ] ;;
        # One row per handshake: the frame with its whole summary.
        "Handshakes") [ "$(wc -w <<<"${selected//,/ }")" = 6 ] && [ "$selected" = "$(frames_where 'mtls.verdict.reason')" ] ;;
        # The sample's clients use ephemeral ports, its servers 244xx.
        "Client certificates") [ "$selected" = "$(frames_where 'tls.handshake.type == 11 && tcp.srcport >= 32768')" ] ;;
        *) true ;;
        esac || { echo "button '$label' ($filter) selects $selected"; return 1; }
    done < <(python3 - "$MTLS_TEST_ROOT/home/.config/wireshark/profiles/mtls-analyzer/dfilter_buttons" <<'PY'
import csv, sys
for row in csv.reader(line for line in open(sys.argv[1]) if not line.startswith("#")):
    enabled, label, expression, _comment = row
    assert enabled == "TRUE", row
    print(label + "\t" + expression.replace("\\x22", '"'))
PY
    )
    [ "$count" -ge 3 ] || { echo "only $count buttons"; return 1; }
}

check "profile columns show the verdict, client certificate and problems" columns_show_verdict_and_certificate
check "profile colouring rules mark problems and accepted certificates" colouring_rules_apply
check "profile filter buttons are valid and select what they say" filter_buttons_work
checks_summary
