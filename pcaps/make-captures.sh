#!/usr/bin/env bash
# Makes the sample captures: a throw-away PKI (GnuTLS certtool), one real
# OpenSSL s_server/s_client exchange per scenario on 127.0.0.1, recorded by
# dumpcap. TLS 1.3 scenarios get their session keys injected into the pcapng
# (Decryption Secrets Block) so the capture decrypts on its own; every
# scenario's key log is kept as keys/NAME.keys, so each capture can also be
# read as an engineer who captured with SSLKEYLOGFILE reads it.
#
# usage: pcaps/make-captures.sh [OUTPUT_DIR]     (default: the pcaps/ folder)
# Needs: openssl, certtool (gnutls-bin), dumpcap and editcap (wireshark), and
# the right to capture on lo (root, or dumpcap's capabilities).
#
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here}
mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
pki=$work/pki
mkdir -p "$pki"
base_port=${MTLS_CAPTURE_BASE_PORT:-24400}
scenario_index=0

# ---- PKI ------------------------------------------------------------------

new_key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$pki/$1.key" 2>/dev/null; }

pki_organization="mtls-analyzer test PKI"
# shellcheck source=pki-helpers.sh
source "$here/pki-helpers.sh"

valid_from="2025-01-01 00:00:00"
valid_until="2125-01-01 00:00:00"
ca_lines=(ca cert_signing_key crl_signing_key)
client_lines=(signing_key tls_www_client)
server_lines=(signing_key encryption_key tls_www_server 'dns_name = "localhost"' 'ip_address = "127.0.0.1"')

make_pki() {
    for name in root issuing server server_expired server_future server_self_signed server_client_eku foreign_server \
        client_revoked client_critical_extension client client_expired client_future client_server_eku \
        client_self_signed foreign_root foreign_client issuing_pathlen0 sub_ca client_expiring server_several_names \
        client_previous; do
        new_key "$name"
    done
    for side in client server; do
        for variant in under_leaf deep no_signing sha1; do new_key "${side}_$variant"; done
        openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out "$pki/${side}_rsa1024.key" 2>/dev/null
    done
    # OpenSSL will not serve an EC certificate that may not sign; an RSA one it will.
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$pki/server_no_signing.key" 2>/dev/null
    template root "mtls-analyzer Test Root CA" "$valid_from" "$valid_until" "${ca_lines[@]}"
    self_signed root
    template issuing "mtls-analyzer Test Issuing CA" "$valid_from" "$valid_until" "${ca_lines[@]}"
    issue issuing root
    template server "localhost" "$valid_from" "$valid_until" "${server_lines[@]}"
    issue server issuing
    template server_expired "localhost" "2020-01-01 00:00:00" "2021-01-01 00:00:00" "${server_lines[@]}"
    issue server_expired issuing
    template server_future "localhost" "2099-01-01 00:00:00" "2100-01-01 00:00:00" "${server_lines[@]}"
    issue server_future issuing
    template server_self_signed "localhost" "$valid_from" "$valid_until" "${server_lines[@]}"
    self_signed server_self_signed
    template server_client_eku "localhost" "$valid_from" "$valid_until" signing_key tls_www_client 'dns_name = "localhost"'
    issue server_client_eku issuing
    template client "integration-client" "$valid_from" "$valid_until" "${client_lines[@]}"
    issue client issuing
    template client_expired "integration-client-expired" "2020-01-01 00:00:00" "2021-01-01 00:00:00" "${client_lines[@]}"
    issue client_expired issuing
    template client_future "integration-client-future" "2099-01-01 00:00:00" "2100-01-01 00:00:00" "${client_lines[@]}"
    issue client_future issuing
    template client_server_eku "integration-client-wrong-eku" "$valid_from" "$valid_until" signing_key tls_www_server
    issue client_server_eku issuing
    # Valid for most of a year, with ten days left when the capture is made.
    template client_expiring "integration-client-expiring" "$(date -u -d '-300 days' '+%Y-%m-%d %H:%M:%S')" \
        "$(date -u -d '+10 days' '+%Y-%m-%d %H:%M:%S')" "${client_lines[@]}"
    issue client_expiring issuing
    # The same client before its renewal: what the server side still has registered.
    template client_previous "integration-client" "$valid_from" "$valid_until" "${client_lines[@]}"
    issue client_previous issuing
    # One server certificate for several host names, as a load balancer's often is.
    template server_several_names "localhost" "$valid_from" "$valid_until" "${server_lines[@]}" \
        'dns_name = "api.mtls.test"' 'dns_name = "portal.mtls.test"'
    issue server_several_names issuing
    template client_self_signed "integration-client-self-signed" "$valid_from" "$valid_until" "${client_lines[@]}"
    self_signed client_self_signed
    template foreign_root "Some Other Root CA" "$valid_from" "$valid_until" "${ca_lines[@]}"
    self_signed foreign_root
    template foreign_client "integration-client-foreign" "$valid_from" "$valid_until" "${client_lines[@]}"
    issue foreign_client foreign_root
    template foreign_server "localhost" "$valid_from" "$valid_until" "${server_lines[@]}"
    issue foreign_server foreign_root
    # An extension no verifier knows, marked critical: OpenSSL's verify fails
    # with an error it has no specific alert for, so it sends certificate_unknown.
    template client_critical_extension "integration-client-critical-extension" "$valid_from" "$valid_until" \
        "${client_lines[@]}" 'add_critical_extension = "1.3.6.1.4.1.55555.1 0x0500"'
    issue client_critical_extension issuing
    template client_revoked "integration-client-revoked" "$valid_from" "$valid_until" "${client_lines[@]}"
    issue client_revoked issuing
    printf '%s\n' "crl_next_update = 36500" "crl_number = 1" >"$pki/crl.tmpl"
    certtool --generate-crl --load-ca-privkey "$pki/issuing.key" --load-ca-certificate "$pki/issuing.pem" \
        --load-certificate "$pki/client_revoked.pem" --template "$pki/crl.tmpl" --outfile "$pki/crl.pem" >/dev/null 2>&1
    # Client and server certificates with one bit of their signature flipped:
    # they still parse and match their keys, but no longer verify.
    for name in client server; do
        openssl x509 -in "$pki/$name.pem" -outform DER -out "$pki/$name.der"
        python3 -c 'import sys; d = bytearray(open(sys.argv[1], "rb").read()); d[-3] ^= 1; open(sys.argv[2], "wb").write(d)' \
            "$pki/$name.der" "$pki/${name}_tampered.der"
        openssl x509 -inform DER -in "$pki/${name}_tampered.der" -out "$pki/${name}_tampered.pem"
        cp "$pki/$name.key" "$pki/${name}_tampered.key"
    done
    link_check_certificates
    cat "$pki/root.pem" "$pki/issuing.pem" >"$pki/root_then_issuing.pem"
    cat "$pki/issuing.pem" "$pki/root.pem" >"$pki/issuing_then_root.pem"
}

# Certificates whose chains break one X.509 rule each, for a client and a
# server: issued by a leaf, deeper than a pathLenConstraint, a Key Usage that
# forbids the leaf's role, a 1024-bit RSA key, a SHA-1 signature.
issue_with_openssl() { # NAME CN EXTENDED_KEY_USAGE
    local name=$1 cn=$2 purpose=$3
    printf '%s\n' "[leaf]" "basicConstraints = critical, CA:FALSE" "keyUsage = critical, dataEncipherment" \
        "extendedKeyUsage = $purpose" "subjectAltName = DNS:localhost, IP:127.0.0.1" >"$pki/$name.ext"
    openssl req -new -key "$pki/$name.key" -subj "/O=mtls-analyzer test PKI/CN=$cn" -out "$pki/$name.csr"
    openssl x509 -req -in "$pki/$name.csr" -CA "$pki/issuing.pem" -CAkey "$pki/issuing.key" -set_serial "$RANDOM$RANDOM" \
        -days 36500 -extfile "$pki/$name.ext" -extensions leaf \
        -out "$pki/$name.pem" 2>/dev/null
}

link_check_certificates() {
    template issuing_pathlen0 "mtls-analyzer Test Path-Length-0 CA" "$valid_from" "$valid_until" "${ca_lines[@]}" \
        'path_len = 0'
    issue issuing_pathlen0 root
    template sub_ca "mtls-analyzer Test Sub CA" "$valid_from" "$valid_until" "${ca_lines[@]}"
    issue sub_ca issuing_pathlen0
    local side lines
    for side in client server; do
        if [ "$side" = client ]; then lines=("${client_lines[@]}"); else lines=("${server_lines[@]}"); fi
        template "${side}_under_leaf" "$side-issued-by-a-leaf" "$valid_from" "$valid_until" "${lines[@]}"
        issue "${side}_under_leaf" "$side"
        cat "$pki/$side.pem" "$pki/issuing.pem" >"$pki/${side}_then_issuing.pem"
        template "${side}_deep" "$side-too-deep" "$valid_from" "$valid_until" "${lines[@]}"
        issue "${side}_deep" sub_ca
        cat "$pki/sub_ca.pem" "$pki/issuing_pathlen0.pem" >"$pki/sub_ca_chain.pem"
        template "${side}_rsa1024" "$side-rsa-1024" "$valid_from" "$valid_until" "${lines[@]}"
        issue "${side}_rsa1024" issuing
        template "${side}_sha1" "$side-sha1" "$valid_from" "$valid_until" "${lines[@]}"
        certtool --generate-certificate --hash SHA1 --load-privkey "$pki/${side}_sha1.key" \
            --template "$pki/${side}_sha1.tmpl" --load-ca-certificate "$pki/issuing.pem" \
            --load-ca-privkey "$pki/issuing.key" --outfile "$pki/${side}_sha1.pem" >/dev/null 2>&1
    done
    # A Key Usage of dataEncipherment alone, which allows neither role.
    # certtool adds digitalSignature to every EC leaf, so OpenSSL issues these.
    issue_with_openssl client_no_signing "client-without-digital-signature" clientAuth
    issue_with_openssl server_no_signing "localhost" serverAuth
    cat "$pki/issuing.pem" "$pki/issuing.pem" >"$pki/issuing_twice.pem"
    # Twenty copies: a chain longer than the analyzer judges (its bound).
    for _ in $(seq 20); do cat "$pki/issuing.pem"; done >"$pki/issuing_twenty_times.pem"
    # About 93 KB: Wireshark's TLS dissector gives up on the reassembled message (4.0 to 4.6).
    for _ in $(seq 160); do cat "$pki/issuing.pem"; done >"$pki/issuing_160_times.pem"
}

# ---- One scenario ------------------------------------------------------------

# MTLS_ONLY=REGEX makes only the matching scenarios (and no sample), for work on one case.
# mismatched_key NAME CERTIFICATE_KEY OTHER_KEY: an EC private key holding
# CERTIFICATE_KEY's public point and OTHER_KEY's secret. OpenSSL loads it and
# finds it matches the certificate (it compares public keys only), then signs
# with the other secret: what a keystore pairing a certificate with the wrong
# key does.
mismatched_key() {
    local point secret
    point=$(openssl pkey -in "$pki/$2.key" -pubout -outform DER | tail -c 65 | od -An -tx1 | tr -d ' \n')
    secret=$(openssl ec -in "$pki/$3.key" -outform DER 2>/dev/null | openssl asn1parse -inform DER |
        awk '/OCTET STRING/ {sub(/.*\[HEX DUMP\]:/, ""); print; exit}')
    printf 'asn1=SEQUENCE:key\n[key]\nversion=INTEGER:1\nsecret=FORMAT:HEX,OCTETSTRING:%s\n%s\n%s\n' "$secret" \
        'curve=EXPLICIT:0,OID:prime256v1' "public=EXPLICIT:1,FORMAT:HEX,BITSTRING:$point" >"$pki/$1.asn1"
    openssl asn1parse -genconf "$pki/$1.asn1" -out "$pki/$1.der" >/dev/null
    openssl ec -inform DER -in "$pki/$1.der" -out "$pki/$1.key" 2>/dev/null
}

selected() { [ -z "${MTLS_ONLY:-}" ] || [[ $1 =~ $MTLS_ONLY ]]; }

# capture NAME "SERVER ARGS" "CLIENT ARGS" [keylog]
# The server and client each get -cert/-key etc. from the strings given.
capture() {
    local name=$1 server_args=$2 client_args=$3 keylog=${4:-}
    local port=$((base_port + scenario_index))
    scenario_index=$((scenario_index + 1))
    selected "$name" || return 0
    local raw=$work/$name.raw.pcapng keys=$work/$name.keys
    : >"$keys"

    # DTLS=1 runs the scenario over DTLS 1.2 on UDP.
    local transport=tcp
    if [ -n "${DTLS:-}" ]; then
        transport=udp
        server_args="-dtls1_2 $server_args"
        client_args="-dtls1_2 $client_args"
    fi
    dumpcap -q -i lo -f "$transport port $port" -w "$raw" 2>"$work/dumpcap.log" &
    local capture_pid=$!
    for _ in $(seq 100); do grep -q "Capturing on" "$work/dumpcap.log" && break; sleep 0.1; done

    # SERVER_COMMANDS="R" (for example) types s_server commands once the
    # client is connected, instead of serving one web page: R renegotiates
    # asking for a client certificate, c is a TLS 1.3 post-handshake request.
    if [ -n "${SERVER_COMMANDS:-}" ] || [ -n "${DTLS:-}" ]; then
        # shellcheck disable=SC2086
        (sleep 1.5; for command in ${SERVER_COMMANDS:-}; do echo "$command"; sleep 1; done; sleep 1) |
            timeout 20 openssl s_server -accept "127.0.0.1:$port" -naccept 1 $server_args \
                >"$work/$name.server.log" 2>&1 &
    else
        # shellcheck disable=SC2086
        timeout 20 openssl s_server -accept "127.0.0.1:$port" -naccept 1 -www $server_args \
            >"$work/$name.server.log" 2>&1 &
    fi
    local server_pid=$!
    for _ in $(seq 100); do ss -lntu | grep -q "127.0.0.1:$port " && break; sleep 0.1; done

    local client_input="printf 'GET / HTTP/1.0\r\n\r\n'"
    [ -n "${SERVER_COMMANDS:-}" ] && client_input="sleep $((3 + $(wc -w <<<"$SERVER_COMMANDS")))"
    [ -n "${DTLS:-}" ] && client_input="sleep 2"
    # RESUME=1 connects twice, the second time resuming the first session
    # from its saved ticket (the way TLS 1.3 clients resume).
    # SERVER_NAME=NAME sends another SNI than localhost; SERVER_NAME=none sends none.
    local server_name_args="-servername ${SERVER_NAME:-localhost}"
    [ "${SERVER_NAME:-}" = none ] && server_name_args=-noservername
    local runs=("") session=$work/$name.session
    [ -n "${RESUME:-}" ] && runs=("-sess_out $session" "-sess_in $session")
    local run
    for run in "${runs[@]}"; do
        # shellcheck disable=SC2086
        bash -c "$client_input" | timeout 20 openssl s_client -connect "127.0.0.1:$port" $server_name_args \
            -ign_eof -keylogfile "$keys" $run $client_args >>"$work/$name.client.log" 2>&1 || true
    done
    wait "$server_pid" 2>/dev/null || true
    sleep 0.5
    kill -INT "$capture_pid"
    wait "$capture_pid" 2>/dev/null || true

    if [ "$keylog" = keylog ]; then
        editcap --inject-secrets "tls,$keys" "$raw" "$out/$name.pcapng"
    else
        cp "$raw" "$out/$name.pcapng"
    fi
    chmod 0644 "$out/$name.pcapng"
    mkdir -p "$out/keys"
    cp "$keys" "$out/keys/$name.keys"
    chmod 0644 "$out/keys/$name.keys"
    # On a loaded machine a peer or dumpcap can start too late and the
    # exchange is lost: such a capture holds no ClientHello. Run the scenario
    # again, on a fresh port, up to twice.
    if ! tshark -r "$out/$name.pcapng" -Y 'tls.handshake.type == 1 || dtls.handshake.type == 1' -T fields \
        -e frame.number 2>/dev/null | grep -q .; then
        local attempt=${MTLS_CAPTURE_ATTEMPT:-1}
        if [ "$attempt" -lt 3 ]; then
            echo "no ClientHello captured for $name (attempt $attempt); trying again"
            MTLS_CAPTURE_ATTEMPT=$((attempt + 1)) capture "$@"
            return
        fi
    fi
    echo "made $name.pcapng ($(capinfos -c -M "$out/$name.pcapng" | awk '/Number of packets/ {print $NF}') packets)"
}

# capture_answer_then_request NAME: pcaps/answer-then-request.py, Python's ssl
# on both sides (s_server cannot put an answer and a CertificateRequest in one
# segment); always with its key log.
capture_answer_then_request() {
    local name=$1
    local port=$((base_port + scenario_index))
    scenario_index=$((scenario_index + 1))
    selected "$name" || return 0
    local raw=$work/$name.raw.pcapng keys=$work/$name.keys
    : >"$keys"
    dumpcap -q -i lo -f "tcp port $port" -w "$raw" 2>"$work/dumpcap.log" &
    local capture_pid=$!
    for _ in $(seq 100); do grep -q "Capturing on" "$work/dumpcap.log" && break; sleep 0.1; done
    timeout 30 /usr/bin/python3 "$here/answer-then-request.py" "$port" "$p/server.pem" "$p/server.key" \
        "$p/issuing.pem" "$p/client.pem" "$p/client.key" "$p/issuing.pem" "$p/root.pem" "$keys" \
        >"$work/$name.log" 2>&1 || { cat "$work/$name.log"; exit 1; }
    cat "$work/$name.log"
    sleep 0.5
    kill -INT "$capture_pid"
    wait "$capture_pid" 2>/dev/null || true
    editcap --inject-secrets "tls,$keys" "$raw" "$out/$name.pcapng"
    chmod 0644 "$out/$name.pcapng"
    mkdir -p "$out/keys"
    cp "$keys" "$out/keys/$name.keys"
    chmod 0644 "$out/keys/$name.keys"
    echo "made $name.pcapng ($(capinfos -c -M "$out/$name.pcapng" | awk '/Number of packets/ {print $NF}') packets)"
}

# ---- Scenarios -----------------------------------------------------------------

make_pki
p=$pki
# -cert/-key/-cert_chain for a peer: its certificate NAME and, optionally, the extra chain it sends.
chain_args() { echo "-cert $p/$1.pem -key $p/$1.key ${2:+-cert_chain $p/$2.pem}"; }
server=$(chain_args server issuing)
require="-CAfile $p/root.pem -Verify 3 -verify_return_error"
trust_server="-CAfile $p/root.pem -verify_return_error"

capture tls12-good-chain "$server $require" "-tls1_2 $trust_server $(chain_args client issuing)"
capture tls13-good-chain "$server $require" "-tls1_3 $trust_server $(chain_args client issuing)" keylog
# OpenSSL 3.2 and later compress certificates (RFC 8879, zlib) by default; 3.0 sends them plain, so the
# committed copy of this one comes from a Debian 13 run.
capture tls13-compressed-certificate "$server $require" "-tls1_3 $trust_server $(chain_args client issuing)" keylog
capture tls12-not-requested "$server" "-tls1_2 $trust_server $(chain_args client issuing)"
capture tls12-empty-certificate "$server $require" "-tls1_2 $trust_server"
capture tls12-missing-intermediate "$server $require" "-tls1_2 $trust_server $(chain_args client)"
capture tls12-issuer-not-accepted "$server $require" "-tls1_2 $trust_server $(chain_args foreign_client foreign_root)"
capture tls12-untrusted-root-no-ca-names "$server $require -no_ca_names" \
    "-tls1_2 $trust_server $(chain_args foreign_client foreign_root)"
capture tls12-self-signed "$server $require" "-tls1_2 $trust_server $(chain_args client_self_signed)"
capture tls12-expired "$server $require" "-tls1_2 $trust_server $(chain_args client_expired issuing)"
capture tls12-not-yet-valid "$server $require" "-tls1_2 $trust_server $(chain_args client_future issuing)"
capture tls12-client-eku-missing "$server $require" "-tls1_2 $trust_server $(chain_args client_server_eku issuing)"
capture tls12-good-full-chain "$server $require" "-tls1_2 $trust_server $(chain_args client issuing_then_root)"
capture tls12-chain-order "$server $require" "-tls1_2 $trust_server $(chain_args client root_then_issuing)"
capture tls10-legacy-accepted "$server $require -cipher DEFAULT:@SECLEVEL=0 -tls1" \
    "-tls1 -cipher DEFAULT:@SECLEVEL=0 $trust_server $(chain_args client issuing)"
capture tls10-protocol-version "$server $require -tls1_2" "-tls1 -cipher DEFAULT:@SECLEVEL=0 $(chain_args client issuing)"
capture tls13-certificate-required "$server $require" "-tls1_3 $trust_server" keylog
capture tls13-no-keys "$server $require" "-tls1_3 $trust_server $(chain_args client issuing)"
capture tls12-server-expired "$(chain_args server_expired issuing) $require" \
    "-tls1_2 $trust_server $(chain_args client issuing)"
capture tls12-server-self-signed "$(chain_args server_self_signed) $require" \
    "-tls1_2 $trust_server $(chain_args client issuing)"
capture tls12-server-missing-intermediate "$(chain_args server) $require" \
    "-tls1_2 $trust_server $(chain_args client issuing)"
capture tls12-server-eku-missing "$(chain_args server_client_eku issuing) $require" \
    "-tls1_2 $trust_server $(chain_args client issuing)"
capture tls12-revoked "$server $require -crl_check -CRL $p/crl.pem" \
    "-tls1_2 $trust_server $(chain_args client_revoked issuing)"
capture tls12-bad-signature "$server $require" "-tls1_2 $trust_server $(chain_args client_tampered issuing)"
capture tls12-certificate-unknown "$server $require" \
    "-tls1_2 $trust_server $(chain_args client_critical_extension issuing)"
capture tls12-server-bad-signature "$(chain_args server_tampered issuing) $require" \
    "-tls1_2 $trust_server $(chain_args client issuing)"
capture tls12-server-untrusted-root "$(chain_args foreign_server foreign_root) $require" \
    "-tls1_2 $trust_server $(chain_args client issuing)"
capture tls12-server-not-yet-valid "$(chain_args server_future issuing) $require" \
    "-tls1_2 $trust_server $(chain_args client issuing)"
capture tls12-server-chain-order "$(chain_args server root_then_issuing) $require" \
    "-tls1_2 $trust_server $(chain_args client issuing)"

weak="-cipher DEFAULT:@SECLEVEL=0"
capture tls12-not-a-ca "$server $require" "-tls1_2 $trust_server $(chain_args client_under_leaf client_then_issuing)"
capture tls12-path-length "$server $require" "-tls1_2 $trust_server $(chain_args client_deep sub_ca_chain)"
capture tls12-key-usage "$server $require" "-tls1_2 $trust_server $(chain_args client_no_signing issuing)"
capture tls12-weak-key "$server $require" "-tls1_2 $weak $trust_server $(chain_args client_rsa1024 issuing)"
capture tls12-weak-signature "$server $require" "-tls1_2 $weak $trust_server $(chain_args client_sha1 issuing)"
capture tls12-duplicate-certificate "$server $require" "-tls1_2 $trust_server $(chain_args client issuing_twice)"
capture tls12-long-chain "$server $require" "-tls1_2 $trust_server $(chain_args client issuing_twenty_times)"
# A client Certificate Wireshark cannot dissect: the verdict says so, never "no client certificate".
capture tls12-certificate-beyond-the-dissector "$server $require" \
    "-tls1_2 $trust_server $(chain_args client issuing_160_times)"
capture tls12-server-not-a-ca "$(chain_args server_under_leaf server_then_issuing) $require" \
    "-tls1_2 $trust_server $(chain_args client issuing)"
capture tls12-server-path-length "$(chain_args server_deep sub_ca_chain) $require" \
    "-tls1_2 $trust_server $(chain_args client issuing)"
capture tls12-server-key-usage "$(chain_args server_no_signing issuing) $require" \
    "-tls1_2 $trust_server $(chain_args client issuing)"
capture tls12-server-weak-key "$(chain_args server_rsa1024 issuing) $weak $require" \
    "-tls1_2 $trust_server $(chain_args client issuing)"
capture tls12-server-weak-signature "$(chain_args server_sha1 issuing) $weak $require" \
    "-tls1_2 $trust_server $(chain_args client issuing)"
capture tls12-server-duplicate-certificate "$(chain_args server issuing_twice) $require" \
    "-tls1_2 $trust_server $(chain_args client issuing)"

# Resumption: s_client -reconnect makes one full handshake and five resumed
# ones (session ID, ticket, TLS 1.3 PSK), all in one capture.
capture tls12-resumed-session-id "$server $require -naccept 6 -no_ticket" \
    "-tls1_2 -reconnect $trust_server $(chain_args client issuing)"
capture tls12-resumed-ticket "$server $require -naccept 6" "-tls1_2 -reconnect $trust_server $(chain_args client issuing)"
RESUME=1 capture tls13-resumed-psk "$server $require -naccept 2" "-tls1_3 $trust_server $(chain_args client issuing)" keylog
# Client authentication asked for only later: by TLS 1.2 renegotiation (with
# and without the keys to read it) and by TLS 1.3 post-handshake request.
# Without a session cache the renegotiation cannot resume: a full handshake.
SERVER_COMMANDS="R" capture tls12-renegotiation "$server -CAfile $p/root.pem -no_cache -no_ticket" \
    "-tls1_2 $trust_server $(chain_args client issuing)" keylog
SERVER_COMMANDS="R" capture tls12-renegotiation-no-keys "$server -CAfile $p/root.pem -no_cache -no_ticket" \
    "-tls1_2 $trust_server $(chain_args client issuing)"
SERVER_COMMANDS="c" capture tls13-post-handshake-auth "$server -CAfile $p/root.pem" \
    "-tls1_3 -enable_pha $trust_server $(chain_args client issuing)" keylog
# The server answers and asks for a certificate in one TCP segment (TLS 1.3):
# the answer belongs to the handshake before the request.
capture_answer_then_request tls13-answer-then-post-handshake-request
# DTLS 1.2 client authentication, accepted and rejected.
DTLS=1 capture dtls12-good-chain "$server $require" "$trust_server $(chain_args client issuing)"
DTLS=1 capture dtls12-missing-intermediate "$server $require" "$trust_server $(chain_args client)"
# What the troubleshooting guides check by hand besides the chain.
capture tls12-client-expires-soon "$server $require" "-tls1_2 $trust_server $(chain_args client_expiring issuing)"
SERVER_NAME=other.mtls.test capture tls12-server-name-mismatch "$server $require" \
    "-tls1_2 $trust_server $(chain_args client issuing)"
SERVER_NAME=none capture tls12-no-sni "$(chain_args server_several_names issuing) $require" \
    "-tls1_2 $trust_server $(chain_args client issuing)"
# The server accepts only RSA signatures for CertificateVerify; the client's key is EC.
capture tls12-signature-algorithm-mismatch "$server $require -client_sigalgs RSA+SHA256:RSA+SHA384" \
    "-tls1_2 $trust_server $(chain_args client issuing)"
# The client pairs its certificate with another key: its CertificateVerify
# does not verify, in the clear (TLS 1.2) and decrypted (TLS 1.3).
mismatched_key client_wrong_key client foreign_client
wrong_key="-cert $p/client.pem -key $p/client_wrong_key.key -cert_chain $p/issuing.pem"
capture tls12-certificate-verify-failed "$server $require" "-tls1_2 $trust_server $wrong_key"
capture tls13-certificate-verify-failed "$server $require" "-tls1_3 $trust_server $wrong_key" keylog
capture tls12-unexpected-client-certificate "$server $require" "-tls1_2 $trust_server $(chain_args client issuing)"
# The certificates the server side has registered: the one sent, and the one before its renewal.
if selected tls12-unexpected-client-certificate; then
    mkdir -p "$out/pki"
    cp "$pki/client.pem" "$out/pki/registered-client-current.pem"
    cp "$pki/client_previous.pem" "$out/pki/registered-client-previous.pem"
fi
# Every handshake message cut into 512-byte records by both sides.
capture tls12-fragmented-records "$server $require -max_send_frag 512" \
    "-tls1_2 -max_send_frag 512 $trust_server $(chain_args client issuing)"

[ -n "${MTLS_ONLY:-}" ] && exit 0

# The sample the quick start analyses: several outcomes in one file.
(cd "$out" && mergecap -F pcapng -w sample.pcapng tls12-good-chain.pcapng tls12-empty-certificate.pcapng \
    tls12-missing-intermediate.pcapng tls12-expired.pcapng tls12-not-requested.pcapng tls13-good-chain.pcapng)
echo "made sample.pcapng"
# Twelve handshakes, each with a client certificate of its own: more than a small
# mtls.cache_limit holds, so the caches are emptied while handshakes still show them.
(cd "$out" && mergecap -F pcapng -w tls12-many-client-certificates.pcapng tls12-good-chain.pcapng \
    tls12-issuer-not-accepted.pcapng tls12-self-signed.pcapng tls12-expired.pcapng tls12-not-yet-valid.pcapng \
    tls12-client-eku-missing.pcapng tls12-bad-signature.pcapng tls12-not-a-ca.pcapng tls12-path-length.pcapng \
    tls12-key-usage.pcapng tls12-weak-key.pcapng tls12-weak-signature.pcapng)
echo "made tls12-many-client-certificates.pcapng"

# The CA certificates (no keys) so tests can use them as a trust store.
mkdir -p "$out/pki"
cp "$pki/root.pem" "$out/pki/root.pem"
cp "$pki/foreign_root.pem" "$out/pki/foreign-root.pem"
cp "$pki/issuing.pem" "$out/pki/issuing.pem"
echo "captures written to $out"
