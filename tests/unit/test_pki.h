/* test_pki.h - certificates made by the tests themselves with GnuTLS, and a
 * small driver that feeds handshake events to the analyzer.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef MTLS_TEST_PKI_H
#define MTLS_TEST_PKI_H

#include <glib.h>
#include <gnutls/x509.h>
#include <stdbool.h>
#include <stdint.h>

#include "mtls_analyzer.h"

#define OID_CLIENT_AUTH "1.3.6.1.5.5.7.3.2"
#define OID_SERVER_AUTH "1.3.6.1.5.5.7.3.1"
#define OID_ANY_EKU "2.5.29.37.0"

/* 2026-01-01 and a validity window around it. */
#define TEST_NOW INT64_C(1767225600)
#define TEST_DAY INT64_C(86400)

typedef struct test_cert {
    gnutls_x509_privkey_t key;
    gnutls_x509_crt_t crt;
    GBytes *der;
    GBytes *subject_der;
} test_cert;

typedef struct {
    const char *common_name;
    const test_cert *issuer;    /* NULL: self-signed */
    bool ca;
    int64_t not_before;         /* 0: TEST_NOW - 365 days */
    int64_t not_after;          /* 0: TEST_NOW + 365 days */
    const char *eku[3];         /* OIDs; none: no EKU extension */
    const char *dns_names[4];   /* subjectAltName dNSNames; none: no SAN */
    bool unknown_critical_extension;
    bool no_basic_constraints;
    bool proxy;                 /* an RFC 3820 proxy certificate (issued by an end entity) */
    int path_length;            /* pathLenConstraint + 1; 0: unconstrained */
    unsigned key_usage;         /* GNUTLS_KEY_* bits; 0: the usual ones for a CA or a leaf */
    unsigned rsa_bits;          /* 0: an EC P-256 key */
    int signature_hash;         /* gnutls_digest_algorithm_t; 0: SHA-256 */
} test_cert_spec;

test_cert *test_cert_new(const test_cert_spec *spec);
void test_cert_free(test_cert *cert);
/* Writes the certificates as a PEM bundle in a temporary file; g_free the path
 * and unlink it when done. */
char *test_write_pem_bundle(const test_cert *const *certs, size_t count);

/* A root, an issuing CA under it, a client and a server leaf from the
 * issuing CA, and a foreign root with its own client. */
typedef struct {
    test_cert *root, *issuing, *client, *server, *foreign_root, *foreign_client;
} test_pki;

void test_pki_init(test_pki *pki);
void test_pki_clear(test_pki *pki);

/* ---- Feeding events ---- */

/* A literal list of certificates: CERTS(pki->client, pki->issuing). */
#define CERTS(...) ((const test_cert *const[]){__VA_ARGS__})

#define TEST_CLIENT "192.0.2.10:50000"
#define TEST_SERVER "192.0.2.20:443"
/* The name feed_client_hello asks for; the PKI's server certificate covers it. */
#define TEST_SERVER_NAME "api.example.test"

typedef struct {
    mtls_config *config;
    mtls_capture *capture;
    mtls_stream *stream;
    mtls_handshake *last;   /* the handshake the last event went to */
    uint32_t frame;
    int64_t time;
} test_session;

void test_session_init(test_session *session, mtls_config *config);
void test_session_clear(test_session *session);

/* Any event, from `sender` (TEST_CLIENT or TEST_SERVER), on the next frame. */
void feed_event(test_session *session, const char *sender, const mtls_event *event);
void feed_client_hello(test_session *session, uint16_t legacy_version, const uint16_t *supported, size_t count);
/* A TLS 1.2 ClientHello asking for `server_name` (NULL: no SNI). */
void feed_client_hello_for(test_session *session, const char *server_name);
void feed_server_hello(test_session *session, uint16_t legacy_version, uint16_t selected_version);
void feed_hello_retry_request(test_session *session);
void feed_certificate_request(test_session *session, const test_cert *const *names, size_t count);
void feed_certificate(test_session *session, const char *sender, const test_cert *const *chain, size_t count);
void feed_raw_certificate(test_session *session, const char *sender, const uint8_t *der, size_t length);
void feed_simple(test_session *session, const char *sender, mtls_event_kind kind);
void feed_alert(test_session *session, const char *sender, int level, int description);

/* The codes of the last handshake's findings, sorted and comma-joined;
 * "-" for none. problems: true for problems only, false for notes only. */
char *codes_of(const mtls_handshake *handshake, bool problems);
/* The message of the finding with this code, or NULL. */
const char *message_of(const mtls_handshake *handshake, const char *code);

/* TLS 1.2 up to the ServerHelloDone, with a CertificateRequest naming `names`. */
void feed_tls12_server_flight(test_session *session, const test_pki *pki, const test_cert *const *names, size_t count);
/* The same flight without a CertificateRequest. */
void feed_tls12_server_flight_unrequested(test_session *session, const test_pki *pki);

/* ---- CMocka helpers shared by the suites ---- */

/* Group fixtures: a test_pki in *state. */
int test_pki_setup(void **state);
int test_pki_teardown(void **state);
/* Fail unless the handshake's problem (or note) codes are exactly `expected`. */
void assert_codes(const mtls_handshake *handshake, bool problems, const char *expected);
/* Fail unless the finding with `code` exists and its message contains `text`. */
void assert_message_mentions(const mtls_handshake *handshake, const char *code, const char *text);

#endif
