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
# happened, read with plain tshark, goes into README.md. The machinery (PKI,
# curl/Python/gnutls-cli clients, capture, summary) is capture-lib.sh's.
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
# shellcheck source-path=SCRIPTDIR source=capture-lib.sh
source "$here/capture-lib.sh"
capture_setup "${1:-$here/real}" "${MTLS_REAL_CAPTURE_BASE_PORT:-26400}"

# ---- The clients' programs -------------------------------------------------------

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
    # The keystores: the good client with and without its intermediate.
    openssl pkcs12 -export -in "$pki/client.pem" -inkey "$pki/client.key" -name client \
        -passout pass:changeit -out "$pki/client-leaf.p12"
    openssl pkcs12 -export -in "$pki/client.pem" -inkey "$pki/client.key" -certfile "$pki/issuing.pem" \
        -name client -passout pass:changeit -out "$pki/client-chain.p12"
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
    # shellcheck disable=SC2016 # nginx's variable, not the shell's
    [ "$variant" = unmapped ] &&
        answer='if ($mapped_user = "") { return 403 "no user for this certificate\n"; } return 200 "ok\n";'
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
        listen $(address_port "$port") ssl$http2;
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
    bind $(address_port "$port") ssl crt $pki/server-haproxy.pem $verify ssl-min-ver TLSv1.2
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
Listen $(address_port "$port") https
SSLSessionCache shmcb:$dir/ssl_scache(512000)
<VirtualHost $(address_port "$port")>
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
accept = $(address_port "$port")
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

# ---- The clients ---------------------------------------------------------------------
# curl, Python and gnutls-cli come from capture-lib.sh.

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

# ---- Scenarios ------------------------------------------------------------------------------

make_pki
cat "$pki/server-chain.pem" "$pki/server.key" >"$pki/server-haproxy.pem"
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

captures_done

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
    echo "- Debian packages: $(debian_package_versions nginx haproxy apache2-bin stunnel4 curl python3.11 \
        openjdk-17-jdk-headless gnutls-bin)"
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

EOF
    readme_capture_section
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
