#!/usr/bin/env bash
# Makes captures of client-certificate (mTLS) handshakes with servers built on
# TLS stacks other than OpenSSL and GnuTLS, as Debian 12 ships them: Go's
# crypto/tls, Node.js https, Erlang/OTP ssl, wolfSSL and Mbed TLS, each a small
# server written into the work folder by this script, against curl, Python's
# ssl module, a Go client and openssl s_client, on 127.0.0.1. Each stack has
# its own way to refuse a certificate: an alert, or a TCP close without one.
#
# Every scenario writes NAME.pcapng (no secrets injected) and, when the client
# logs them, NAME.keys (NSS key log) beside it, then a summary of what happened
# on the wire (alerts, and each side's FIN or RST), read with plain tshark,
# goes into README.md. The machinery is capture-lib.sh's.
#
# usage: pcaps/make-stack-captures.sh [OUTPUT_DIR]     (default: pcaps/stacks)
# MTLS_ONLY=REGEX makes only the matching scenarios (pki/ and README.md are
# left alone: only a full run's output should be committed).
# MTLS_STACK_CAPTURE_BASE_PORT (default 27400): first of the loopback ports used.
# Needs: certtool (gnutls-bin), openssl, dumpcap and tshark, curl,
# /usr/bin/python3, golang-go (Go 1.19), node (Node.js 20: nodejs),
# escript with the ssl application (erlang-base, erlang-ssl), gcc and
# pkg-config, libwolfssl-dev, libmbedtls-dev, ss (iproute2), and the right to
# capture on lo (root).
#
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=capture-lib.sh
source "$here/capture-lib.sh"
capture_setup "${1:-$here/stacks}" "${MTLS_STACK_CAPTURE_BASE_PORT:-27400}"
summary_tcp_closes=yes
server_outcome_pattern='^server: '

# Every server answers GET with 200 "ok", or 403 to this client (a valid
# certificate the application knows no user for: identity "unmapped").
unmapped_cn=real-test-client-unmapped

# ---- The servers' and the Go client's programs ---------------------------------------

# Go: net/http over crypto/tls with tls.RequireAndVerifyClientCert, HTTP/1.1
# only; the handshake errors net/http logs go to the server log.
write_go_programs() {
    mkdir -p "$work/go/server" "$work/go/client"
    cat >"$work/go/server/main.go" <<EOF
package main

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
)

func main() {
	address, port, chain, key, cas := os.Args[1], os.Args[2], os.Args[3], os.Args[4], os.Args[5]
	certificate, err := tls.LoadX509KeyPair(chain, key)
	if err != nil {
		log.Fatal(err)
	}
	pem, err := os.ReadFile(cas)
	if err != nil {
		log.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	logger := log.New(os.Stdout, "server: ", 0)
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := r.TLS.PeerCertificates[0].Subject.CommonName
		if name == "$unmapped_cn" {
			logger.Printf("403 to CN=%s", name)
			http.Error(w, "no user for this certificate", http.StatusForbidden)
			return
		}
		logger.Printf("200 to CN=%s", name)
		fmt.Fprintln(w, "ok")
	})
	server := &http.Server{
		Addr:    net.JoinHostPort(address, port),
		Handler: handler,
		TLSConfig: &tls.Config{
			Certificates: []tls.Certificate{certificate},
			ClientAuth:   tls.RequireAndVerifyClientCert,
			ClientCAs:    pool,
			MinVersion:   tls.VersionTLS12,
		},
		TLSNextProto: map[string]func(*http.Server, *tls.Conn, http.Handler){},
		ErrorLog:     logger,
	}
	log.Fatal(server.ListenAndServeTLS("", ""))
}
EOF
    # The client: one GET with net/http; the certificate is offered through
    # tls.Config.Certificates, so Go leaves it out when the CertificateRequest
    # names none of the CAs that issued its chain.
    cat >"$work/go/client/main.go" <<'EOF'
package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"time"
)

func main() {
	version, address, port, cafile, chain, key, keylog := os.Args[1], os.Args[2], os.Args[3], os.Args[4],
		os.Args[5], os.Args[6], os.Args[7]
	pem, err := os.ReadFile(cafile)
	if err != nil {
		panic(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	config := &tls.Config{RootCAs: pool, ServerName: "localhost", MinVersion: tls.VersionTLS12,
		MaxVersion: tls.VersionTLS12}
	if version == "tls13" {
		config.MinVersion, config.MaxVersion = tls.VersionTLS13, tls.VersionTLS13
	}
	if chain != "" {
		certificate, err := tls.LoadX509KeyPair(chain, key)
		if err != nil {
			panic(err)
		}
		config.Certificates = []tls.Certificate{certificate}
	}
	keys, err := os.OpenFile(keylog, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		panic(err)
	}
	config.KeyLogWriter = keys
	dialer := &net.Dialer{Timeout: 10 * time.Second}
	transport := &http.Transport{TLSClientConfig: config, DisableKeepAlives: true,
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return dialer.DialContext(ctx, network, net.JoinHostPort(address, port))
		}}
	client := &http.Client{Transport: transport, Timeout: 10 * time.Second}
	response, err := client.Get("https://localhost:" + port + "/")
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
	_, _ = io.ReadAll(response.Body)
	response.Body.Close()
	fmt.Println(response.Proto, response.Status)
}
EOF
    local dir
    for dir in server client; do
        (cd "$work/go/$dir" && GOCACHE=$work/go/cache GOPATH=$work/go/path GO111MODULE=off \
            timeout 300 go build -o "$work/go-$dir" .)
    done
}

# Node.js: https.createServer with requestCert and rejectUnauthorized.
write_node_server() {
    cat >"$work/server.js" <<EOF
const fs = require('fs');
const https = require('https');
const [address, port, chain, key, cas] = process.argv.slice(2);
const server = https.createServer({
    cert: fs.readFileSync(chain), key: fs.readFileSync(key), ca: fs.readFileSync(cas),
    requestCert: true, rejectUnauthorized: true, minVersion: 'TLSv1.2',
}, (request, response) => {
    const name = request.socket.getPeerCertificate().subject.CN;
    const status = name === '$unmapped_cn' ? 403 : 200;
    console.log('server: ' + status + ' to CN=' + name);
    response.writeHead(status, {'Content-Type': 'text/plain'});
    response.end(status === 200 ? 'ok\n' : 'no user for this certificate\n');
});
server.on('tlsClientError', (error) => console.log('server: tlsClientError: ' + error.message));
server.listen(Number(port), address);
EOF
}

# Erlang/OTP: ssl:listen with {verify, verify_peer} and {fail_if_no_peer_cert,
# true}, one connection at a time, and an HTTP answer written by hand.
write_erlang_server() {
    cat >"$work/server.erl" <<EOF
#!/usr/bin/env escript
main([Address, Port, Chain, Key, Cas]) ->
    {ok, _} = application:ensure_all_started(ssl),
    {ok, Ip} = inet:parse_address(Address),
    Family = case tuple_size(Ip) of 8 -> [inet6]; _ -> [] end,
    {ok, Listen} = ssl:listen(list_to_integer(Port), Family ++ [binary, {ip, Ip}, {reuseaddr, true},
        {active, false}, {certfile, Chain}, {keyfile, Key}, {cacertfile, Cas}, {verify, verify_peer},
        {fail_if_no_peer_cert, true}, {versions, ['tlsv1.3', 'tlsv1.2']}]),
    loop(Listen).

loop(Listen) ->
    {ok, Socket} = ssl:transport_accept(Listen),
    case ssl:handshake(Socket, 10000) of
        {ok, Tls} -> serve(Tls, <<>>);
        {error, Reason} -> io:format("server: handshake failed: ~0p~n", [Reason])
    end,
    loop(Listen).

serve(Tls, Data) ->
    case binary:match(Data, <<"\r\n\r\n">>) of
        nomatch ->
            case ssl:recv(Tls, 0, 10000) of
                {ok, More} -> serve(Tls, <<Data/binary, More/binary>>);
                {error, Reason} -> io:format("server: read failed: ~0p~n", [Reason]), ssl:close(Tls)
            end;
        _ ->
            {ok, Der} = ssl:peercert(Tls),
            Name = common_name(Der),
            {Status, Body} = case Name of
                "$unmapped_cn" -> {"403 Forbidden", "no user for this certificate\n"};
                _ -> {"200 OK", "ok\n"}
            end,
            io:format("server: ~s to CN=~s~n", [Status, Name]),
            ssl:send(Tls, ["HTTP/1.1 ", Status, "\r\nContent-Type: text/plain\r\nContent-Length: ",
                integer_to_list(length(Body)), "\r\nConnection: close\r\n\r\n", Body]),
            ssl:close(Tls)
    end.

% OTPCertificate{tbsCertificate = OTPTBSCertificate{subject = {rdnSequence, RDNs}}}, by position:
% public_key.hrl comes with erlang-dev only.
common_name(Der) ->
    {rdnSequence, Rdns} = element(7, element(2, public_key:pkix_decode_cert(Der, otp))),
    case [Value || Rdn <- Rdns, {'AttributeTypeAndValue', {2, 5, 4, 3}, Value} <- Rdn] of
        [{utf8String, Name} | _] -> binary_to_list(Name);
        [{printableString, Name} | _] -> Name;
        _ -> "?"
    end.
EOF
}

# wolfSSL and Mbed TLS: one C program, one connection at a time, built once
# against each library. A failed handshake is logged and its socket closed,
# with no further TLS call (no close_notify): what the library itself sent,
# alert or not, is all there is on the wire.
write_c_server() {
    cat >"$work/tls-server.c" <<EOF
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#ifdef WITH_WOLFSSL
#include <wolfssl/options.h>
#include <wolfssl/ssl.h>

static WOLFSSL_CTX *context;
typedef WOLFSSL session;

static void setup(const char *chain, const char *key, const char *cas)
{
    wolfSSL_Init();
    context = wolfSSL_CTX_new(wolfSSLv23_server_method());
    if (!context || wolfSSL_CTX_SetMinVersion(context, WOLFSSL_TLSV1_2) != WOLFSSL_SUCCESS
        || wolfSSL_CTX_use_certificate_chain_file(context, chain) != WOLFSSL_SUCCESS
        || wolfSSL_CTX_use_PrivateKey_file(context, key, WOLFSSL_FILETYPE_PEM) != WOLFSSL_SUCCESS
        || wolfSSL_CTX_load_verify_locations(context, cas, NULL) != WOLFSSL_SUCCESS) {
        fprintf(stderr, "wolfSSL setup failed\n");
        exit(1);
    }
    wolfSSL_CTX_set_verify(context, WOLFSSL_VERIFY_PEER | WOLFSSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
}

static session *handshake(int fd)
{
    WOLFSSL *tls = wolfSSL_new(context);
    char text[WOLFSSL_MAX_ERROR_SZ];
    wolfSSL_set_fd(tls, fd);
    if (wolfSSL_accept(tls) == WOLFSSL_SUCCESS)
        return tls;
    int error = wolfSSL_get_error(tls, 0);
    printf("server: handshake failed: %d %s\n", error, wolfSSL_ERR_error_string((unsigned long)error, text));
    wolfSSL_free(tls);
    return NULL;
}

static int receive(session *tls, char *buffer, int size) { return wolfSSL_read(tls, buffer, size); }
static void send_all(session *tls, const char *data, int size) { wolfSSL_write(tls, data, size); }

static void common_name(session *tls, char *name, int size)
{
    WOLFSSL_X509 *peer = wolfSSL_get_peer_certificate(tls);
    name[0] = 0;
    if (peer)
        wolfSSL_X509_NAME_get_text_by_NID(wolfSSL_X509_get_subject_name(peer), NID_commonName, name, size);
    wolfSSL_X509_free(peer);
}

static void finish(session *tls)
{
    wolfSSL_shutdown(tls);
    wolfSSL_free(tls);
}
#else
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/error.h>
#include <mbedtls/net_sockets.h>
#include <mbedtls/oid.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>

static mbedtls_ssl_config config;
static mbedtls_x509_crt own_chain, trusted;
static mbedtls_pk_context own_key;
static mbedtls_entropy_context entropy;
static mbedtls_ctr_drbg_context random_bits;
typedef struct { mbedtls_ssl_context tls; mbedtls_net_context net; } session;

static void setup(const char *chain, const char *key, const char *cas)
{
    mbedtls_ssl_config_init(&config);
    mbedtls_x509_crt_init(&own_chain);
    mbedtls_x509_crt_init(&trusted);
    mbedtls_pk_init(&own_key);
    mbedtls_entropy_init(&entropy);
    mbedtls_ctr_drbg_init(&random_bits);
    if (mbedtls_ctr_drbg_seed(&random_bits, mbedtls_entropy_func, &entropy, NULL, 0) != 0
        || mbedtls_x509_crt_parse_file(&own_chain, chain) != 0 || mbedtls_pk_parse_keyfile(&own_key, key, NULL) != 0
        || mbedtls_x509_crt_parse_file(&trusted, cas) != 0
        || mbedtls_ssl_config_defaults(&config, MBEDTLS_SSL_IS_SERVER, MBEDTLS_SSL_TRANSPORT_STREAM,
                                       MBEDTLS_SSL_PRESET_DEFAULT) != 0
        || mbedtls_ssl_conf_own_cert(&config, &own_chain, &own_key) != 0) {
        fprintf(stderr, "Mbed TLS setup failed\n");
        exit(1);
    }
    mbedtls_ssl_conf_rng(&config, mbedtls_ctr_drbg_random, &random_bits);
    mbedtls_ssl_conf_authmode(&config, MBEDTLS_SSL_VERIFY_REQUIRED);
    mbedtls_ssl_conf_ca_chain(&config, &trusted, NULL);
    mbedtls_ssl_conf_min_version(&config, MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_3);
}

static session *handshake(int fd)
{
    session *s = calloc(1, sizeof *s);
    char text[200], reasons[400] = "";
    int result;
    mbedtls_ssl_init(&s->tls);
    mbedtls_ssl_setup(&s->tls, &config);
    s->net.fd = fd;
    mbedtls_ssl_set_bio(&s->tls, &s->net, mbedtls_net_send, mbedtls_net_recv, NULL);
    while ((result = mbedtls_ssl_handshake(&s->tls)) != 0) {
        if (result == MBEDTLS_ERR_SSL_WANT_READ || result == MBEDTLS_ERR_SSL_WANT_WRITE)
            continue;
        mbedtls_strerror(result, text, sizeof text);
        uint32_t flags = mbedtls_ssl_get_verify_result(&s->tls);
        if (flags != 0 && flags != (uint32_t)-1)
            mbedtls_x509_crt_verify_info(reasons, sizeof reasons, " ", flags);
        for (char *c = reasons; *c; c++)
            if (*c == '\n')
                *c = ';';
        printf("server: handshake failed: -0x%04x %s%s\n", (unsigned)-result, text, reasons);
        mbedtls_ssl_free(&s->tls);
        free(s);
        return NULL;
    }
    return s;
}

static int receive(session *s, char *buffer, int size)
{
    return mbedtls_ssl_read(&s->tls, (unsigned char *)buffer, (size_t)size);
}

static void send_all(session *s, const char *data, int size)
{
    mbedtls_ssl_write(&s->tls, (const unsigned char *)data, (size_t)size);
}

static void common_name(session *s, char *name, int size)
{
    const mbedtls_x509_crt *peer = mbedtls_ssl_get_peer_cert(&s->tls);
    name[0] = 0;
    for (const mbedtls_x509_name *part = peer ? &peer->subject : NULL; part; part = part->next)
        if (MBEDTLS_OID_CMP(MBEDTLS_OID_AT_CN, &part->oid) == 0 && (int)part->val.len < size) {
            memcpy(name, part->val.p, part->val.len);
            name[part->val.len] = 0;
        }
}

static void finish(session *s)
{
    mbedtls_ssl_close_notify(&s->tls);
    mbedtls_ssl_free(&s->tls);
    free(s);
}
#endif

/* Reads the request head, answers it, closes the session with a close_notify. */
static void serve(session *tls)
{
    char request[4096], name[256], answer[512];
    int length = 0, got;
    request[0] = 0;
    while (!strstr(request, "\r\n\r\n") && length < (int)sizeof request - 1
           && (got = receive(tls, request + length, (int)sizeof request - 1 - length)) > 0) {
        length += got;
        request[length] = 0;
    }
    common_name(tls, name, sizeof name);
    int refused = strcmp(name, "$unmapped_cn") == 0;
    const char *body = refused ? "no user for this certificate\n" : "ok\n";
    int size = snprintf(answer, sizeof answer, "HTTP/1.1 %s\r\nContent-Type: text/plain\r\nContent-Length: %zu\r\n"
                        "Connection: close\r\n\r\n%s", refused ? "403 Forbidden" : "200 OK", strlen(body), body);
    printf("server: %s to CN=%s\n", refused ? "403" : "200", name);
    send_all(tls, answer, size);
    finish(tls);
}

int main(int argc, char **argv)
{
    struct addrinfo hints = {.ai_flags = AI_PASSIVE | AI_NUMERICHOST, .ai_socktype = SOCK_STREAM}, *where;
    int one = 1, listener;
    if (argc != 6 || getaddrinfo(argv[1], argv[2], &hints, &where) != 0) {
        fprintf(stderr, "usage: %s ADDRESS PORT CHAIN KEY CAS\n", argv[0]);
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    setup(argv[3], argv[4], argv[5]);
    listener = socket(where->ai_family, SOCK_STREAM, 0);
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(listener, where->ai_addr, where->ai_addrlen) != 0 || listen(listener, 8) != 0) {
        perror("listen");
        return 1;
    }
    for (;;) {
        int fd = accept(listener, NULL, NULL);
        if (fd < 0)
            continue;
        session *tls = handshake(fd);
        if (tls)
            serve(tls);
        close(fd);
    }
}
EOF
    # shellcheck disable=SC2046 # pkg-config's flags are words
    gcc -O1 -Wall -DWITH_WOLFSSL -o "$work/wolfssl-server" "$work/tls-server.c" $(pkg-config --cflags --libs wolfssl)
    gcc -O1 -Wall -o "$work/mbedtls-server" "$work/tls-server.c" -lmbedtls -lmbedx509 -lmbedcrypto
}

# ---- The servers ---------------------------------------------------------------------
# start_KIND NAME PORT VARIANT: every one requires a client certificate
# verified against root+issuing (VARIANT root-only: the root alone), serves
# leaf+issuing, allows TLS 1.2 and 1.3 (Mbed TLS 2.28: 1.2 only) and runs
# under `timeout`; server_pid stops it.

start_stack() { # NAME PORT VARIANT PROGRAM...
    local name=$1 port=$2 cas=$pki/root-issuing.pem
    [ "$3" = root-only ] && cas=$pki/root.pem
    shift 3
    timeout 60 "$@" "$listen_address" "$port" "$pki/server-chain.pem" "$pki/server.key" "$cas" \
        >>"$work/$name.server.log" 2>&1 &
    server_pid=$!
}

start_go() { start_stack "$@" "$work/go-server"; }
start_node() { start_stack "$@" node "$work/server.js"; }
start_erlang() { start_stack "$@" escript "$work/server.erl"; }
start_wolfssl() { start_stack "$@" "$work/wolfssl-server"; }
start_mbedtls() { start_stack "$@" "$work/mbedtls-server"; }

# ---- The clients this generator adds ------------------------------------------------------
# curl and Python come from capture-lib.sh.

run_go() {
    local name=$1 port=$2 version=$3 identity=$4
    timeout 15 "$work/go-client" "$version" "$listen_address" "$port" "$pki/root.pem" "$(identity_chain "$identity")" \
        "$(identity_key "$identity")" "$work/$name.keys" >>"$work/$name.client.log" 2>&1 || true
}

# openssl s_client sends the request, waits for the server to close (-ign_eof)
# and logs the keys with -keylogfile.
run_openssl() {
    local name=$1 port=$2 version=$3 identity=$4 chain
    local args=("-${version/tls1/tls1_}" -connect "$(address_port "$port")" -servername localhost
        -CAfile "$pki/root.pem" -verify_return_error -keylogfile "$work/$name.keys" -quiet -ign_eof)
    chain=$(identity_chain "$identity")
    if [ -n "$chain" ]; then
        # -cert takes the leaf; the rest of the chain goes to -cert_chain.
        awk 'sent; /END CERTIFICATE/ { sent = 1 }' "$chain" >"$work/$name.cert-chain.pem"
        args+=(-cert "$chain" -key "$(identity_key "$identity")" -cert_chain "$work/$name.cert-chain.pem")
    fi
    local code=0
    printf 'GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n' |
        timeout 15 openssl s_client "${args[@]}" >"$work/$name.openssl.log" 2>&1 || code=$?
    cat "$work/$name.openssl.log" >>"$work/$name.client.log"
    if grep -q '^HTTP/' "$work/$name.openssl.log"; then
        grep -m1 '^HTTP/' "$work/$name.openssl.log" | tr -d '\r' >>"$work/$name.client.log"
    else
        local said
        said=$(grep -E ':error:|errno=' "$work/$name.openssl.log" | tail -n1 || true)
        echo "error: openssl s_client exit $code: ${said#*:error:}" >>"$work/$name.client.log"
    fi
}

# ---- Scenarios ------------------------------------------------------------------------------

make_pki
write_python_client
write_go_programs
write_node_server
write_erlang_server
write_c_server

client_text() { # CLIENT IDENTITY
    local who what
    case $1 in
        curl) who=curl ;; python) who="Python ssl" ;; go) who="Go crypto/tls" ;; openssl) who="openssl s_client" ;;
    esac
    case $2 in
        good) what="leaf + issuing" ;; none) what="no certificate" ;; foreign-ca) what="leaf from Foreign Root CA" ;;
        leaf-only) what="leaf only" ;; expired) what="expired leaf + issuing" ;; self-signed) what="self-signed" ;;
        no-client-eku) what="leaf with serverAuth EKU only + issuing" ;;
        unmapped) what="leaf + issuing, CN $unmapped_cn" ;;
    esac
    echo "$who, $what"
}

declare -A server_text=(
    [go]="Go crypto/tls + net/http, \`tls.RequireAndVerifyClientCert\`, ClientCAs root+issuing"
    [node]="Node.js https, \`requestCert: true, rejectUnauthorized: true\`, ca root+issuing"
    [erlang]="Erlang/OTP ssl, \`{verify, verify_peer}, {fail_if_no_peer_cert, true}\`, cacertfile root+issuing"
    [wolfssl]="wolfSSL, \`WOLFSSL_VERIFY_PEER \\| WOLFSSL_VERIFY_FAIL_IF_NO_PEER_CERT\`, CAs root+issuing"
    [mbedtls]="Mbed TLS 2.28 (TLS 1.2 only), \`MBEDTLS_SSL_VERIFY_REQUIRED\`, CA chain root+issuing"
)

stack() { # SERVER VARIANT VERSION CLIENT IDENTITY...: one capture per identity; VARIANT - or root-only
    local server=$1 variant=$2 version=$3 client=$4 identity text=${server_text[$1]}
    shift 4
    [ "$variant" = root-only ] && text="${text/root+issuing/root only}"
    for identity in "$@"; do
        capture "$server-$version-$client-${identity/#none/no-cert}" "$server" "$variant" "$client" "$version" \
            "$identity" - "$text" "$(client_text "$client" "$identity")"
    done
}

# The same twelve scenarios for each stack that has TLS 1.3: each refusal in
# TLS 1.2 or 1.3 or both, the leaf without its intermediate against a server
# that trusts the root only, the Go client where its choice to send no
# certificate shows (TLS 1.3: the keys show it).
twelve() { # SERVER
    stack "$1" - tls12 curl good none foreign-ca expired
    stack "$1" - tls13 curl good
    stack "$1" - tls13 python none self-signed
    stack "$1" - tls13 go foreign-ca
    stack "$1" root-only tls12 python leaf-only
    stack "$1" root-only tls13 curl leaf-only
    stack "$1" - tls13 curl no-client-eku
    stack "$1" - tls13 go unmapped
}

for server in go node erlang wolfssl; do twelve "$server"; done
stack mbedtls - tls12 curl good foreign-ca expired no-client-eku
stack mbedtls - tls12 openssl none
stack mbedtls root-only tls12 python leaf-only
stack mbedtls - tls12 python self-signed unmapped
stack mbedtls - tls12 go foreign-ca

captures_done

# ---- README.md: how these were made, with what, and what happened ------------------

versions() {
    echo "- $(go version)"
    echo "- Node.js $(node --version) (OpenSSL $(node -p process.versions.openssl))"
    echo "- Erlang/OTP $(erl -noshell -eval 'io:format("~s", [erlang:system_info(otp_release)]), halt().'), ssl" \
        "$(erl -noshell -eval 'application:load(ssl), {ok, V} = application:get_key(ssl, vsn), io:format(V), halt().')"
    echo "- wolfSSL $(pkg-config --modversion wolfssl)"
    echo "- $(sed -n 's/.*MBEDTLS_VERSION_STRING_FULL *"\(.*\)"/\1/p' /usr/include/mbedtls/version.h)"
    echo "- $(curl --version | head -n1)"
    echo "- $(/usr/bin/python3 --version) ($(/usr/bin/python3 -c 'import ssl; print(ssl.OPENSSL_VERSION)'))"
    echo "- $(openssl version)"
    echo "- $(tshark --version 2>/dev/null | head -n1)"
    echo "- Debian packages: $(debian_package_versions golang-1.19-go nodejs erlang-base erlang-ssl libwolfssl35 \
        libmbedtls14 curl python3.11 openssl)"
}

{
    cat <<'EOF'
# Captures of other TLS stacks' servers

Client-certificate (mTLS) handshakes with servers built on TLS stacks other
than OpenSSL and GnuTLS, recorded on 127.0.0.1: Go's crypto/tls (net/http),
Node.js https, Erlang/OTP ssl, wolfSSL and Mbed TLS, as Debian 12 ships them
(Node.js: the `node` installed). Each refuses a bad client certificate in
its own way, with an alert or by closing the connection without one.
`pcaps/make-stack-captures.sh` makes all of this folder (run as root, for
dumpcap on `lo`):

    sudo pcaps/make-stack-captures.sh           # writes pcaps/stacks/

The PKI is the one `pcaps/make-real-captures.sh` makes (both come from
`pcaps/capture-lib.sh`), fresh on each run, with GnuTLS certtool (EC P-256):
"Real Test Root CA", its intermediate "Real Test Issuing CA", a server leaf
for `localhost` / 127.0.0.1, a good client, an expired client (2020-2021), a
self-signed client, a client whose Extended Key Usage is serverAuth only, a
client issued by a separate "Foreign Root CA", and a good client with the
common name `real-test-client-unmapped`. `pki/` holds the public CA
certificates (`root.pem`, `issuing.pem`, `foreign-root.pem`; no private keys).

Every server is a small program the script writes into its work folder and
runs there: it serves leaf + issuing, requires a client certificate verified
against root + issuing, allows TLS 1.2 and 1.3 (Mbed TLS 2.28: TLS 1.2 only,
Debian builds it without its experimental TLS 1.3), and answers one HTTP/1.1
GET with 200 "ok", or with 403 to `real-test-client-unmapped`: a refusal by
the application after a valid handshake. The wolfSSL and Mbed TLS servers
(one C program) close the socket of a failed handshake without any further
TLS call, as most programs do; what the library sent is all there is. Ports
from 27400 up (`MTLS_STACK_CAPTURE_BASE_PORT`).

- `NAME.pcapng`: the capture (filter `tcp port PORT`), with no secrets injected.
- `NAME.keys`: its TLS key log (NSS format), written by the client: curl
  (`SSLKEYLOGFILE`), Python (`SSLContext.keylog_filename`), Go
  (`tls.Config.KeyLogWriter`), openssl s_client (`-keylogfile`). Every
  capture here has one: no server refuses before the client's whole flight.
  Read one with `tshark -r NAME.pcapng -o tls.keylog_file:NAME.keys`.

Names are `SERVER-tlsVERSION-CLIENT-CASE`; the client forces the version.
`MTLS_ONLY=REGEX` remakes only the matching captures, but with a new PKI that
no longer matches `pki/`: commit the output of full runs only.
EOF
    readme_expectations_versions_and_captures pcaps/expected-stacks.tsv
    cat <<'EOF'

## Notes

The habits expected of these stacks, checked against the captures:

- Node.js with `rejectUnauthorized: true` refuses a certificate it cannot
  verify by closing the TCP connection without an alert, right after the
  client's Finished: confirmed for the foreign CA and the expired leaf (TLS
  1.2), the leaf without its intermediate (TLS 1.2 and 1.3), the self-signed
  leaf and the leaf without clientAuth (TLS 1.3). Node checks the chain after
  OpenSSL's handshake and destroys the socket (its log: `tlsClientError:
  socket hang up`). The close is a FIN in TLS 1.2; in TLS 1.3, where the
  client has had the server's Finished and has sent its GET, which lies
  unread, it is an RST, alone or after a FIN. curl says "SSL_ERROR_SYSCALL"
  (TLS 1.2), "Connection reset by peer" or "Empty reply from server" (TLS
  1.3), Python "connection closed without a response" or "TLS/SSL connection
  has been closed (EOF)".
  Different: with no certificate at all Node does send an alert, OpenSSL's
  (`handshake_failure` in TLS 1.2, `certificate_required` in TLS 1.3).
- wolfSSL and Mbed TLS close without an alert in TLS 1.2 when no certificate
  is sent: confirmed. The close is an RST: the rest of the client's flight is
  still unread when the program closes the socket. In TLS 1.3 wolfSSL sends
  `certificate_required`. A certificate they refuse gets an alert (then an
  RST): wolfSSL `unknown_ca` (foreign CA, leaf without intermediate),
  `certificate_expired`, `bad_certificate` (self-signed, no clientAuth EKU);
  Mbed TLS `unknown_ca` (foreign CA, leaf without intermediate, self-signed),
  `certificate_expired`, `unsupported_certificate` (no clientAuth EKU).
- Go's server sends `bad_certificate` for every refusal (then a FIN, an RST,
  or both): confirmed, for no certificate too (TLS 1.2 and 1.3, where OpenSSL
  sends `handshake_failure` / `certificate_required`). Its log names the
  reason: `client didn't provide a certificate`, `certificate signed by
  unknown authority`, `certificate has expired or is not yet valid`,
  `certificate specifies an incompatible key usage`.
- Go's client sends an empty Certificate when none of the CAs named in the
  CertificateRequest issued its chain: confirmed against Go, Node.js, Erlang
  (TLS 1.3) and Mbed TLS (TLS 1.2) with the Foreign Root CA's leaf; each
  server then answers as to no certificate. Different: wolfSSL names no CA
  (an empty list in TLS 1.2, no `certificate_authorities` in TLS 1.3), so Go
  sends the certificate anyway and wolfSSL refuses it with `unknown_ca`.

Also seen:

- Erlang/OTP sends an alert for every refusal, and closes (FIN) after the
  client has: `handshake_failure` (no certificate in TLS 1.2; and no
  clientAuth EKU, its log saying `{bad_cert,invalid_ext_key_usage}`),
  `certificate_required` (no certificate, TLS 1.3), `unknown_ca` (foreign CA,
  leaf without intermediate), `certificate_expired`, `bad_certificate`
  (self-signed).
- Every one of these servers accepts a leaf sent without its intermediate
  when the intermediate is in its trust store (tried while writing this
  script), as nginx with `ssl_trusted_certificate` does; so the leaf-only
  captures use servers that trust the root only (whose CertificateRequest,
  but for wolfSSL's, names the root alone).
- Every refusal, alert or close, comes after the client's whole flight
  (Certificate to Finished), in TLS 1.2 as in 1.3.
- What the clients print is a poor guide: curl says "(60) SSL certificate
  verification failed" when the server sent `certificate_expired` about the
  client's certificate, and names no alert when the server closed without
  one; when an RST follows the alert, a client may miss the alert (an RST
  can discard it before it is read; seen in some runs of this script):
  Python then says "EOF occurred in violation of protocol" and curl
  "Connection reset by peer" although the alert is in the capture.
- Mbed TLS 2.28 as Debian 12 builds it has no TLS 1.3
  (`MBEDTLS_SSL_PROTO_TLS1_3_EXPERIMENTAL` is off): its captures are TLS 1.2.
- FIN or RST, and which side closes first after a good exchange, vary from
  run to run: they depend on what is unread in the socket when it closes.
EOF
} >"$out/README.md"
echo "captures written to $out in ${elapsed}s"
