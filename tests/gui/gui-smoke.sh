#!/usr/bin/env bash
# gui-smoke.sh - opens a sample capture in the real Wireshark GUI (Qt, under
# Xvfb) with the freshly built plugin and the shipped "mtls-analyzer" profile (-C mtls-analyzer).
# Fails when the GUI did not load the plugin or the profile, the GUI's filter
# engine matched other mtls.problem codes than tshark's, an expected expert
# entry is missing, or Statistics > mtls-analyzer does not open.
# Drives the GUI as a user would (xdotool: expand the mTLS subtree, open the
# Statistics menu) and keeps screenshots in BUILD_DIR/artifacts/: the packet
# list and details, the Expert Information dialog, the statistics tree.
# With MTLS_UPDATE_SCREENSHOTS=1 they also replace docs/screenshots/.
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
for tool in Xvfb wireshark import xdotool; do
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
# The profile as the package installs it, in the test user's profile folder.
mkdir -p "$MTLS_TEST_ROOT/home/.config/wireshark/profiles"
cp -r "$here/../../packaging/profile/mtls-analyzer" "$MTLS_TEST_ROOT/home/.config/wireshark/profiles/"
chmod -R a+rwX "$MTLS_TEST_ROOT/home/.config"

display=99
while [ -e "/tmp/.X$display-lock" ]; do display=$((display + 1)); done
# Access control off: a private display for this test on this machine only.
Xvfb ":$display" -screen 0 1600x1000x24 -nolisten tcp -ac >"$MTLS_TEST_ROOT/xvfb.log" 2>&1 &
xvfb_pid=$!
gui_pid=
# Runs after the verdict: nothing in it may change the exit status, and a
# process that has already gone is not an error.
cleanup() {
    if [ -n "$gui_pid" ]; then kill "$gui_pid" 2>/dev/null || true; fi
    kill "$xvfb_pid" 2>/dev/null || true
    wait 2>/dev/null || true
    rm -rf "$MTLS_TEST_ROOT" || true
}
trap cleanup EXIT
for _ in $(seq 50); do [ -e "/tmp/.X11-unix/X$display" ] && break; sleep 0.1; done

# The first frame with a problem, so the details pane shows the mTLS tree.
first_problem=$(mtls_tshark -r "$MTLS_TEST_ROOT/pcaps/$capture" -Y mtls.problem -T fields -e frame.number | head -n 1)
mtls_as_test_user env DISPLAY=":$display" XDG_RUNTIME_DIR="$runtime" MTLS_GUI_RESULT="$result" \
    QT_QPA_PLATFORM=xcb wireshark -C mtls-analyzer -r "$MTLS_TEST_ROOT/pcaps/$capture" -z expert \
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
sleep 3 # let the windows finish drawing

# Without a window manager the main window keeps its default size: give it a screen.
export DISPLAY=":$display"
main_window=$(xdotool search --onlyvisible --name "^$capture\$" | head -n 1 || true)
expert_window=$(xdotool search --onlyvisible --name "Expert Information" | head -n 1 || true)
statistics_window=
if [ -n "$expert_window" ]; then
    import -window "$expert_window" "$artifacts/gui-expert-info.png" || true
    xdotool windowunmap "$expert_window" # out of the main window's screenshot
fi
# The driving is best effort: a window Qt replaced meanwhile (a BadWindow
# under load) must not end the test before its checks, which follow.
if [ -n "$main_window" ]; then
    xdotool windowmove "$main_window" 0 0 windowsize "$main_window" 1600 1000 || true
    sleep 2
    # Into the packet details, to the last tree (mTLS, a post-dissector's), expand it whole.
    xdotool mousemove --window "$main_window" 300 560 click 1 || true
    sleep 0.5
    xdotool key End || true
    sleep 0.3
    xdotool key shift+Right || true
    sleep 1
    import -window "$main_window" "$artifacts/gui-packet-details.png" || true
    # Statistics > mtls-analyzer: the last entry of the menu.
    xdotool key --window "$main_window" alt+s || true
    sleep 1
    xdotool key Up || true
    sleep 0.3
    xdotool key Return || true
    for _ in $(seq 20); do
        statistics_window=$(xdotool search --onlyvisible --name "mtls-analyzer" | head -n 1 || true)
        [ -n "$statistics_window" ] && break
        sleep 0.5
    done
    if [ -n "$statistics_window" ]; then
        xdotool windowsize "$statistics_window" 900 480 || true
        sleep 1.5
        import -window "$statistics_window" "$artifacts/gui-statistics.png" || true
    fi
fi
import -window root "$artifacts/gui-smoke.png" || true
# Quit as a user does, so Wireshark records the profile it ran with.
main_window=$(xdotool search --onlyvisible --name "^$capture\$" | head -n 1 || true)
[ -n "$main_window" ] && { xdotool key --window "$main_window" ctrl+q || true; }
for _ in $(seq 20); do kill -0 "$gui_pid" 2>/dev/null || break; sleep 0.5; done
used_profile=$(sed -n 's/^gui.last_used_profile: //p' "$MTLS_TEST_ROOT/home/.config/wireshark/recent_common" 2>/dev/null || true)

status=0
if ! grep -q field-ok "$result" 2>/dev/null; then
    echo "FAIL: the Wireshark GUI did not load the mtls plugin (no mtls.problem field)"
    status=1
elif [ "$used_profile" != mtls-analyzer ]; then
    echo "FAIL: the GUI did not run with the mtls-analyzer profile (it recorded '$used_profile')"
    status=1
elif [ -z "$statistics_window" ]; then
    echo "FAIL: Statistics > mtls-analyzer did not open a window"
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
if [ "$status" = 0 ]; then
    echo "ok: Wireshark GUI loaded the plugin and the mtls-analyzer profile; mtls.problem matched $got; expert entries" \
        "$got_expert; the statistics tree opened; screenshots in $artifacts"
    if [ "${MTLS_UPDATE_SCREENSHOTS:-0}" = 1 ]; then
        cp "$artifacts"/gui-packet-details.png "$artifacts"/gui-expert-info.png "$artifacts"/gui-statistics.png \
            "$here/../../docs/screenshots/"
    fi
fi
echo "$((1 - status)) passed, $status failed"
exit "$status"
