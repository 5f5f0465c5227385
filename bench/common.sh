# common.sh - sourced by the benchmarks: real tshark with and without the
# freshly built plugin (tests/lib/plugin-env.sh, without copying pcaps/), and
# the hand read both compare the plugin with.
#
# usage: source bench/common.sh BUILD_DIR
#   then: mtls_as_test_user / mtls_without_plugin CMD...  (exported for bash -c)
#         "${hand_read[@]}"   tshark options that read by hand what a person reads
#
# SPDX-License-Identifier: GPL-2.0-or-later

bench_no_pcaps=$(mktemp -d)
MTLS_PCAPS_SOURCE=$bench_no_pcaps
# shellcheck source=../tests/lib/plugin-env.sh
source "$(dirname "${BASH_SOURCE[0]}")/../tests/lib/plugin-env.sh" "$1"
rmdir "$bench_no_pcaps"
export -f mtls_as_test_user mtls_without_plugin
mtls_without_plugin tshark -G plugins | grep -q mtls && { echo "bench: the baseline tshark loads mtls-analyzer.so" >&2; exit 1; }
mtls_as_test_user tshark -G plugins | grep -q mtls || { echo "bench: tshark does not load the built mtls-analyzer.so" >&2; exit 1; }

# What a person reads by hand to answer the plugin's question: handshake
# types and versions, certificates with subjects and issuers, CA names, alerts.
# shellcheck disable=SC2034  # used by the scripts that source this one
hand_read=(-Y "tls.handshake.type == 11 or tls.handshake.type == 13 or tls.alert_message"
    -T fields -e frame.number -e tcp.stream -e tls.handshake.type -e tls.handshake.version
    -e tls.handshake.extensions_server_name -e tls.handshake.certificate_length -e x509af.subject
    -e x509af.issuer -e tls.handshake.dname_len -e x509if.rdnSequence -e tls.alert_message.desc)
