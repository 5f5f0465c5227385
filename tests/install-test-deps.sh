#!/usr/bin/env bash
# install-test-deps.sh - installs what the tests need besides what the user
# installs (packaging/install-deps.sh): CMocka, the GUI test's display and
# tools (Xvfb, ImageMagick, xdotool), the capture generator's peers (OpenSSL,
# GnuTLS, ss) and, on Debian 12, the real servers and clients of
# make-real-captures.sh (nginx, HAProxy, Apache httpd, stunnel, curl, a JDK).
# Called by tests/run-all.sh (and so by CI); never by the quickstart.
#
# The servers' packages would start their services (nginx on port 80): a
# policy-rc.d keeps them from starting while they install, and on a host run
# by systemd they are disabled afterwards. The tests start each server by hand,
# on loopback, and stop it by its PID.
#
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
packages=(
    libcmocka-dev ca-certificates xxd                     # unit tests; the system CA store as a trust store
    xvfb imagemagick xdotool                              # GUI test: display, screenshots, driving the windows
    file                                                  # CPack DEB (shared-library dependencies)
    openssl gnutls-bin iproute2 util-linux                # capture generator (s_server, certtool, ss), setpriv
    python3-cryptography                                  # bench/make-capture.py distinct-certificates (bench only)
)
services=()
# The real-software captures are made, and remade by the tests, on Debian 12 only.
if grep -q '^12\.' /etc/debian_version 2>/dev/null; then
    packages+=(nginx haproxy apache2-bin stunnel4 curl default-jdk-headless)  # make-real-captures.sh
    services=(nginx haproxy)
fi

sudo=""
[ "$(id -u)" = 0 ] || sudo=sudo
policy=/usr/sbin/policy-rc.d
own_policy=false
if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\n# mtls-analyzer tests/install-test-deps.sh: no service starts while test packages install\nexit 101\n' |
        $sudo tee "$policy" >/dev/null
    $sudo chmod 0755 "$policy"
    own_policy=true
fi
remove_policy() { if $own_policy; then $sudo rm -f "$policy"; fi; }
trap remove_policy EXIT

"$top/packaging/install-deps.sh"
missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing for the tests: ${missing[*]}"
    $sudo apt-get update -q
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
fi

if [ -d /run/systemd/system ]; then
    for service in "${services[@]}"; do
        if systemctl is-enabled --quiet "$service" 2>/dev/null || systemctl is-active --quiet "$service" 2>/dev/null; then
            $sudo systemctl disable --now "$service" >/dev/null 2>&1 || true
        fi
    done
fi
