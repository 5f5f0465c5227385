#!/usr/bin/env bash
# as-unprivileged-user.sh - runs a test command as an ordinary user, so the
# plugin is loaded through WIRESHARK_PLUGIN_DIR alone, as it is for users who
# are not root. When not root already, runs it as is.
#
# usage: as-unprivileged-user.sh COMMAND [ARGS...]
#
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail
if [ "$(id -u)" = 0 ]; then
    exec setpriv --reuid=65534 --regid=65534 --clear-groups env HOME=/tmp "$@"
fi
exec "$@"
