/* test_certificate_verify.c - the client's CertificateVerify checked against
 * the transcript: signatures made here with the test PKI's keys, over
 * messages fed to the analyzer with their bytes, verify when the key is the
 * certificate's and fail when it is not, in TLS 1.0, 1.2 and 1.3 (with a
 * HelloRetryRequest); what was not captured whole is never judged.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <string.h>

#include "alerts.h"
#include "test_pki.h"

enum { CLIENT_HELLO = 1, SERVER_HELLO = 2, ENCRYPTED_EXTENSIONS = 8, CERTIFICATE = 11,
       CERTIFICATE_REQUEST = 13, SERVER_HELLO_DONE = 14, CERTIFICATE_VERIFY = 15, CLIENT_KEY_EXCHANGE = 16,
       FINISHED = 20 };

/* A session that also keeps, as the test's own record, every message it fed. */
typedef struct {
    test_session session;
    GByteArray *sent;
} signed_session;

/* `verify_every`: check each signature when it arrives, as most tests here
 * do; otherwise as by default, only when the server does not accept. */
static void start_checking(signed_session *s, bool verify_every)
{
    mtls_config *config = mtls_config_new();
    mtls_config_set_verify_every_certificate_verify(config, verify_every);
    test_session_init(&s->session, config);
    s->sent = g_byte_array_new();
}

static void start(signed_session *s)
{
    start_checking(s, true);
}

static void finish(signed_session *s)
{
    test_session_clear(&s->session);
    g_byte_array_free(s->sent, TRUE);
}

/* Feeds `event` carrying a message of `type` whose body is `body` (or
 * `body_length` bytes of filler when body is NULL). */
static void feed_message(signed_session *s, const char *sender, mtls_event event, uint8_t type,
                         const uint8_t *body, size_t body_length)
{
    GByteArray *message = g_byte_array_new();
    const uint8_t header[4] = {type, (uint8_t)(body_length >> 16), (uint8_t)(body_length >> 8),
                               (uint8_t)body_length};
    g_byte_array_append(message, header, sizeof header);
    for (size_t i = 0; i < body_length; i++) {
        uint8_t byte = body ? body[i] : (uint8_t)(type * 31 + i);
        g_byte_array_append(message, &byte, 1);
    }
    event.message = (mtls_blob){message->data, message->len};
    feed_event(&s->session, sender, &event);
    if (type != CERTIFICATE_VERIFY || strcmp(sender, TEST_SERVER) == 0)
        g_byte_array_append(s->sent, message->data, message->len);
    g_byte_array_free(message, TRUE);
}

static void feed_hello(signed_session *s, uint16_t version)
{
    mtls_event hello = {.kind = MTLS_EVENT_CLIENT_HELLO};
    static const uint16_t tls13[] = {0x0304, 0x0303};
    hello.u.client_hello.legacy_version = version > 0x0303 ? 0x0303 : version;
    hello.u.client_hello.supported_versions = version > 0x0303 ? tls13 : NULL;
    hello.u.client_hello.supported_version_count = version > 0x0303 ? 2 : 0;
    feed_message(s, TEST_CLIENT, hello, CLIENT_HELLO, NULL, 120);
}

static void feed_server_hello_message(signed_session *s, uint16_t version, const uint8_t *random)
{
    mtls_event hello = {.kind = MTLS_EVENT_SERVER_HELLO};
    hello.u.server_hello.legacy_version = version > 0x0303 ? 0x0303 : version;
    hello.u.server_hello.selected_version = version > 0x0303 ? version : 0;
    hello.u.server_hello.random = random;
    hello.u.server_hello.cipher_suite = version > 0x0303 ? 0x1302 : 0xc02b;
    feed_message(s, TEST_SERVER, hello, SERVER_HELLO, NULL, 80);
}

static void feed_chain(signed_session *s, const char *sender, const test_cert *const *chain, size_t count)
{
    mtls_blob blobs[4];
    for (size_t i = 0; i < count; i++)
        blobs[i].data = g_bytes_get_data(chain[i]->der, &blobs[i].length);
    mtls_event event = {.kind = MTLS_EVENT_CERTIFICATE};
    event.u.certificate.certificates = blobs;
    event.u.certificate.certificate_count = count;
    feed_message(s, sender, event, CERTIFICATE, NULL, 300);
}

static void feed_kind(signed_session *s, const char *sender, mtls_event_kind kind, uint8_t type)
{
    feed_message(s, sender, (mtls_event){.kind = kind}, type, NULL, 40);
}

/* Up to the client's Certificate and ClientKeyExchange, as TLS 1.0 or 1.2 send them. */
static void tls12_until_certificate_verify(signed_session *s, const test_pki *pki, uint16_t version,
                                           const test_cert *client_leaf)
{
    feed_hello(s, version);
    feed_server_hello_message(s, version, NULL);
    feed_chain(s, TEST_SERVER, CERTS(pki->server, pki->issuing), 2);
    feed_kind(s, TEST_SERVER, MTLS_EVENT_CERTIFICATE_REQUEST, CERTIFICATE_REQUEST);
    feed_kind(s, TEST_SERVER, MTLS_EVENT_SERVER_HELLO_DONE, SERVER_HELLO_DONE);
    feed_chain(s, TEST_CLIENT, CERTS(client_leaf, pki->issuing), 2);
    feed_kind(s, TEST_CLIENT, MTLS_EVENT_OTHER_HANDSHAKE_MESSAGE, CLIENT_KEY_EXCHANGE);
}

static gnutls_datum_t sign(const test_cert *signer, gnutls_sign_algorithm_t algorithm, const uint8_t *data,
                           size_t length)
{
    gnutls_privkey_t key;
    gnutls_datum_t signature = {NULL, 0};
    assert_int_equal(gnutls_privkey_init(&key), 0);
    assert_int_equal(gnutls_privkey_import_x509(key, signer->key, 0), 0);
    const gnutls_datum_t datum = {(unsigned char *)(uintptr_t)data, (unsigned)length};
    assert_int_equal(gnutls_privkey_sign_data2(key, algorithm, 0, &datum, &signature), 0);
    gnutls_privkey_deinit(key);
    return signature;
}

/* A CertificateVerify body: [scheme] signature<2>. */
static void feed_certificate_verify(signed_session *s, uint16_t scheme, gnutls_datum_t signature)
{
    GByteArray *body = g_byte_array_new();
    if (scheme != 0) {
        const uint8_t named[2] = {(uint8_t)(scheme >> 8), (uint8_t)scheme};
        g_byte_array_append(body, named, 2);
    }
    const uint8_t length[2] = {(uint8_t)(signature.size >> 8), (uint8_t)signature.size};
    g_byte_array_append(body, length, 2);
    g_byte_array_append(body, signature.data, signature.size);
    feed_message(s, TEST_CLIENT, (mtls_event){.kind = MTLS_EVENT_CERTIFICATE_VERIFY}, CERTIFICATE_VERIFY,
                 body->data, body->len);
    g_byte_array_free(body, TRUE);
    gnutls_free(signature.data);
}

static test_cert *new_rsa_client(const test_pki *pki, const char *name)
{
    return test_cert_new(&(test_cert_spec){.common_name = name, .issuer = pki->issuing, .eku = {OID_CLIENT_AUTH},
                                           .rsa_bits = 2048});
}

/* What a client whose key is not its certificate's sends: another client's
 * key signs the transcript so far. */
static void feed_foreign_certificate_verify(signed_session *s, const test_pki *pki)
{
    feed_certificate_verify(s, 0x0403,
                            sign(pki->foreign_client, GNUTLS_SIGN_ECDSA_SHA256, s->sent->data, s->sent->len));
}

static mtls_certificate_verify_status status_of(const signed_session *s)
{
    return mtls_handshake_get_summary(s->session.last)->certificate_verify;
}

static void tls12_signature_by_the_certificate_key_verifies(void **state)
{
    test_pki *pki = *state;
    signed_session s;
    start(&s);
    tls12_until_certificate_verify(&s, pki, 0x0303, pki->client);
    feed_certificate_verify(&s, 0x0403, sign(pki->client, GNUTLS_SIGN_ECDSA_SHA256, s.sent->data, s.sent->len));
    assert_int_equal(status_of(&s), MTLS_CERTIFICATE_VERIFY_VALID);
    assert_codes(s.session.last, true, "-");
    finish(&s);
}

static void tls12_signature_by_another_key_fails(void **state)
{
    test_pki *pki = *state;
    signed_session s;
    start(&s);
    tls12_until_certificate_verify(&s, pki, 0x0303, pki->client);
    feed_foreign_certificate_verify(&s, pki);
    assert_int_equal(status_of(&s), MTLS_CERTIFICATE_VERIFY_INVALID);
    assert_codes(s.session.last, true, "certificate_verify_failed");
    assert_message_mentions(s.session.last, "certificate_verify_failed", "signed ecdsa_secp256r1_sha256");
    assert_message_mentions(s.session.last, "certificate_verify_failed", "private key does not belong to its certificate");
    /* The alert that follows points at the finding. */
    feed_alert(&s.session, TEST_SERVER, 2, 51);
    assert_message_mentions(s.session.last, "decrypt_error", "certificate_verify_failed");
    finish(&s);
}

/* The key fits the request (P-256 can hash with SHA-384 in TLS 1.2), but the
 * client signed with a scheme the request does not list. */
static void certificate_verify_with_an_unlisted_scheme_is_a_mismatch(void **state)
{
    test_pki *pki = *state;
    static const uint16_t listed[] = {0x0403, 0x0804};
    for (int unlisted = 0; unlisted < 2; unlisted++) {
        signed_session s;
        start(&s);
        feed_hello(&s, 0x0303);
        feed_server_hello_message(&s, 0x0303, NULL);
        feed_chain(&s, TEST_SERVER, CERTS(pki->server, pki->issuing), 2);
        mtls_event request = {.kind = MTLS_EVENT_CERTIFICATE_REQUEST};
        request.u.certificate_request.signature_algorithms = listed;
        request.u.certificate_request.signature_algorithm_count = G_N_ELEMENTS(listed);
        feed_message(&s, TEST_SERVER, request, CERTIFICATE_REQUEST, NULL, 30);
        feed_kind(&s, TEST_SERVER, MTLS_EVENT_SERVER_HELLO_DONE, SERVER_HELLO_DONE);
        feed_chain(&s, TEST_CLIENT, CERTS(pki->client, pki->issuing), 2);
        feed_kind(&s, TEST_CLIENT, MTLS_EVENT_OTHER_HANDSHAKE_MESSAGE, CLIENT_KEY_EXCHANGE);
        if (unlisted)
            feed_certificate_verify(&s, 0x0503, sign(pki->client, GNUTLS_SIGN_ECDSA_SHA384, s.sent->data, s.sent->len));
        else
            feed_certificate_verify(&s, 0x0403, sign(pki->client, GNUTLS_SIGN_ECDSA_SHA256, s.sent->data, s.sent->len));
        assert_int_equal(status_of(&s), MTLS_CERTIFICATE_VERIFY_VALID);
        assert_codes(s.session.last, true, unlisted ? "signature_algorithm_mismatch" : "-");
        if (unlisted)
            assert_message_mentions(s.session.last, "signature_algorithm_mismatch",
                                    "with ecdsa_secp384r1_sha384 (0x0503), which the CertificateRequest");
        finish(&s);
    }
}

/* With the key proven, a decrypt_error is about another signature. */
static void decrypt_error_after_a_valid_signature_looks_elsewhere(void **state)
{
    test_pki *pki = *state;
    signed_session s;
    start(&s);
    tls12_until_certificate_verify(&s, pki, 0x0303, pki->client);
    feed_certificate_verify(&s, 0x0403, sign(pki->client, GNUTLS_SIGN_ECDSA_SHA256, s.sent->data, s.sent->len));
    feed_alert(&s.session, TEST_SERVER, 2, 51);
    assert_codes(s.session.last, true, "decrypt_error");
    assert_message_mentions(s.session.last, "decrypt_error", "was checked and is signed with the key of this certificate");
    finish(&s);
}

static void signature_over_another_transcript_fails(void **state)
{
    test_pki *pki = *state;
    signed_session s;
    start(&s);
    tls12_until_certificate_verify(&s, pki, 0x0303, pki->client);
    s.sent->data[10] ^= 0x01; /* the client saw a different ClientHello (a middlebox changed it) */
    feed_certificate_verify(&s, 0x0403, sign(pki->client, GNUTLS_SIGN_ECDSA_SHA256, s.sent->data, s.sent->len));
    assert_int_equal(status_of(&s), MTLS_CERTIFICATE_VERIFY_INVALID);
    finish(&s);
}

static void signature_of_another_key_type_fails(void **state)
{
    test_pki *pki = *state;
    test_cert *rsa_client = new_rsa_client(pki, "rsa client");
    signed_session s;
    start(&s);
    tls12_until_certificate_verify(&s, pki, 0x0303, pki->client);
    feed_certificate_verify(&s, 0x0804,
                            sign(rsa_client, GNUTLS_SIGN_RSA_PSS_RSAE_SHA256, s.sent->data, s.sent->len));
    assert_int_equal(status_of(&s), MTLS_CERTIFICATE_VERIFY_INVALID);
    assert_message_mentions(s.session.last, "certificate_verify_failed", "the signature is RSA");
    finish(&s);
    test_cert_free(rsa_client);
}

static void tls12_rsa_pss_verifies(void **state)
{
    test_pki *pki = *state;
    test_cert *rsa_client = new_rsa_client(pki, "rsa client");
    signed_session s;
    start(&s);
    tls12_until_certificate_verify(&s, pki, 0x0303, rsa_client);
    feed_certificate_verify(&s, 0x0804,
                            sign(rsa_client, GNUTLS_SIGN_RSA_PSS_RSAE_SHA256, s.sent->data, s.sent->len));
    assert_int_equal(status_of(&s), MTLS_CERTIFICATE_VERIFY_VALID);
    finish(&s);
    test_cert_free(rsa_client);
}

/* TLS 1.0 RSA signs MD5 and SHA-1 of the messages side by side, without a DigestInfo. */
static void tls10_rsa_signs_md5_and_sha1(void **state)
{
    test_pki *pki = *state;
    test_cert *rsa_client = new_rsa_client(pki, "rsa client");
    for (int right_key = 0; right_key < 2; right_key++) {
        signed_session s;
        start(&s);
        tls12_until_certificate_verify(&s, pki, 0x0301, rsa_client);
        test_cert *other = new_rsa_client(pki, "other");
        uint8_t both[36];
        gnutls_hash_fast(GNUTLS_DIG_MD5, s.sent->data, s.sent->len, both);
        gnutls_hash_fast(GNUTLS_DIG_SHA1, s.sent->data, s.sent->len, both + 16);
        gnutls_privkey_t key;
        gnutls_datum_t signature;
        const gnutls_datum_t hash = {both, sizeof both};
        assert_int_equal(gnutls_privkey_init(&key), 0);
        assert_int_equal(gnutls_privkey_import_x509(key, right_key ? rsa_client->key : other->key, 0), 0);
        assert_int_equal(gnutls_privkey_sign_hash(key, 0, GNUTLS_PRIVKEY_SIGN_FLAG_TLS1_RSA, &hash, &signature), 0);
        gnutls_privkey_deinit(key);
        feed_certificate_verify(&s, 0, signature);
        assert_int_equal(status_of(&s), right_key ? MTLS_CERTIFICATE_VERIFY_VALID : MTLS_CERTIFICATE_VERIFY_INVALID);
        finish(&s);
        test_cert_free(other);
    }
    test_cert_free(rsa_client);
}

/* RFC 8446 4.4.3 over the test's own record of the transcript; with a
 * HelloRetryRequest the first ClientHello is replaced by its hash (4.4.1)
 * unless `naive` asks for the mistake of hashing it as sent. */
static GByteArray *tls13_content(const GByteArray *sent, size_t first_hello_length, bool naive)
{
    GByteArray *transcript = g_byte_array_new();
    uint8_t hash[48];
    if (first_hello_length > 0 && !naive) {
        const uint8_t header[4] = {254, 0, 0, 48};
        g_byte_array_append(transcript, header, 4);
        gnutls_hash_fast(GNUTLS_DIG_SHA384, sent->data, first_hello_length, hash);
        g_byte_array_append(transcript, hash, 48);
        g_byte_array_append(transcript, sent->data + first_hello_length, sent->len - first_hello_length);
    } else {
        g_byte_array_append(transcript, sent->data, sent->len);
    }
    gnutls_hash_fast(GNUTLS_DIG_SHA384, transcript->data, transcript->len, hash);
    g_byte_array_set_size(transcript, 0);
    for (int i = 0; i < 64; i++)
        g_byte_array_append(transcript, (const uint8_t *)" ", 1);
    static const char context[] = "TLS 1.3, client CertificateVerify";
    g_byte_array_append(transcript, (const uint8_t *)context, sizeof context);
    g_byte_array_append(transcript, hash, 48);
    return transcript;
}

static void tls13_after_hello_retry(signed_session *s, const test_pki *pki, size_t *first_hello_length)
{
    uint8_t retry_random[32];
    gnutls_hash_fast(GNUTLS_DIG_SHA256, "HelloRetryRequest", strlen("HelloRetryRequest"), retry_random);
    feed_hello(s, 0x0304);
    *first_hello_length = s->sent->len;
    feed_server_hello_message(s, 0x0304, retry_random);
    feed_hello(s, 0x0304);
    feed_server_hello_message(s, 0x0304, NULL);
    feed_kind(s, TEST_SERVER, MTLS_EVENT_OTHER_HANDSHAKE_MESSAGE, ENCRYPTED_EXTENSIONS);
    feed_kind(s, TEST_SERVER, MTLS_EVENT_CERTIFICATE_REQUEST, CERTIFICATE_REQUEST);
    feed_chain(s, TEST_SERVER, CERTS(pki->server, pki->issuing), 2);
    feed_kind(s, TEST_SERVER, MTLS_EVENT_CERTIFICATE_VERIFY, CERTIFICATE_VERIFY);
    feed_kind(s, TEST_SERVER, MTLS_EVENT_FINISHED, FINISHED);
    feed_chain(s, TEST_CLIENT, CERTS(pki->client, pki->issuing), 2);
}

static void tls13_with_hello_retry_verifies(void **state)
{
    test_pki *pki = *state;
    for (int naive = 0; naive < 2; naive++) {
        signed_session s;
        size_t first_hello_length;
        start(&s);
        tls13_after_hello_retry(&s, pki, &first_hello_length);
        GByteArray *content = tls13_content(s.sent, first_hello_length, naive);
        feed_certificate_verify(&s, 0x0403, sign(pki->client, GNUTLS_SIGN_ECDSA_SHA256, content->data, content->len));
        g_byte_array_free(content, TRUE);
        assert_int_equal(status_of(&s), naive ? MTLS_CERTIFICATE_VERIFY_INVALID : MTLS_CERTIFICATE_VERIFY_VALID);
        finish(&s);
    }
}

/* With the session keys loaded the client's Finished is read, as a handshake
 * message, before the server's alert: the signature checked at the alert
 * still covers only what came before it, so an honest client verifies and a
 * foreign key still fails (TLS 1.2 and 1.3, each checked at the alert). */
static void finished_read_before_the_alert_is_not_signed(void **state)
{
    test_pki *pki = *state;
    for (int honest = 0; honest < 2; honest++) {
        for (int tls13 = 0; tls13 < 2; tls13++) {
            signed_session s;
            start_checking(&s, false);
            if (tls13) {
                size_t first_hello_length;
                tls13_after_hello_retry(&s, pki, &first_hello_length);
                GByteArray *content = tls13_content(s.sent, first_hello_length, false);
                const test_cert *signer = honest ? pki->client : pki->foreign_client;
                feed_certificate_verify(&s, 0x0403,
                                        sign(signer, GNUTLS_SIGN_ECDSA_SHA256, content->data, content->len));
                g_byte_array_free(content, TRUE);
            } else {
                tls12_until_certificate_verify(&s, pki, 0x0303, pki->client);
                if (honest)
                    feed_certificate_verify(&s, 0x0403, sign(pki->client, GNUTLS_SIGN_ECDSA_SHA256, s.sent->data,
                                                             s.sent->len));
                else
                    feed_foreign_certificate_verify(&s, pki);
                feed_simple(&s.session, TEST_CLIENT, MTLS_EVENT_CHANGE_CIPHER_SPEC);
            }
            feed_kind(&s, TEST_CLIENT, MTLS_EVENT_FINISHED, FINISHED);
            feed_alert(&s.session, TEST_SERVER, 2, tls13 ? MTLS_ALERT_DECRYPT_ERROR : MTLS_ALERT_HANDSHAKE_FAILURE);
            assert_int_equal(status_of(&s),
                             honest ? MTLS_CERTIFICATE_VERIFY_VALID : MTLS_CERTIFICATE_VERIFY_INVALID);
            if (honest)
                assert_codes(s.session.last, true, tls13 ? "decrypt_error" : "handshake_failure");
            else
                assert_codes(s.session.last, true,
                             tls13 ? "certificate_verify_failed,decrypt_error"
                                   : "certificate_verify_failed,handshake_failure");
            finish(&s);
        }
    }
}

/* A message not captured whole (its bytes missing) leaves nothing to check
 * against: the status says so and nothing is reported. */
static void incomplete_transcript_is_not_judged(void **state)
{
    test_pki *pki = *state;
    signed_session s;
    start(&s);
    feed_hello(&s, 0x0303);
    feed_server_hello_message(&s, 0x0303, NULL);
    feed_chain(&s, TEST_SERVER, CERTS(pki->server, pki->issuing), 2);
    feed_simple(&s.session, TEST_SERVER, MTLS_EVENT_OTHER_HANDSHAKE_MESSAGE); /* ServerKeyExchange, bytes lost */
    feed_kind(&s, TEST_SERVER, MTLS_EVENT_CERTIFICATE_REQUEST, CERTIFICATE_REQUEST);
    feed_kind(&s, TEST_SERVER, MTLS_EVENT_SERVER_HELLO_DONE, SERVER_HELLO_DONE);
    feed_chain(&s, TEST_CLIENT, CERTS(pki->client, pki->issuing), 2);
    feed_foreign_certificate_verify(&s, pki);
    const mtls_handshake_summary *summary = mtls_handshake_get_summary(s.session.last);
    assert_int_equal(summary->certificate_verify, MTLS_CERTIFICATE_VERIFY_UNCHECKED);
    assert_non_null(strstr(summary->certificate_verify_detail, "not all captured"));
    assert_codes(s.session.last, true, "-");
    finish(&s);
}

/* A gap in the capture (snap length, lost segment) may hide a whole message:
 * even a signature that does not verify is then not judged. */
static void capture_gap_leaves_the_signature_unjudged(void **state)
{
    test_pki *pki = *state;
    signed_session s;
    start(&s);
    tls12_until_certificate_verify(&s, pki, 0x0303, pki->client);
    feed_simple(&s.session, TEST_SERVER, MTLS_EVENT_CAPTURE_GAP);
    feed_foreign_certificate_verify(&s, pki);
    assert_int_equal(status_of(&s), MTLS_CERTIFICATE_VERIFY_UNCHECKED);
    assert_codes(s.session.last, true, "-");
    finish(&s);

    /* A gap after the CertificateVerify cannot touch what it signed. */
    start_checking(&s, false);
    tls12_until_certificate_verify(&s, pki, 0x0303, pki->client);
    feed_foreign_certificate_verify(&s, pki);
    feed_simple(&s.session, TEST_SERVER, MTLS_EVENT_CAPTURE_GAP);
    feed_alert(&s.session, TEST_SERVER, 2, 51);
    assert_int_equal(status_of(&s), MTLS_CERTIFICATE_VERIFY_INVALID);
    finish(&s);
}

/* Messages that cannot start a handshake, and bytes that contradict their own header. */
static void stray_and_malformed_messages_are_harmless(void **state)
{
    test_pki *pki = *state;
    signed_session s;
    start(&s);
    feed_kind(&s, TEST_CLIENT, MTLS_EVENT_OTHER_HANDSHAKE_MESSAGE, CLIENT_KEY_EXCHANGE);
    assert_null(s.session.last);
    tls12_until_certificate_verify(&s, pki, 0x0303, pki->client);
    static const uint8_t short_body[] = {0x04, 0x03, 0x00, 0x40, 0x01};
    feed_message(&s, TEST_CLIENT, (mtls_event){.kind = MTLS_EVENT_CERTIFICATE_VERIFY}, CERTIFICATE_VERIFY,
                 short_body, sizeof short_body);
    const mtls_handshake_summary *summary = mtls_handshake_get_summary(s.session.last);
    assert_int_equal(summary->certificate_verify, MTLS_CERTIFICATE_VERIFY_UNCHECKED);
    assert_codes(s.session.last, true, "-");
    finish(&s);
}

/* By default a signature is verified only when the server does not accept
 * the handshake: at its alert, where the failure is then reported. */
static void refused_handshake_is_verified_at_the_alert(void **state)
{
    test_pki *pki = *state;
    signed_session s;
    start_checking(&s, false);
    tls12_until_certificate_verify(&s, pki, 0x0303, pki->client);
    feed_foreign_certificate_verify(&s, pki);
    const uint32_t certificate_verify_frame = s.session.frame;
    const mtls_handshake_summary *summary = mtls_handshake_get_summary(s.session.last);
    assert_int_equal(summary->certificate_verify, MTLS_CERTIFICATE_VERIFY_UNCHECKED);
    assert_non_null(strstr(summary->certificate_verify_detail, "awaiting the server's answer"));
    assert_codes(s.session.last, true, "-");
    feed_alert(&s.session, TEST_SERVER, 2, 51);
    assert_int_equal(summary->certificate_verify, MTLS_CERTIFICATE_VERIFY_INVALID);
    assert_codes(s.session.last, true, "certificate_verify_failed,decrypt_error");
    const mtls_finding *failed = NULL;
    for (size_t i = 0; i < mtls_handshake_finding_count(s.session.last); i++) {
        if (strcmp(mtls_handshake_finding(s.session.last, i)->info->code, "certificate_verify_failed") == 0)
            failed = mtls_handshake_finding(s.session.last, i);
    }
    assert_int_equal(failed->frame, s.session.frame);
    assert_int_equal(failed->evidence[0], certificate_verify_frame);
    assert_message_mentions(s.session.last, "decrypt_error", "certificate_verify_failed");
    finish(&s);
}

/* By default the signature is verified only when the server's alert can be
 * about it: decrypt_error always, the vaguer alerts when nothing else found
 * explains them. An alert about the chain is not, and the status says why;
 * the signature here is always a foreign key's, so a check would fail. */
static void refusal_verifies_only_when_the_alert_can_concern_the_signature(void **state)
{
    test_pki *pki = *state;
    static const struct {
        int alert;
        bool checked;
    } cases[] = {
        {MTLS_ALERT_DECRYPT_ERROR, true},        {MTLS_ALERT_HANDSHAKE_FAILURE, true},
        {MTLS_ALERT_BAD_CERTIFICATE, true},      {MTLS_ALERT_ILLEGAL_PARAMETER, true},
        {MTLS_ALERT_DECODE_ERROR, true},         {MTLS_ALERT_INTERNAL_ERROR, true},
        {MTLS_ALERT_UNKNOWN_CA, false},          {MTLS_ALERT_CERTIFICATE_EXPIRED, false},
        {MTLS_ALERT_CERTIFICATE_UNKNOWN, false}, {MTLS_ALERT_CERTIFICATE_REVOKED, false},
        {MTLS_ALERT_UNSUPPORTED_CERTIFICATE, false}, {MTLS_ALERT_ACCESS_DENIED, false},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        signed_session s;
        start_checking(&s, false);
        tls12_until_certificate_verify(&s, pki, 0x0303, pki->client);
        feed_foreign_certificate_verify(&s, pki);
        feed_alert(&s.session, TEST_SERVER, 2, cases[i].alert);
        const mtls_handshake_summary *summary = mtls_handshake_get_summary(s.session.last);
        bool failed_reported = false;
        for (size_t f = 0; f < mtls_handshake_finding_count(s.session.last); f++)
            failed_reported |= strcmp(mtls_handshake_finding(s.session.last, f)->info->code,
                                      "certificate_verify_failed") == 0;
        if (cases[i].checked) {
            assert_int_equal(summary->certificate_verify, MTLS_CERTIFICATE_VERIFY_INVALID);
            assert_true(failed_reported);
        } else {
            assert_int_equal(summary->certificate_verify, MTLS_CERTIFICATE_VERIFY_UNCHECKED);
            assert_non_null(strstr(summary->certificate_verify_detail, "about the certificate chain"));
            assert_false(failed_reported);
        }
        finish(&s);
    }
}

/* A problem of the server's own chain (self-signed here) explains nothing
 * about the server's refusal of the client: the signature is checked. */
static void server_chain_problem_does_not_excuse_the_signature(void **state)
{
    test_pki *pki = *state;
    signed_session s;
    start_checking(&s, false);
    feed_hello(&s, 0x0303);
    feed_server_hello_message(&s, 0x0303, NULL);
    feed_chain(&s, TEST_SERVER, CERTS(pki->foreign_root), 1);
    feed_kind(&s, TEST_SERVER, MTLS_EVENT_CERTIFICATE_REQUEST, CERTIFICATE_REQUEST);
    feed_kind(&s, TEST_SERVER, MTLS_EVENT_SERVER_HELLO_DONE, SERVER_HELLO_DONE);
    feed_chain(&s, TEST_CLIENT, CERTS(pki->client, pki->issuing), 2);
    feed_kind(&s, TEST_CLIENT, MTLS_EVENT_OTHER_HANDSHAKE_MESSAGE, CLIENT_KEY_EXCHANGE);
    /* Signed with the server's key, not the client certificate's. */
    feed_certificate_verify(&s, 0x0403, sign(pki->server, GNUTLS_SIGN_ECDSA_SHA256, s.sent->data, s.sent->len));
    feed_alert(&s.session, TEST_SERVER, 2, MTLS_ALERT_HANDSHAKE_FAILURE);
    const mtls_handshake_summary *summary = mtls_handshake_get_summary(s.session.last);
    assert_non_null(message_of(s.session.last, "server_self_signed"));
    if (summary->certificate_verify != MTLS_CERTIFICATE_VERIFY_INVALID)
        fail_msg("CertificateVerify %d: %s (%s)", summary->certificate_verify,
                 summary->certificate_verify_detail ? summary->certificate_verify_detail : "-",
                 codes_of(s.session.last, true));
    assert_non_null(message_of(s.session.last, "certificate_verify_failed"));
    finish(&s);
}

/* A vague alert that a problem already found explains (an expired client
 * certificate, then bad_certificate) is not taken for the signature's. */
static void explained_vague_alert_leaves_the_signature_unchecked(void **state)
{
    test_pki *pki = *state;
    test_cert *expired = test_cert_new(&(test_cert_spec){.common_name = "expired client", .issuer = pki->issuing,
                                                         .not_before = TEST_NOW - 3 * 86400 * 365,
                                                         .not_after = TEST_NOW - 86400});
    signed_session s;
    start_checking(&s, false);
    tls12_until_certificate_verify(&s, pki, 0x0303, expired);
    feed_certificate_verify(&s, 0x0403, sign(expired, GNUTLS_SIGN_ECDSA_SHA256, s.sent->data, s.sent->len));
    feed_alert(&s.session, TEST_SERVER, 2, MTLS_ALERT_BAD_CERTIFICATE);
    const mtls_handshake_summary *summary = mtls_handshake_get_summary(s.session.last);
    assert_int_equal(summary->certificate_verify, MTLS_CERTIFICATE_VERIFY_UNCHECKED);
    assert_non_null(strstr(summary->certificate_verify_detail, "a problem of the client chain already found explains"));
    assert_codes(s.session.last, true, "bad_certificate,expired");
    finish(&s);
    test_cert_free(expired);
}

/* A server that completes the handshake verified the signature: it is not
 * verified again (even this one, which would fail), and says so. */
static void accepted_handshake_is_not_verified_again(void **state)
{
    test_pki *pki = *state;
    signed_session s;
    start_checking(&s, false);
    tls12_until_certificate_verify(&s, pki, 0x0303, pki->client);
    feed_foreign_certificate_verify(&s, pki);
    feed_simple(&s.session, TEST_CLIENT, MTLS_EVENT_CHANGE_CIPHER_SPEC);
    feed_simple(&s.session, TEST_CLIENT, MTLS_EVENT_ENCRYPTED_HANDSHAKE);
    feed_simple(&s.session, TEST_SERVER, MTLS_EVENT_CHANGE_CIPHER_SPEC);
    const mtls_handshake_summary *summary = mtls_handshake_get_summary(s.session.last);
    assert_int_equal(summary->certificate_verify, MTLS_CERTIFICATE_VERIFY_ACCEPTED);
    assert_string_equal(mtls_certificate_verify_status_name(summary->certificate_verify), "accepted by the server");
    assert_codes(s.session.last, true, "-");
    finish(&s);
}

/* A handshake that never ends, because another begins on the connection,
 * keeps nothing for a check that can no longer come. */
static void superseded_handshake_releases_what_it_kept(void **state)
{
    test_pki *pki = *state;
    signed_session s;
    start_checking(&s, false);
    tls12_until_certificate_verify(&s, pki, 0x0303, pki->client);
    feed_certificate_verify(&s, 0x0403, sign(pki->client, GNUTLS_SIGN_ECDSA_SHA256, s.sent->data, s.sent->len));
    mtls_handshake *first = s.session.last;
    assert_non_null(strstr(mtls_handshake_get_summary(first)->certificate_verify_detail, "awaiting"));
    feed_hello(&s, 0x0303);
    feed_server_hello_message(&s, 0x0303, NULL);
    assert_ptr_not_equal(s.session.last, first);
    assert_int_equal(mtls_handshake_get_summary(first)->certificate_verify, MTLS_CERTIFICATE_VERIFY_UNCHECKED);
    assert_non_null(strstr(mtls_handshake_get_summary(first)->certificate_verify_detail, "never ended"));
    finish(&s);
}

/* The same handshake on another connection of the capture (a capture on
 * every interface of a host that forwards it): the same input, one public-key
 * operation, the same verdict. Another signature over the same messages is
 * another input, checked on its own. */
static void same_handshake_twice_is_verified_once(void **state)
{
    test_pki *pki = *state;
    signed_session s;
    start(&s);
    tls12_until_certificate_verify(&s, pki, 0x0303, pki->client);
    const gnutls_datum_t foreign = sign(pki->foreign_client, GNUTLS_SIGN_ECDSA_SHA256, s.sent->data, s.sent->len);
    const gnutls_datum_t valid = sign(pki->client, GNUTLS_SIGN_ECDSA_SHA256, s.sent->data, s.sent->len);
    const struct {
        gnutls_datum_t signature;
        mtls_certificate_verify_status status;
        const char *codes;
        size_t checks;
    } connections[] = {
        {foreign, MTLS_CERTIFICATE_VERIFY_INVALID, "certificate_verify_failed", 1},
        {foreign, MTLS_CERTIFICATE_VERIFY_INVALID, "certificate_verify_failed", 1},
        {valid, MTLS_CERTIFICATE_VERIFY_VALID, "-", 2},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(connections); i++) {
        if (i > 0) {
            mtls_stream_free(s.session.stream);
            s.session.stream = mtls_stream_new(s.session.capture, 7 + (uint32_t)i);
            g_byte_array_set_size(s.sent, 0);
            tls12_until_certificate_verify(&s, pki, 0x0303, pki->client);
        }
        gnutls_datum_t copy = {gnutls_malloc(connections[i].signature.size), connections[i].signature.size};
        memcpy(copy.data, connections[i].signature.data, copy.size);
        feed_certificate_verify(&s, 0x0403, copy);
        assert_int_equal(status_of(&s), connections[i].status);
        assert_codes(s.session.last, true, connections[i].codes);
        const mtls_capture_statistics statistics = mtls_capture_get_statistics(s.session.capture);
        assert_int_equal(statistics.certificate_verify_lookups, i + 1);
        assert_int_equal(statistics.certificate_verify_checks, connections[i].checks);
    }
    gnutls_free(foreign.data);
    gnutls_free(valid.data);
    finish(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tls12_signature_by_the_certificate_key_verifies),
        cmocka_unit_test(tls12_signature_by_another_key_fails),
        cmocka_unit_test(decrypt_error_after_a_valid_signature_looks_elsewhere),
        cmocka_unit_test(certificate_verify_with_an_unlisted_scheme_is_a_mismatch),
        cmocka_unit_test(signature_over_another_transcript_fails),
        cmocka_unit_test(signature_of_another_key_type_fails),
        cmocka_unit_test(tls12_rsa_pss_verifies),
        cmocka_unit_test(tls10_rsa_signs_md5_and_sha1),
        cmocka_unit_test(tls13_with_hello_retry_verifies),
        cmocka_unit_test(finished_read_before_the_alert_is_not_signed),
        cmocka_unit_test(incomplete_transcript_is_not_judged),
        cmocka_unit_test(stray_and_malformed_messages_are_harmless),
        cmocka_unit_test(capture_gap_leaves_the_signature_unjudged),
        cmocka_unit_test(refused_handshake_is_verified_at_the_alert),
        cmocka_unit_test(refusal_verifies_only_when_the_alert_can_concern_the_signature),
        cmocka_unit_test(explained_vague_alert_leaves_the_signature_unchecked),
        cmocka_unit_test(server_chain_problem_does_not_excuse_the_signature),
        cmocka_unit_test(accepted_handshake_is_not_verified_again),
        cmocka_unit_test(superseded_handshake_releases_what_it_kept),
        cmocka_unit_test(same_handshake_twice_is_verified_once),
    };
    return cmocka_run_group_tests(tests, test_pki_setup, test_pki_teardown);
}
