#!/usr/bin/env bash
# install-deps.sh - installs what mtls-analyzer needs to build, test and make
# captures on Debian 12 (Wireshark 4.0) or later. Does nothing when all of it
# is already there. Uses sudo when not run as root.
#
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail
packages=(
    build-essential cmake pkg-config                     # build
    libwireshark-dev libwiretap-dev libglib2.0-dev libgnutls28-dev
    zlib1g-dev libbrotli-dev libzstd-dev                 # RFC 8879 compressed certificates
    tshark wireshark                                      # the programs the plugin runs in (wireshark: the Qt GUI)
    libcmocka-dev python3 ca-certificates xxd             # tests (the system CA store is a trust-store form)
    xvfb imagemagick xdotool                              # GUI test: display, screenshots, driving the windows
    file                                                  # CPack DEB (shared-library dependencies)
    openssl gnutls-bin iproute2 util-linux                # capture generator (s_server, certtool, ss), setpriv
)
# The real-software captures are made, and remade by the tests, on Debian 12 only.
if grep -q '^12\.' /etc/debian_version 2>/dev/null; then
    packages+=(nginx haproxy apache2-bin stunnel4 curl default-jdk-headless)  # make-real-captures.sh
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
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
