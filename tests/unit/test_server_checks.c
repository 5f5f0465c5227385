/* test_server_checks.c - the checks the troubleshooting guides make by hand
 * besides the chain: the server name (SNI) against the server certificate,
 * and certificates about to expire. Each finding appears where it must and
 * nowhere else.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <glib/gstdio.h>
#include <string.h>

#include "server_name.h"
#include "test_pki.h"

/* A TLS 1.2 handshake to a server sending `server_chain`, after a
 * ClientHello for `server_name`, that the client completes with its chain. */
static void handshake_for(test_session *session, const test_pki *pki, const char *server_name,
                          const test_cert *server_leaf, const test_cert *client_leaf)
{
    feed_client_hello_for(session, server_name);
    feed_server_hello(session, 0x0303, 0);
    feed_certificate(session, TEST_SERVER, CERTS(server_leaf, pki->issuing), 2);
    feed_certificate_request(session, CERTS(pki->issuing), 1);
    feed_simple(session, TEST_SERVER, MTLS_EVENT_SERVER_HELLO_DONE);
    feed_certificate(session, TEST_CLIENT, CERTS(client_leaf, pki->issuing), 2);
}

static void covered_server_name_gives_nothing(void **state)
{
    test_pki *pki = *state;
    test_session session;
    test_session_init(&session, NULL);
    handshake_for(&session, pki, TEST_SERVER_NAME, pki->server, pki->client);
    assert_codes(session.last, true, "-");
    assert_codes(session.last, false, "-");
    test_session_clear(&session);
}

static void uncovered_server_name_is_a_mismatch(void **state)
{
    test_pki *pki = *state;
    test_session session;
    test_session_init(&session, NULL);
    handshake_for(&session, pki, "billing.example.test", pki->server, pki->client);
    assert_codes(session.last, true, "server_name_mismatch");
    assert_message_mentions(session.last, "server_name_mismatch", "'billing.example.test'");
    assert_message_mentions(session.last, "server_name_mismatch", "'api.example.test', 'portal.example.test'");
    test_session_clear(&session);
}

static void wildcard_covers_one_label(void **state)
{
    test_pki *pki = *state;
    test_cert *wildcard = test_cert_new(&(test_cert_spec){.common_name = "wildcard", .issuer = pki->issuing,
                                                          .eku = {OID_SERVER_AUTH},
                                                          .dns_names = {"*.apps.example.test"}});
    test_session session;
    test_session_init(&session, NULL);
    handshake_for(&session, pki, "shop.apps.example.test", wildcard, pki->client);
    assert_codes(session.last, true, "-");
    test_session_clear(&session);

    test_session_init(&session, NULL);
    handshake_for(&session, pki, "a.b.apps.example.test", wildcard, pki->client);
    assert_codes(session.last, true, "server_name_mismatch");
    test_session_clear(&session);
    test_cert_free(wildcard);
}

static void common_name_counts_only_without_alternative_names(void **state)
{
    test_pki *pki = *state;
    test_cert *named_by_cn = test_cert_new(&(test_cert_spec){.common_name = "legacy.example.test",
                                                             .issuer = pki->issuing, .eku = {OID_SERVER_AUTH}});
    test_session session;
    test_session_init(&session, NULL);
    handshake_for(&session, pki, "legacy.example.test", named_by_cn, pki->client);
    assert_codes(session.last, true, "-");
    test_session_clear(&session);
    test_cert_free(named_by_cn);
}

static void missing_sni_is_noted_only_for_a_server_of_several_names(void **state)
{
    test_pki *pki = *state;
    test_session session;
    test_session_init(&session, NULL);
    handshake_for(&session, pki, NULL, pki->server, pki->client);
    assert_codes(session.last, false, "no_sni");
    assert_codes(session.last, true, "-");
    assert_message_mentions(session.last, "no_sni", "'api.example.test', 'portal.example.test'");
    test_session_clear(&session);

    test_cert *single = test_cert_new(&(test_cert_spec){.common_name = "single", .issuer = pki->issuing,
                                                        .eku = {OID_SERVER_AUTH}, .dns_names = {"only.example.test"}});
    test_session_init(&session, NULL);
    handshake_for(&session, pki, NULL, single, pki->client);
    assert_codes(session.last, false, "-");
    test_session_clear(&session);
    test_cert_free(single);
}

/* The addresses of subjectAltName, as text the same way on every platform (RFC 5952 for IPv6). */
static void ip_addresses_are_written_the_standard_way(void **state)
{
    (void)state;
    static const struct {
        uint8_t bytes[16];
        size_t size;
        const char *text;
    } cases[] = {
        {{127, 0, 0, 1}, 4, "127.0.0.1"},
        {{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 16, "::1"},
        {{0}, 16, "::"},
        {{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 16, "2001:db8::1"},
        /* one zero group stays; of two equal runs the first is compressed */
        {{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1}, 16, "2001:db8:0:1:1:1:1:1"},
        {{0x20, 0x01, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1}, 16, "2001:0:0:1::1"},
        {{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1}, 16, "2001:db8::1:0:0:1"},
        {{0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0xab, 0xcd, 0, 0x12, 0, 0, 0, 0}, 16, "fe80::abcd:12:0:0"},
        {{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 1}, 16, "::ffff:192.0.2.1"},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        char *text = mtls_ip_address_text(cases[i].bytes, cases[i].size);
        assert_string_equal(text, cases[i].text);
        g_free(text);
    }
}

static void server_name_is_not_judged_without_the_client_hello(void **state)
{
    test_pki *pki = *state;
    test_session session;
    test_session_init(&session, NULL);
    feed_server_hello(&session, 0x0303, 0);
    feed_certificate(&session, TEST_SERVER, CERTS(pki->server, pki->issuing), 2);
    assert_null(message_of(session.last, "no_sni"));
    assert_null(message_of(session.last, "server_name_mismatch"));
    test_session_clear(&session);
}

static test_cert *client_valid_until(const test_pki *pki, int64_t not_before, int64_t not_after)
{
    return test_cert_new(&(test_cert_spec){.common_name = "renewal due", .issuer = pki->issuing,
                                           .eku = {OID_CLIENT_AUTH}, .not_before = not_before,
                                           .not_after = not_after});
}

static void certificate_expiring_within_the_window_is_noted(void **state)
{
    test_pki *pki = *state;
    test_cert *expiring = client_valid_until(pki, TEST_NOW - 300 * TEST_DAY, TEST_NOW + 10 * TEST_DAY);
    test_session session;
    test_session_init(&session, NULL);
    handshake_for(&session, pki, TEST_SERVER_NAME, pki->server, expiring);
    assert_codes(session.last, false, "expires_soon");
    assert_codes(session.last, true, "-");
    assert_message_mentions(session.last, "expires_soon", "10 days after the capture");
    test_session_clear(&session);

    /* The window is a setting: 5 days does not reach it, 0 turns it off. */
    for (unsigned days = 0; days <= 5; days += 5) {
        mtls_config *config = mtls_config_new();
        mtls_config_set_expiry_warning_days(config, days);
        test_session_init(&session, config);
        handshake_for(&session, pki, TEST_SERVER_NAME, pki->server, expiring);
        assert_codes(session.last, false, "-");
        test_session_clear(&session);
    }
    test_cert_free(expiring);
}

static void short_lived_and_expired_certificates_are_not_noted(void **state)
{
    test_pki *pki = *state;
    /* Valid for two weeks in all: rotated by automation, not a renewal to plan. */
    test_cert *short_lived = client_valid_until(pki, TEST_NOW - 4 * TEST_DAY, TEST_NOW + 10 * TEST_DAY);
    test_session session;
    test_session_init(&session, NULL);
    handshake_for(&session, pki, TEST_SERVER_NAME, pki->server, short_lived);
    assert_codes(session.last, false, "-");
    test_session_clear(&session);
    test_cert_free(short_lived);

    test_cert *expired = client_valid_until(pki, TEST_NOW - 300 * TEST_DAY, TEST_NOW - TEST_DAY);
    test_session_init(&session, NULL);
    handshake_for(&session, pki, TEST_SERVER_NAME, pki->server, expired);
    assert_codes(session.last, true, "expired");
    assert_codes(session.last, false, "-");
    test_session_clear(&session);
    test_cert_free(expired);
}

static void server_certificate_expiring_is_its_own_note(void **state)
{
    test_pki *pki = *state;
    test_cert *server = test_cert_new(&(test_cert_spec){.common_name = "server", .issuer = pki->issuing,
                                                        .eku = {OID_SERVER_AUTH}, .dns_names = {TEST_SERVER_NAME},
                                                        .not_before = TEST_NOW - 300 * TEST_DAY,
                                                        .not_after = TEST_NOW + 2 * TEST_DAY});
    test_session session;
    test_session_init(&session, NULL);
    handshake_for(&session, pki, TEST_SERVER_NAME, server, pki->client);
    assert_codes(session.last, false, "server_expires_soon");
    test_session_clear(&session);
    test_cert_free(server);
}

static mtls_config *config_expecting(const test_cert *const *registered, size_t count)
{
    mtls_config *config = mtls_config_new();
    char *path = test_write_pem_bundle(registered, count);
    char *error = NULL;
    assert_true(mtls_config_load_expected_client_certificates(config, path, &error));
    assert_null(error);
    assert_int_equal(mtls_config_expected_client_certificate_count(config), count);
    g_unlink(path);
    g_free(path);
    return config;
}

static void registered_client_certificate_gives_nothing(void **state)
{
    test_pki *pki = *state;
    test_session session;
    test_session_init(&session, config_expecting(CERTS(pki->foreign_client, pki->client), 2));
    handshake_for(&session, pki, TEST_SERVER_NAME, pki->server, pki->client);
    assert_codes(session.last, true, "-");
    test_session_clear(&session);
}

static void certificate_renewed_on_one_side_is_unexpected(void **state)
{
    test_pki *pki = *state;
    /* Same subject, new key: the client's renewal the server never got. */
    test_cert *renewed = test_cert_new(&(test_cert_spec){.common_name = "client", .issuer = pki->issuing,
                                                         .eku = {OID_CLIENT_AUTH}});
    test_session session;
    test_session_init(&session, config_expecting(CERTS(pki->client), 1));
    handshake_for(&session, pki, TEST_SERVER_NAME, pki->server, renewed);
    assert_codes(session.last, true, "unexpected_client_certificate");
    assert_message_mentions(session.last, "unexpected_client_certificate", "renewed (or reissued) on one side only");
    assert_message_mentions(session.last, "unexpected_client_certificate", "serial ");
    test_session_clear(&session);

    test_session_init(&session, config_expecting(CERTS(pki->foreign_client), 1));
    handshake_for(&session, pki, TEST_SERVER_NAME, pki->server, pki->client);
    assert_codes(session.last, true, "unexpected_client_certificate");
    assert_null(strstr(message_of(session.last, "unexpected_client_certificate"), "one side only"));
    test_session_clear(&session);
    test_cert_free(renewed);
}

static void unreadable_registered_certificates_are_an_error(void **state)
{
    (void)state;
    mtls_config *config = mtls_config_new();
    char *error = NULL;
    assert_false(mtls_config_load_expected_client_certificates(config, "/nonexistent/registered.pem", &error));
    assert_non_null(error);
    assert_int_equal(mtls_config_expected_client_certificate_count(config), 0);
    g_free(error);
    mtls_config_unref(config);
}

/* A handshake whose CertificateRequest lists `schemes`, answered by
 * `client_leaf` (NULL: an empty Certificate). */
static void handshake_requesting(test_session *session, const test_pki *pki, bool tls13, const uint16_t *schemes,
                                 size_t count, const test_cert *client_leaf)
{
    feed_client_hello_for(session, TEST_SERVER_NAME);
    feed_server_hello(session, 0x0303, tls13 ? 0x0304 : 0);
    feed_certificate(session, TEST_SERVER, CERTS(pki->server, pki->issuing), 2);
    mtls_event request = {.kind = MTLS_EVENT_CERTIFICATE_REQUEST};
    request.u.certificate_request.signature_algorithms = schemes;
    request.u.certificate_request.signature_algorithm_count = count;
    feed_event(session, TEST_SERVER, &request);
    if (!tls13)
        feed_simple(session, TEST_SERVER, MTLS_EVENT_SERVER_HELLO_DONE);
    if (client_leaf)
        feed_certificate(session, TEST_CLIENT, CERTS(client_leaf, pki->issuing), 2);
    else
        feed_certificate(session, TEST_CLIENT, NULL, 0);
}

static void key_type_outside_the_requested_algorithms_is_a_mismatch(void **state)
{
    test_pki *pki = *state;
    static const uint16_t rsa_only[] = {0x0401, 0x0804, 0x0201};
    static const uint16_t with_p256[] = {0x0401, 0x0403};
    static const uint16_t with_p384_only[] = {0x0503, 0x0804};
    test_session session;

    /* pki->client has an EC P-256 key. */
    test_session_init(&session, NULL);
    handshake_requesting(&session, pki, false, rsa_only, G_N_ELEMENTS(rsa_only), pki->client);
    assert_codes(session.last, true, "signature_algorithm_mismatch");
    assert_message_mentions(session.last, "signature_algorithm_mismatch",
                            "rsa_pkcs1_sha256, rsa_pss_rsae_sha256, rsa_pkcs1_sha1");
    test_session_clear(&session);

    test_session_init(&session, NULL);
    handshake_requesting(&session, pki, false, with_p256, G_N_ELEMENTS(with_p256), pki->client);
    assert_codes(session.last, true, "-");
    test_session_clear(&session);

    /* TLS 1.2 lets ECDSA sign with any curve and hash; TLS 1.3 binds the curve. */
    test_session_init(&session, NULL);
    handshake_requesting(&session, pki, false, with_p384_only, G_N_ELEMENTS(with_p384_only), pki->client);
    assert_codes(session.last, true, "-");
    test_session_clear(&session);
    test_session_init(&session, NULL);
    handshake_requesting(&session, pki, true, with_p384_only, G_N_ELEMENTS(with_p384_only), pki->client);
    assert_codes(session.last, true, "signature_algorithm_mismatch");
    assert_message_mentions(session.last, "signature_algorithm_mismatch", "TLS 1.3");
    test_session_clear(&session);

    /* No list (TLS 1.0/1.1, or not captured): nothing is claimed. */
    test_session_init(&session, NULL);
    handshake_requesting(&session, pki, false, NULL, 0, pki->client);
    assert_codes(session.last, true, "-");
    test_session_clear(&session);
}

static void empty_certificate_names_a_key_type_the_request_leaves_out(void **state)
{
    test_pki *pki = *state;
    static const uint16_t rsa_only[] = {0x0401, 0x0501};
    static const uint16_t both[] = {0x0401, 0x0403};
    test_session session;
    test_session_init(&session, NULL);
    handshake_requesting(&session, pki, false, rsa_only, G_N_ELEMENTS(rsa_only), NULL);
    assert_codes(session.last, true, "empty_certificate");
    assert_message_mentions(session.last, "empty_certificate", "has an EC key has no certificate it may use");
    test_session_clear(&session);
    test_session_init(&session, NULL);
    handshake_requesting(&session, pki, false, both, G_N_ELEMENTS(both), NULL);
    assert_null(strstr(message_of(session.last, "empty_certificate"), "accepts only"));
    test_session_clear(&session);
}

static void rsa_keys_need_pss_in_tls13(void **state)
{
    test_pki *pki = *state;
    test_cert *rsa_client = test_cert_new(&(test_cert_spec){.common_name = "rsa client", .issuer = pki->issuing,
                                                            .eku = {OID_CLIENT_AUTH}, .rsa_bits = 2048});
    static const uint16_t pkcs1_and_ecdsa[] = {0x0401, 0x0403};
    test_session session;
    test_session_init(&session, NULL);
    handshake_requesting(&session, pki, false, pkcs1_and_ecdsa, G_N_ELEMENTS(pkcs1_and_ecdsa), rsa_client);
    assert_codes(session.last, true, "-");
    test_session_clear(&session);
    test_session_init(&session, NULL);
    handshake_requesting(&session, pki, true, pkcs1_and_ecdsa, G_N_ELEMENTS(pkcs1_and_ecdsa), rsa_client);
    assert_codes(session.last, true, "signature_algorithm_mismatch");
    assert_message_mentions(session.last, "signature_algorithm_mismatch", "RSA 2048 bits");
    test_session_clear(&session);
    test_cert_free(rsa_client);
}

static void refused_client_hello_is_explained_by_what_was_offered(void **state)
{
    (void)state;
    static const uint16_t null_suites[] = {0x0a0a, 0x0002, 0x003b, 0x1234};
    static const uint16_t schemes[] = {0x0403, 0x0804};
    test_session session;
    test_session_init(&session, NULL);
    mtls_event hello = {.kind = MTLS_EVENT_CLIENT_HELLO};
    hello.u.client_hello.legacy_version = 0x0303;
    hello.u.client_hello.cipher_suites = null_suites;
    hello.u.client_hello.cipher_suite_count = G_N_ELEMENTS(null_suites);
    hello.u.client_hello.signature_algorithms = schemes;
    hello.u.client_hello.signature_algorithm_count = G_N_ELEMENTS(schemes);
    feed_event(&session, TEST_CLIENT, &hello);
    feed_alert(&session, TEST_SERVER, 2, 40);
    assert_codes(session.last, true, "handshake_failure");
    assert_message_mentions(session.last, "handshake_failure",
                            "cipher suites TLS_RSA_WITH_NULL_SHA, TLS_RSA_WITH_NULL_SHA256, 0x1234;");
    assert_message_mentions(session.last, "handshake_failure",
                            "signature algorithms ecdsa_secp256r1_sha256, rsa_pss_rsae_sha256.");
    assert_message_mentions(session.last, "handshake_failure", "versions up to TLS 1.2");
    test_session_clear(&session);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(covered_server_name_gives_nothing),
        cmocka_unit_test(uncovered_server_name_is_a_mismatch),
        cmocka_unit_test(wildcard_covers_one_label),
        cmocka_unit_test(common_name_counts_only_without_alternative_names),
        cmocka_unit_test(missing_sni_is_noted_only_for_a_server_of_several_names),
        cmocka_unit_test(server_name_is_not_judged_without_the_client_hello),
        cmocka_unit_test(ip_addresses_are_written_the_standard_way),
        cmocka_unit_test(certificate_expiring_within_the_window_is_noted),
        cmocka_unit_test(short_lived_and_expired_certificates_are_not_noted),
        cmocka_unit_test(server_certificate_expiring_is_its_own_note),
        cmocka_unit_test(registered_client_certificate_gives_nothing),
        cmocka_unit_test(certificate_renewed_on_one_side_is_unexpected),
        cmocka_unit_test(unreadable_registered_certificates_are_an_error),
        cmocka_unit_test(key_type_outside_the_requested_algorithms_is_a_mismatch),
        cmocka_unit_test(rsa_keys_need_pss_in_tls13),
        cmocka_unit_test(empty_certificate_names_a_key_type_the_request_leaves_out),
        cmocka_unit_test(refused_client_hello_is_explained_by_what_was_offered),
    };
    return cmocka_run_group_tests(tests, test_pki_setup, test_pki_teardown);
}
