#!/usr/bin/env bash
# check-user-install.sh - what the quickstart installs on a user's machine
# (packaging/install-deps.sh) is the product's build and run dependencies and
# nothing of the test lab: no server, JDK, X server, Xvfb, ImageMagick,
# xdotool or CMocka, and no package that brings a service.
#
# apt resolves the install as on a machine with nothing installed; what a
# Debian system has anyway (its required and important packages, resolved the
# same way) is taken off. Each package left must not match a test-lab name,
# and none may ship a systemd unit or init script (read from dpkg's file lists
# on this machine, where the quickstart's packages are installed).
#
# usage: check-user-install.sh
#
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../lib/checks.sh
source "$here/../lib/checks.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
: >"$work/status"

resolve() { # PACKAGE...: everything apt would install on an empty system
    apt-get -s -o Dir::State::status="$work/status" install "$@" 2>/dev/null | awk '/^Inst / {print $2}' | sort -u
}
resolve_as_the_quickstart() { # PACKAGE...: the same, without recommendations, as install-deps.sh installs
    apt-get -s --no-install-recommends -o Dir::State::status="$work/status" install "$@" 2>/dev/null |
        awk '/^Inst / {print $2}' | sort -u
}
mapfile -t wanted < <("$here/../../packaging/install-deps.sh" --list)
mapfile -t base < <(dpkg-query -W -f '${Package} ${Priority}\n' | awk '$2 == "required" || $2 == "important" {print $1}')
resolve_as_the_quickstart "${wanted[@]}" >"$work/user"
resolve "${base[@]}" >"$work/base"
comm -23 "$work/user" "$work/base" >"$work/added"
added=$(wc -l <"$work/added")
[ "$added" -gt 0 ] || { echo "FAIL: apt resolved nothing for the quickstart's packages"; exit 1; }

lab=$(grep -E '^(nginx|apache2|haproxy|stunnel4|openjdk-|default-jdk|default-jre|xvfb|xserver-|imagemagick|xdotool|libcmocka|postgresql|mariadb-server|mosquitto|postfix|slapd|exim4|golang|nodejs|erlang)' \
    "$work/added" || true)
check_status "$([ -z "$lab" ] && echo 0 || echo 1)" "the quickstart installs none of the test lab ($added packages beyond a base system)${lab:+: $(paste -sd' ' <<<"$lab")}"

# x11-common's init script only makes /tmp/.X11-unix (masked under systemd); the Qt GUI needs it.
services=""
unchecked=0
while read -r package; do
    list=$(ls /var/lib/dpkg/info/"$package".list /var/lib/dpkg/info/"$package":*.list 2>/dev/null | head -n 1 || true)
    if [ -z "$list" ]; then
        unchecked=$((unchecked + 1))
        continue
    fi
    [ "$package" = x11-common ] && continue
    units=$(grep -E '^/(usr/)?lib/systemd/system/[^/]+\.(service|socket|timer)$|^/etc/init\.d/' "$list" || true)
    [ -z "$units" ] || services+="$package: $(paste -sd' ' <<<"$units") "
done <"$work/added"
check_status "$([ -z "$services" ] && echo 0 || echo 1)" \
    "no package the quickstart installs brings a service ($unchecked not installed here, not read)${services:+: $services}"
checks_summary
