/* test_compressed.c - RFC 8879 compressed client certificates: each of the
 * three algorithms is decompressed and the chain inside judged as if sent
 * plain; data that does not decompress, or not to the declared length, or
 * an undefined algorithm, is a note and never "no client certificate".
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <brotli/encode.h>
#include <zlib.h>
#include <zstd.h>

#include "compressed_certificate.h"
#include "test_pki.h"

static const uint16_t tls13_only[] = {0x0304};

/* A TLS 1.3 Certificate message body: empty context, each entry without extensions. */
static GByteArray *certificate_message(const test_cert *const *chain, size_t count)
{
    GByteArray *entries = g_byte_array_new();
    for (size_t i = 0; i < count; i++) {
        size_t length;
        const uint8_t *der = g_bytes_get_data(chain[i]->der, &length);
        const uint8_t header[3] = {(uint8_t)(length >> 16), (uint8_t)(length >> 8), (uint8_t)length};
        static const uint8_t no_extensions[2] = {0, 0};
        g_byte_array_append(entries, header, 3);
        g_byte_array_append(entries, der, (guint)length);
        g_byte_array_append(entries, no_extensions, 2);
    }
    GByteArray *body = g_byte_array_new();
    const uint8_t header[4] = {0, (uint8_t)(entries->len >> 16), (uint8_t)(entries->len >> 8), (uint8_t)entries->len};
    g_byte_array_append(body, header, 4);
    g_byte_array_append(body, entries->data, entries->len);
    g_byte_array_unref(entries);
    return body;
}

static GByteArray *compress_with(uint16_t algorithm, const GByteArray *plain)
{
    GByteArray *out = g_byte_array_new();
    switch (algorithm) {
    case MTLS_CERTIFICATE_COMPRESSION_ZLIB: {
        uLongf length = compressBound(plain->len);
        g_byte_array_set_size(out, (guint)length);
        assert_int_equal(compress2(out->data, &length, plain->data, plain->len, 9), Z_OK);
        g_byte_array_set_size(out, (guint)length);
        break;
    }
    case MTLS_CERTIFICATE_COMPRESSION_BROTLI: {
        size_t length = BrotliEncoderMaxCompressedSize(plain->len);
        g_byte_array_set_size(out, (guint)length);
        assert_true(BrotliEncoderCompress(BROTLI_DEFAULT_QUALITY, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_GENERIC,
                                          plain->len, plain->data, &length, out->data));
        g_byte_array_set_size(out, (guint)length);
        break;
    }
    case MTLS_CERTIFICATE_COMPRESSION_ZSTD: {
        g_byte_array_set_size(out, (guint)ZSTD_compressBound(plain->len));
        size_t length = ZSTD_compress(out->data, out->len, plain->data, plain->len, 3);
        assert_false(ZSTD_isError(length));
        g_byte_array_set_size(out, (guint)length);
        break;
    }
    default:
        fail();
    }
    return out;
}

/* TLS 1.3 up to the server's Finished, requesting a certificate under the test root. */
static void tls13_server_flight(test_session *session, const test_pki *pki)
{
    feed_client_hello(session, 0x0303, tls13_only, 1);
    feed_server_hello(session, 0x0303, 0x0304);
    feed_certificate_request(session, CERTS(pki->root), 1);
    feed_certificate(session, TEST_SERVER, CERTS(pki->server, pki->issuing), 2);
    feed_simple(session, TEST_SERVER, MTLS_EVENT_CERTIFICATE_VERIFY);
    feed_simple(session, TEST_SERVER, MTLS_EVENT_FINISHED);
}

static void feed_compressed(test_session *session, uint16_t algorithm, uint32_t uncompressed_length,
                            const uint8_t *data, size_t length)
{
    mtls_event event = {.kind = MTLS_EVENT_COMPRESSED_CERTIFICATE};
    event.u.compressed_certificate.algorithm = algorithm;
    event.u.compressed_certificate.uncompressed_length = uncompressed_length;
    event.u.compressed_certificate.data = (mtls_blob){data, length};
    feed_event(session, TEST_CLIENT, &event);
}

static void client_finishes(test_session *session)
{
    feed_simple(session, TEST_CLIENT, MTLS_EVENT_CERTIFICATE_VERIFY);
    feed_simple(session, TEST_CLIENT, MTLS_EVENT_FINISHED);
    feed_simple(session, TEST_SERVER, MTLS_EVENT_NEW_SESSION_TICKET);
}

static void every_algorithm_is_read(void **state)
{
    test_pki *pki = *state;
    const uint16_t algorithms[] = {MTLS_CERTIFICATE_COMPRESSION_ZLIB, MTLS_CERTIFICATE_COMPRESSION_BROTLI,
                                   MTLS_CERTIFICATE_COMPRESSION_ZSTD};
    for (size_t i = 0; i < G_N_ELEMENTS(algorithms); i++) {
        GByteArray *plain = certificate_message(CERTS(pki->client, pki->issuing), 2);
        GByteArray *compressed = compress_with(algorithms[i], plain);
        test_session session;
        test_session_init(&session, NULL);
        tls13_server_flight(&session, pki);
        feed_compressed(&session, algorithms[i], plain->len, compressed->data, compressed->len);
        client_finishes(&session);
        const mtls_handshake_summary *summary = mtls_handshake_get_summary(session.last);
        assert_codes(session.last, true, "-");
        assert_codes(session.last, false, "handshake_completed");
        assert_int_equal(summary->client_chain_length, 2);
        assert_string_equal(summary->client_subject, "O=Unit Test,CN=client");
        assert_string_equal(summary->client_listed_ca, "O=Unit Test,CN=Test Root");
        assert_int_equal(mtls_handshake_verdict(session.last, true), MTLS_VERDICT_ANSWER_UNSEEN);
        test_session_clear(&session);
        g_byte_array_unref(compressed);
        g_byte_array_unref(plain);
    }
}

/* The chain inside is judged like any other: a leaf alone lacks its issuer. */
static void the_chain_inside_is_judged(void **state)
{
    test_pki *pki = *state;
    GByteArray *plain = certificate_message(CERTS(pki->client), 1);
    GByteArray *compressed = compress_with(MTLS_CERTIFICATE_COMPRESSION_ZLIB, plain);
    test_session session;
    test_session_init(&session, NULL);
    tls13_server_flight(&session, pki);
    feed_compressed(&session, MTLS_CERTIFICATE_COMPRESSION_ZLIB, plain->len, compressed->data, compressed->len);
    feed_alert(&session, TEST_SERVER, 2, 48);
    assert_codes(session.last, true, "missing_intermediate,unknown_ca");
    assert_int_equal(mtls_handshake_verdict(session.last, true), MTLS_VERDICT_REJECTED);
    test_session_clear(&session);
    g_byte_array_unref(compressed);
    g_byte_array_unref(plain);
}

static void unreadable_is_a_note_not_a_missing_certificate(void **state)
{
    test_pki *pki = *state;
    GByteArray *plain = certificate_message(CERTS(pki->client, pki->issuing), 2);
    GByteArray *compressed = compress_with(MTLS_CERTIFICATE_COMPRESSION_ZSTD, plain);
    const struct {
        uint16_t algorithm;
        uint32_t uncompressed_length;
        size_t length;
        const char *says;
    } cases[] = {
        {MTLS_CERTIFICATE_COMPRESSION_ZSTD, plain->len, compressed->len / 2, "does not decompress"},
        {MTLS_CERTIFICATE_COMPRESSION_ZSTD, plain->len + 7, compressed->len, "not the"},
        {MTLS_CERTIFICATE_COMPRESSION_ZSTD, 1u << 24, compressed->len, "uncompressed length"},
        {MTLS_CERTIFICATE_COMPRESSION_ZLIB, plain->len, compressed->len, "does not decompress"},
        {9, plain->len, compressed->len, "does not define"},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        test_session session;
        test_session_init(&session, NULL);
        tls13_server_flight(&session, pki);
        feed_compressed(&session, cases[i].algorithm, cases[i].uncompressed_length, compressed->data,
                        cases[i].length);
        client_finishes(&session);
        assert_codes(session.last, true, "-");
        assert_codes(session.last, false, "handshake_completed,malformed_certificate");
        assert_message_mentions(session.last, "malformed_certificate", "sent compressed (RFC 8879)");
        assert_message_mentions(session.last, "malformed_certificate", cases[i].says);
        assert_true(mtls_handshake_get_summary(session.last)->client_certificate_sent);
        assert_int_equal(mtls_handshake_verdict(session.last, true), MTLS_VERDICT_ANSWER_UNSEEN);
        test_session_clear(&session);
    }
    g_byte_array_unref(compressed);
    g_byte_array_unref(plain);
}

static void certificate_message_structure_is_checked(void **state)
{
    test_pki *pki = *state;
    GByteArray *body = certificate_message(CERTS(pki->client, pki->issuing), 2);
    GArray *certificates = g_array_new(FALSE, FALSE, sizeof(mtls_blob));
    char *error = NULL;
    assert_true(mtls_split_tls13_certificate_message(body->data, body->len, certificates, &error));
    assert_int_equal(certificates->len, 2);
    size_t length;
    g_bytes_get_data(pki->client->der, &length);
    assert_int_equal(g_array_index(certificates, mtls_blob, 0).length, length);

    /* Every truncation fails cleanly and adds nothing. */
    for (guint cut = 0; cut < body->len; cut++) {
        g_array_set_size(certificates, 0);
        assert_false(mtls_split_tls13_certificate_message(body->data, cut, certificates, &error));
        assert_non_null(error);
        assert_int_equal(certificates->len, 0);
        g_clear_pointer(&error, g_free);
    }
    /* An empty list is an empty Certificate. */
    static const uint8_t empty[] = {0, 0, 0, 0};
    assert_true(mtls_split_tls13_certificate_message(empty, sizeof empty, certificates, &error));
    assert_int_equal(certificates->len, 0);
    g_array_free(certificates, TRUE);
    g_byte_array_unref(body);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_algorithm_is_read),
        cmocka_unit_test(the_chain_inside_is_judged),
        cmocka_unit_test(unreadable_is_a_note_not_a_missing_certificate),
        cmocka_unit_test(certificate_message_structure_is_checked),
    };
    return cmocka_run_group_tests(tests, test_pki_setup, test_pki_teardown);
}
