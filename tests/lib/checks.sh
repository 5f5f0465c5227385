# checks.sh - sourced by the test scripts that run many named checks: counts
# them and shows what a failing one printed, so every script reports alike.
#
# usage: source tests/lib/checks.sh
#   check NAME COMMAND...   (passes when COMMAND exits 0)
#   check_status STATUS NAME (records a check already run: passes when STATUS is 0)
#   checks_summary          (prints the counts; its status is the verdict, the script's last command)
#
# SPDX-License-Identifier: GPL-2.0-or-later
checks_passed=0
checks_failed=0

check() {
    local name=$1 output
    shift
    if output=$("$@" 2>&1); then
        echo "ok: $name"
        checks_passed=$((checks_passed + 1))
    else
        echo "FAIL: $name"
        sed 's/^/    /' <<<"$output" | head -30
        checks_failed=$((checks_failed + 1))
    fi
}

check_status() {
    if [ "$1" = 0 ]; then
        echo "ok: $2"
        checks_passed=$((checks_passed + 1))
    else
        echo "FAIL: $2"
        checks_failed=$((checks_failed + 1))
    fi
}

checks_summary() {
    echo "$checks_passed passed, $checks_failed failed"
    [ "$checks_failed" -eq 0 ]
}
