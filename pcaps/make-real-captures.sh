#!/usr/bin/env bash
# Makes captures of real third-party TLS servers and clients, as Debian ships
# them, doing client-certificate authentication on 127.0.0.1: nginx, HAProxy,
# Apache httpd and stunnel against curl, Python's ssl module, Java's JSSE and
# gnutls-cli. The other generator (make-captures.sh) drives OpenSSL's test
# tools; these are the programs users really run, with their own habits (nginx
# finishes the handshake and answers 400, Java leaves out a certificate whose
# issuer is not in the CertificateRequest, Apache renegotiates per location).
#
# Every scenario writes NAME.pcapng (no secrets injected) and, when a peer
# would log them, NAME.keys (NSS key log) beside it, then a summary of what
# happened, read with plain tshark, goes into README.md.
#
# usage: pcaps/make-real-captures.sh [OUTPUT_DIR]     (default: pcaps/real)
# MTLS_ONLY=REGEX makes only the matching scenarios, for work on a case: they
# are signed by a PKI of their own, so pki/ and README.md are left alone and
# only a full run's output should be committed.
# MTLS_REAL_CAPTURE_BASE_PORT (default 26400): first of the loopback ports used.
# Needs: certtool and gnutls-cli (gnutls-bin), openssl, dumpcap and tshark,
# nginx, haproxy, apache2, stunnel4, curl, /usr/bin/python3, Java 17 (javac),
# ss (iproute2), and the right to capture on lo (root).
#
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/real}
mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d)
pki=$work/pki
mkdir -p "$pki"
# Apache drops its privileges to www-data before it serves a file, so its
# document root must be reachable; the private keys stay in the 0700 pki/.
chmod 0711 "$work"
chmod 0700 "$pki"
base_port=${MTLS_REAL_CAPTURE_BASE_PORT:-26400}
scenario_index=0
server_pid=""
capture_pid=""
readme_rows=()
started=$SECONDS

# Every server and dumpcap run under `timeout`, so even a killed script leaves
# nothing running for long; on a normal exit they are stopped here by PID.
cleanup() {
    local pid
    for pid in $server_pid $capture_pid $(jobs -p); do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

# ---- PKI ------------------------------------------------------------------------

new_key() { # NAME: an EC P-256 key
    certtool --generate-privkey --key-type ecdsa --curve secp256r1 --no-text --outfile "$pki/$1.key" 2>/dev/null
}

pki_organization="mtls-analyzer real-software test PKI"
# shellcheck source=pki-helpers.sh
source "$here/pki-helpers.sh"

make_pki() {
    local from="2025-01-01 00:00:00" until="2125-01-01 00:00:00"
    local ca=(ca cert_signing_key crl_signing_key) client_lines=(signing_key tls_www_client)
    local name
    for name in root issuing foreign_root server client client_expired client_self_signed client_server_eku \
        foreign_client; do
        new_key "$name"
    done
    template root "Real Test Root CA" "$from" "$until" "${ca[@]}"
    self_signed root
    template issuing "Real Test Issuing CA" "$from" "$until" "${ca[@]}"
    issue issuing root
    template foreign_root "Foreign Root CA" "$from" "$until" "${ca[@]}"
    self_signed foreign_root
    template server localhost "$from" "$until" signing_key tls_www_server 'dns_name = "localhost"' \
        'ip_address = "127.0.0.1"'
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

    # What the peers load: a leaf with the chain it sends, and trust stores.
    cat "$pki/server.pem" "$pki/issuing.pem" >"$pki/server-chain.pem"
    cat "$pki/server-chain.pem" "$pki/server.key" >"$pki/server-haproxy.pem"
    cat "$pki/root.pem" "$pki/issuing.pem" >"$pki/root-issuing.pem"
    for name in client client_expired client_server_eku; do
        cat "$pki/$name.pem" "$pki/issuing.pem" >"$pki/$name-chain.pem"
    done
    for name in client_self_signed foreign_client; do cp "$pki/$name.pem" "$pki/$name-chain.pem"; done
    # Java's keystores: the good client with and without its intermediate.
    openssl pkcs12 -export -in "$pki/client.pem" -inkey "$pki/client.key" -name client \
        -passout pass:changeit -out "$pki/client-leaf.p12"
    openssl pkcs12 -export -in "$pki/client.pem" -inkey "$pki/client.key" -certfile "$pki/issuing.pem" \
        -name client -passout pass:changeit -out "$pki/client-chain.p12"
}

# ---- The clients' programs -------------------------------------------------------

# Python: one HTTP/1.1 GET with the standard library's ssl module; prints the
# status line or the error, the way an application would log it.
write_python_client() {
    cat >"$work/client.py" <<'EOF'
import socket, ssl, sys

version, port, cafile, cert, key, keylog, pha, path = sys.argv[1:9]
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
    with socket.create_connection(("127.0.0.1", int(port)), timeout=10) as raw:
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
print(data.split(b"\r\n", 1)[0].decode(errors="replace"))
EOF
}

# Java: JSSE with a PKCS#12 keystore and the default key manager (SunX509),
# which offers a certificate only when an issuer in its chain is named in the
# CertificateRequest.
write_java_client() {
    mkdir -p "$work/java"
    cat >"$work/java/Client.java" <<'EOF'
import java.io.*;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import javax.net.ssl.*;

public class Client {
    public static void main(String[] args) throws Exception {
        String version = args[0], trustPem = args[2], keystore = args[3], path = args[4];
        int port = Integer.parseInt(args[1]);
        char[] password = "changeit".toCharArray();
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = new FileInputStream(trustPem)) {
            int i = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in))
                trust.setCertificateEntry("ca" + i++, c);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = new FileInputStream(keystore)) { keys.load(in, password); }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, password);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        try {
            Socket raw = new Socket("127.0.0.1", port);
            raw.setSoTimeout(10000);
            SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(raw, "localhost", port, true);
            tls.setEnabledProtocols(new String[] {version});
            SSLParameters parameters = tls.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            tls.setSSLParameters(parameters);
            OutputStream request = tls.getOutputStream();
            request.write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
            request.flush();
            BufferedReader response = new BufferedReader(new InputStreamReader(tls.getInputStream(),
                StandardCharsets.ISO_8859_1));
            String status = response.readLine();
            while (response.readLine() != null) { }
            tls.close();
            System.out.println(status == null ? "error: connection closed without a response" : status);
        } catch (IOException e) {
            System.out.println("error: " + e);
            System.exit(1);
        }
    }
}
EOF
    timeout 120 javac -d "$work/java" "$work/java/Client.java"
}

# ---- The servers -------------------------------------------------------------------
# start_KIND NAME PORT VARIANT writes the server's own configuration into the
# work folder and starts it in the foreground, in the background of this
# script; server_pid is the PID to stop it by.

start_nginx() {
    local name=$1 port=$2 variant=$3 dir=$work/nginx-$1
    mkdir -p "$dir"
    local certificate=$pki/server-chain.pem verify="ssl_verify_client on;" http2=""
    local cas="ssl_client_certificate $pki/root-issuing.pem;"
    case $variant in
        on) ;;
        on-h2) http2=" http2" ;;
        # The server knows the intermediate but names only the root in its CertificateRequest.
        root-trusted-issuing) cas="ssl_client_certificate $pki/root.pem; ssl_trusted_certificate $pki/issuing.pem;" ;;
        optional-no-ca) verify="ssl_verify_client optional_no_ca;" ;;
        optional) verify="ssl_verify_client optional;" ;;
        server-leaf-only) certificate=$pki/server.pem ;;
        # An application that maps certificates to users and knows none for this one.
        unmapped) ;;
        *) echo "unknown nginx variant $variant" >&2; exit 1 ;;
    esac
    local answer='return 200 "ok\n";'
    [ "$variant" = unmapped ] && answer='if ($mapped_user = "") { return 403 "no user for this certificate\n"; } return 200 "ok\n";'
    cat >"$dir/nginx.conf" <<EOF
worker_processes 1;
pid $dir/nginx.pid;
error_log $work/$name.server.log info;
events { worker_connections 64; }
http {
    access_log $dir/access.log;
    client_body_temp_path $dir/body;
    proxy_temp_path $dir/proxy;
    fastcgi_temp_path $dir/fastcgi;
    uwsgi_temp_path $dir/uwsgi;
    scgi_temp_path $dir/scgi;
    map \$ssl_client_s_dn \$mapped_user {
        default "";
        "~CN=someone-else" someone-else;
    }
    server {
        listen 127.0.0.1:$port ssl$http2;
        server_name localhost;
        ssl_certificate $certificate;
        ssl_certificate_key $pki/server.key;
        ssl_protocols TLSv1.2 TLSv1.3;
        $verify
        $cas
        location / {
            default_type text/plain;
            $answer
        }
    }
}
EOF
    timeout 60 nginx -p "$dir" -e "$dir/startup.log" -c "$dir/nginx.conf" -g "daemon off;" \
        >>"$work/$name.server.log" 2>&1 &
    server_pid=$!
}

start_haproxy() {
    local name=$1 port=$2 variant=$3 dir=$work/haproxy-$1
    mkdir -p "$dir"
    local verify="ca-file $pki/root-issuing.pem verify required"
    case $variant in
        required) ;;
        optional) verify="ca-file $pki/root-issuing.pem verify optional" ;;
        # CA names: root only; the intermediate is there for verification only.
        ca-verify-file) verify="ca-file $pki/root.pem ca-verify-file $pki/issuing.pem verify required" ;;
        # A CertificateRequest naming no CA, and only the root to verify with.
        no-ca-names-root) verify="ca-file $pki/root.pem verify required no-ca-names" ;;
        *) echo "unknown haproxy variant $variant" >&2; exit 1 ;;
    esac
    cat >"$dir/haproxy.cfg" <<EOF
global
    pidfile $dir/haproxy.pid
    maxconn 64
    nbthread 1
defaults
    mode http
    timeout connect 5s
    timeout client 10s
    timeout server 10s
frontend https
    bind 127.0.0.1:$port ssl crt $pki/server-haproxy.pem $verify ssl-min-ver TLSv1.2
    http-request return status 200 content-type text/plain string ok
EOF
    timeout 60 haproxy -db -f "$dir/haproxy.cfg" >>"$work/$name.server.log" 2>&1 &
    server_pid=$!
}

# Apache httpd as one foreground process (-X) with a minimal configuration of
# its own. SSLKEYLOGFILE makes mod_ssl log the session keys: the only key log
# a Java client's capture can have.
start_apache() {
    local name=$1 port=$2 variant=$3 dir=$work/apache-$1
    mkdir -p "$dir/htdocs/secure"
    chmod -R a+rX "$dir"
    echo "ok" >"$dir/htdocs/index.html"
    echo "secure ok" >"$dir/htdocs/secure/index.html"
    chmod a+r "$dir/htdocs/index.html" "$dir/htdocs/secure/index.html"
    local verify="SSLVerifyClient require" location=""
    case $variant in
        require) ;;
        # Names only the root in its CertificateRequest, as the nginx one above does.
        require-names-root) verify="SSLVerifyClient require
    SSLCADNRequestFile $pki/root.pem" ;;
        per-location)
            verify="SSLVerifyClient none"
            location="<Location /secure>
    SSLVerifyClient require
</Location>"
            ;;
        *) echo "unknown apache variant $variant" >&2; exit 1 ;;
    esac
    local modules=/usr/lib/apache2/modules
    cat >"$dir/httpd.conf" <<EOF
ServerRoot $dir
ServerName localhost
DefaultRuntimeDir $dir
PidFile $dir/httpd.pid
ErrorLog $work/$name.server.log
LogLevel info
User www-data
Group www-data
LoadModule mpm_event_module $modules/mod_mpm_event.so
LoadModule authz_core_module $modules/mod_authz_core.so
LoadModule mime_module $modules/mod_mime.so
LoadModule dir_module $modules/mod_dir.so
LoadModule socache_shmcb_module $modules/mod_socache_shmcb.so
LoadModule ssl_module $modules/mod_ssl.so
TypesConfig /dev/null
AddType text/plain .html
DirectoryIndex index.html
Listen 127.0.0.1:$port https
SSLSessionCache shmcb:$dir/ssl_scache(512000)
<VirtualHost 127.0.0.1:$port>
    ServerName localhost
    DocumentRoot $dir/htdocs
    <Directory $dir/htdocs>
        Require all granted
    </Directory>
    SSLEngine on
    SSLProtocol -all +TLSv1.2 +TLSv1.3
    SSLCertificateFile $pki/server-chain.pem
    SSLCertificateKeyFile $pki/server.key
    SSLCACertificateFile $pki/root-issuing.pem
    SSLVerifyDepth 3
    $verify
    $location
</VirtualHost>
EOF
    SSLKEYLOGFILE=$work/$name.server.keys timeout 60 apache2 -X -f "$dir/httpd.conf" -DFOREGROUND \
        >>"$work/$name.server.log" 2>&1 &
    server_pid=$!
}

# stunnel terminating TLS in front of a tiny HTTP responder run per
# connection (exec): it reads the request head and answers 200 "ok".
start_stunnel() {
    local name=$1 port=$2 variant=$3 dir=$work/stunnel-$1
    mkdir -p "$dir"
    [ "$variant" = verify-chain ] || { echo "unknown stunnel variant $variant" >&2; exit 1; }
    cat >"$dir/responder.sh" <<'EOF'
while IFS= read -r line && [ "${line%$'\r'}" != "" ]; do :; done
printf 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n'
EOF
    cat >"$dir/stunnel.conf" <<EOF
foreground = yes
pid = $dir/stunnel.pid
debug = info
[https]
accept = 127.0.0.1:$port
cert = $pki/server-chain.pem
key = $pki/server.key
CAfile = $pki/root-issuing.pem
verifyChain = yes
sslVersionMin = TLSv1.2
exec = /bin/bash
execArgs = bash $dir/responder.sh
EOF
    timeout 60 stunnel "$dir/stunnel.conf" >>"$work/$name.server.log" 2>&1 &
    server_pid=$!
}

stop_server() {
    [ -n "$server_pid" ] || return 0
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
}

# ---- The clients ---------------------------------------------------------------------
# run_KIND NAME PORT VERSION IDENTITY OPTION: one GET, the outcome as the
# client saw it on its last output line, in $work/NAME.client.log.

identity_files() { # IDENTITY: the certificate (with its chain) and key files, or nothing
    case $1 in
        none) ;;
        good) echo "$pki/client-chain.pem $pki/client.key" ;;
        leaf-only) echo "$pki/client.pem $pki/client.key" ;;
        expired) echo "$pki/client_expired-chain.pem $pki/client_expired.key" ;;
        self-signed) echo "$pki/client_self_signed-chain.pem $pki/client_self_signed.key" ;;
        foreign-ca) echo "$pki/foreign_client-chain.pem $pki/foreign_client.key" ;;
        no-client-eku) echo "$pki/client_server_eku-chain.pem $pki/client_server_eku.key" ;;
        *) echo "unknown identity $1" >&2; exit 1 ;;
    esac
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
    local code=0
    SSLKEYLOGFILE=$work/$name.keys timeout 15 curl -sS "${args[@]}" --cacert "$pki/root.pem" \
        --resolve "localhost:$port:127.0.0.1" -o "$work/$name.body" -w 'HTTP status %{http_code}\n' \
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
        >>"$work/$name.client.log" 2>&1 || true
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
    SSLKEYLOGFILE=$work/$name.keys timeout 15 gnutls-cli "${args[@]}" 127.0.0.1 <"$fifo" \
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

run_java() {
    local name=$1 port=$2 version=$3 identity=$4 option=$5 keystore
    case $identity in
        good) keystore=$pki/client-chain.p12 ;;
        leaf-only) keystore=$pki/client-leaf.p12 ;;
        *) echo "no Java keystore for $identity" >&2; exit 1 ;;
    esac
    timeout 30 java -XX:TieredStopAtLevel=1 -cp "$work/java" Client "TLSv1.${version#tls1}" "$port" \
        "$pki/root.pem" "$keystore" "$(request_path "$option")" >>"$work/$name.client.log" 2>&1 || true
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
# then "HTTP 400 (title)" when the application data could be read.
summarise() {
    local pcap=$1 port=$2 keys=${3:-}
    local tls_options=()
    [ -n "$keys" ] && tls_options=(-o "tls.keylog_file:$keys")
    # The body comes last: it is the one field that may hold the separator.
    tshark -r "$pcap" "${tls_options[@]}" -o "http.tls.port:$port" -T fields -E separator=';' -E occurrence=a \
        -E aggregator=, -e tcp.srcport -e tls.handshake.type -e tls.handshake.certificates_length \
        -e tls.alert_message.level -e tls.alert_message.desc -e _ws.col.Info -e http.response.code \
        -e http2.headers.status -e http.file_data -e http2.data.data 2>/dev/null |
        awk -F';' -v port="$port" -v keys="$keys" '
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
            lasttext = text
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
                if (t == 1 && hellos > 1) text = "ClientHello(again)"
                add(side, text)
            }
            m = split($4, levels, ","); split($5, descs, ",")
            for (i = 1; i <= m; i++)
                if (levels[i] != "") add(side, "Alert " (levels[i] == 2 ? "fatal" : "warning") " #" descs[i])
            encrypted(side, $6, "Encrypted Handshake Message", "(encrypted handshake)")
            encrypted(side, $6, "Encrypted Alert", "(encrypted alert)")
            if (keys == "") encrypted(side, $6, "Application Data", "(application data)")
            if (status == "" && $7 != "") status = $7
            if (status == "" && $8 != "") status = $8
            # HTTP/1.1 bodies come as text, HTTP/2 ones as hex.
            if (body == "") {
                rest = $9
                for (i = 10; i <= NF; i++) rest = rest ";" $i
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
    for _ in $(seq 100); do
        ss -lnt | grep -q "127.0.0.1:$2 " && return 0
        kill -0 "$server_pid" 2>/dev/null || break
        sleep 0.1
    done
    echo "the server of $1 did not start listening on port $2:" >&2
    cat "$work/$1.server.log" >&2
    exit 1
}

# capture NAME SERVER SERVER_VARIANT CLIENT VERSION IDENTITY [OPTION] "SERVER TEXT" "CLIENT TEXT"
# OPTION: h2 (HTTP/2), secure (GET /secure/), pha (GET /secure/ offering
# TLS 1.3 post-handshake authentication), or - for none.
capture() {
    local name=$1 server=$2 variant=$3 client=$4 version=$5 identity=$6 option=$7 server_text=$8 client_text=$9
    local port=$((base_port + scenario_index))
    scenario_index=$((scenario_index + 1))
    selected "$name" || return 0
    local raw=$work/$name.raw.pcapng
    rm -f "$raw" "$work/$name".{keys,server.keys,client.log,server.log,body,stdin,gnutls.log}
    : >"$work/$name.keys"

    timeout 60 dumpcap -q -i lo -f "tcp port $port" -w "$raw" 2>"$work/dumpcap.log" &
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

    local flow http="" title seen client_said
    flow=$(name_alerts "${summary[0]}")
    if [ -n "${summary[1]}" ]; then
        http="HTTP ${summary[1]}"
        title=$(page_title "${summary[2]}")
        [ -n "$title" ] && http="$http ($title)"
    fi
    seen="$flow${http:+ ⇒ $http}"
    client_said=$(grep -E '^(HTTP|error)' "$work/$name.client.log" | tail -n1 | cut -c1-160 || true)
    local keys_text=no
    [ "$keys" = client ] && keys_text="yes (client)"
    [ "$keys" = server ] && keys_text="yes (server)"
    local tls_text="TLS 1.${version#tls1}"
    local row="| \`$name\` | $server_text | $client_text | $tls_text | $keys_text | $seen"
    readme_rows+=("$row | ${client_said//|/\\|} |")
    echo "made $name.pcapng (${summary[3]} packets)"
    # Working on a few cases, the README is not rewritten: say here what happened.
    if [ -n "${MTLS_ONLY:-}" ]; then
        echo "    seen: $seen"
        echo "    client: $client_said"
    fi
}

# ---- Scenarios ------------------------------------------------------------------------------

make_pki
write_python_client
write_java_client

on="nginx \`ssl_verify_client on\`, CAs root+issuing"
capture nginx-tls12-curl-good nginx on curl tls12 good - "$on" "curl, leaf + issuing"
capture nginx-tls13-curl-good nginx on curl tls13 good - "$on" "curl, leaf + issuing"
capture nginx-tls12-curl-no-cert nginx on curl tls12 none - "$on" "curl, no certificate"
capture nginx-tls13-python-no-cert nginx on python tls13 none - "$on" "Python ssl, no certificate"
capture nginx-tls12-curl-expired nginx on curl tls12 expired - "$on" "curl, expired leaf + issuing"
capture nginx-tls13-python-self-signed nginx on python tls13 self-signed - "$on" "Python ssl, self-signed"
capture nginx-tls12-curl-foreign-ca nginx on curl tls12 foreign-ca - "$on" "curl, leaf from Foreign Root CA"
capture nginx-tls12-gnutls-no-client-eku nginx on gnutls tls12 no-client-eku - "$on" \
    "gnutls-cli, leaf with serverAuth EKU only + issuing"
capture nginx-tls13-curl-h2-expired nginx on-h2 curl tls13 expired h2 "$on, \`http2\`" \
    "curl \`--http2\`, expired leaf + issuing"
trusted="nginx \`ssl_verify_client on\`, \`ssl_client_certificate\` root, \`ssl_trusted_certificate\` issuing"
capture nginx-tls12-curl-leaf-only nginx root-trusted-issuing curl tls12 leaf-only - "$trusted" "curl, leaf only"
capture nginx-tls13-curl-leaf-only nginx root-trusted-issuing curl tls13 leaf-only - "$trusted" "curl, leaf only"
capture nginx-tls12-curl-optional-no-ca-self-signed nginx optional-no-ca curl tls12 self-signed - \
    "nginx \`ssl_verify_client optional_no_ca\`" "curl, self-signed"
capture nginx-tls13-curl-optional-no-cert nginx optional curl tls13 none - \
    "nginx \`ssl_verify_client optional\`" "curl, no certificate"
leaf_only="nginx \`ssl_verify_client on\`, serves its leaf without the intermediate"
capture nginx-tls12-curl-server-missing-intermediate nginx server-leaf-only curl tls12 good - "$leaf_only" \
    "curl, leaf + issuing, trusts root only"
capture nginx-tls13-python-server-missing-intermediate nginx server-leaf-only python tls13 good - "$leaf_only" \
    "Python ssl, leaf + issuing, trusts root only"
capture nginx-tls12-java-leaf-only nginx root-trusted-issuing java tls12 leaf-only - "$trusted" \
    "Java 17, PKCS#12 with leaf only"
capture nginx-tls13-java-leaf-only nginx root-trusted-issuing java tls13 leaf-only - "$trusted" \
    "Java 17, PKCS#12 with leaf only"
capture nginx-tls12-java-full-chain nginx root-trusted-issuing java tls12 good - "$trusted" \
    "Java 17, PKCS#12 with leaf + issuing"

required="HAProxy \`verify required\`, \`ca-file\` root+issuing, \`ssl-min-ver TLSv1.2\`"
capture haproxy-tls12-curl-good haproxy required curl tls12 good - "$required" "curl, leaf + issuing"
capture haproxy-tls12-gnutls-no-cert haproxy required gnutls tls12 none - "$required" "gnutls-cli, no certificate"
capture haproxy-tls13-python-expired haproxy required python tls13 expired - "$required" \
    "Python ssl, expired leaf + issuing"
capture haproxy-tls12-curl-foreign-ca haproxy required curl tls12 foreign-ca - "$required" \
    "curl, leaf from Foreign Root CA"
capture haproxy-tls11-curl-protocol-version haproxy required curl tls11 good - "$required" \
    "curl \`--tls-max 1.1\`, SECLEVEL=0, leaf + issuing"
capture haproxy-tls12-curl-optional-no-cert haproxy optional curl tls12 none - \
    "HAProxy \`verify optional\`, \`ca-file\` root+issuing" "curl, no certificate"
capture haproxy-tls12-curl-ca-verify-file-leaf-only haproxy ca-verify-file curl tls12 leaf-only - \
    "HAProxy \`verify required\`, \`ca-file\` root, \`ca-verify-file\` issuing" "curl, leaf only"

require="Apache \`SSLVerifyClient require\` (server level), CAs root+issuing"
capture apache-tls12-curl-expired apache require curl tls12 expired - "$require" "curl, expired leaf + issuing"
capture apache-tls13-python-self-signed apache require python tls13 self-signed - "$require" \
    "Python ssl, self-signed"
capture apache-tls12-java-good apache require java tls12 good - "$require" "Java 17, PKCS#12 with leaf + issuing"
capture apache-tls13-java-good apache require java tls13 good - "$require" "Java 17, PKCS#12 with leaf + issuing"
# The Java leaf-only cases again, with Apache logging the keys: the empty
# Certificate and the server's answer to it can be read.
names_root="Apache \`SSLVerifyClient require\`, \`SSLCADNRequestFile\` root, CAs root+issuing"
capture apache-tls12-java-leaf-only apache require-names-root java tls12 leaf-only - "$names_root" \
    "Java 17, PKCS#12 with leaf only"
capture apache-tls13-java-leaf-only apache require-names-root java tls13 leaf-only - "$names_root" \
    "Java 17, PKCS#12 with leaf only"
location="Apache \`SSLVerifyClient require\` in \`<Location /secure>\` only"
capture apache-tls12-curl-renegotiation apache per-location curl tls12 good secure "$location" \
    "curl GET /secure/, leaf + issuing"
capture apache-tls13-python-post-handshake-auth apache per-location python tls13 good pha "$location" \
    "Python ssl GET /secure/, \`post_handshake_auth\`, leaf + issuing"
# curl (7.88, OpenSSL) offers post_handshake_auth too; Python does not unless told to.
capture apache-tls13-curl-post-handshake-auth apache per-location curl tls13 good secure "$location" \
    "curl GET /secure/, leaf + issuing"
capture apache-tls13-python-no-post-handshake-auth apache per-location python tls13 good secure "$location" \
    "Python ssl GET /secure/, no \`post_handshake_auth\`, leaf + issuing"

verify_chain="stunnel \`verifyChain = yes\`, \`CAfile\` root+issuing"
capture stunnel-tls12-python-no-cert stunnel verify-chain python tls12 none - "$verify_chain" \
    "Python ssl, no certificate"
capture stunnel-tls13-gnutls-foreign-ca stunnel verify-chain gnutls tls13 foreign-ca - "$verify_chain" \
    "gnutls-cli, leaf from Foreign Root CA"
capture stunnel-tls12-curl-good stunnel verify-chain curl tls12 good - "$verify_chain" "curl, leaf + issuing"

# Added later, at the end so that the earlier scenarios keep their ports.
capture nginx-tls12-curl-unmapped-certificate nginx unmapped curl tls12 good - \
    "nginx \`ssl_verify_client on\`, a user map that knows no user for the certificate" "curl, leaf + issuing"
capture haproxy-tls12-curl-no-ca-names-leaf-only haproxy no-ca-names-root curl tls12 leaf-only - \
    "HAProxy \`verify required\`, \`ca-file\` root, \`no-ca-names\`" "curl, leaf only"

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

# ---- README.md: how these were made, with what, and what happened ------------------

versions() {
    echo "- $(nginx -v 2>&1 | head -n1)"
    echo "- $(haproxy -v | head -n1)"
    echo "- $(apache2 -v | head -n1)"
    echo "- $(stunnel -version 2>&1 | grep -m1 '^stunnel')"
    echo "- $(curl --version | head -n1)"
    echo "- $(/usr/bin/python3 --version) ($(/usr/bin/python3 -c 'import ssl; print(ssl.OPENSSL_VERSION)'))"
    echo "- $(java -version 2>&1 | head -n1)"
    echo "- $(gnutls-cli --version | head -n1)"
    echo "- $(tshark --version 2>/dev/null | head -n1)"
    echo "- Debian packages: $(dpkg-query -W -f '${Package} ${Version}\n' nginx haproxy apache2-bin stunnel4 curl \
        python3.11 openjdk-17-jdk-headless gnutls-bin 2>/dev/null | awk 'NF == 2' | paste -sd, | sed 's/,/, /g')"
}

{
    cat <<'EOF'
# Captures of real TLS servers and clients

Client-certificate (mTLS) handshakes between real server software and real
clients as Debian 12 ships them, recorded on 127.0.0.1, so the analyzer is
tested on what users actually run. `pcaps/make-real-captures.sh` makes all of
this folder (run as root, for dumpcap on `lo`):

    sudo pcaps/make-real-captures.sh            # writes pcaps/real/

Each run makes a fresh PKI with GnuTLS certtool (EC P-256): "Real Test Root
CA", its intermediate "Real Test Issuing CA", a server leaf for `localhost` /
127.0.0.1, a good client, an expired client (2020-2021), a self-signed client,
a client whose Extended Key Usage is serverAuth only, and a client issued by a
separate "Foreign Root CA". `pki/` holds the public CA certificates
(`root.pem`, `issuing.pem`, `foreign-root.pem`; no private keys) for tests to
use as trust stores. Every server runs with a configuration of its own in a
temporary folder, on ports from 26400 up (`MTLS_REAL_CAPTURE_BASE_PORT`), and
every client sends one HTTP/1.1 GET (HTTP/2 where the name says h2).

- `NAME.pcapng`: the capture (filter `tcp port PORT`), with no secrets injected.
- `NAME.keys`: its TLS key log (NSS format) when one could be had: from the
  client for curl, gnutls-cli (`SSLKEYLOGFILE`) and Python
  (`SSLContext.keylog_filename`); Java has none, so Java captures have keys only
  against Apache, whose mod_ssl writes the file named by `SSLKEYLOGFILE`.
  Read one with `tshark -r NAME.pcapng -o tls.keylog_file:NAME.keys`.

Names are `SERVER-tlsVERSION-CLIENT-CASE`; the client forces the version.
`MTLS_ONLY=REGEX` remakes only the matching captures, but with a new PKI that
no longer matches `pki/`: commit the output of full runs only.

## Versions used

EOF
    versions
    cat <<'EOF'

## What each capture holds

Read with plain tshark (no plugin), decrypted with the key log when there is
one. "Seen" is the TLS flow, side by side (C: client, S: server), ChangeCipherSpec
left out: "Certificate(empty)" is a Certificate message with no certificate,
"(encrypted handshake)", "(encrypted alert)" and "(application data)" are
records tshark cannot read without keys, "ClientHello(again)" starts a
renegotiation. After "⇒" comes the first HTTP response status read from the
decrypted data (with the title of the server's error page). "Client reported"
is the last line the client printed.

| Capture | Server and configuration | Client | TLS | Keys | Seen | Client reported |
| --- | --- | --- | --- | --- | --- | --- |
EOF
    printf '%s\n' "${readme_rows[@]}"
    cat <<'EOF'

## Notes

- nginx never fails the handshake over a client certificate (`ssl_verify_client
  on` included): it finishes it and answers its built-in HTTP 400 page, "No
  required SSL certificate was sent" or "The SSL certificate error". Without
  keys such a failure looks like a successful handshake.
- HAProxy (`verify required`), Apache at server level and stunnel abort the
  handshake with a fatal alert; in TLS 1.3 that alert is encrypted.
- Java's default key manager (SunX509) sends a certificate only when an issuer
  in its chain is named in the CertificateRequest: with a keystore holding the
  leaf alone and a server naming only the root, it sends an empty Certificate.
  nginx captures of Java have no keys; the `apache-*-java-*` ones repeat the
  case with Apache's server-side key log.
- curl 7.88 with OpenSSL offers TLS 1.3 `post_handshake_auth`, so Apache's
  per-location client authentication works with it through a post-handshake
  CertificateRequest; Python does so only with `post_handshake_auth = True`,
  and without it Apache answers 403.
- A TLS 1.2 handshake that ends before the key exchange is done (either side
  aborting) has no secrets to log, hence no `.keys` file.
- HAProxy's `ca-verify-file` is used here as `ca-file root.pem ca-verify-file
  issuing.pem`: the CertificateRequest names the root only and the intermediate
  is used to verify. (HAProxy's own documentation suggests the converse, the
  intermediates in `ca-file` and the roots in `ca-verify-file`.)
EOF
} >"$out/README.md"
echo "captures written to $out in ${elapsed}s"
