#!/usr/bin/env bash
# check-valgrind.sh - real tshark with the built plugin under valgrind memcheck
# over every line of pcaps/expected.tsv (two passes, full trees). Fails on any
# memcheck error or definite leak with a frame in the plugin; errors wholly
# inside Wireshark or GLib are counted and shown, not ours to fail on.
#
# usage: check-valgrind.sh BUILD_DIR
#
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../lib/plugin-env.sh
source "$here/../lib/plugin-env.sh" "$1"
command -v valgrind >/dev/null || { echo "FAIL: valgrind is not installed"; exit 1; }
pcaps=$MTLS_TEST_ROOT/pcaps
reports=$MTLS_TEST_ROOT/home/valgrind
mkdir -p "$reports"
chmod a+rwx "$reports"

run_one() { # NAME CAPTURE OPTIONS: CAPTURE absolute or relative to pcaps/
    local options capture=$2
    read -r -a options <<<"${3//@PCAPS@/$pcaps}"
    [[ $capture == /* ]] || capture=$pcaps/$capture
    mtls_as_test_user valgrind --tool=memcheck --leak-check=full --show-leak-kinds=definite \
        --errors-for-leak-kinds=definite --xml=yes --xml-file="$reports/$1.xml" \
        tshark -n -2 -V -r "$capture" "${options[@]}" >/dev/null 2>&1
}
run_line() { # "NAME<TAB>CAPTURE<TAB>OPTIONS", a run of the selection
    local name capture options
    IFS=$'\t' read -r name capture options <<<"$1"
    local status=0
    run_one "$name" "$capture" "$options" || status=$?
    # tshark exits 2 on a capture cut short, as some of these are; a signal (128 + its number) is a
    # crash, whatever memcheck says of where it happened.
    if [ "$status" -ge 128 ]; then
        echo "$capture: tshark under valgrind was killed by signal $((status - 128))" >"$reports/$name.crashed"
    fi
}
export -f run_one run_line mtls_as_test_user
export pcaps reports

# Every line, except that the real-software captures and the key-log
# rereadings repeat code paths the rest covers: of those, four decrypted
# answers (nginx's HTTP/1.1 and HTTP/2 refusals, a served request, Apache's
# 403 without post-handshake authentication) and two key-log lines run.
selected=$reports/selected.tsv
grep -v '^#' "$pcaps/expected.tsv" | awk -F'\t' '{print NR "\t" $1 "\t" $2}' |
    awk -F'\t' '!($2 ~ /^real\// && !($3 != "" && $2 ~ /(nginx-tls12-curl-(expired|good)|nginx-tls13-curl-h2-expired|apache-tls13-python-no-post-handshake-auth)\.pcapng$/)) &&
                 !($3 ~ /@PCAPS@\/keys\// && $2 !~ /certificate-verify-failed|tls12-expired/)' >"$selected"

# valgrind's start-up costs about five seconds a run: the lines without
# options are read as one capture (mergecap), and so are those whose only
# option is a key log, with their key logs joined; the others run alone.
# The names of the runs: "plain", "keyed", or the line's number.
runs=$reports/runs.tsv
plain=() keyed=() keylogs=()
: >"$runs"
while IFS=$'\t' read -r index capture options; do
    if [ -z "$options" ]; then
        plain+=("$pcaps/$capture")
    elif [[ $options =~ ^-o\ tls\.keylog_file:(@PCAPS@/[^\ ]+)$ ]]; then
        keyed+=("$pcaps/$capture")
        keylogs+=("${BASH_REMATCH[1]//@PCAPS@/$pcaps}")
    else
        printf '%s\t%s\t%s\n' "$index" "$capture" "$options" >>"$runs"
    fi
done <"$selected"
mergecap -F pcapng -w "$reports/plain.pcapng" "${plain[@]}"
mergecap -F pcapng -w "$reports/keyed.pcapng" "${keyed[@]}"
cat "${keylogs[@]}" >"$reports/keyed.keys"
chmod a+r "$reports/plain.pcapng" "$reports/keyed.pcapng" "$reports/keyed.keys"
printf 'plain\t%s\t\nkeyed\t%s\t-o tls.keylog_file:%s\n' "$reports/plain.pcapng" "$reports/keyed.pcapng" \
    "$reports/keyed.keys" | cat - "$runs" >"$runs.all"
echo "$(wc -l <"$selected") lines in $(wc -l <"$runs.all") runs: ${#plain[@]} without options and ${#keyed[@]} with a key log merged"
xargs -P "$(nproc)" -d '\n' -I{} bash -c 'run_line "$1"' _ {} <"$runs.all"

python3 - "$reports" "$pcaps/expected.tsv" "$(wc -l <"$runs.all")" <<'PY'
import glob
import sys
import xml.etree.ElementTree as ET
reports, expected, selected = sys.argv[1], sys.argv[2], int(sys.argv[3])
lines = [line.split("\t") for line in open(expected) if not line.startswith("#")]
merged = {"plain": "the captures without options, merged", "keyed": "the captures with a key log, merged"}
ours, theirs, runs = [], 0, 0
for path in sorted(glob.glob(f"{reports}/*.xml")):
    runs += 1
    name = path.rsplit("/", 1)[1][:-4]
    capture = merged.get(name) or lines[int(name) - 1][0]
    for error in ET.parse(path).getroot().iter("error"):
        frames = [(f.findtext("obj") or "", f.findtext("fn") or "?", f.findtext("file") or "", f.findtext("line") or "")
                  for f in error.iter("frame")]
        if any(obj.endswith("/mtls-analyzer.so") for obj, *_ in frames):
            where = "; ".join(f"{fn} {file}:{line}" for obj, fn, file, line in frames[:8])
            ours.append(f"{capture}: {error.findtext('kind')}: {where}")
        else:
            theirs += 1
if runs != selected:
    print(f"FAIL: {runs} valgrind reports for {selected} runs")
    sys.exit(1)
for path in sorted(glob.glob(f"{reports}/*.crashed")):
    ours.append(open(path).read().strip())
for line in ours:
    print("FAIL:", line)
print(f"{runs} tshark runs under memcheck: {len(ours)} errors in the plugin, {theirs} inside Wireshark/GLib (not ours)")
sys.exit(1 if ours else 0)
PY
