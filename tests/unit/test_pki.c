/* test_pki.c - test certificates and the event driver.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "test_pki.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <glib/gstdio.h>
#include <gnutls/gnutls.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void check(int rc, const char *what)
{
    if (rc < 0) {
        fprintf(stderr, "test_pki: %s: %s\n", what, gnutls_strerror(rc));
        abort();
    }
}

test_cert *test_cert_new(const test_cert_spec *spec)
{
    static unsigned serial_counter = 1;
    test_cert *cert = g_new0(test_cert, 1);
    check(gnutls_x509_privkey_init(&cert->key), "privkey_init");
    if (spec->rsa_bits)
        check(gnutls_x509_privkey_generate(cert->key, GNUTLS_PK_RSA, spec->rsa_bits, 0), "generate RSA key");
    else
        check(gnutls_x509_privkey_generate(cert->key, GNUTLS_PK_ECDSA,
                                           GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0),
              "generate key");
    check(gnutls_x509_crt_init(&cert->crt), "crt_init");
    gnutls_x509_crt_t crt = cert->crt;
    check(gnutls_x509_crt_set_version(crt, 3), "version");
    unsigned serial = serial_counter++;
    unsigned char serial_bytes[4] = {0x01, (unsigned char)(serial >> 16), (unsigned char)(serial >> 8), (unsigned char)serial};
    check(gnutls_x509_crt_set_serial(crt, serial_bytes, sizeof serial_bytes), "serial");
    check(gnutls_x509_crt_set_activation_time(crt, (time_t)(spec->not_before ? spec->not_before : TEST_NOW - 365 * TEST_DAY)), "activation");
    check(gnutls_x509_crt_set_expiration_time(crt, (time_t)(spec->not_after ? spec->not_after : TEST_NOW + 365 * TEST_DAY)), "expiration");
    check(gnutls_x509_crt_set_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, spec->common_name, strlen(spec->common_name)), "dn");
    check(gnutls_x509_crt_set_dn_by_oid(crt, GNUTLS_OID_X520_ORGANIZATION_NAME, 0, "Unit Test", 9), "dn o");
    check(gnutls_x509_crt_set_key(crt, cert->key), "set key");
    if (!spec->no_basic_constraints)
        check(gnutls_x509_crt_set_basic_constraints(crt, spec->ca ? 1 : 0, spec->path_length - 1), "basic constraints");
    unsigned usual_usage = spec->ca ? GNUTLS_KEY_KEY_CERT_SIGN | GNUTLS_KEY_CRL_SIGN : GNUTLS_KEY_DIGITAL_SIGNATURE;
    check(gnutls_x509_crt_set_key_usage(crt, spec->key_usage ? spec->key_usage : usual_usage), "key usage");
    for (size_t i = 0; i < G_N_ELEMENTS(spec->eku) && spec->eku[i]; i++)
        check(gnutls_x509_crt_set_key_purpose_oid(crt, spec->eku[i], 0), "eku");
    for (size_t i = 0; i < G_N_ELEMENTS(spec->dns_names) && spec->dns_names[i]; i++)
        check(gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_DNSNAME, spec->dns_names[i],
                                                   strlen(spec->dns_names[i]), GNUTLS_FSAN_APPEND),
              "subject alt name");
    if (spec->proxy)
        check(gnutls_x509_crt_set_proxy(crt, -1, "1.3.6.1.5.5.7.21.1", NULL, 0), "proxy");
    if (spec->unknown_critical_extension) {
        static const unsigned char null_value[] = {0x05, 0x00};
        check(gnutls_x509_crt_set_extension_by_oid(crt, "1.3.6.1.4.1.55555.1", null_value, sizeof null_value, 1),
              "critical extension");
    }
    unsigned char key_id[64];
    size_t key_id_size = sizeof key_id;
    check(gnutls_x509_crt_get_key_id(crt, 0, key_id, &key_id_size), "key id");
    check(gnutls_x509_crt_set_subject_key_id(crt, key_id, key_id_size), "subject key id");
    if (spec->issuer) {
        unsigned char issuer_key_id[64];
        size_t issuer_key_id_size = sizeof issuer_key_id;
        unsigned int critical = 0;
        check(gnutls_x509_crt_get_subject_key_id(spec->issuer->crt, issuer_key_id, &issuer_key_id_size, &critical),
              "issuer key id");
        check(gnutls_x509_crt_set_authority_key_id(crt, issuer_key_id, issuer_key_id_size), "authority key id");
    }
    gnutls_digest_algorithm_t hash = spec->signature_hash ? (gnutls_digest_algorithm_t)spec->signature_hash : GNUTLS_DIG_SHA256;
    if (spec->issuer)
        check(gnutls_x509_crt_sign2(crt, spec->issuer->crt, spec->issuer->key, hash, 0), "sign");
    else
        check(gnutls_x509_crt_sign2(crt, crt, cert->key, hash, 0), "self-sign");

    gnutls_datum_t der;
    check(gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_DER, &der), "export");
    cert->der = g_bytes_new(der.data, der.size);
    gnutls_free(der.data);
    check(gnutls_x509_crt_get_raw_dn(crt, &der), "raw dn");
    cert->subject_der = g_bytes_new(der.data, der.size);
    gnutls_free(der.data);
    return cert;
}

void test_cert_free(test_cert *cert)
{
    if (cert == NULL)
        return;
    gnutls_x509_crt_deinit(cert->crt);
    gnutls_x509_privkey_deinit(cert->key);
    g_bytes_unref(cert->der);
    g_bytes_unref(cert->subject_der);
    g_free(cert);
}

char *test_write_pem_bundle(const test_cert *const *certs, size_t count)
{
    char *path = NULL;
    int fd = g_file_open_tmp("mtls-trust-XXXXXX.pem", &path, NULL);
    g_assert(fd >= 0);
    FILE *file = fdopen(fd, "w");
    for (size_t i = 0; i < count; i++) {
        gnutls_datum_t pem;
        check(gnutls_x509_crt_export2(certs[i]->crt, GNUTLS_X509_FMT_PEM, &pem), "export pem");
        fwrite(pem.data, 1, pem.size, file);
        gnutls_free(pem.data);
    }
    fclose(file);
    return path;
}

void test_pki_init(test_pki *pki)
{
    pki->root = test_cert_new(&(test_cert_spec){.common_name = "Test Root", .ca = true});
    pki->issuing = test_cert_new(&(test_cert_spec){.common_name = "Test Issuing CA", .issuer = pki->root, .ca = true});
    pki->client = test_cert_new(&(test_cert_spec){.common_name = "client", .issuer = pki->issuing, .eku = {OID_CLIENT_AUTH}});
    pki->server = test_cert_new(&(test_cert_spec){.common_name = "server", .issuer = pki->issuing, .eku = {OID_SERVER_AUTH},
                                                   .dns_names = {TEST_SERVER_NAME, "portal.example.test"}});
    pki->foreign_root = test_cert_new(&(test_cert_spec){.common_name = "Foreign Root", .ca = true});
    pki->foreign_client = test_cert_new(&(test_cert_spec){.common_name = "foreign client", .issuer = pki->foreign_root, .eku = {OID_CLIENT_AUTH}});
}

void test_pki_clear(test_pki *pki)
{
    test_cert_free(pki->root);
    test_cert_free(pki->issuing);
    test_cert_free(pki->client);
    test_cert_free(pki->server);
    test_cert_free(pki->foreign_root);
    test_cert_free(pki->foreign_client);
}

void test_session_init(test_session *session, mtls_config *config)
{
    memset(session, 0, sizeof *session);
    session->config = config ? config : mtls_config_new();
    session->capture = mtls_capture_new(session->config);
    session->stream = mtls_stream_new(session->capture, 7);
    session->time = TEST_NOW;
}

void test_session_clear(test_session *session)
{
    mtls_stream_free(session->stream);
    mtls_capture_unref(session->capture);
    mtls_config_unref(session->config);
}

void feed_event(test_session *session, const char *sender, const mtls_event *event)
{
    mtls_packet packet = {++session->frame, session->time, sender, 0};
    session->last = mtls_stream_feed(session->stream, &packet, event);
}

void feed_client_hello(test_session *session, uint16_t legacy_version, const uint16_t *supported, size_t count)
{
    static const char *const alpn[] = {"h2", "http/1.1"};
    mtls_event event = {.kind = MTLS_EVENT_CLIENT_HELLO};
    event.u.client_hello.legacy_version = legacy_version;
    event.u.client_hello.supported_versions = supported;
    event.u.client_hello.supported_version_count = count;
    event.u.client_hello.server_name = TEST_SERVER_NAME;
    event.u.client_hello.alpn = alpn;
    event.u.client_hello.alpn_count = G_N_ELEMENTS(alpn);
    feed_event(session, TEST_CLIENT, &event);
}

void feed_client_hello_for(test_session *session, const char *server_name)
{
    /* An HTTPS client, as most of the suites model: its ALPN names HTTP. */
    static const char *const alpn[] = {"h2", "http/1.1"};
    mtls_event event = {.kind = MTLS_EVENT_CLIENT_HELLO};
    event.u.client_hello.legacy_version = 0x0303;
    event.u.client_hello.server_name = server_name;
    event.u.client_hello.alpn = alpn;
    event.u.client_hello.alpn_count = G_N_ELEMENTS(alpn);
    feed_event(session, TEST_CLIENT, &event);
}

void feed_server_hello(test_session *session, uint16_t legacy_version, uint16_t selected_version)
{
    static const uint8_t random[32] = {1, 2, 3};
    mtls_event event = {.kind = MTLS_EVENT_SERVER_HELLO};
    event.u.server_hello.legacy_version = legacy_version;
    event.u.server_hello.selected_version = selected_version;
    event.u.server_hello.random = random;
    feed_event(session, TEST_SERVER, &event);
}

void feed_hello_retry_request(test_session *session)
{
    static const uint8_t hello_retry_random[32] = {
        0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
        0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c};
    mtls_event event = {.kind = MTLS_EVENT_SERVER_HELLO};
    event.u.server_hello.legacy_version = 0x0303;
    event.u.server_hello.selected_version = 0x0304;
    event.u.server_hello.random = hello_retry_random;
    feed_event(session, TEST_SERVER, &event);
}

/* The subject names (or the DER) of `certs` as blobs; g_free the array. */
static mtls_blob *blobs_of(const test_cert *const *certs, size_t count, bool subjects)
{
    mtls_blob *blobs = g_new0(mtls_blob, count + 1);
    for (size_t i = 0; i < count; i++)
        blobs[i].data = g_bytes_get_data(subjects ? certs[i]->subject_der : certs[i]->der, &blobs[i].length);
    return blobs;
}

void feed_certificate_request(test_session *session, const test_cert *const *names, size_t count)
{
    mtls_blob *blobs = blobs_of(names, count, true);
    mtls_event event = {.kind = MTLS_EVENT_CERTIFICATE_REQUEST};
    event.u.certificate_request.ca_names = blobs;
    event.u.certificate_request.ca_name_count = count;
    feed_event(session, TEST_SERVER, &event);
    g_free(blobs);
}

void feed_certificate(test_session *session, const char *sender, const test_cert *const *chain, size_t count)
{
    mtls_blob *blobs = blobs_of(chain, count, false);
    mtls_event event = {.kind = MTLS_EVENT_CERTIFICATE};
    event.u.certificate.certificates = blobs;
    event.u.certificate.certificate_count = count;
    feed_event(session, sender, &event);
    g_free(blobs);
}

void feed_raw_certificate(test_session *session, const char *sender, const uint8_t *der, size_t length)
{
    mtls_blob blob = {der, length};
    mtls_event event = {.kind = MTLS_EVENT_CERTIFICATE};
    event.u.certificate.certificates = &blob;
    event.u.certificate.certificate_count = 1;
    feed_event(session, sender, &event);
}

void feed_simple(test_session *session, const char *sender, mtls_event_kind kind)
{
    mtls_event event = {.kind = kind};
    feed_event(session, sender, &event);
}

void feed_alert(test_session *session, const char *sender, int level, int description)
{
    mtls_event event = {.kind = MTLS_EVENT_ALERT};
    event.u.alert.level = level;
    event.u.alert.description = description;
    feed_event(session, sender, &event);
}

static gint compare_strings(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

char *codes_of(const mtls_handshake *handshake, bool problems)
{
    GPtrArray *codes = g_ptr_array_new();
    for (size_t i = 0; handshake && i < mtls_handshake_finding_count(handshake); i++) {
        const mtls_finding *finding = mtls_handshake_finding(handshake, i);
        if (finding->info->is_problem == problems)
            g_ptr_array_add(codes, (gpointer)finding->info->code);
    }
    g_ptr_array_sort(codes, compare_strings);
    g_ptr_array_add(codes, NULL);
    char *joined = codes->len > 1 ? g_strjoinv(",", (char **)codes->pdata) : g_strdup("-");
    g_ptr_array_free(codes, TRUE);
    return joined;
}

const char *message_of(const mtls_handshake *handshake, const char *code)
{
    for (size_t i = 0; handshake && i < mtls_handshake_finding_count(handshake); i++) {
        const mtls_finding *finding = mtls_handshake_finding(handshake, i);
        if (strcmp(finding->info->code, code) == 0)
            return mtls_handshake_finding_message(handshake, finding);
    }
    return NULL;
}

static void feed_tls12_hellos_and_server_chain(test_session *session, const test_pki *pki)
{
    feed_client_hello(session, 0x0303, NULL, 0);
    feed_server_hello(session, 0x0303, 0);
    feed_certificate(session, TEST_SERVER, (const test_cert *const[]){pki->server, pki->issuing}, 2);
}

void feed_tls12_server_flight(test_session *session, const test_pki *pki, const test_cert *const *names, size_t count)
{
    feed_tls12_hellos_and_server_chain(session, pki);
    feed_certificate_request(session, names, count);
    feed_simple(session, TEST_SERVER, MTLS_EVENT_SERVER_HELLO_DONE);
}

void feed_tls12_server_flight_unrequested(test_session *session, const test_pki *pki)
{
    feed_tls12_hellos_and_server_chain(session, pki);
    feed_simple(session, TEST_SERVER, MTLS_EVENT_SERVER_HELLO_DONE);
}

int test_pki_setup(void **state)
{
    test_pki *pki = g_new0(test_pki, 1);
    test_pki_init(pki);
    *state = pki;
    return 0;
}

int test_pki_teardown(void **state)
{
    test_pki_clear(*state);
    g_free(*state);
    return 0;
}

void assert_codes(const mtls_handshake *handshake, bool problems, const char *expected)
{
    char *got = codes_of(handshake, problems);
    if (strcmp(got, expected) != 0)
        fail_msg("%s: want %s, got %s", problems ? "problems" : "notes", expected, got);
    g_free(got);
}

void assert_message_mentions(const mtls_handshake *handshake, const char *code, const char *text)
{
    const char *message = message_of(handshake, code);
    if (message == NULL)
        fail_msg("no finding %s", code);
    if (strstr(message, text) == NULL)
        fail_msg("message of %s lacks '%s': %s", code, text, message);
}
