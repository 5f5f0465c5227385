#!/usr/bin/env bash
# as-unprivileged-user.sh - runs check-capture.sh as an ordinary user, so the
# plugin is loaded through WIRESHARK_PLUGIN_DIR alone, as it is for users who
# are not root. The scripts, captures and built plugin are copied to a
# world-readable place first: the checkout itself may not be readable to
# that user. When not root already, runs the check as is.
#
# usage: as-unprivileged-user.sh BUILD_DIR CHECK-CAPTURE-ARGS...
#
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail
source_dir=$(cd "$(dirname "$0")/../.." && pwd)
build_dir=$1
shift
if [ "$(id -u)" != 0 ]; then
    exec "$source_dir/tests/integration/check-capture.sh" "$build_dir" "$@"
fi
copy=$(mktemp -d /tmp/mtls-unprivileged.XXXXXX)
trap 'rm -rf "$copy"' EXIT
mkdir -p "$copy/src/tests" "$copy/build"
cp -r "$source_dir/tests/integration" "$source_dir/tests/lib" "$copy/src/tests/"
cp -r "$source_dir/pcaps" "$copy/src/"
cp -r "$build_dir/plugins" "$copy/build/"
chmod -R a+rX "$copy"
setpriv --reuid=65534 --regid=65534 --clear-groups env HOME=/tmp \
    "$copy/src/tests/integration/check-capture.sh" "$copy/build" "$@"
