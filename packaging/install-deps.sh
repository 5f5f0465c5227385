#!/usr/bin/env bash
# install-deps.sh - installs what mtls-analyzer needs to build and run on
# Debian 12 (Wireshark 4.0) or later, and nothing else: the build tools, the
# Wireshark development files, tshark and the Wireshark GUI the plugin runs
# in, and Python for mtls-report. No server, JDK, X server or service: what
# only the tests need is tests/install-test-deps.sh's. Does nothing when all
# of it is already there. Uses sudo when not run as root.
#
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail
packages=(
    build-essential cmake pkg-config                     # build
    libwireshark-dev libwiretap-dev libglib2.0-dev libgnutls28-dev
    zlib1g-dev libbrotli-dev libzstd-dev                 # RFC 8879 compressed certificates
    tshark wireshark                                      # the programs the plugin runs in (wireshark: the Qt GUI)
    python3                                               # mtls-report
)
# --list prints the packages and installs nothing (tests/integration/check-user-install.sh).
if [ "${1:-}" = --list ]; then
    printf '%s\n' "${packages[@]}"
    exit 0
fi
missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" = 0 ] || sudo=sudo
echo "installing: ${missing[*]}"
# Without an answer to this question the wireshark-common install stops to ask.
echo "wireshark-common wireshark-common/install-setuid boolean false" | $sudo debconf-set-selections
$sudo apt-get update -q
# Without their recommendations: those would bring systemd, D-Bus and GnuPG's agents to a
# container, and Wireshark's only one is the multimedia plugins for playing RTP audio.
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
