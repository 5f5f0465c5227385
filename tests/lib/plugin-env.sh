# plugin-env.sh - sourced by the tests: runs real Wireshark programs with the
# freshly built plugin, without installing it.
#
# Wireshark reads WIRESHARK_PLUGIN_DIR only when not running as root, so as
# root the programs run under an unprivileged uid; everything they read is
# copied into a private, world-readable folder first.
#
# usage: source tests/lib/plugin-env.sh BUILD_DIR
#   then: mtls_tshark ARGS...      (tshark with the plugin; $MTLS_TSHARK names
#                                   another tshark binary than the one on PATH)
#         mtls_as_test_user CMD... (any command in the same environment)
#         $MTLS_TEST_ROOT/pcaps    (a readable copy of pcaps/, or of $MTLS_PCAPS_SOURCE)
#
# SPDX-License-Identifier: GPL-2.0-or-later

mtls_source_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
mtls_build_dir=$(cd "${1:?build directory}" && pwd)
mtls_plugin=$(find "$mtls_build_dir/plugins" -name mtls-analyzer.so | head -n 1)
if [ -z "$mtls_plugin" ]; then
    echo "plugin-env: no mtls-analyzer.so under $mtls_build_dir/plugins (build first)" >&2
    return 1 2>/dev/null || exit 1
fi
mtls_plugin_version_dir=$(basename "$(dirname "$(dirname "$mtls_plugin")")")

MTLS_TEST_ROOT=$(mktemp -d /tmp/mtls-test.XXXXXX)
mkdir -p "$MTLS_TEST_ROOT/plugins/$mtls_plugin_version_dir/epan" "$MTLS_TEST_ROOT/home"
cp "$mtls_plugin" "$MTLS_TEST_ROOT/plugins/$mtls_plugin_version_dir/epan/"
cp -r "${MTLS_PCAPS_SOURCE:-$mtls_source_dir/pcaps}" "$MTLS_TEST_ROOT/pcaps"
chmod -R a+rX "$MTLS_TEST_ROOT"
chmod a+rwx "$MTLS_TEST_ROOT/home"
export MTLS_TEST_ROOT
trap 'rm -rf "$MTLS_TEST_ROOT"' EXIT

mtls_as_test_user() {
    local environment=(env HOME="$MTLS_TEST_ROOT/home" WIRESHARK_PLUGIN_DIR="$MTLS_TEST_ROOT/plugins"
        XDG_CONFIG_HOME="$MTLS_TEST_ROOT/home/.config")
    # A plugin built with sanitizers needs their runtime loaded before tshark's
    # libraries; the extcap helpers tshark starts would inherit it, and hang.
    if [ -n "${MTLS_SANITIZER_PRELOAD:-}" ]; then
        mkdir -p "$MTLS_TEST_ROOT/no-extcap"
        environment+=(LD_PRELOAD="$MTLS_SANITIZER_PRELOAD" WIRESHARK_EXTCAP_DIR="$MTLS_TEST_ROOT/no-extcap")
    fi
    if [ "$(id -u)" = 0 ]; then
        setpriv --reuid=65534 --regid=65534 --clear-groups "${environment[@]}" "$@"
    else
        "${environment[@]}" "$@"
    fi
}

mtls_tshark() {
    mtls_as_test_user "${MTLS_TSHARK:-tshark}" "$@"
}

# The same environment without the plugin: tshark's own behaviour, to compare with.
mtls_without_plugin() {
    mkdir -p "$MTLS_TEST_ROOT/no-plugins"
    mtls_as_test_user env WIRESHARK_PLUGIN_DIR="$MTLS_TEST_ROOT/no-plugins" "$@"
}
