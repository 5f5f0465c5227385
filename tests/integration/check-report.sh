#!/usr/bin/env bash
# check-report.sh - the mtls-report command (as built, running real tshark
# with the built plugin): its three formats carry the same handshakes as the
# plugin's fields, its exit status gates a pipeline, and its options reach
# tshark.
#
# usage: check-report.sh BUILD_DIR
#
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../lib/plugin-env.sh
source "$here/../lib/plugin-env.sh" "$1"
cp "$mtls_build_dir/mtls-report" "$MTLS_TEST_ROOT/mtls-report"
chmod a+rx "$MTLS_TEST_ROOT/mtls-report"
pcaps=$MTLS_TEST_ROOT/pcaps
# shellcheck source=../lib/checks.sh
source "$(dirname "$0")/../lib/checks.sh"

report() { # ARGS... ; prints the output (stderr too), then "exit N"
    local status=0
    (cd "$pcaps" && mtls_as_test_user "$MTLS_TEST_ROOT/mtls-report" "$@" 2>&1) || status=$?
    echo "exit $status"
}

# The handshakes as the plugin's own fields give them: stream/handshake verdict.
verdicts_from_tshark() { # CAPTURE
    mtls_tshark -2 -r "$pcaps/$1" -Y mtls -T fields -E occurrence=f -e mtls.stream -e mtls.handshake -e mtls.verdict |
        sort -u -t$'\t' -k1,1n -k2,2n | awk -F'\t' '{print $1 "/" $2 " " $3}'
}

json_matches_plugin_fields() {
    local output
    output=$(report --format json sample.pcapng)
    tail -n 1 <<<"$output" | grep -qx "exit 1" || { echo "want exit 1: $output"; return 1; }
    python3 - "$(sed '$d' <<<"$output")" "$(verdicts_from_tshark sample.pcapng)" <<'PY'
import json, sys
report = json.loads(sys.argv[1])
want = sys.argv[2].splitlines()
got = [f"{h['stream']}/{h['handshake']} {h['verdict']}" for h in report["handshakes"]]
assert sorted(got) == sorted(want), (got, want)
summary = report["summary"]
assert {key: summary[key] for key in ("captures", "handshakes", "with_problems", "verdicts", "failed")} == {
    "captures": 1, "handshakes": 6, "with_problems": 3, "failed": [],
    "verdicts": {"completed (answer unseen)": 2, "not requested": 1, "no client certificate": 1, "rejected": 2}}, summary
assert summary["undetermined"] == [{"capture": "sample.pcapng", "why": "2 completed (answer unseen)"}], summary
rejected = [h for h in report["handshakes"] if "unknown_ca" in h["problems"]]
assert len(rejected) == 1, rejected
h = rejected[0]
assert h["problems"] == ["missing_intermediate", "unknown_ca"], h["problems"]
assert h["client_subject"] == "CN=integration-client,O=mtls-analyzer test PKI", h
# unknown_ca is about the chain: the signature is not spent a public-key operation on.
assert h["client_certificate_verify"] == "not checked", h
assert h["sni"] == "localhost" and h["version"] == "TLS 1.2" and h["certificate_requested"] is True, h
assert h["alert_frame"] == next(f["frame"] for f in h["findings"] if f["code"] == "unknown_ca"), h
assert all(f["message"] for f in h["findings"]), h["findings"]
assert h["time"].endswith("Z") and h["time"].startswith("20"), h["time"]
PY
}

csv_has_one_line_per_handshake() {
    local output
    output=$(report --format csv tls12-missing-intermediate.pcapng tls12-good-chain.pcapng)
    python3 - "$output" <<'PY'
import csv, io, sys
text, status = sys.argv[1].rsplit("\n", 1)
assert status == "exit 1", status
rows = list(csv.DictReader(io.StringIO(text)))
assert [(r["capture"], r["verdict"], r["problems"]) for r in rows] == [
    ("tls12-missing-intermediate.pcapng", "rejected", "missing_intermediate;unknown_ca"),
    ("tls12-good-chain.pcapng", "completed (answer unseen)", "")], rows
assert rows[1]["client_chain_length"] == "2" and rows[1]["certificate_requested"] == "yes", rows[1]
assert rows[0]["messages"].startswith("missing_intermediate: The client did not send its intermediate CA") and "\nunknown_ca: " in rows[0]["messages"], rows[0]
PY
}

text_names_cause_and_summary() {
    local output
    output=$(report tls12-empty-certificate.pcapng)
    echo "$output"
    grep -q "verdict: no client certificate: " <<<"$output" &&
        grep -q "flow: C: ClientHello · S: ServerHello, .* · C: Certificate(empty), " <<<"$output" &&
        grep -q "problem empty_certificate (frame [0-9]*): The client sent an empty Certificate (frame [0-9]*): configure it" <<<"$output" &&
        grep -qx "1 handshake in 1 capture: 1 no client certificate; 1 with problems" <<<"$output" &&
        grep -qx "exit 1" <<<"$output"
}

# 0 only where every capture holds mTLS handshakes whose outcome is seen, none with a problem;
# 3 where nothing failed but something could not be judged; --require says what counts.
exit_codes_gate_on_what_was_judged() {
    local output
    # The key logs beside the captures (x.keys) are found: the application's answers are read.
    output=$(report real/nginx-tls12-curl-good.pcapng real/haproxy-tls12-curl-good.pcapng)
    echo "$output"
    grep -qx "exit 0" <<<"$output" && grep -qx "2 handshakes in 2 captures: 2 ok; 0 with problems" <<<"$output" || return 1
    output=$(report tls12-good-chain.pcapng)
    grep -qx "exit 3" <<<"$output" && grep -qx "not judged: tls12-good-chain.pcapng: 1 completed (answer unseen)" <<<"$output" ||
        { echo "$output"; return 1; }
    [ "$(report --require handshake tls12-good-chain.pcapng | tail -n 1)" = "exit 0" ] || return 1
    output=$(report --require handshake tls12-not-requested.pcapng tls13-no-keys.pcapng)
    grep -qx "exit 3" <<<"$output" &&
        grep -qx "not judged: tls12-not-requested.pcapng: no mTLS handshake (no client certificate requested or sent)" <<<"$output" &&
        grep -qx "not judged: tls13-no-keys.pcapng: 1 encrypted" <<<"$output" || { echo "$output"; return 1; }
    [ "$(report --require no-problem tls12-not-requested.pcapng tls13-no-keys.pcapng | tail -n 1)" = "exit 0" ] || return 1
    # A problem outranks what could not be judged; an unreadable input outranks both.
    [ "$(report tls12-good-chain.pcapng tls12-expired.pcapng | tail -n 1)" = "exit 1" ] || return 1
    [ "$(report tls12-expired.pcapng no-such.pcapng | tail -n 1)" = "exit 2" ]
}

problems_only_filters_the_list() {
    local output
    output=$(report --problems-only --format csv sample.pcapng)
    python3 - "$output" <<'PY'
import csv, io, sys
text, status = sys.argv[1].rsplit("\n", 1)
rows = list(csv.DictReader(io.StringIO(text)))
assert status == "exit 1" and len(rows) == 3 and all(row["problems"] for row in rows), (status, rows)
PY
}

keylog_and_trust_reach_tshark() {
    local without with
    local alone=$MTLS_TEST_ROOT/home/rfc8446
    mkdir -p "$alone"
    cp "$pcaps/third-party/wireshark/tls13-rfc8446.pcap" "$alone/"
    chmod -R a+rX "$alone"
    without=$(report --format csv "$alone/tls13-rfc8446.pcap")
    with=$(report --format csv --keylog third-party/wireshark/tls13-rfc8446.keys "$alone/tls13-rfc8446.pcap")
    grep -q ",encrypted," <<<"$without" && ! grep -q ",encrypted," <<<"$with" && grep -q ",resumed," <<<"$with" ||
        { echo "keylog: $without / $with"; return 1; }
    without=$(report --format csv tls12-untrusted-root-no-ca-names.pcapng)
    with=$(report --format csv --trust pki/root.pem tls12-untrusted-root-no-ca-names.pcapng)
    ! grep -q "untrusted_root" <<<"$without" && grep -q "unknown_ca;untrusted_root\|untrusted_root;unknown_ca" <<<"$with" ||
        { echo "trust: $without / $with"; return 1; }
}

errors_exit_two() {
    local output
    output=$(report no-such-capture.pcapng)
    grep -q "mtls-report: no-such-capture.pcapng: no such file" <<<"$output" && grep -qx "exit 2" <<<"$output" || return 1
    # tshark without the plugin cannot filter on mtls: an error, not "no problem".
    output=$(cd "$pcaps" && env -u WIRESHARK_PLUGIN_DIR "$MTLS_TEST_ROOT/mtls-report" --tshark /bin/false sample.pcapng 2>&1; echo "exit $?")
    grep -q "tshark failed" <<<"$output" && grep -qx "exit 2" <<<"$output" || return 1
    output=$(report --format xml sample.pcapng)
    grep -qx "exit 2" <<<"$output"
}

non_tls_capture_is_not_judged() {
    local output
    output=$(report third-party/wireshark/quic-fragmented-handshakes.pcapng.gz)
    grep -qx "0 handshakes in 1 capture; 0 with problems" <<<"$output" && grep -qx "exit 3" <<<"$output"
}

# Every input is judged on its own: a damaged, empty or missing one is named with its reason and the
# others' results still print; a file that is not a capture is skipped with a note.
each_input_on_its_own() {
    local output cut=$MTLS_TEST_ROOT/home/cut.pcapng empty=$MTLS_TEST_ROOT/home/empty.pcapng
    head -c 3000 "$pcaps/sample.pcapng" >"$cut"
    : >"$empty"
    chmod a+r "$cut" "$empty"
    output=$(report --format csv tls12-expired.pcapng "$cut" "$empty" missing.pcapng real/README.md)
    echo "$output"
    grep -q "^tls12-expired.pcapng,.*,rejected," <<<"$output" &&
        grep -q "^$cut,.*,incomplete capture," <<<"$output" &&
        grep -q "mtls-report: $cut: tshark: .*cut short in the middle of a packet" <<<"$output" &&
        grep -qx "mtls-report: $empty: empty file" <<<"$output" &&
        grep -qx "mtls-report: missing.pcapng: no such file" <<<"$output" &&
        grep -qx "mtls-report: real/README.md: skipped, not a capture file" <<<"$output" &&
        grep -qx "exit 2" <<<"$output"
}

folders_are_walked_and_standard_input_read() {
    local output folder=$MTLS_TEST_ROOT/home/walked
    mkdir -p "$folder/nested"
    cp "$pcaps/real/nginx-tls12-curl-expired.pcapng" "$pcaps/real/nginx-tls12-curl-expired.keys" "$pcaps/real/README.md" \
        "$folder/"
    cp "$pcaps/tls12-good-chain.pcapng" "$pcaps/third-party/wireshark/quic-fragmented-handshakes.pcapng.gz" "$folder/nested/"
    chmod -R a+rX "$folder"
    output=$(report --format jsonl --problems-only "$folder")
    tail -n 2 <<<"$output" | head -n 1 | python3 -c "
import json, sys
summary = json.loads(sys.stdin.read())
assert summary['record'] == 'summary' and summary['captures'] == 3 and summary['failed'] == [], summary
assert summary['skipped'] == ['$folder/README.md: skipped, not a capture file'], summary['skipped']" ||
        { echo "$output" | tail -n 3; return 1; }
    grep -q '"record": "handshake", "capture": "'"$folder"'/nginx-tls12-curl-expired.pcapng"' <<<"$output" &&
        grep -q '"verdict": "rejected by the application"' <<<"$output" || { echo "$output"; return 1; }
    output=$(cd "$pcaps" && mtls_as_test_user "$MTLS_TEST_ROOT/mtls-report" - <tls12-expired.pcapng 2>&1; echo "exit $?")
    grep -qx "<standard input>" <<<"$output" && grep -q "problem certificate_expired" <<<"$output" && grep -qx "exit 1" <<<"$output"
}

# Each capture's own key log (x.keys beside it, or in --keylog-dir); several --keylog joined.
key_logs_are_paired() {
    local copy=$MTLS_TEST_ROOT/home/alone output
    mkdir -p "$copy"
    cp "$pcaps/real/nginx-tls12-curl-expired.pcapng" "$copy/"
    chmod -R a+rX "$copy"
    output=$(report --format csv "$copy/nginx-tls12-curl-expired.pcapng")
    grep -q ",completed (answer unseen)," <<<"$output" || { echo "without: $output"; return 1; }
    output=$(report --format csv --keylog-dir real "$copy/nginx-tls12-curl-expired.pcapng")
    grep -q ",rejected by the application," <<<"$output" || { echo "--keylog-dir: $output"; return 1; }
    output=$(report --format csv --keylog keys/tls13-good-chain.keys --keylog real/nginx-tls12-curl-expired.keys \
        "$copy/nginx-tls12-curl-expired.pcapng")
    grep -q ",rejected by the application," <<<"$output" || { echo "two --keylog: $output"; return 1; }
}

# The user asked for the check: a trust store that cannot be read fails the run, with tshark's word.
unreadable_trust_store_fails() {
    local output
    output=$(report --trusted-by-server /nonexistent/ca.pem tls12-good-chain.pcapng)
    grep -qx "mtls-report: --trusted-by-server /nonexistent/ca.pem: no such file or folder" <<<"$output" &&
        grep -qx "exit 2" <<<"$output" || { echo "$output"; return 1; }
    # The old name of the option still works, and is reported by the new one.
    output=$(report --trust /nonexistent/ca.pem tls12-good-chain.pcapng)
    grep -qx "mtls-report: --trusted-by-server /nonexistent/ca.pem: no such file or folder" <<<"$output" &&
        grep -qx "exit 2" <<<"$output" || { echo "$output"; return 1; }
    output=$(report --server-trust real/README.md tls12-good-chain.pcapng)
    grep -q "mtls-report: tls12-good-chain.pcapng: .*cannot read trust store" <<<"$output" &&
        grep -q "a trust store could not be read" <<<"$output" && grep -qx "exit 2" <<<"$output" || { echo "$output"; return 1; }
}

# Each handshake goes out at its last frame, while tshark is still reading: the reader holds only
# the handshakes still open.
handshakes_stream_out() {
    python3 - "$MTLS_TEST_ROOT/mtls-report" <<'PY'
import importlib.machinery, importlib.util, io, sys
loader = importlib.machinery.SourceFileLoader("mtls_report", sys.argv[1])
spec = importlib.util.spec_from_loader("mtls_report", loader)
report = importlib.util.module_from_spec(spec)
loader.exec_module(report)

def packet(number, stream, last):
    return ('  {\n    "_source": {"layers": {"frame": {"frame.number": "%d", "frame.time_epoch": "%d.5"},\n'
            '      "mtls": {"mtls.stream": "%d", "mtls.handshake": "1", "mtls.verdict": "ok",\n'
            '               "mtls.frame.last": "%d", "mtls.verdict.reason": "r"}}}\n  },\n' % (number, number, stream, last))

emitted = []
reader = report.HandshakeReader("x", lambda handshake: emitted.append(handshake["stream"]))
def lines():
    # Streams 0..999, each two frames long, interleaved: stream n ends at frame 2n+2.
    yield "[\n"
    for n in range(1000):
        yield from packet(2 * n + 1, n, 2 * n + 2).splitlines(keepends=True)
        yield from packet(2 * n + 2, n, 2 * n + 2).splitlines(keepends=True)
        assert emitted[-1] == n and len(reader.open) == 0, (n, emitted[-3:], reader.open)
    yield "]\n"
for item in report.packets_of(lines()):
    reader.read(item)
reader.finish()
assert emitted == list(range(1000)), emitted[:5]
PY
}

# --compare: the handshakes of the two captures are matched by server, and what differs comes out with
# what explains the failing side's problems first; exit 0 when nothing differs, 1 when something does.
compare_shows_what_explains_the_failure() {
    local output
    output=$(report --format json --compare tls12-good-chain.pcapng tls12-missing-intermediate.pcapng)
    tail -n 1 <<<"$output" | grep -qx "exit 1" || { echo "want exit 1: $output"; return 1; }
    python3 - "$(sed '$d' <<<"$output")" <<'PY' || return 1
import json, sys
result = json.loads(sys.argv[1])
assert len(result["pairs"]) == 1 and not result["only_in_working"] and not result["only_in_failing"], result
pair = result["pairs"][0]
items = [difference["item"] for difference in pair["differences"]]
assert items == ["verdict", "problems", "alerts", "client chain"], items
chain = pair["differences"][3]
assert chain["explains"] == ["missing_intermediate", "unknown_ca"], chain
assert len([line for line in chain["working"] if line[0].isdigit()]) == 2, chain["working"]
assert len([line for line in chain["failing"] if line[0].isdigit()]) == 1, chain["failing"]
assert pair["differences"][2]["failing"] == ["unknown_ca (fatal) from the server, frame 9"], pair["differences"][2]
for alike in ("CA names requested", "cipher suites offered", "version chosen", "SNI", "server chain"):
    assert alike in pair["same"], (alike, pair["same"])
PY
    # A TLS 1.3 capture against a TLS 1.2 one: the versions differ, and the text sets them side by side.
    output=$(report --compare tls13-good-chain.pcapng tls12-issuer-not-accepted.pcapng)
    grep -qx "exit 1" <<<"$output" && grep -q "^  version chosen  *TLS 1.3  *TLS 1.2$" <<<"$output" &&
        grep -q "^    issuer_not_accepted" <<<"$output" || { echo "$output"; return 1; }
    output=$(report --compare tls12-good-chain.pcapng tls12-good-chain.pcapng)
    grep -qx "  no difference in what is compared" <<<"$output" && grep -qx "exit 0" <<<"$output" ||
        { echo "the same capture twice: $output"; return 1; }
    output=$(report --compare tls12-good-chain.pcapng)
    grep -q "takes two captures" <<<"$output" && grep -qx "exit 2" <<<"$output" || { echo "one capture: $output"; return 1; }
    output=$(report --compare tls12-good-chain.pcapng missing.pcapng)
    grep -q "missing.pcapng: no such file" <<<"$output" && grep -qx "exit 2" <<<"$output" ||
        { echo "a missing capture: $output"; return 1; }
}

# --export-chains: the chains as sent, in PEM, and an openssl verify line that checks each one at the
# capture's time. Run as printed: the good chain verifies, the leaf sent without its intermediate does not.
exported_chains_verify_with_openssl() {
    local output folder=$MTLS_TEST_ROOT/exported good bad
    mkdir -p "$folder" && chmod a+rwx "$folder"
    output=$(report --export-chains "$folder" --trusted-by-server pki/root.pem tls12-good-chain.pcapng \
        tls12-missing-intermediate.pcapng tls12-empty-certificate.pcapng)
    good=$(grep -A1 "^  client chain, 2 certificates: $folder/tls12-good-chain/stream0-handshake1-client.pem$" \
        <<<"$output" | sed -n 2p)
    bad=$(grep -A1 "^  client chain, 1 certificate: $folder/tls12-missing-intermediate/stream0-handshake1-client.pem$" \
        <<<"$output" | sed -n 2p)
    [[ $good == "    openssl verify -attime "*" -purpose sslclient -CAfile pki/root.pem "* && -n $bad ]] ||
        { echo "$output"; return 1; }
    grep -q "^  server chain, 2 certificates: $folder/tls12-good-chain/stream0-handshake1-server.pem$" <<<"$output" &&
        grep -q -- "-purpose sslserver -verify_hostname localhost -CAfile TRUSTED-BY-CLIENT.pem" <<<"$output" &&
        grep -qx "  client chain: empty Certificate" <<<"$output" || { echo "$output"; return 1; }
    [ "$(grep -c "BEGIN CERTIFICATE" "$folder/tls12-good-chain/stream0-handshake1-client.pem")" = 2 ] ||
        { echo "the good client chain file does not hold two certificates"; return 1; }
    (cd "$pcaps" && eval "$good") || { echo "the good chain does not verify: $good"; return 1; }
    if (cd "$pcaps" && eval "$bad"); then
        echo "the leaf-only chain verifies: $bad"
        return 1
    fi
}

# Wireshark 4.6 writes frame.time_epoch as ISO 8601 in -T json; earlier versions as seconds.
both_time_formats_are_read() {
    python3 - "$MTLS_TEST_ROOT/mtls-report" <<'PY'
import importlib.machinery, importlib.util, sys
loader = importlib.machinery.SourceFileLoader("mtls_report", sys.argv[1])
spec = importlib.util.spec_from_loader("mtls_report", loader)
report = importlib.util.module_from_spec(spec)
loader.exec_module(report)
assert report.epoch_seconds("1795354654.274009987") == 1795354654.274009987
assert abs(report.epoch_seconds("2026-11-22T13:37:34.274009987Z") - 1795354654.274009987) < 1e-6
assert abs(report.epoch_seconds("2026-11-22T15:37:34.5+02:00") - 1795354654.5) < 1e-6
assert report.epoch_seconds("") == 0.0
try:
    report.epoch_seconds("yesterday")
    raise SystemExit("an unreadable time was accepted")
except ValueError:
    pass
PY
}

check "frame times as seconds (Wireshark 4.0-4.4) and ISO 8601 (4.6)" both_time_formats_are_read
check "--format json: the plugin's handshakes, verdicts, problems and messages" json_matches_plugin_fields
check "--format csv: one line per handshake over several captures" csv_has_one_line_per_handshake
check "text: verdict, problem with frame and message, summary line" text_names_cause_and_summary
check "exit 0, 1, 2 and 3, and --require" exit_codes_gate_on_what_was_judged
check "each input judged on its own: damaged, empty, missing, not a capture" each_input_on_its_own
check "folders are walked (jsonl), - reads standard input" folders_are_walked_and_standard_input_read
check "each capture's key log is found beside it or in --keylog-dir; --keylog repeats" key_logs_are_paired
check "a trust store that cannot be read fails the run" unreadable_trust_store_fails
check "handshakes go out as their last frame is read" handshakes_stream_out
check "--problems-only lists only the handshakes with problems" problems_only_filters_the_list
check "--compare: what differs, what explains the failure first; exit 0 when alike" compare_shows_what_explains_the_failure
check "--export-chains: PEM chains whose openssl verify line passes on a good chain, fails on a leaf alone" \
    exported_chains_verify_with_openssl
check "--keylog and --trust reach tshark" keylog_and_trust_reach_tshark
check "missing capture, failing tshark, bad option: exit 2" errors_exit_two
check "a capture without TLS: no handshake, exit 3" non_tls_capture_is_not_judged
checks_summary
