#!/usr/bin/env bash
# check-outputs.sh - the ways a user reads the plugin's results through real
# tshark: the plugin loads cleanly, its fields and filters exist, JSON and
# -z expert and -z mtls,tree carry the codes, and full trees (-V) show no
# dissector bug.
#
# usage: check-outputs.sh BUILD_DIR
#
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail
# shellcheck source=../lib/plugin-env.sh
source "$(dirname "$0")/../lib/plugin-env.sh" "$1"
pcaps=$MTLS_TEST_ROOT/pcaps
# shellcheck source=../lib/checks.sh
source "$(dirname "$0")/../lib/checks.sh"

plugin_loads_from_build() {
    local listing
    listing=$(mtls_tshark -G plugins 2>&1)
    # Both must hold: the plugin listed from the build, and no word of trouble.
    grep -E "^mtls-analyzer\.so\s.*dissector\s+$MTLS_TEST_ROOT/plugins/" <<<"$listing" &&
        ! grep -iE 'warn|error|couldn.t load' <<<"$listing"
}

fields_registered() {
    local fields
    fields=$(mtls_tshark -G fields)
    for field in mtls.problem mtls.note mtls.verdict mtls.version mtls.client.subject mtls.client.issuer \
        mtls.client.chain_length mtls.client.listed_ca mtls.client.certificate mtls.certificate.sha256 mtls.server.ca_names mtls.server.ca_name mtls.frame.certificate_request \
        mtls.frame.client_certificate mtls.frame.alert mtls.expert.unknown_ca mtls.expert.empty_certificate; do
        grep -qP "\t$field\t" <<<"$fields" || { echo "missing field $field"; return 1; }
    done
}

json_carries_codes() {
    local json
    # Both problems are on the alert frame: duplicate keys become a list.
    json=$(mtls_tshark -r "$pcaps/tls12-missing-intermediate.pcapng" -Y mtls.problem -T json --no-duplicate-keys)
    python3 - "$json" <<'PY'
import json, sys
packets = json.loads(sys.argv[1])
codes = []
def walk(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "mtls.problem":
                codes.extend(value if isinstance(value, list) else [value])
            walk(value)
    elif isinstance(node, list):
        for item in node:
            walk(item)
walk(packets)
assert sorted(codes) == ["missing_intermediate", "unknown_ca"], codes
PY
}

expert_lists_entries() {
    local expert
    expert=$(mtls_tshark -q -r "$pcaps/tls12-empty-certificate.pcapng" -z expert)
    # The cause is an Error like the alert it explains, and comes first.
    echo "$expert"
    [ "$(sed -n '/^Errors/,/^$/p' <<<"$expert" | grep -oE 'empty_certificate:|handshake_failure:' | paste -sd' ')" = \
        "empty_certificate: handshake_failure:" ] && ! grep -q "^Warns" <<<"$expert"
}

expert_filter_works() {
    local frames
    frames=$(mtls_tshark -r "$pcaps/tls12-expired.pcapng" -Y mtls.expert.expired -T fields -e frame.number)
    [ -n "$frames" ]
}

# Full trees (-V), one pass and -2, with no dissector bug of the plugin's and,
# with -2, nothing on stderr: ours only, as Wireshark's TLS dissector has bugs
# of its own on some captures (tls12-certificate-beyond-the-dissector.pcapng:
# its tree-depth assertion). Wireshark cuts item labels at 240 characters
# ("[truncated]"): no mTLS item may lose its end, where the cause and the fix
# are; the -2 trees show that too.
mtls_items_uncut() { # < a -V tree: prints the mTLS items cut short
    awk '/^mtls-analyzer: mutual TLS client-certificate analysis/ { mtls = 1; next } /^[^ ]/ { mtls = 0 } mtls && /\[truncated\]/'
}
full_trees_clean() {
    local capture output tree=$MTLS_TEST_ROOT/tree.txt errors=$MTLS_TEST_ROOT/errors.txt
    for capture in "$pcaps"/*.pcapng "$pcaps"/third-party/*/*.pcap*; do
        mtls_tshark -r "$capture" -V -2 >"$tree" 2>"$errors" || true
        output=$(
            grep -v 'Dissector bug, protocol TLS, ' "$errors" || true
            # Of our own captures (a third-party certificate's subject may be longer than a label).
            [[ $capture == */third-party/* ]] || mtls_items_uncut <"$tree"
            mtls_tshark -r "$capture" -V 2>/dev/null | grep -iE 'dissector bug, protocol mtls|malformed packet: mtls' || true
        )
        if [ -n "$output" ]; then
            echo "$capture: $output"
            return 1
        fi
    done
}

# The same of the real software's captures, with their key logs, so the
# longest explanations (the application's answer) are there too.
mtls_items_are_never_cut() {
    local capture keys cut
    for capture in "$pcaps"/real/*.pcapng; do
        keys=()
        [ -f "${capture%.pcapng}.keys" ] && keys=(-o "tls.keylog_file:${capture%.pcapng}.keys")
        cut=$(mtls_tshark -r "$capture" "${keys[@]}" -2 -V -O mtls 2>/dev/null | grep -F '[truncated]' || true)
        if [ -n "$cut" ]; then
            echo "$capture: $cut"
            return 1
        fi
    done
}

# The handshake at a glance: who sent what, in order.
flow_reads_like_the_packet_list() {
    local flow
    flow=$(mtls_tshark -2 -r "$pcaps/tls12-missing-intermediate.pcapng" -Y mtls.flow -T fields -E occurrence=f -e mtls.flow |
        sort -u)
    echo "$flow"
    [ "$flow" = "C: ClientHello · S: ServerHello, Certificate(2), ServerKeyExchange, CertificateRequest(1 CA), ServerHelloDone · C: Certificate(1), ClientKeyExchange, CertificateVerify, ChangeCipherSpec, encrypted handshake message · S: Alert unknown_ca" ] &&
        [ "$(mtls_tshark -2 -r "$pcaps/tls12-missing-intermediate.pcapng" -Y 'frame.number == 9' -T fields \
            -E occurrence=a -E aggregator=, -e mtls.flow.frame)" = "4,6,6,6,6,6,8,8,8,8,8,9" ]
}

# A frame's events go in their order: the server's 200 and its post-handshake
# CertificateRequest share frame 13; the answer belongs to the first handshake.
answers_go_to_their_handshake() {
    local capture=$pcaps/tls13-answer-then-post-handshake-request.pcapng got
    got=$(mtls_tshark -2 -r "$capture" -o "tls.keylog_file:$pcaps/keys/tls13-answer-then-post-handshake-request.keys" \
        -Y 'frame.number == 13' -T fields -E occurrence=a -E aggregator=, -e mtls.handshake -e mtls.frame.answer)
    echo "$got"
    [ "$got" = "1,2	13,21" ]
}

# HAProxy completes the handshake without the client's intermediate; the
# capture, cut after the server's Finished, holds no answer and no close.
# Once it is known that nothing more comes (-2), the unsent intermediate is
# reported, saying the capture holds no answer.
capture_end_settles_the_unsent_intermediate() {
    local name=real/haproxy-tls12-curl-ca-verify-file-leaf-only cut=$MTLS_TEST_ROOT/cut-after-finished.pcapng got
    editcap -r "$pcaps/$name.pcapng" "$cut" 1-8 >/dev/null
    got=$(mtls_tshark -2 -r "$cut" -o "tls.keylog_file:$pcaps/$name.keys" -Y 'mtls.note == "intermediate_not_sent"' \
        -T fields -e frame.number -e mtls.verdict -e mtls.message)
    echo "$got"
    [ "$(cut -f 1,2 <<<"$got")" = "8	completed (answer unseen)" ] && grep -q "the capture holds no answer" <<<"$got" &&
        [ -z "$(mtls_tshark -r "$cut" -o "tls.keylog_file:$pcaps/$name.keys" -Y 'mtls.note == "intermediate_not_sent"')" ]
}

info_column_flags_problems() {
    local lines
    lines=$(mtls_tshark -r "$pcaps/tls12-missing-intermediate.pcapng" -2)
    # The unsent intermediate is reported where the server refuses it.
    grep -q 'Alert (Level: Fatal, Description: Unknown CA) \[mTLS: missing_intermediate, unknown_ca\]' <<<"$lines" &&
        [ "$(grep -c '\[mTLS:' <<<"$lines")" -eq 1 ]
}

unreadable_trust_store_is_reported() {
    local output
    output=$(mtls_tshark -r "$pcaps/tls12-missing-intermediate.pcapng" -o mtls.trust_store:/no/such.pem \
        -Y mtls.problem -T fields -e mtls.problem 2>&1)
    grep -q "mTLS analyzer: cannot read trust store /no/such.pem: Error while reading file; the checks" <<<"$output" &&
        grep -qx missing_intermediate,unknown_ca <<<"$output"
}

every_capture_has_an_expectation() {
    local capture name missing=0
    while IFS= read -r capture; do
        name=${capture#"$pcaps"/}
        # Not `cut | grep -q`: grep leaving early makes cut die of SIGPIPE, and pipefail reports that.
        if ! awk -F'\t' -v name="$name" '$1 == name { found = 1 } END { exit !found }' "$pcaps/expected.tsv" \
            "$pcaps/expected-stacks.tsv"; then
            echo "no line in pcaps/expected.tsv or pcaps/expected-stacks.tsv for $name"
            missing=1
        fi
    done < <(find "$pcaps" -name '*.pcap' -o -name '*.pcapng' -o -name '*.pcap.gz' -o -name '*.pcapng.gz')
    [ "$missing" = 0 ]
}

quiet_on_ordinary_traffic() {
    # Problems only where something is wrong: the good captures give none.
    local capture
    for capture in tls12-good-chain tls12-good-full-chain tls13-good-chain tls12-not-requested; do
        [ -z "$(mtls_tshark -r "$pcaps/$capture.pcapng" -Y mtls.problem -T fields -e frame.number)" ] || return 1
    done
}

# The chain summary lists each client certificate with the SHA-256 of the
# very bytes the TLS dissector shows, in the order sent.
client_chain_fingerprints() {
    local capture=$pcaps/tls12-good-chain.pcapng frame want got
    frame=$(mtls_tshark -r "$capture" -Y 'mtls.frame.outcome == frame.number' -T fields -e mtls.frame.client_certificate)
    want=$(mtls_tshark -r "$capture" -Y "frame.number == $frame" -T fields -E occurrence=a \
        -E aggregator=' ' -e tls.handshake.certificate | tr ' ' '\n' | while read -r hex; do
        xxd -r -p <<<"$hex" | sha256sum | cut -d' ' -f1; done | paste -sd, -)
    got=$(mtls_tshark -r "$capture" -Y 'mtls.frame.outcome == frame.number' -T fields -E occurrence=a \
        -E aggregator=, -e mtls.certificate.sha256)
    echo "Certificate in frame $frame: want $want, got $got"
    [ -n "$want" ] && [ "$want" = "$got" ] && [ "$(tr ',' '\n' <<<"$got" | wc -l)" = 2 ]
    mtls_tshark -r "$capture" -Y 'mtls.certificate.not_after' -T fields -e mtls.certificate.key | grep -q 'EC SECP256R1'
}

# Each handshake's whole summary is on its outcome frame (after the whole capture is read, on the
# first frame of one that never reached an outcome); its other frames carry what identifies it,
# their findings and a link to the outcome. One pass and -2 put it on the same frame.
summary_on_the_outcome_frame() {
    local capture json_one=$MTLS_TEST_ROOT/summary-one.json json_two=$MTLS_TEST_ROOT/summary-two.json
    for capture in sample.pcapng tls12-missing-intermediate.pcapng tls12-weak-key.pcapng \
        third-party/wireshark/tls-fragmented-handshakes.pcap.gz; do
        mtls_tshark -r "$pcaps/$capture" -Y mtls -T json -J "frame mtls" --no-duplicate-keys >"$json_one"
        mtls_tshark -2 -r "$pcaps/$capture" -Y mtls -T json -J "frame mtls" --no-duplicate-keys >"$json_two"
        python3 - "$capture" "$json_one" "$json_two" <<'PY' || return 1
import json, sys
capture = sys.argv[1]

def trees(path):
    text = open(path).read()
    for packet in json.loads(text) if text.strip() else []:
        layers = packet["_source"]["layers"]
        frame = int(layers["frame"]["frame.number"])
        for tree in layers["mtls"] if isinstance(layers["mtls"], list) else [layers["mtls"]]:
            yield frame, tree

def placements(text, capture_complete):
    shown, first, outcomes, identity = {}, {}, {}, ("mtls.stream", "mtls.handshake", "mtls.verdict")
    for frame, tree in trees(text):
        key = (tree["mtls.stream"], tree["mtls.handshake"])
        assert all(field in tree for field in identity), (capture, frame, "identity", tree.keys())
        first.setdefault(key, frame)
        if "mtls.frame.outcome" in tree:
            outcomes[key] = int(tree["mtls.frame.outcome"])
        if "mtls.verdict.reason" in tree:
            assert key not in shown, (capture, key, "summary on frames", shown[key], frame)
            assert "mtls.certificate_requested" in tree, (capture, frame, "part of the summary only")
            shown[key] = frame
        else:
            assert "mtls.certificate_requested" not in tree, (capture, frame, "part of the summary")
    for key in first:
        want = outcomes.get(key, first[key] if capture_complete else None)
        assert shown.get(key) == want, (capture, key, "summary on", shown.get(key), "want", want)
    return shown, outcomes

one, outcomes = placements(sys.argv[2], False)
two, _ = placements(sys.argv[3], True)
assert one == {key: frame for key, frame in two.items() if key in outcomes}, (capture, one, two)
print(f"{capture}: summaries on frames {sorted(two.values())}, {len(two) - len(one)} only after the whole capture")
PY
    done
}

# The version fields of the ClientHello, as tshark reads them, next to the negotiated version.
versions_offered_are_shown() {
    local got
    got=$(mtls_tshark -r "$pcaps/tls13-good-chain.pcapng" -Y 'mtls.frame.outcome == frame.number' -T fields \
        -e mtls.offered_versions -e mtls.client_hello_version -e mtls.record_version | head -n 1)
    echo "TLS 1.3: $got"
    [ "$got" = $'TLS 1.3\tTLS 1.2\tTLS 1.0' ] || return 1
    got=$(mtls_tshark -r "$pcaps/tls10-protocol-version.pcapng" -Y 'mtls.frame.outcome == frame.number' -T fields \
        -e mtls.offered_versions -e mtls.version | head -n 1)
    echo "TLS 1.0 refused before any ServerHello: $got"
    [ "$got" = $'up to TLS 1.0\t' ]
}

# What the algorithms explain: an EC client facing an RSA-only CertificateRequest sends nothing, and a
# ClientHello refused outright is described by what it offered (Zeek's capture offers NULL ciphers only).
algorithms_explain_refusals() {
    local got
    got=$(mtls_tshark -r "$pcaps/tls12-signature-algorithm-mismatch.pcapng" -Y 'mtls.problem == "empty_certificate"' \
        -T fields -e mtls.message | head -n 1)
    echo "empty Certificate: ${got##*The request}"
    grep -q "accepts only the signature algorithms rsa_pkcs1_sha256, rsa_pkcs1_sha384: a client whose certificate has an EC key" <<<"$got" || return 1
    got=$(mtls_tshark -r "$pcaps/third-party/zeek/tls-tls-1.2-handshake-failure.pcap" -Y 'mtls.problem == "handshake_failure"' \
        -T fields -e mtls.message | head -n 1)
    echo "refused ClientHello: ${got##*offered}"
    grep -q "cipher suites TLS_ECDHE_RSA_WITH_NULL_SHA, TLS_ECDHE_ECDSA_WITH_NULL_SHA" <<<"$got"
}

# The client's CertificateVerify is checked against the transcript and the certificate's key: real
# signatures of every kind in the captures verify (ECDSA in TLS 1.0, 1.2 and 1.3, compressed and
# fragmented; RSA-PSS; RSA PKCS#1 SHA-512; ECDSA P-384; TLS 1.0 RSA over MD5+SHA-1 in Globus and
# EAP-TLS), a foreign key fails, and what cannot be checked says so. By default only handshakes the
# server did not accept are verified; the preference verifies them all.
certificate_verify_is_checked() {
    local capture expected got failed=0
    while read -r capture expected; do
        got=$(mtls_tshark -o mtls.verify_every_certificate_verify:TRUE -r "$pcaps/$capture" \
            -Y mtls.client.certificate_verify -T fields \
            -e mtls.client.certificate_verify | sort -u | tr '\n' ' ')
        echo "$capture: $got(expected: ${expected//_/ })"
        [ "$got" = "${expected//_/ } " ] || failed=1
    done <<'LIST'
tls12-good-chain.pcapng verified
tls13-good-chain.pcapng verified
tls10-legacy-accepted.pcapng verified
tls12-weak-key.pcapng verified
tls12-fragmented-records.pcapng verified
tls13-compressed-certificate.pcapng verified
tls12-renegotiation.pcapng verified
third-party/suricata-verify/tls-client-auth.pcap verified
third-party/zeek/tls-client-certificate.pcap verified
third-party/zeek/tls-xmpp-dialback-starttls.pcap verified
third-party/zeek/tls-webrtc-stun.pcap not_checked
third-party/zeek/globus-url-copy.pcap verified
third-party/wireshark/wpa3-suiteb-192.pcapng.gz verified
third-party/wireshark/wpa-eap-tls.pcap.gz verified
tls12-certificate-verify-failed.pcapng failed
tls13-certificate-verify-failed.pcapng failed
dtls12-good-chain.pcapng not_checked
tls13-post-handshake-auth.pcapng not_checked
LIST
    for capture in tls12-good-chain.pcapng tls12-certificate-verify-failed.pcapng; do
        got=$(mtls_tshark -2 -r "$pcaps/$capture" -Y mtls.client.certificate_verify -T fields \
            -e mtls.client.certificate_verify | sort -u | tr '\n' ' ')
        echo "$capture by default: $got"
        case $capture in
            *good*) [ "$got" = "accepted by the server " ] || failed=1 ;;
            *) [ "$got" = "failed " ] || failed=1 ;;
        esac
    done
    return $failed
}

# The client's Certificate arrives compressed (RFC 8879): the analyzer reads the chain inside, on
# Wireshark builds that decompress it and on those that do not.
compressed_client_certificate_is_read() {
    local capture=$pcaps/tls13-compressed-certificate.pcapng frame summary
    frame=$(mtls_tshark -r "$capture" -Y 'tls.handshake.type == 25' -T fields -e frame.number -e ip.src -e tcp.srcport |
        head -n 1)
    echo "CompressedCertificate: $frame"
    [ -n "$frame" ] || return 1
    summary=$(mtls_tshark -2 -r "$capture" -Y "mtls.frame.client_certificate == ${frame%%$'\t'*} && mtls.frame.outcome == frame.number" -T fields \
        -e mtls.client.chain_length -e mtls.client.subject -e mtls.verdict)
    echo "summary: $summary"
    [ "$summary" = $'2\tCN=integration-client,O=mtls-analyzer test PKI\tcompleted (answer unseen)' ]
}

# `-z mtls,tree`: "name count" per line, indentation kept (one space per level).
mtls_stats() { # CAPTURE [TSHARK OPTIONS...]
    local capture=$1
    shift
    mtls_tshark -q -r "$capture" "$@" -z mtls,tree |
        awk '/^-+$/ { inside = !inside; next }
             inside && NF >= 2 && $1 != "Topic" {
                 match($0, /^ */); indent = substr($0, 1, RLENGTH)
                 split(substr($0, RLENGTH + 1), columns, /  +/)
                 print indent columns[1] "=" columns[2] }'
}

statistics_tree_counts_handshakes() {
    local one_pass two_pass
    one_pass=$(mtls_stats "$pcaps/sample.pcapng")
    two_pass=$(mtls_stats "$pcaps/sample.pcapng" -2)
    echo "$one_pass"
    [ "$one_pass" = "$two_pass" ] || { echo "-2 differs:"; echo "$two_pass"; return 1; }
    for line in "Handshakes by verdict=6" " completed (answer unseen)=2" " rejected=2" " not requested=1" " no client certificate=1" \
        "Problems=6" " unknown_ca=1" " missing_intermediate=1" " empty_certificate=1" " certificate_expired=1" \
        "Notes=3" " handshake_completed=2" "Servers (address:port, SNI)=6" "  problem unknown_ca=1" \
        "Client certificates (subject)=4" " CN=integration-client,O=mtls-analyzer test PKI=3" \
        " CN=integration-client-expired,O=mtls-analyzer test PKI=1"; do
        grep -qxF "$line" <<<"$one_pass" || { echo "missing: '$line'"; return 1; }
    done
    # QUIC (TLS inside, but not ours) counts nothing.
    local quic
    quic=$(mtls_stats "$pcaps/third-party/wireshark/quic-fragmented-handshakes.pcapng.gz")
    grep -qx "Handshakes by verdict=0" <<<"$quic" && [ -z "$(grep -v '=0$' <<<"$quic")" ]
}

check "every capture in pcaps/ has an expectation" every_capture_has_an_expectation
check "the client chain summary carries each certificate's fingerprint and key" client_chain_fingerprints
check "the whole summary is on the outcome frame, other frames link to it" summary_on_the_outcome_frame
check "a compressed client Certificate (RFC 8879) is decompressed and judged" compressed_client_certificate_is_read
check "the versions the client offered are shown beside the negotiated one" versions_offered_are_shown
check "signature algorithms and cipher suites explain refusals" algorithms_explain_refusals
check "the client's CertificateVerify is verified against the transcript and its certificate" certificate_verify_is_checked
check "plugin loads from the build tree without warnings" plugin_loads_from_build
check "mtls fields and expert entries registered" fields_registered
check "-T json carries the problem codes" json_carries_codes
check "-z expert lists the entries" expert_lists_entries
check "expert entries work as display filters" expert_filter_works
check "full trees (-V, one pass and -2) have no dissector bug, and no mTLS item cut short" full_trees_clean
check "the Info column flags the frames with problems" info_column_flags_problems
check "an answer in the frame of a later handshake's message goes to the handshake before it" answers_go_to_their_handshake
check "the end of the capture settles what waited for the answer (-2 only)" capture_end_settles_the_unsent_intermediate
check "no mTLS item of the real software's captures, with their key logs, is cut at 240 characters" mtls_items_are_never_cut
check "mtls.flow says who sent what, each step linked to its frame" flow_reads_like_the_packet_list
check "an unreadable trust store is reported and the analysis goes on" unreadable_trust_store_is_reported
check "no problem on good handshakes" quiet_on_ordinary_traffic
check "-z mtls,tree counts verdicts, problems, servers and client certificates (one pass = -2)" statistics_tree_counts_handshakes
checks_summary
