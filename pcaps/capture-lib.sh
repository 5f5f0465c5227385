# capture-lib.sh - sourced by the generators of captures of real TLS software
# (make-real-captures.sh, make-stack-captures.sh, ...): a throw-away PKI, the
# common clients, one scenario recorded with dumpcap on lo, what happened read
# back with plain tshark, and the parts of README.md every generator writes.
#
# Interface (a generator sources this file, then):
#   capture_setup OUTPUT_DIR BASE_PORT
#       sets out (OUTPUT_DIR, made and absolute), work (a temporary folder,
#       removed on exit), pki (its pki/ subfolder), base_port, started, and
#       the EXIT trap (cleanup) that stops whatever is still running.
#   Settings, plain variables the generator may change after capture_setup:
#     listen_address      (127.0.0.1) where servers listen and clients connect;
#                         address_port PORT prints it with a port (an IPv6 one in brackets).
#     capture_transport   (tcp) the dumpcap filter is "$capture_transport port PORT".
#     summary_tcp_closes  (no) yes: the flow shows each side's first FIN and RST,
#                         and the README table gets a column "Server's ending": the first of
#                         the server's fatal alert, FIN and RST, and the message before it.
#     answer_hook         ("") the name of a function ANSWER_HOOK PCAPNG PORT KEYS NAME that
#                         prints the application's answer in one line (e.g. "SMTP 530"),
#                         for a protocol other than HTTP; it replaces the HTTP status read
#                         by default (and tshark's http.tls.port is then not set).
#     summary_tshark_options  (()) more tshark options for summarise, e.g. (-d tcp.port==N,smtp).
#     endpoint_hook       ("") the name of a function ENDPOINT_HOOK SERVER VARIANT INDEX that prints
#                         "ADDRESS PORT" for scenario number INDEX (from 0, retries included):
#                         capture then sets listen_address to ADDRESS, uses PORT instead of
#                         base_port + INDEX, and filters "host ADDRESS and $capture_transport port
#                         PORT" (servers on their standard ports, each scenario on an address of its own).
#     client_outcome_pattern  ('^(HTTP|error)') the client log lines that tell the outcome;
#                         the last one goes to the table's "Client reported".
#     server_outcome_pattern  ("") when set, the last line of $work/NAME.server.log matching
#                         it goes to one more column, "Server logged".
#     pki_organization    (the organization of every certificate make_pki makes).
#   make_pki: in $pki, the CAs (root, issuing, foreign_root), the server (localhost,
#       127.0.0.1, server-chain.pem = leaf + issuing) and the clients identity_files names.
#   identity_files IDENTITY: "CHAIN_PEM KEY" of good, leaf-only, expired, self-signed,
#       foreign-ca, no-client-eku, unmapped (a good chain, CN real-test-client-unmapped);
#       nothing for none. identity_chain IDENTITY / identity_key IDENTITY: one of the two.
#   write_python_client, then run_python; run_curl; run_gnutls: the clients, called as
#       run_KIND NAME PORT VERSION IDENTITY OPTION (VERSION tls12, tls13...; OPTION h2,
#       secure, pha or -); each writes its outcome last in $work/NAME.client.log.
#   capture NAME SERVER VARIANT CLIENT VERSION IDENTITY OPTION "SERVER TEXT" "CLIENT TEXT"
#       one scenario on the next port: dumpcap, start_SERVER NAME PORT VARIANT (the
#       generator's; it starts the server under `timeout` in the background and sets
#       server_pid), wait_for_listener, run_CLIENT ..., stop_server; then the
#       capture and its key log (the client's $work/NAME.keys, else the server's
#       $work/NAME.server.keys) go to $out and a row to readme_rows. A capture
#       without a ClientHello is made again once, on a fresh port. MTLS_ONLY=REGEX:
#       only the matching names.
#   captures_done: after the captures; sets elapsed; with MTLS_ONLY it says so and
#       exits, else it copies the CA certificates (no keys) to $out/pki.
#   readme_capture_section: the README's "What each capture holds" section, table included.
#   debian_package_versions PACKAGE...: "name version, name version" of those installed.
#   summarise, name_alerts, alert_name, page_title, wait_for_listener, stop_server,
#   cleanup, selected, request_path: the pieces capture uses.
#
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash disable=SC2034

capture_lib=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
pki_organization="mtls-analyzer real-software test PKI"
listen_address=127.0.0.1
capture_transport=tcp
summary_tcp_closes=no
answer_hook=""
endpoint_hook=""
summary_tshark_options=()
client_outcome_pattern='^(HTTP|error)'
server_outcome_pattern=""
server_pid=""
capture_pid=""
readme_rows=()
scenario_index=0

capture_setup() { # OUTPUT_DIR BASE_PORT
    out=$1
    mkdir -p "$out"
    out=$(cd "$out" && pwd)
    base_port=$2
    work=$(mktemp -d)
    pki=$work/pki
    mkdir -p "$pki"
    # A server that drops its privileges (Apache) must reach its files in the
    # work folder; the private keys stay in the 0700 pki/.
    chmod 0711 "$work"
    chmod 0700 "$pki"
    started=$SECONDS
    trap cleanup EXIT
}

# Every server and dumpcap run under `timeout`, so even a killed script leaves
# nothing running for long; on a normal exit they are stopped here by PID.
cleanup() {
    local pid
    for pid in $server_pid $capture_pid $(jobs -p); do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}

address_port() { # PORT
    case $listen_address in *:*) echo "[$listen_address]:$1" ;; *) echo "$listen_address:$1" ;; esac
}

# ---- PKI ------------------------------------------------------------------------

new_key() { # NAME: an EC P-256 key
    certtool --generate-privkey --key-type ecdsa --curve secp256r1 --no-text --outfile "$pki/$1.key" 2>/dev/null
}

# shellcheck source-path=SCRIPTDIR source=pki-helpers.sh
source "$capture_lib/pki-helpers.sh"

make_pki() {
    local from="2025-01-01 00:00:00" until="2125-01-01 00:00:00"
    local ca=(ca cert_signing_key crl_signing_key) client_lines=(signing_key tls_www_client)
    local name
    for name in root issuing foreign_root server client client_expired client_self_signed client_server_eku \
        foreign_client client_unmapped; do
        new_key "$name"
    done
    template root "Real Test Root CA" "$from" "$until" "${ca[@]}"
    self_signed root
    template issuing "Real Test Issuing CA" "$from" "$until" "${ca[@]}"
    issue issuing root
    template foreign_root "Foreign Root CA" "$from" "$until" "${ca[@]}"
    self_signed foreign_root
    template server localhost "$from" "$until" signing_key tls_www_server 'dns_name = "localhost"' \
        'ip_address = "127.0.0.1"' 'ip_address = "::1"'
    issue server issuing
    template client "real-test-client" "$from" "$until" "${client_lines[@]}"
    issue client issuing
    template client_expired "real-test-client-expired" "2020-01-01 00:00:00" "2021-01-01 00:00:00" "${client_lines[@]}"
    issue client_expired issuing
    template client_self_signed "real-test-client-self-signed" "$from" "$until" "${client_lines[@]}"
    self_signed client_self_signed
    # Extended Key Usage serverAuth only: not allowed to authenticate a client.
    template client_server_eku "real-test-client-server-eku-only" "$from" "$until" signing_key tls_www_server
    issue client_server_eku issuing
    template foreign_client "real-test-client-foreign" "$from" "$until" "${client_lines[@]}"
    issue foreign_client foreign_root
    # A valid client the application knows no user for.
    template client_unmapped "real-test-client-unmapped" "$from" "$until" "${client_lines[@]}"
    issue client_unmapped issuing

    # What the peers load: a leaf with the chain it sends, and trust stores.
    cat "$pki/server.pem" "$pki/issuing.pem" >"$pki/server-chain.pem"
    cat "$pki/root.pem" "$pki/issuing.pem" >"$pki/root-issuing.pem"
    for name in client client_expired client_server_eku client_unmapped; do
        cat "$pki/$name.pem" "$pki/issuing.pem" >"$pki/$name-chain.pem"
    done
    for name in client_self_signed foreign_client; do cp "$pki/$name.pem" "$pki/$name-chain.pem"; done
}

identity_files() { # IDENTITY: the certificate (with its chain) and key files, or nothing
    case $1 in
        none) ;;
        good) echo "$pki/client-chain.pem $pki/client.key" ;;
        leaf-only) echo "$pki/client.pem $pki/client.key" ;;
        expired) echo "$pki/client_expired-chain.pem $pki/client_expired.key" ;;
        self-signed) echo "$pki/client_self_signed-chain.pem $pki/client_self_signed.key" ;;
        foreign-ca) echo "$pki/foreign_client-chain.pem $pki/foreign_client.key" ;;
        no-client-eku) echo "$pki/client_server_eku-chain.pem $pki/client_server_eku.key" ;;
        unmapped) echo "$pki/client_unmapped-chain.pem $pki/client_unmapped.key" ;;
        *) echo "unknown identity $1" >&2; exit 1 ;;
    esac
}

identity_chain() { local files; read -r -a files <<<"$(identity_files "$1")"; echo "${files[0]:-}"; }
identity_key() { local files; read -r -a files <<<"$(identity_files "$1")"; echo "${files[1]:-}"; }

# ---- The clients ---------------------------------------------------------------------
# run_KIND NAME PORT VERSION IDENTITY OPTION: one GET, the outcome as the
# client saw it on its last output line, in $work/NAME.client.log.

# Python: one HTTP/1.1 GET with the standard library's ssl module; prints the
# status line or the error, the way an application would log it.
write_python_client() {
    cat >"$work/client.py" <<'EOF'
import socket, ssl, sys

version, port, cafile, cert, key, keylog, pha, path, host = sys.argv[1:10]
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.minimum_version = ctx.maximum_version = getattr(ssl.TLSVersion, version)
ctx.load_verify_locations(cafile)
if cert:
    ctx.load_cert_chain(cert, key)
ctx.keylog_filename = keylog
if pha == "pha":
    ctx.post_handshake_auth = True
data = b""
try:
    with socket.create_connection((host, int(port)), timeout=10) as raw:
        with ctx.wrap_socket(raw, server_hostname="localhost") as tls:
            tls.sendall(("GET %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n" % path).encode())
            while True:
                chunk = tls.recv(65536)
                if not chunk:
                    break
                data += chunk
except (OSError, ssl.SSLError) as error:
    if not data:
        print("error: %s" % error)
        sys.exit(1)
if not data:
    print("error: connection closed without a response")
    sys.exit(1)
print(data.split(b"\r\n", 1)[0].decode(errors="replace"))
EOF
}

request_path() { [ "$1" = secure ] || [ "$1" = pha ] && echo /secure/ || echo /; }

run_curl() {
    local name=$1 port=$2 version=$3 identity=$4 option=$5 files
    read -r -a files <<<"$(identity_files "$identity")"
    local args=(--http1.1 "--tlsv1.${version#tls1}" --tls-max "1.${version#tls1}")
    [ "$option" = h2 ] && args=(--http2 "--tlsv1.${version#tls1}" --tls-max "1.${version#tls1}")
    # curl's OpenSSL allows TLS 1.0 and 1.1 only at security level 0.
    [ "$version" = tls11 ] && args+=(--ciphers "DEFAULT:@SECLEVEL=0")
    [ ${#files[@]} -eq 2 ] && args+=(--cert "${files[0]}" --key "${files[1]}")
    local code=0 resolve=$listen_address
    case $resolve in *:*) resolve="[$resolve]" ;; esac
    SSLKEYLOGFILE=$work/$name.keys timeout 15 curl -sS "${args[@]}" --cacert "$pki/root.pem" \
        --resolve "localhost:$port:$resolve" -o "$work/$name.body" -w 'HTTP status %{http_code}\n' \
        "https://localhost:$port$(request_path "$option")" >>"$work/$name.client.log" 2>&1 || code=$?
    [ $code -eq 0 ] || echo "error: curl exit $code: $(grep -m1 '^curl:' "$work/$name.client.log" || true)" \
        >>"$work/$name.client.log"
}

run_python() {
    local name=$1 port=$2 version=$3 identity=$4 option=$5 files
    read -r -a files <<<"$(identity_files "$identity")"
    local python_version=TLSv1_${version#tls1}
    SSLKEYLOGFILE="" timeout 15 /usr/bin/python3 "$work/client.py" "$python_version" "$port" "$pki/root.pem" \
        "${files[0]:-}" "${files[1]:-}" "$work/$name.keys" "$option" "$(request_path "$option")" \
        "$listen_address" >>"$work/$name.client.log" 2>&1 || true
}

# gnutls-cli reads the request from a FIFO held open until it is done, so it
# neither closes the connection early on end of input nor waits for a timer.
run_gnutls() {
    local name=$1 port=$2 version=$3 identity=$4 option=$5 files
    read -r -a files <<<"$(identity_files "$identity")"
    local args=(--x509cafile "$pki/root.pem" --sni-hostname localhost --verify-hostname localhost
        --priority "NORMAL:-VERS-ALL:+VERS-TLS1.${version#tls1}" -p "$port")
    [ ${#files[@]} -eq 2 ] && args+=(--x509certfile "${files[0]}" --x509keyfile "${files[1]}")
    local fifo=$work/$name.stdin
    mkfifo "$fifo"
    SSLKEYLOGFILE=$work/$name.keys timeout 15 gnutls-cli "${args[@]}" "$listen_address" <"$fifo" \
        >"$work/$name.gnutls.log" 2>&1 &
    local gnutls_pid=$!
    exec 3>"$fifo"
    printf 'GET %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n' "$(request_path "$option")" >&3
    local code=0
    wait "$gnutls_pid" || code=$?
    exec 3>&-
    cat "$work/$name.gnutls.log" >>"$work/$name.client.log"
    if grep -q '^HTTP/' "$work/$name.gnutls.log"; then
        grep -m1 '^HTTP/' "$work/$name.gnutls.log" | tr -d '\r' >>"$work/$name.client.log"
    else
        echo "error: gnutls-cli exit $code: $(grep -m1 -E '\*\*\* (Fatal|Received alert|Handshake)|Error' \
            "$work/$name.gnutls.log" || true)" >>"$work/$name.client.log"
    fi
}

# ---- What happened: read with plain tshark ----------------------------------------------

alert_name() {
    case $1 in
        0) echo close_notify ;; 10) echo unexpected_message ;; 20) echo bad_record_mac ;;
        40) echo handshake_failure ;; 42) echo bad_certificate ;; 43) echo unsupported_certificate ;;
        44) echo certificate_revoked ;; 45) echo certificate_expired ;; 46) echo certificate_unknown ;;
        47) echo illegal_parameter ;; 48) echo unknown_ca ;; 49) echo access_denied ;;
        50) echo decode_error ;; 51) echo decrypt_error ;; 70) echo protocol_version ;;
        71) echo insufficient_security ;; 80) echo internal_error ;; 90) echo user_canceled ;;
        100) echo no_renegotiation ;; 109) echo missing_extension ;; 116) echo certificate_required ;;
        *) echo "alert $1" ;;
    esac
}

# summarise PCAPNG PORT [KEYS]: the TLS flow one line, e.g.
# "C: ClientHello → S: ServerHello, Certificate, ... → C: Alert fatal unknown_ca",
# then "HTTP 400 (title)" when the application data could be read, then the
# body, the number of packets, the number of ClientHellos and, with
# summary_tcp_closes=yes, how the server ended: its first fatal alert, FIN or
# RST and the last message before it, e.g. "FIN after C: Finished" (or "none
# (the client closed first)").
summarise() {
    local pcap=$1 port=$2 keys=${3:-}
    local tls_options=("${summary_tshark_options[@]}")
    [ -n "$keys" ] && tls_options+=(-o "tls.keylog_file:$keys")
    [ -n "$answer_hook" ] || tls_options+=(-o "http.tls.port:$port")
    local closes=0
    [ "$summary_tcp_closes" = yes ] && closes=1
    # The body comes last: it is the one field that may hold the separator.
    tshark -r "$pcap" "${tls_options[@]}" -T fields -E separator=';' -E occurrence=a \
        -E aggregator=, -e tcp.srcport -e tls.handshake.type -e tls.handshake.certificates_length \
        -e tls.alert_message.level -e tls.alert_message.desc -e _ws.col.Info -e http.response.code \
        -e http2.headers.status -e tcp.flags.fin -e tcp.flags.reset -e http.file_data -e http2.data.data \
        2>/dev/null |
        awk -F';' -v port="$port" -v keys="$keys" -v closes="$closes" '
        BEGIN {
            split("HelloRequest ClientHello ServerHello HelloVerifyRequest NewSessionTicket EndOfEarlyData", a, " ")
            for (i = 1; i <= 6; i++) hs[i - 1] = a[i]
            hs[8] = "EncryptedExtensions"; hs[11] = "Certificate"; hs[12] = "ServerKeyExchange"
            hs[13] = "CertificateRequest"; hs[14] = "ServerHelloDone"; hs[15] = "CertificateVerify"
            hs[16] = "ClientKeyExchange"; hs[20] = "Finished"; hs[24] = "KeyUpdate"
            hs[25] = "CompressedCertificate"
        }
        function add(side, text) {
            if (side != last) { flow = flow (flow == "" ? "" : " → ") side ": " text; last = side }
            else if (!(text == lasttext && text ~ /^\(/)) flow = flow ", " text
            lasttext = text; lastside = side
        }
        # The server ends the exchange: the first of its fatal alert, FIN or RST.
        function ending(side, text) {
            if (side == "S" && end == "") end = text (lasttext == "" ? "" : " after " lastside ": " lasttext)
            if (side == "C" && text ~ /^(FIN|RST)$/ && end == "") end = "none (the client closed first)"
        }
        # What tshark cannot read without keys, from its Info column.
        function encrypted(side, info, what, label,    rest, i) {
            rest = info
            while ((i = index(rest, what)) > 0) { add(side, label); rest = substr(rest, i + length(what)) }
        }
        {
            side = ($1 == port) ? "S" : "C"
            n = split($2, types, ","); split($3, lengths, ","); c = 0
            for (i = 1; i <= n; i++) {
                if (types[i] == "") continue
                t = types[i] + 0; text = (t in hs) ? hs[t] : "Handshake" t
                if (t == 11) { c++; text = text (lengths[c] == 0 ? "(empty)" : "") }
                if (t == 1) hellos++
                if (t == 1 && hellos > 1) text = retry ? "ClientHello(retry)" : "ClientHello(again)"
                # TLS 1.3: a HelloRetryRequest asks for the ClientHello again, in the same handshake.
                retry = t == 2 && index($6, "Hello Retry Request") > 0
                if (retry) text = "HelloRetryRequest"
                add(side, text)
            }
            m = split($4, levels, ","); split($5, descs, ",")
            for (i = 1; i <= m; i++) {
                if (levels[i] == "") continue
                if (levels[i] == 2) ending(side, "Alert fatal #" descs[i])
                add(side, "Alert " (levels[i] == 2 ? "fatal" : "warning") " #" descs[i])
            }
            encrypted(side, $6, "Encrypted Handshake Message", "(encrypted handshake)")
            if (index($6, "Encrypted Alert") > 0) ending(side, "(encrypted alert)")
            encrypted(side, $6, "Encrypted Alert", "(encrypted alert)")
            if (keys == "") encrypted(side, $6, "Application Data", "(application data)")
            if (status == "" && $7 != "") status = $7
            if (status == "" && $8 != "") status = $8
            if (closes && $9 == 1 && !fin[side]) { fin[side] = 1; ending(side, "FIN"); add(side, "FIN") }
            if (closes && $10 == 1 && !rst[side]) { rst[side] = 1; ending(side, "RST"); add(side, "RST") }
            # HTTP/1.1 bodies come as text, HTTP/2 ones as hex.
            if (body == "") {
                rest = $11
                for (i = 12; i <= NF; i++) rest = rest ";" $i
                sub(/^;+/, "", rest)
                body = rest
            }
        }
        END {
            print flow
            print status
            print body
            print NR
            print hellos + 0
            print end
        }'
}

# Turns "#NN" alert numbers in a flow into their names.
name_alerts() {
    local text=$1 number
    while [[ $text =~ \#([0-9]+) ]]; do
        number=${BASH_REMATCH[1]}
        text=${text/\#$number/$(alert_name "$number")}
    done
    echo "$text"
}

# The <title> of an HTML error page, from tshark's text or hex rendering of the body.
page_title() {
    local body=$1
    if [[ $body =~ ^[0-9a-f:]+$ ]]; then
        body=$(echo "$body" | tr -d ':' | xxd -r -p 2>/dev/null | tr -d '\0' || true)
    fi
    if [[ $body =~ \<title\>([^<]*)\</title\> ]]; then echo "${BASH_REMATCH[1]}"; fi
}

# ---- One scenario ---------------------------------------------------------------------

selected() { [ -z "${MTLS_ONLY:-}" ] || [[ $1 =~ $MTLS_ONLY ]]; }

wait_for_listener() { # NAME PORT
    local flag=-lnt
    [ "$capture_transport" = udp ] && flag=-lnu
    for _ in $(seq 100); do
        ss "$flag" | grep -qF "$(address_port "$2") " && return 0
        kill -0 "$server_pid" 2>/dev/null || break
        sleep 0.1
    done
    echo "the server of $1 did not start listening on port $2:" >&2
    cat "$work/$1.server.log" >&2
    exit 1
}

stop_server() {
    [ -n "$server_pid" ] || return 0
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
}

# capture NAME SERVER SERVER_VARIANT CLIENT VERSION IDENTITY [OPTION] "SERVER TEXT" "CLIENT TEXT"
# OPTION: h2 (HTTP/2), secure (GET /secure/), pha (GET /secure/ offering
# TLS 1.3 post-handshake authentication), or - for none.
capture() {
    local name=$1 server=$2 variant=$3 client=$4 version=$5 identity=$6 option=$7 server_text=$8 client_text=$9
    local port=$((base_port + scenario_index)) filter
    if [ -n "$endpoint_hook" ]; then
        read -r listen_address port <<<"$("$endpoint_hook" "$server" "$variant" "$scenario_index")"
        filter="host $listen_address and $capture_transport port $port"
    else
        filter="$capture_transport port $port"
    fi
    scenario_index=$((scenario_index + 1))
    selected "$name" || return 0
    local raw=$work/$name.raw.pcapng
    rm -f "$raw" "$work/$name".{keys,server.keys,client.log,server.log,body,stdin,gnutls.log}
    : >"$work/$name.keys"

    timeout 60 dumpcap -q -i lo -f "$filter" -w "$raw" 2>"$work/dumpcap.log" &
    capture_pid=$!
    for _ in $(seq 100); do grep -q "Capturing on" "$work/dumpcap.log" && break; sleep 0.1; done

    "start_$server" "$name" "$port" "$variant"
    wait_for_listener "$name" "$port"
    "run_$client" "$name" "$port" "$version" "$identity" "$option"
    stop_server
    sleep 0.3
    kill -INT "$capture_pid" 2>/dev/null || true
    wait "$capture_pid" 2>/dev/null || true
    capture_pid=""

    # The key log: the client's, else the server's (Apache logs them for Java).
    local keys=""
    if [ -s "$work/$name.keys" ]; then
        keys=client
    elif [ -s "$work/$name.server.keys" ]; then
        cp "$work/$name.server.keys" "$work/$name.keys"
        keys=server
    fi
    local summary
    mapfile -t summary < <(summarise "$raw" "$port" "${keys:+$work/$name.keys}")
    # On a loaded machine a peer or dumpcap can start too late and the
    # exchange is lost: such a capture holds no ClientHello. Run the scenario
    # again, on a fresh port, once.
    if [ "${summary[4]:-0}" = 0 ]; then
        local attempt=${MTLS_CAPTURE_ATTEMPT:-1}
        if [ "$attempt" -lt 2 ]; then
            echo "no ClientHello captured for $name (attempt $attempt); trying again"
            MTLS_CAPTURE_ATTEMPT=$((attempt + 1)) capture "$@"
            return
        fi
        echo "no ClientHello captured for $name: giving up" >&2
        exit 1
    fi

    cp "$raw" "$out/$name.pcapng"
    chmod 0644 "$out/$name.pcapng"
    rm -f "$out/$name.keys"
    if [ -n "$keys" ]; then
        cp "$work/$name.keys" "$out/$name.keys"
        chmod 0644 "$out/$name.keys"
    fi

    local flow answer="" title seen client_said
    flow=$(name_alerts "${summary[0]}")
    if [ -n "$answer_hook" ]; then
        answer=$("$answer_hook" "$raw" "$port" "${keys:+$work/$name.keys}" "$name")
    elif [ -n "${summary[1]}" ]; then
        answer="HTTP ${summary[1]}"
        title=$(page_title "${summary[2]}")
        [ -n "$title" ] && answer="$answer ($title)"
    fi
    seen="$flow${answer:+ ⇒ $answer}"
    client_said=$(grep -E "$client_outcome_pattern" "$work/$name.client.log" | tail -n1 | cut -c1-160 || true)
    local keys_text=no
    [ "$keys" = client ] && keys_text="yes (client)"
    [ "$keys" = server ] && keys_text="yes (server)"
    local tls_text="TLS 1.${version#tls1}"
    [[ $version == dtls* ]] && tls_text="DTLS 1.${version#dtls1}"
    local row="| \`$name\` | $server_text | $client_text | $tls_text | $keys_text"
    local ending=""
    if [ "$summary_tcp_closes" = yes ]; then
        ending=$(name_alerts "${summary[5]:-}")
        row="$row | ${ending:-none}"
    fi
    row="$row | $seen | ${client_said//|/\\|}"
    local server_said=""
    if [ -n "$server_outcome_pattern" ]; then
        server_said=$(grep -E "$server_outcome_pattern" "$work/$name.server.log" | tail -n1 | cut -c1-200 || true)
        row="$row | ${server_said//|/\\|}"
    fi
    readme_rows+=("$row |")
    echo "made $name.pcapng (${summary[3]} packets)"
    # Working on a few cases, the README is not rewritten: say here what happened.
    if [ -n "${MTLS_ONLY:-}" ]; then
        echo "    seen: $seen"
        [ "$summary_tcp_closes" = yes ] && echo "    server's ending: ${ending:-none}"
        echo "    client: $client_said"
        [ -z "$server_outcome_pattern" ] || echo "    server log: $server_said"
    fi
}

# ---- After the captures --------------------------------------------------------------------

captures_done() {
    elapsed=$((SECONDS - started))
    if [ -n "${MTLS_ONLY:-}" ]; then
        echo "captures written to $out in ${elapsed}s (pki/ and README.md left as they were)"
        exit 0
    fi
    # The CA certificates (no keys), for tests to use as trust stores.
    mkdir -p "$out/pki"
    cp "$pki/root.pem" "$out/pki/root.pem"
    cp "$pki/issuing.pem" "$out/pki/issuing.pem"
    cp "$pki/foreign_root.pem" "$out/pki/foreign-root.pem"
    chmod 0644 "$out/pki/"*.pem
}

debian_package_versions() { # PACKAGE...
    dpkg-query -W -f '${Package} ${Version}\n' "$@" 2>/dev/null | awk 'NF == 2' | paste -sd, | sed 's/,/, /g'
}

# The README's tail: where the expectations are, the versions (the
# generator's own `versions` function) and what each capture holds.
readme_expectations_versions_and_captures() { # EXPECTATIONS_FILE
    printf 'What the analyzer must say about each capture is in `%s`.\n\n## Versions used\n\n' "$1"
    versions
    echo
    readme_capture_section
}

# The README's table of what each capture holds, with how to read it.
readme_capture_section() {
    local answer_sentence="After \"⇒\" comes the first HTTP response status read from the
decrypted data (with the title of the server's error page)."
    [ -n "$answer_hook" ] && answer_sentence="After \"⇒\" comes the application's answer read from
the decrypted data."
    cat <<EOF
## What each capture holds

Read with plain tshark (no plugin), decrypted with the key log when there is
one. "Seen" is the TLS flow, side by side (C: client, S: server), ChangeCipherSpec
left out: "Certificate(empty)" is a Certificate message with no certificate,
"(encrypted handshake)", "(encrypted alert)" and "(application data)" are
records tshark cannot read without keys, "ClientHello(again)" starts a
renegotiation. $answer_sentence "Client reported"
is the last line the client printed.
EOF
    if printf '%s\n' "${readme_rows[@]}" | grep -q HelloRetryRequest; then
        echo '"HelloRetryRequest" (TLS 1.3) asks for another key share: "ClientHello(retry)" follows'
        echo 'in the same handshake.'
    fi
    local columns="| Capture | Server and configuration | Client | TLS | Keys |" rule="| --- | --- | --- | --- | --- |"
    if [ "$summary_tcp_closes" = yes ]; then
        columns="$columns Server's ending |"
        rule="$rule --- |"
    fi
    columns="$columns Seen | Client reported |"
    rule="$rule --- | --- |"
    if [ -n "$server_outcome_pattern" ]; then
        columns="$columns Server logged |"
        rule="$rule --- |"
    fi
    if [ "$summary_tcp_closes" = yes ]; then
        cat <<'EOF'
"FIN" and "RST" are each side's first TCP FIN and reset. "Server's ending"
is how the server ended the exchange: the first of its fatal (or encrypted)
alert, FIN and RST, with the last message seen before it ("FIN after C:
Finished": the server closed the connection, without an alert, right after
the client's Finished), or "none (the client closed first)".
EOF
    fi
    [ -z "$server_outcome_pattern" ] || echo '"Server logged" is the last line of the server'"'"'s own log about it.'
    printf '\n%s\n%s\n' "$columns" "$rule"
    printf '%s\n' "${readme_rows[@]}"
}
