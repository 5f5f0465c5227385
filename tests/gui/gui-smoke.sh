#!/usr/bin/env bash
# gui-smoke.sh - opens a sample capture in the real Wireshark GUI (Qt, under
# Xvfb) with the freshly built plugin and the display filter mtls.problem.
# Fails when the GUI did not load the plugin, its filter matched other codes
# than tshark's, or an expected expert entry is missing; opens the Expert
# Information dialog (-z expert) and keeps a screenshot as
# BUILD_DIR/artifacts/gui-smoke.png.
#
# usage: gui-smoke.sh BUILD_DIR [CAPTURE]   (CAPTURE relative to pcaps/)
#
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build_dir=$(cd "$1" && pwd)
capture=${2:-tls12-missing-intermediate.pcapng}
# shellcheck source=../lib/plugin-env.sh
source "$here/../lib/plugin-env.sh" "$build_dir"
for tool in Xvfb wireshark import; do
    command -v "$tool" >/dev/null || { echo "FAIL: $tool is not installed"; exit 1; }
done

artifacts=$build_dir/artifacts
mkdir -p "$artifacts"
cp "$here/probe.lua" "$MTLS_TEST_ROOT/probe.lua"
result=$MTLS_TEST_ROOT/home/gui-result.txt
runtime=$MTLS_TEST_ROOT/home/runtime
mkdir -p "$runtime"
chmod 0700 "$runtime"
[ "$(id -u)" = 0 ] && chown 65534:65534 "$runtime"
chmod -R a+r "$MTLS_TEST_ROOT/probe.lua"
# A maximised main window with room for the packet details.
mkdir -p "$MTLS_TEST_ROOT/home/.config/wireshark"
printf '%s\n' "gui.geometry_main_maximized: TRUE" "gui.geometry_main_width: 1600" "gui.geometry_main_height: 1000" \
    "gui.geometry_main_upper_pane: 260" "gui.geometry_main_lower_pane: 560" >"$MTLS_TEST_ROOT/home/.config/wireshark/recent"
chmod -R a+rwX "$MTLS_TEST_ROOT/home/.config"

display=99
while [ -e "/tmp/.X$display-lock" ]; do display=$((display + 1)); done
# Access control off: a private display for this test on this machine only.
Xvfb ":$display" -screen 0 1600x1000x24 -nolisten tcp -ac >"$MTLS_TEST_ROOT/xvfb.log" 2>&1 &
xvfb_pid=$!
gui_pid=
cleanup() {
    [ -n "$gui_pid" ] && kill "$gui_pid" 2>/dev/null
    kill "$xvfb_pid" 2>/dev/null
    rm -rf "$MTLS_TEST_ROOT"
}
trap cleanup EXIT
for _ in $(seq 50); do [ -e "/tmp/.X11-unix/X$display" ] && break; sleep 0.1; done

# The first frame with a problem, so the details pane shows the mTLS tree.
first_problem=$(mtls_tshark -r "$MTLS_TEST_ROOT/pcaps/$capture" -Y mtls.problem -T fields -e frame.number | head -n 1)
mtls_as_test_user env DISPLAY=":$display" XDG_RUNTIME_DIR="$runtime" MTLS_GUI_RESULT="$result" \
    QT_QPA_PLATFORM=xcb wireshark -r "$MTLS_TEST_ROOT/pcaps/$capture" -Y mtls.problem -z expert \
    ${first_problem:+-g "$first_problem"} -X "lua_script:$MTLS_TEST_ROOT/probe.lua" \
    >"$artifacts/gui-smoke.log" 2>&1 &
gui_pid=$!

want=$(mtls_tshark -r "$MTLS_TEST_ROOT/pcaps/$capture" -Y mtls.problem -T fields -E occurrence=a -E aggregator=' ' \
    -e mtls.problem | tr ' ' '\n' | sort -u | paste -sd, -)
got=
got_expert=
for _ in $(seq 120); do
    if [ -f "$result" ]; then
        got=$(awk '$1 == "packet" {print $3}' "$result" | sort -u | paste -sd, -)
        got_expert=$(awk '$1 == "expert" {print $3}' "$result" | sort -u | paste -sd, -)
        [ "$got" = "$want" ] && [ -n "$got_expert" ] && break
        grep -q field-missing "$result" && break
    fi
    kill -0 "$gui_pid" 2>/dev/null || break
    sleep 0.5
done
sleep 3 # let the window finish drawing before the screenshot
DISPLAY=":$display" import -window root "$artifacts/gui-smoke.png" || true

status=0
if ! grep -q field-ok "$result" 2>/dev/null; then
    echo "FAIL: the Wireshark GUI did not load the mtls plugin (no mtls.problem field)"
    status=1
elif [ -z "$want" ] || [ "$got" != "$want" ]; then
    echo "FAIL: in the GUI, mtls.problem matched codes '$got', tshark says '$want'"
    status=1
else
    for code in ${want//,/ }; do
        if ! grep -qx "$code" <<<"${got_expert//,/$'\n'}"; then
            echo "FAIL: the GUI's expert information lacks $code (it has: $got_expert)"
            status=1
        fi
    done
fi
if grep -qiE 'dissector bug|is not a valid display filter' "$artifacts/gui-smoke.log"; then
    echo "FAIL: the GUI reported a problem:"
    grep -iE 'dissector bug|is not a valid display filter' "$artifacts/gui-smoke.log"
    status=1
fi
[ "$status" = 0 ] && echo "ok: Wireshark GUI loaded the plugin; mtls.problem matched $got; expert entries $got_expert; screenshot $artifacts/gui-smoke.png"
echo "$((1 - status)) passed, $status failed"
exit "$status"
