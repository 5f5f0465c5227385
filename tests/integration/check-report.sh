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
assert report["summary"] == {"captures": 1, "handshakes": 6, "with_problems": 3,
                             "verdicts": {"completed (answer unseen)": 2, "not requested": 1, "no client certificate": 1, "rejected": 2}}, report["summary"]
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
PY
}

text_names_cause_and_summary() {
    local output
    output=$(report tls12-empty-certificate.pcapng)
    echo "$output"
    grep -q "verdict: no client certificate: " <<<"$output" &&
        grep -q "flow: C: ClientHello · S: ServerHello, .* · C: Certificate(empty), " <<<"$output" &&
        grep -q "problem empty_certificate (frame [0-9]*): The server requested a client certificate" <<<"$output" &&
        grep -qx "1 handshakes in 1 capture(s): 1 no client certificate; 1 with problems" <<<"$output" &&
        grep -qx "exit 1" <<<"$output"
}

exit_zero_when_all_good() {
    local output
    output=$(report tls12-good-chain.pcapng tls13-good-chain.pcapng tls12-not-requested.pcapng)
    echo "$output"
    grep -qx "exit 0" <<<"$output" && grep -qx "3 handshakes in 3 capture(s): 2 completed (answer unseen), 1 not requested; 0 with problems" <<<"$output"
}

problems_only_filters_the_list() {
    local output
    output=$(report --problems-only --format csv sample.pcapng)
    [ "$(sed '1d;$d' <<<"$output" | wc -l)" = 3 ] && ! grep -q ",ok," <<<"$output"
}

keylog_and_trust_reach_tshark() {
    local without with
    without=$(report --format csv third-party/wireshark/tls13-rfc8446.pcap)
    with=$(report --format csv --keylog third-party/wireshark/tls13-rfc8446.keys third-party/wireshark/tls13-rfc8446.pcap)
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

non_tls_capture_reports_nothing() {
    local output
    output=$(report third-party/wireshark/quic-fragmented-handshakes.pcapng.gz)
    grep -qx "0 handshakes in 1 capture(s); 0 with problems" <<<"$output" && grep -qx "exit 0" <<<"$output"
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
check "exit 0 when no handshake has a problem" exit_zero_when_all_good
check "--problems-only lists only the handshakes with problems" problems_only_filters_the_list
check "--keylog and --trust reach tshark" keylog_and_trust_reach_tshark
check "missing capture, failing tshark, bad option: exit 2" errors_exit_two
check "a capture without TLS: no handshake, exit 0" non_tls_capture_reports_nothing
checks_summary
