/* test_chain.c - the certificate checks, on chains the test makes itself:
 * each code appears where it must and nowhere else.
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
#include <unistd.h>

#include "chain.h"
#include "test_pki.h"

#define COUNT(...) (sizeof(CERTS(__VA_ARGS__)) / sizeof(const test_cert *))

/* The server lists `names`, the client sends `chain`; returns the handshake. */
static mtls_handshake *client_sends(test_session *session, const test_pki *pki, const test_cert *const *names,
                                    size_t name_count, const test_cert *const *chain, size_t chain_count)
{
    feed_tls12_server_flight(session, pki, names, name_count);
    feed_certificate(session, TEST_CLIENT, chain, chain_count);
    return session->last;
}

static mtls_config *config_trusting(const test_cert *root, mtls_trust_purpose purpose)
{
    mtls_config *config = mtls_config_new();
    char *path = test_write_pem_bundle(&root, 1);
    char *error = NULL;
    assert_true(mtls_config_load_trust_store(config, purpose, path, &error));
    assert_null(error);
    assert_int_equal(mtls_config_trust_store_size(config, purpose), 1);
    g_unlink(path);
    g_free(path);
    return config;
}

static void complete_chain_gives_no_problem(void **state)
{
    test_pki *pki = *state;
    test_session session;
    test_session_init(&session, NULL);
    mtls_handshake *handshake = client_sends(&session, pki, CERTS(pki->root), 1, CERTS(pki->client, pki->issuing), 2);
    assert_codes(handshake, true, "-");
    const mtls_handshake_summary *summary = mtls_handshake_get_summary(handshake);
    assert_int_equal(summary->client_chain_length, 2);
    assert_string_equal(summary->client_subject, "O=Unit Test,CN=client");
    assert_string_equal(summary->client_issuer, "O=Unit Test,CN=Test Issuing CA");
    assert_int_equal(summary->ca_name_count, 1);
    assert_string_equal(summary->ca_names[0], "O=Unit Test,CN=Test Root");
    assert_string_equal(summary->client_listed_ca, "O=Unit Test,CN=Test Root");
    test_session_clear(&session);
}

static void leaf_alone_is_missing_intermediate(void **state)
{
    test_pki *pki = *state;
    test_session session;
    test_session_init(&session, NULL);
    mtls_handshake *handshake = client_sends(&session, pki, CERTS(pki->root), 1, CERTS(pki->client), 1);
    feed_alert(&session, TEST_SERVER, 2, 48);
    assert_codes(handshake, true, "missing_intermediate,unknown_ca");
    assert_message_mentions(handshake, "missing_intermediate", "Test Issuing CA");
    assert_message_mentions(handshake, "missing_intermediate", "full chain");
    /* The server's own chain holds the issuer: the evidence makes it certain. */
    assert_message_mentions(handshake, "missing_intermediate", "intermediate CA of this PKI");
    test_session_clear(&session);

    /* Nothing in the handshake shows the issuer: only "probably", with its key identifier. */
    test_session_init(&session, NULL);
    feed_client_hello(&session, 0x0303, NULL, 0);
    feed_server_hello(&session, 0x0303, 0);
    feed_certificate(&session, TEST_SERVER, CERTS(pki->server), 1);
    feed_certificate_request(&session, CERTS(pki->root), 1);
    feed_simple(&session, TEST_SERVER, MTLS_EVENT_SERVER_HELLO_DONE);
    feed_certificate(&session, TEST_CLIENT, CERTS(pki->client), 1);
    feed_alert(&session, TEST_SERVER, 2, 48);
    assert_codes(session.last, true, "missing_intermediate,unknown_ca");
    assert_message_mentions(session.last, "missing_intermediate", "the issuer is unknown to this server");
    assert_message_mentions(session.last, "missing_intermediate", "authority key identifier");
    test_session_clear(&session);
}

/* The server completes the handshake without the client's intermediate:
 * it holds it (nginx ssl_trusted_certificate), so nothing is a problem, and
 * a note says the chain works only with such servers. */
static void leaf_alone_accepted_is_a_note(void **state)
{
    test_pki *pki = *state;
    test_session session;
    test_session_init(&session, NULL);
    mtls_handshake *handshake = client_sends(&session, pki, CERTS(pki->root), 1, CERTS(pki->client), 1);
    assert_codes(handshake, true, "-");
    feed_simple(&session, TEST_CLIENT, MTLS_EVENT_CHANGE_CIPHER_SPEC);
    feed_simple(&session, TEST_SERVER, MTLS_EVENT_CHANGE_CIPHER_SPEC);
    /* Completed, but a server that hangs up at once refused it after all:
     * only the server's data says it went on with the chain. */
    assert_codes(handshake, false, "handshake_completed");
    feed_simple(&session, TEST_SERVER, MTLS_EVENT_APPLICATION_DATA);
    assert_codes(handshake, true, "-");
    assert_codes(handshake, false, "handshake_completed,intermediate_not_sent");
    assert_message_mentions(handshake, "intermediate_not_sent", "works only with servers that hold");
    test_session_clear(&session);
}

/* No CA names, no trust store: the server's own chain still shows that the
 * issuer the client did not send is an intermediate; the server's refusal
 * makes it the finding. */
static void leaf_alone_without_ca_names_uses_the_server_chain(void **state)
{
    test_pki *pki = *state;
    test_session session;
    test_session_init(&session, NULL);
    mtls_handshake *handshake = client_sends(&session, pki, NULL, 0, CERTS(pki->client), 1);
    assert_codes(handshake, true, "-");
    feed_alert(&session, TEST_SERVER, 2, 48);
    assert_codes(handshake, true, "missing_intermediate,unknown_ca");
    assert_message_mentions(handshake, "missing_intermediate", "lists no CA names");
    assert_message_mentions(handshake, "missing_intermediate", "intermediate CA of this PKI");
    test_session_clear(&session);
}

static void leaf_alone_is_fine_when_its_issuer_is_listed(void **state)
{
    test_pki *pki = *state;
    test_session session;
    test_session_init(&session, NULL);
    mtls_handshake *handshake = client_sends(&session, pki, CERTS(pki->issuing), 1, CERTS(pki->client), 1);
    assert_codes(handshake, true, "-");
    test_session_clear(&session);
}

/* The store holds the intermediate the server does not list: the server probably lacks it. */
static void intermediate_only_in_trust_store(void **state)
{
    test_pki *pki = *state;
    test_session session;
    test_session_init(&session, config_trusting(pki->issuing, MTLS_TRUST_CLIENT_CERTIFICATES));
    mtls_handshake *handshake = client_sends(&session, pki, CERTS(pki->root), 1, CERTS(pki->client), 1);
    feed_alert(&session, TEST_SERVER, 2, 48);
    assert_codes(handshake, true, "missing_intermediate,unknown_ca");
    assert_message_mentions(handshake, "missing_intermediate", "in your trust store");
    assert_message_mentions(handshake, "missing_intermediate", "server probably lacks it");
    test_session_clear(&session);
}

static void leaf_alone_is_fine_when_its_issuer_is_trusted(void **state)
{
    test_pki *pki = *state;
    test_session session;
    test_session_init(&session, config_trusting(pki->issuing, MTLS_TRUST_CLIENT_CERTIFICATES));
    mtls_handshake *handshake = client_sends(&session, pki, NULL, 0, CERTS(pki->client), 1);
    assert_codes(handshake, true, "-");
    assert_codes(handshake, false, "ca_names_empty");
    test_session_clear(&session);
}

static void foreign_chain_is_issuer_not_accepted(void **state)
{
    test_pki *pki = *state;
    test_session session;
    test_session_init(&session, NULL);
    mtls_handshake *handshake =
        client_sends(&session, pki, CERTS(pki->root), 1, CERTS(pki->foreign_client, pki->foreign_root), 2);
    assert_codes(handshake, true, "issuer_not_accepted");
    assert_message_mentions(handshake, "issuer_not_accepted", "Foreign Root");
    assert_message_mentions(handshake, "issuer_not_accepted", "CN=Test Root");
    test_session_clear(&session);
}

static void foreign_root_outside_trust_store_is_untrusted_root(void **state)
{
    test_pki *pki = *state;
    test_session session;
    test_session_init(&session, config_trusting(pki->root, MTLS_TRUST_CLIENT_CERTIFICATES));
    mtls_handshake *handshake =
        client_sends(&session, pki, CERTS(pki->root), 1, CERTS(pki->foreign_client, pki->foreign_root), 2);
    assert_codes(handshake, true, "issuer_not_accepted,untrusted_root");
    test_session_clear(&session);
}

static void foreign_root_without_any_reference_is_not_judged(void **state)
{
    test_pki *pki = *state;
    test_session session;
    test_session_init(&session, NULL);
    mtls_handshake *handshake =
        client_sends(&session, pki, NULL, 0, CERTS(pki->foreign_client, pki->foreign_root), 2);
    assert_codes(handshake, true, "-");
    assert_codes(handshake, false, "ca_names_empty");
    test_session_clear(&session);

    test_session_init(&session, config_trusting(pki->root, MTLS_TRUST_CLIENT_CERTIFICATES));
    handshake = client_sends(&session, pki, NULL, 0, CERTS(pki->foreign_client, pki->foreign_root), 2);
    assert_codes(handshake, true, "untrusted_root");
    test_session_clear(&session);
}

static void self_signed_client_certificate(void **state)
{
    test_pki *pki = *state;
    test_cert *self = test_cert_new(&(test_cert_spec){.common_name = "lonely client", .eku = {OID_CLIENT_AUTH}});
    test_session session;
    test_session_init(&session, NULL);
    mtls_handshake *handshake = client_sends(&session, pki, CERTS(pki->root), 1, CERTS(self), 1);
    assert_codes(handshake, true, "self_signed");
    test_session_clear(&session);

    /* A server that lists the certificate itself has pinned it. */
    test_session_init(&session, NULL);
    handshake = client_sends(&session, pki, CERTS(pki->root, self), 2, CERTS(self), 1);
    assert_codes(handshake, true, "-");
    test_session_clear(&session);
    test_cert_free(self);
}

static void validity_is_judged_at_capture_time(void **state)
{
    test_pki *pki = *state;
    test_cert *old = test_cert_new(&(test_cert_spec){.common_name = "old client", .issuer = pki->issuing,
                                                     .not_before = TEST_NOW - 400 * TEST_DAY,
                                                     .not_after = TEST_NOW - 30 * TEST_DAY,
                                                     .eku = {OID_CLIENT_AUTH}});
    test_session session;
    test_session_init(&session, NULL);
    mtls_handshake *handshake = client_sends(&session, pki, CERTS(pki->root), 1, CERTS(old, pki->issuing), 2);
    assert_codes(handshake, true, "expired");
    assert_message_mentions(handshake, "expired", "leaf 'O=Unit Test,CN=old client' expired");
    assert_message_mentions(handshake, "expired", "30 days before the capture");
    test_session_clear(&session);

    /* The same certificate in a capture made while it was valid. */
    test_session_init(&session, NULL);
    session.time = TEST_NOW - 100 * TEST_DAY;
    handshake = client_sends(&session, pki, CERTS(pki->root), 1, CERTS(old, pki->issuing), 2);
    assert_codes(handshake, true, "-");
    test_session_clear(&session);

    /* Captured before it became valid. */
    test_session_init(&session, NULL);
    session.time = TEST_NOW - 500 * TEST_DAY;
    handshake = client_sends(&session, pki, CERTS(pki->root), 1, CERTS(old, pki->issuing), 2);
    assert_codes(handshake, true, "not_yet_valid,server_not_yet_valid");
    test_session_clear(&session);
    test_cert_free(old);
}

static void expired_intermediate_is_named(void **state)
{
    test_pki *pki = *state;
    test_cert *old_ca = test_cert_new(&(test_cert_spec){.common_name = "Old Issuing CA", .issuer = pki->root, .ca = true,
                                                        .not_before = TEST_NOW - 900 * TEST_DAY,
                                                        .not_after = TEST_NOW - 2 * TEST_DAY});
    test_cert *leaf = test_cert_new(&(test_cert_spec){.common_name = "client", .issuer = old_ca, .eku = {OID_CLIENT_AUTH}});
    test_session session;
    test_session_init(&session, NULL);
    mtls_handshake *handshake = client_sends(&session, pki, CERTS(pki->root), 1, CERTS(leaf, old_ca), 2);
    assert_codes(handshake, true, "expired");
    assert_message_mentions(handshake, "expired", "intermediate 'O=Unit Test,CN=Old Issuing CA'");
    test_session_clear(&session);
    test_cert_free(leaf);
    test_cert_free(old_ca);
}

static void extended_key_usage_needs_client_auth(void **state)
{
    test_pki *pki = *state;
    const struct {
        const char *eku[3];
        const char *expected;
    } cases[] = {
        {{OID_SERVER_AUTH}, "client_auth_eku_missing"},
        {{NULL}, "-"},
        {{OID_ANY_EKU}, "-"},
        {{OID_SERVER_AUTH, OID_CLIENT_AUTH}, "-"},
        /* A purpose whose OID is longer than any buffer of ours comes first: clientAuth after it counts. */
        {{"1.3.6.1.4.1.55555.1.2.3.4.5.6.7.8.9.10.11.12.13.14.15.16.17.18.19.20.21.22.23.24.25.26.27.28.29.30."
          "31.32.33.34.35.36.37.38.39.40.41.42.43.44.45.46.47.48.49.50.51.52.53.54.55.56.57.58.59.60",
          OID_CLIENT_AUTH},
         "-"},
        {{OID_CLIENT_AUTH,
          "1.3.6.1.4.1.55555.1.2.3.4.5.6.7.8.9.10.11.12.13.14.15.16.17.18.19.20.21.22.23.24.25.26.27.28.29.30."
          "31.32.33.34.35.36.37.38.39.40.41.42.43.44.45.46.47.48.49.50.51.52.53.54.55.56.57.58.59.60"},
         "-"},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        test_cert_spec spec = {.common_name = "eku client", .issuer = pki->issuing};
        memcpy(spec.eku, cases[i].eku, sizeof spec.eku);
        test_cert *leaf = test_cert_new(&spec);
        test_session session;
        test_session_init(&session, NULL);
        mtls_handshake *handshake = client_sends(&session, pki, CERTS(pki->root), 1, CERTS(leaf, pki->issuing), 2);
        assert_codes(handshake, true, cases[i].expected);
        test_session_clear(&session);
        test_cert_free(leaf);
    }
}

static void chain_order(void **state)
{
    test_pki *pki = *state;
    test_cert *stranger = test_cert_new(&(test_cert_spec){.common_name = "stranger", .issuer = pki->foreign_root});
    const struct {
        const test_cert *chain[4];
        size_t count;
        const char *expected;
    } cases[] = {
        {{pki->client, pki->issuing, pki->root}, 3, "-"},
        {{pki->client, pki->root, pki->issuing}, 3, "chain_order"},
        {{pki->issuing, pki->client}, 2, "chain_order"},
        {{pki->client, pki->issuing, pki->root, stranger}, 4, "chain_order"},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        test_session session;
        test_session_init(&session, NULL);
        mtls_handshake *handshake = client_sends(&session, pki, CERTS(pki->root), 1, cases[i].chain, cases[i].count);
        assert_codes(handshake, true, cases[i].expected);
        test_session_clear(&session);
    }
    test_cert_free(stranger);
}

/* Each issuer must be a CA allowed to sign, with room below it for the CAs that follow. */
static void issuer_roles(void **state)
{
    test_pki *pki = *state;
    test_cert *leaf_as_ca = test_cert_new(&(test_cert_spec){.common_name = "leaf used as CA", .issuer = pki->issuing});
    test_cert *under_leaf = test_cert_new(&(test_cert_spec){.common_name = "under leaf", .issuer = leaf_as_ca});
    test_cert *no_constraints = test_cert_new(&(test_cert_spec){.common_name = "no constraints CA", .issuer = pki->root,
                                                                .ca = true, .no_basic_constraints = true});
    test_cert *under_unconstrained = test_cert_new(&(test_cert_spec){.common_name = "under unconstrained", .issuer = no_constraints});
    test_cert *no_cert_sign = test_cert_new(&(test_cert_spec){.common_name = "no certsign CA", .issuer = pki->root, .ca = true,
                                                              .key_usage = GNUTLS_KEY_CRL_SIGN});
    test_cert *under_no_cert_sign = test_cert_new(&(test_cert_spec){.common_name = "under no certsign", .issuer = no_cert_sign});
    test_cert *pathlen0 = test_cert_new(&(test_cert_spec){.common_name = "pathlen 0 CA", .issuer = pki->root, .ca = true,
                                                          .path_length = 1});
    test_cert *sub_ca = test_cert_new(&(test_cert_spec){.common_name = "sub CA", .issuer = pathlen0, .ca = true});
    test_cert *deep_leaf = test_cert_new(&(test_cert_spec){.common_name = "deep leaf", .issuer = sub_ca});
    test_cert *shallow_leaf = test_cert_new(&(test_cert_spec){.common_name = "shallow leaf", .issuer = pathlen0});
    test_cert *proxy = test_cert_new(&(test_cert_spec){.common_name = "grid proxy", .issuer = pki->client, .proxy = true,
                                                       .no_basic_constraints = true});
    test_cert *encipher_only = test_cert_new(&(test_cert_spec){.common_name = "encipher only", .issuer = pki->issuing,
                                                               .key_usage = GNUTLS_KEY_KEY_ENCIPHERMENT});
    const struct {
        const test_cert *chain[4];
        size_t count;
        const char *expected;
        const char *mentions;
    } cases[] = {
        {{under_leaf, leaf_as_ca, pki->issuing}, 3, "not_a_ca", "CA:FALSE"},
        {{under_unconstrained, no_constraints}, 2, "not_a_ca", "no basicConstraints"},
        {{under_no_cert_sign, no_cert_sign}, 2, "key_usage", "keyCertSign"},
        {{deep_leaf, sub_ca, pathlen0}, 3, "path_length_exceeded", "allows 0 CAs below it"},
        {{shallow_leaf, pathlen0}, 2, "-", NULL},
        {{encipher_only, pki->issuing}, 2, "key_usage", "digitalSignature"},
        /* Grid proxies are issued by end entities on purpose (RFC 3820). */
        {{proxy, pki->client, pki->issuing}, 3, "-", NULL},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        test_session session;
        test_session_init(&session, NULL);
        mtls_handshake *handshake = client_sends(&session, pki, CERTS(pki->root), 1, cases[i].chain, cases[i].count);
        assert_codes(handshake, true, cases[i].expected);
        if (cases[i].mentions)
            assert_message_mentions(handshake, cases[i].expected, cases[i].mentions);
        test_session_clear(&session);
    }
    test_cert *all[] = {leaf_as_ca, under_leaf, no_constraints, under_unconstrained, no_cert_sign, under_no_cert_sign,
                        pathlen0, sub_ca, deep_leaf, shallow_leaf, encipher_only, proxy};
    for (size_t i = 0; i < G_N_ELEMENTS(all); i++)
        test_cert_free(all[i]);
}

static void weak_keys_and_signatures(void **state)
{
    test_pki *pki = *state;
    test_cert *rsa1024 = test_cert_new(&(test_cert_spec){.common_name = "rsa 1024", .issuer = pki->issuing, .rsa_bits = 1024});
    test_cert *rsa2048 = test_cert_new(&(test_cert_spec){.common_name = "rsa 2048", .issuer = pki->issuing, .rsa_bits = 2048});
    test_cert *sha1 = test_cert_new(&(test_cert_spec){.common_name = "sha1 leaf", .issuer = pki->issuing,
                                                      .signature_hash = GNUTLS_DIG_SHA1});
    test_cert *sha1_root = test_cert_new(&(test_cert_spec){.common_name = "sha1 root", .ca = true,
                                                           .signature_hash = GNUTLS_DIG_SHA1});
    test_cert *under_sha1_root = test_cert_new(&(test_cert_spec){.common_name = "under sha1 root", .issuer = sha1_root});
    const struct {
        const test_cert *chain[3];
        size_t count;
        const test_cert *listed;
        const char *expected;
        const char *mentions;
    } cases[] = {
        {{rsa1024, pki->issuing}, 2, pki->root, "weak_key", "RSA 1024 bits"},
        {{rsa2048, pki->issuing}, 2, pki->root, "-", NULL},
        {{sha1, pki->issuing}, 2, pki->root, "weak_signature", "SHA1"},
        /* Nobody checks a root's signature on itself. */
        {{under_sha1_root, sha1_root}, 2, sha1_root, "-", NULL},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        test_session session;
        test_session_init(&session, NULL);
        mtls_handshake *handshake = client_sends(&session, pki, &cases[i].listed, 1, cases[i].chain, cases[i].count);
        assert_codes(handshake, true, cases[i].expected);
        if (cases[i].mentions)
            assert_message_mentions(handshake, cases[i].expected, cases[i].mentions);
        test_session_clear(&session);
    }
    test_cert *all[] = {rsa1024, rsa2048, sha1, sha1_root, under_sha1_root};
    for (size_t i = 0; i < G_N_ELEMENTS(all); i++)
        test_cert_free(all[i]);
}

/* A certificate sent twice is a note of its own, not a chain-order problem. */
static void duplicate_certificates(void **state)
{
    test_pki *pki = *state;
    test_session session;
    test_session_init(&session, NULL);
    mtls_handshake *handshake = client_sends(&session, pki, CERTS(pki->root), 1,
                                             CERTS(pki->client, pki->issuing, pki->issuing, pki->root), 4);
    assert_codes(handshake, true, "-");
    assert_codes(handshake, false, "duplicate_certificate");
    assert_message_mentions(handshake, "duplicate_certificate", "again as certificate 3");
    test_session_clear(&session);
}

/* `certificate` with one bit of its signature value flipped; g_free it. */
static uint8_t *tampered_certificate(const test_cert *certificate, size_t *length)
{
    const uint8_t *der = g_bytes_get_data(certificate->der, length);
    uint8_t *tampered = g_memdup2(der, *length);
    tampered[*length - 3] ^= 0x01;
    return tampered;
}

/* A Certificate message of `leaf` with its signature tampered with, then
 * the PKI's issuing CA. It points into itself: not to be copied. */
typedef struct {
    uint8_t *tampered;
    mtls_blob chain[2];
    mtls_event event;
} tampered_chain;

static void tampered_chain_init(tampered_chain *message, const test_pki *pki, const test_cert *leaf)
{
    message->tampered = tampered_certificate(leaf, &message->chain[0].length);
    message->chain[0].data = message->tampered;
    message->chain[1].data = g_bytes_get_data(pki->issuing->der, &message->chain[1].length);
    message->event = (mtls_event){.kind = MTLS_EVENT_CERTIFICATE};
    message->event.u.certificate.certificates = message->chain;
    message->event.u.certificate.certificate_count = 2;
}

static void broken_signatures_are_not_missing_issuers(void **state)
{
    test_pki *pki = *state;
    tampered_chain message;
    tampered_chain_init(&message, pki, pki->client);
    test_session session;
    test_session_init(&session, NULL);
    feed_tls12_server_flight(&session, pki, CERTS(pki->root), 1);
    mtls_packet packet = {++session.frame, session.time, TEST_CLIENT, 0};
    mtls_handshake *handshake = mtls_stream_feed(session.stream, &packet, &message.event);
    /* Judged on names and key identifiers; the signatures wait for the outcome. */
    assert_codes(handshake, true, "-");
    feed_alert(&session, TEST_SERVER, 2, 51);
    assert_codes(handshake, true, "bad_signature,decrypt_error");
    assert_message_mentions(handshake, "bad_signature", "CN=Test Issuing CA");
    test_session_clear(&session);
    g_free(message.tampered);

    /* A CA of the same name with another key: the name matches, the signature does not. */
    test_cert *impostor = test_cert_new(&(test_cert_spec){.common_name = "Test Issuing CA", .issuer = pki->root, .ca = true});
    test_session_init(&session, NULL);
    handshake = client_sends(&session, pki, CERTS(pki->root), 1, CERTS(pki->client, impostor), 2);
    assert_codes(handshake, true, "bad_signature");
    test_session_clear(&session);
    test_cert_free(impostor);

    /* An unknown critical extension is no broken signature. */
    test_cert *critical = test_cert_new(&(test_cert_spec){.common_name = "critical", .issuer = pki->issuing,
                                                          .eku = {OID_CLIENT_AUTH}, .unknown_critical_extension = true});
    test_session_init(&session, NULL);
    handshake = client_sends(&session, pki, CERTS(pki->root), 1, CERTS(critical, pki->issuing), 2);
    assert_codes(handshake, true, "-");
    test_session_clear(&session);
    test_cert_free(critical);

    /* A leaf bearing its CA's very name, sent without that CA: an unsent issuer, not a broken signature. */
    test_cert *twin_ca = test_cert_new(&(test_cert_spec){.common_name = "Same Name", .issuer = pki->root, .ca = true});
    test_cert *twin_leaf = test_cert_new(&(test_cert_spec){.common_name = "Same Name", .issuer = twin_ca, .eku = {OID_CLIENT_AUTH}});
    test_session_init(&session, NULL);
    handshake = client_sends(&session, pki, CERTS(pki->root), 1, CERTS(twin_leaf), 1);
    feed_alert(&session, TEST_SERVER, 2, 48);
    assert_codes(handshake, true, "missing_intermediate,unknown_ca");
    test_session_clear(&session);
    test_cert_free(twin_leaf);
    test_cert_free(twin_ca);
}

static void server_chain_checks(void **state)
{
    test_pki *pki = *state;
    test_cert *self = test_cert_new(&(test_cert_spec){.common_name = "self server", .eku = {OID_SERVER_AUTH},
                                                      .dns_names = {TEST_SERVER_NAME}});
    test_cert *old = test_cert_new(&(test_cert_spec){.common_name = "old server", .issuer = pki->issuing,
                                                     .not_after = TEST_NOW - TEST_DAY, .eku = {OID_SERVER_AUTH},
                                                     .dns_names = {TEST_SERVER_NAME}});
    test_cert *client_only = test_cert_new(&(test_cert_spec){.common_name = "odd server", .issuer = pki->issuing,
                                                             .eku = {OID_CLIENT_AUTH}, .dns_names = {TEST_SERVER_NAME}});
    const struct {
        const test_cert *chain[2];
        size_t count;
        bool trust_root;
        const char *expected;
    } cases[] = {
        {{pki->server, pki->issuing}, 2, false, "-"},
        {{pki->server, pki->issuing}, 2, true, "-"},
        {{pki->server}, 1, false, "-"},
        {{pki->server}, 1, true, "server_missing_intermediate"},
        {{self}, 1, false, "server_self_signed"},
        {{old, pki->issuing}, 2, false, "server_expired"},
        {{client_only, pki->issuing}, 2, false, "server_auth_eku_missing"},
        {{pki->issuing, pki->server}, 2, false, "server_chain_order,server_name_mismatch"}, /* the CA is taken for the leaf */
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        test_session session;
        test_session_init(&session,
                          cases[i].trust_root ? config_trusting(pki->root, MTLS_TRUST_SERVER_CERTIFICATES) : NULL);
        feed_client_hello(&session, 0x0303, NULL, 0);
        feed_server_hello(&session, 0x0303, 0);
        feed_certificate(&session, TEST_SERVER, cases[i].chain, cases[i].count);
        assert_codes(session.last, true, cases[i].expected);
        test_session_clear(&session);
    }
    /* The server's client-CA bundle says nothing about the server's own chain. */
    {
        test_session other;
        test_session_init(&other, config_trusting(pki->foreign_root, MTLS_TRUST_CLIENT_CERTIFICATES));
        feed_client_hello(&other, 0x0303, NULL, 0);
        feed_server_hello(&other, 0x0303, 0);
        feed_certificate(&other, TEST_SERVER, CERTS(pki->server, pki->issuing), 2);
        assert_codes(other.last, true, "-");
        test_session_clear(&other);
    }
    /* Switched off, the server chain is not judged. */
    test_session session;
    test_session_init(&session, NULL);
    mtls_config_set_check_server_chain(session.config, false);
    feed_client_hello(&session, 0x0303, NULL, 0);
    feed_server_hello(&session, 0x0303, 0);
    feed_certificate(&session, TEST_SERVER, CERTS(self), 1);
    assert_codes(session.last, true, "-");
    assert_string_equal(mtls_handshake_get_summary(session.last)->server_subject, "O=Unit Test,CN=self server");
    test_session_clear(&session);
    test_cert_free(self);
    test_cert_free(old);
    test_cert_free(client_only);
}

static void malformed_certificates_are_noted_not_judged(void **state)
{
    test_pki *pki = *state;
    size_t length;
    const uint8_t *der = g_bytes_get_data(pki->client->der, &length);
    const struct {
        const uint8_t *data;
        size_t length;
    } inputs[] = {
        {der, length / 2},                               /* truncated */
        {(const uint8_t *)"\x30\x82\xff\xff\x00", 5},     /* absurd length */
        {(const uint8_t *)"not a certificate", 17},
        {NULL, 0},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(inputs); i++) {
        test_session session;
        test_session_init(&session, NULL);
        feed_tls12_server_flight(&session, pki, CERTS(pki->root), 1);
        feed_raw_certificate(&session, TEST_CLIENT, inputs[i].data, inputs[i].length);
        assert_codes(session.last, true, "-");
        assert_codes(session.last, false, "malformed_certificate");
        test_session_clear(&session);
    }
}

/* The client chain's path is built on names and key identifiers; each
 * link's signature costs a public-key operation, spent only when the
 * server's refusal can be about it (or always, with the preference). */
static void chain_signatures_wait_for_a_refusal_about_them(void **state)
{
    test_pki *pki = *state;
    tampered_chain message;
    tampered_chain_init(&message, pki, pki->client);
    const struct {
        bool verify_every;
        int alert;          /* 0: the server completes the handshake */
        const char *expected;
        bool checked;
    } cases[] = {
        {false, 0, "-", false},
        {false, 48, "unknown_ca", false},
        {false, 42, "bad_certificate,bad_signature", true},
        {false, 46, "bad_signature,certificate_unknown", true},
        {true, 48, "bad_signature,unknown_ca", true},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        mtls_config *config = mtls_config_new();
        mtls_config_set_verify_every_chain_signature(config, cases[i].verify_every);
        test_session session;
        test_session_init(&session, config);
        feed_tls12_server_flight(&session, pki, CERTS(pki->root), 1);
        /* The server's own chain is verified as it comes: not counted here. */
        const size_t checks_before = mtls_capture_get_statistics(session.capture).signature_checks;
        mtls_packet packet = {++session.frame, session.time, TEST_CLIENT, 0};
        mtls_handshake *handshake = mtls_stream_feed(session.stream, &packet, &message.event);
        assert_codes(handshake, true, cases[i].verify_every ? "bad_signature" : "-");
        if (cases[i].alert != 0) {
            feed_alert(&session, TEST_SERVER, 2, cases[i].alert);
        } else {
            feed_simple(&session, TEST_CLIENT, MTLS_EVENT_CHANGE_CIPHER_SPEC);
            feed_simple(&session, TEST_SERVER, MTLS_EVENT_CHANGE_CIPHER_SPEC);
            feed_simple(&session, TEST_SERVER, MTLS_EVENT_APPLICATION_DATA);
        }
        assert_codes(handshake, true, cases[i].expected);
        const mtls_capture_statistics statistics = mtls_capture_get_statistics(session.capture);
        assert_int_equal(statistics.signature_checks > checks_before, cases[i].checked);
        test_session_clear(&session);
    }
    g_free(message.tampered);
}

/* The server's chain likewise waits for the client: a client that sends its
 * own Certificate, or completes the handshake, went on with it. */
static void server_chain_signatures_wait_for_the_clients_refusal(void **state)
{
    test_pki *pki = *state;
    tampered_chain message;
    tampered_chain_init(&message, pki, pki->server);
    const struct {
        bool verify_every;
        int client_alert;   /* 0: the handshake completes; -1: the client goes on, the server refuses */
        const char *expected;
        bool checked;
    } cases[] = {
        {false, 0, "-", false},
        {false, -1, "unknown_ca", false},
        {false, 48, "unknown_ca", false},
        {false, 51, "decrypt_error,server_bad_signature", true},
        {false, 42, "bad_certificate,server_bad_signature", true},
        {true, 0, "server_bad_signature", true},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        mtls_config *config = mtls_config_new();
        mtls_config_set_verify_every_chain_signature(config, cases[i].verify_every);
        test_session session;
        test_session_init(&session, config);
        feed_client_hello(&session, 0x0303, NULL, 0);
        feed_server_hello(&session, 0x0303, 0);
        mtls_packet packet = {++session.frame, session.time, TEST_SERVER, 0};
        mtls_handshake *handshake = mtls_stream_feed(session.stream, &packet, &message.event);
        assert_codes(handshake, true, cases[i].verify_every ? "server_bad_signature" : "-");
        if (cases[i].client_alert > 0) {
            feed_alert(&session, TEST_CLIENT, 2, cases[i].client_alert);
        } else if (cases[i].client_alert < 0) {
            feed_certificate(&session, TEST_CLIENT, CERTS(pki->client, pki->issuing), 2);
            feed_alert(&session, TEST_SERVER, 2, 48);
        } else {
            feed_simple(&session, TEST_CLIENT, MTLS_EVENT_CHANGE_CIPHER_SPEC);
            feed_simple(&session, TEST_SERVER, MTLS_EVENT_CHANGE_CIPHER_SPEC);
            feed_simple(&session, TEST_SERVER, MTLS_EVENT_APPLICATION_DATA);
        }
        assert_codes(handshake, true, cases[i].expected);
        if (cases[i].checked && !cases[i].verify_every)
            assert_message_mentions(handshake, "server_bad_signature", "CN=Test Issuing CA");
        assert_int_equal(mtls_capture_get_statistics(session.capture).signature_checks > 0, cases[i].checked);
        test_session_clear(&session);
    }
    g_free(message.tampered);
}

/* A capture where one client sends the same chain in every handshake: the
 * certificates are parsed, and their signatures checked, in the first one
 * only; the others get the same findings from the cache. */
static void certificates_are_parsed_and_verified_once_per_capture(void **state)
{
    test_pki *pki = *state;
    test_session session;
    test_session_init(&session, config_trusting(pki->root, MTLS_TRUST_CLIENT_CERTIFICATES));
    mtls_handshake *first = client_sends(&session, pki, CERTS(pki->root), 1, CERTS(pki->client), 1);
    feed_alert(&session, TEST_SERVER, 2, 48);
    assert_codes(first, true, "missing_intermediate,unknown_ca");
    const mtls_capture_statistics after_first = mtls_capture_get_statistics(session.capture);
    assert_int_equal(after_first.distinct_certificates, 3); /* server, issuing CA, client */
    assert_true(after_first.signature_checks > 0);

    for (int i = 0; i < 50; i++) {
        mtls_handshake *handshake = client_sends(&session, pki, CERTS(pki->root), 1, CERTS(pki->client), 1);
        assert_ptr_not_equal(handshake, first);
        feed_alert(&session, TEST_SERVER, 2, 48);
        assert_codes(handshake, true, "missing_intermediate,unknown_ca");
        assert_message_mentions(handshake, "missing_intermediate", "intermediate CA of this PKI");
        assert_string_equal(mtls_handshake_get_summary(handshake)->client_subject, "O=Unit Test,CN=client");
    }
    const mtls_capture_statistics after_all = mtls_capture_get_statistics(session.capture);
    assert_int_equal(after_all.distinct_certificates, after_first.distinct_certificates);
    assert_int_equal(after_all.signature_checks, after_first.signature_checks);
    assert_int_equal(after_all.certificate_lookups, 51 * after_first.certificate_lookups);
    assert_true(after_all.signature_lookups > after_first.signature_lookups);
    test_session_clear(&session);
}

/* A Certificate the capture cut short (snaplen) is noted and not judged; it
 * is never an empty Certificate. */
static void truncated_certificate_is_not_empty(void **state)
{
    test_pki *pki = *state;
    test_session session;
    test_session_init(&session, NULL);
    feed_tls12_server_flight(&session, pki, CERTS(pki->root), 1);
    mtls_event event = {.kind = MTLS_EVENT_CERTIFICATE};
    event.u.certificate.truncated = true;
    feed_event(&session, TEST_CLIENT, &event);
    feed_alert(&session, TEST_SERVER, 2, 40);
    assert_codes(session.last, false, "malformed_certificate");
    assert_message_mentions(session.last, "malformed_certificate", "cut short in the capture");
    assert_null(message_of(session.last, "empty_certificate"));
    assert_true(mtls_handshake_get_summary(session.last)->client_certificate_sent);
    assert_int_not_equal(mtls_handshake_verdict(session.last, true), MTLS_VERDICT_NO_CLIENT_CERTIFICATE);
    test_session_clear(&session);
}

/* An unparsable certificate is remembered as such: parsed once, reported in
 * every handshake that sends it. */
static void malformed_certificates_are_parsed_once(void **state)
{
    test_pki *pki = *state;
    test_session session;
    test_session_init(&session, NULL);
    for (int i = 0; i < 3; i++) {
        feed_tls12_server_flight(&session, pki, CERTS(pki->root), 1);
        feed_raw_certificate(&session, TEST_CLIENT, (const uint8_t *)"\x30\x03\x02\x01\x00", 5);
        assert_codes(session.last, false, "malformed_certificate");
    }
    assert_int_equal(mtls_capture_get_statistics(session.capture).distinct_certificates, 3);
    test_session_clear(&session);
}

/* A chain of `depth` certificates from leaf (index 0, clientAuth) to a root. */
static void make_deep_chain(test_cert **chain, int depth, const char *prefix)
{
    char *root_name = g_strdup_printf("%s Root", prefix);
    chain[depth - 1] = test_cert_new(&(test_cert_spec){.common_name = root_name, .ca = true});
    g_free(root_name);
    for (int i = depth - 2; i >= 0; i--) {
        char *name = g_strdup_printf("%s %d", prefix, i);
        chain[i] = test_cert_new(&(test_cert_spec){.common_name = name, .issuer = chain[i + 1], .ca = i > 0,
                                                   .eku = {i == 0 ? OID_CLIENT_AUTH : NULL}});
        g_free(name);
    }
}

/* Hostile sizes: a chain as long as the analyzer judges (sent leaf to root,
 * reversed, and all expired), a 100-certificate chain (only its start judged), the same
 * certificate 100 times, and a CertificateRequest with 5000 CA names. Work is
 * bounded: each distinct certificate parsed once, signatures checked only
 * between certificates whose names match (linear in the chain, not its
 * square), every name decoded once. */
static void hostile_sizes_are_bounded(void **state)
{
    test_pki *pki = *state;
    enum { LONG = 100, JUDGED = MTLS_CHAIN_CERTIFICATES_JUDGED, NAMES = 5000 };
    test_cert *whole[JUDGED];
    make_deep_chain(whole, JUDGED, "Judged");
    test_session session;
    test_session_init(&session, NULL);
    client_sends(&session, pki, CERTS(whole[JUDGED - 1]), 1, (const test_cert *const *)whole, JUDGED);
    assert_codes(session.last, true, "-");
    assert_codes(session.last, false, "-");
    assert_int_equal(mtls_handshake_get_summary(session.last)->client_chain_parsed, JUDGED);
    /* Reversed: every certificate's issuer is found, out of place. */
    test_cert *reversed[JUDGED];
    for (int i = 0; i < JUDGED; i++)
        reversed[i] = whole[i == 0 ? 0 : JUDGED - i];
    client_sends(&session, pki, CERTS(whole[JUDGED - 1]), 1, (const test_cert *const *)reversed, JUDGED);
    assert_codes(session.last, true, "chain_order");
    /* A message names the first few certificates, not all. */
    assert_message_mentions(session.last, "chain_order", "more");
    mtls_capture_statistics statistics = mtls_capture_get_statistics(session.capture);
    assert_int_equal(statistics.distinct_certificates, JUDGED + 2); /* and the server's two */
    assert_true(statistics.signature_checks <= 2 * (JUDGED + 2));
    /* Captured when all sixteen had expired: the message names eight. */
    session.time = TEST_NOW + 400 * TEST_DAY;
    client_sends(&session, pki, CERTS(whole[JUDGED - 1]), 1, (const test_cert *const *)whole, JUDGED);
    assert_codes(session.last, true, "expired,server_expired"); /* the server's chain too */
    assert_message_mentions(session.last, "expired", "; and 8 more");
    test_session_clear(&session);

    /* A hundred: the first sixteen are judged, each on its own, and a note says so. */
    test_cert *deep[LONG];
    make_deep_chain(deep, LONG, "Deep");
    test_session_init(&session, NULL);
    client_sends(&session, pki, CERTS(deep[LONG - 1]), 1, (const test_cert *const *)deep, LONG);
    assert_codes(session.last, true, "-");
    assert_codes(session.last, false, "chain_partly_judged");
    assert_message_mentions(session.last, "chain_partly_judged", "a chain of 100 certificates, too long to judge whole");
    assert_int_equal(mtls_handshake_get_summary(session.last)->client_chain_parsed, JUDGED);
    assert_int_equal(mtls_handshake_get_summary(session.last)->client_chain_length, LONG);
    assert_int_equal(mtls_capture_get_statistics(session.capture).distinct_certificates, JUDGED + 2);
    /* Reversed, the hundred are not judged for order or trust. */
    test_cert *deep_reversed[LONG];
    for (int i = 0; i < LONG; i++)
        deep_reversed[i] = deep[i == 0 ? 0 : LONG - i];
    client_sends(&session, pki, CERTS(deep[LONG - 1]), 1, (const test_cert *const *)deep_reversed, LONG);
    assert_codes(session.last, true, "-");
    assert_codes(session.last, false, "chain_partly_judged");

    const test_cert *same[LONG];
    for (int i = 0; i < LONG; i++)
        same[i] = i == 0 ? pki->client : pki->issuing;
    client_sends(&session, pki, CERTS(pki->root), 1, same, LONG);
    assert_codes(session.last, false, "chain_partly_judged,duplicate_certificate");
    assert_true(strlen(message_of(session.last, "duplicate_certificate")) < 1500);
    test_session_clear(&session);

    const test_cert *names[NAMES];
    for (int i = 0; i < NAMES; i++)
        names[i] = i == NAMES - 1 ? pki->root : pki->foreign_root;
    test_session_init(&session, NULL);
    client_sends(&session, pki, names, NAMES, CERTS(pki->client, pki->issuing), 2);
    assert_codes(session.last, true, "-");
    assert_int_equal(mtls_handshake_get_summary(session.last)->ca_name_count, NAMES);
    assert_string_equal(mtls_handshake_get_summary(session.last)->client_listed_ca, "O=Unit Test,CN=Test Root");
    test_session_clear(&session);
    for (int i = 0; i < JUDGED; i++)
        test_cert_free(whole[i]);
    for (int i = 0; i < LONG; i++)
        test_cert_free(deep[i]);
}

/* The verdict caches are bounded: with room for three signature verdicts,
 * six distinct chains empty the cache as it fills, and every chain is still
 * judged the same (verdicts are computed again when needed). */
enum { CACHED_CHAINS = 6, CACHE_LIMIT = 3 };

/* CACHED_CHAINS chains under the test root, each an issuer "PREFIX issuer N"
 * and its client "PREFIX client N", all distinct; and a session whose caches
 * hold CACHE_LIMIT entries. */
static void make_cached_chains(const test_pki *pki, const char *prefix, test_cert **issuers, test_cert **leaves,
                               test_session *session)
{
    for (int i = 0; i < CACHED_CHAINS; i++) {
        char *name = g_strdup_printf("%s issuer %d", prefix, i);
        issuers[i] = test_cert_new(&(test_cert_spec){.common_name = name, .issuer = pki->root, .ca = true});
        g_free(name);
        name = g_strdup_printf("%s client %d", prefix, i);
        leaves[i] = test_cert_new(&(test_cert_spec){.common_name = name, .issuer = issuers[i],
                                                    .eku = {OID_CLIENT_AUTH}});
        g_free(name);
    }
    mtls_config *config = mtls_config_new();
    mtls_config_set_cache_limit(config, CACHE_LIMIT);
    test_session_init(session, config);
}

static void free_cached_chains(test_cert **issuers, test_cert **leaves, test_session *session)
{
    test_session_clear(session);
    for (int i = 0; i < CACHED_CHAINS; i++) {
        test_cert_free(leaves[i]);
        test_cert_free(issuers[i]);
    }
}

static void verdict_cache_stays_within_its_limit(void **state)
{
    test_pki *pki = *state;
    enum { CHAINS = CACHED_CHAINS, LIMIT = CACHE_LIMIT };
    test_session session;
    test_cert *issuers[CHAINS], *leaves[CHAINS];
    make_cached_chains(pki, "Bounded", issuers, leaves, &session);
    for (int i = 0; i < CHAINS; i++) {
        client_sends(&session, pki, CERTS(pki->root), 1, CERTS(leaves[i], issuers[i]), 2);
        assert_codes(session.last, true, "-");
        assert_true(mtls_capture_get_statistics(session.capture).cached_signature_verdicts <= LIMIT);
    }
    assert_true(mtls_capture_get_statistics(session.capture).cache_flushes > 0);
    free_cached_chains(issuers, leaves, &session);
}

/* The certificate and CA-name caches hold at most the limit (the issue: a
 * capture of endless distinct certificates), and what a handshake's summary
 * shows stays readable after its certificates and names have left them. */
static void certificate_cache_stays_within_its_limit(void **state)
{
    test_pki *pki = *state;
    enum { CHAINS = CACHED_CHAINS, LIMIT = CACHE_LIMIT };
    test_session session;
    test_cert *issuers[CHAINS], *leaves[CHAINS];
    make_cached_chains(pki, "Cached", issuers, leaves, &session);
    const mtls_handshake *first = NULL;
    for (int i = 0; i < CHAINS; i++) {
        client_sends(&session, pki, CERTS(issuers[i], pki->root), 2, CERTS(leaves[i], issuers[i]), 2);
        assert_codes(session.last, true, "-");
        if (first == NULL)
            first = session.last;
        mtls_capture_statistics statistics = mtls_capture_get_statistics(session.capture);
        assert_true(statistics.cached_certificates <= LIMIT);
        assert_true(statistics.cached_ca_names <= LIMIT);
    }
    mtls_capture_statistics statistics = mtls_capture_get_statistics(session.capture);
    assert_true(statistics.cache_flushes >= CHAINS);
    /* Four certificates a handshake (the server's two, the client's two), over the limit each time:
     * the cache was emptied after each handshake, and the server's chain parsed again. */
    assert_int_equal(statistics.distinct_certificates, 4 * CHAINS);
    const mtls_handshake_summary *summary = mtls_handshake_get_summary(first);
    assert_string_equal(summary->client_subject, "O=Unit Test,CN=Cached client 0");
    assert_string_equal(summary->client_chain[1].subject, "O=Unit Test,CN=Cached issuer 0");
    assert_string_equal(summary->ca_names[0], "O=Unit Test,CN=Cached issuer 0");
    assert_string_equal(summary->client_listed_ca, "O=Unit Test,CN=Cached issuer 0");
    free_cached_chains(issuers, leaves, &session);
}

static void undecodable_ca_names_are_shown_not_fatal(void **state)
{
    test_pki *pki = *state;
    test_session session;
    test_session_init(&session, NULL);
    feed_client_hello(&session, 0x0303, NULL, 0);
    feed_server_hello(&session, 0x0303, 0);
    mtls_blob names[] = {{(const uint8_t *)"\x30\x03\x01\x02", 4}, {NULL, 0}};
    mtls_event event = {.kind = MTLS_EVENT_CERTIFICATE_REQUEST};
    event.u.certificate_request.ca_names = names;
    event.u.certificate_request.ca_name_count = 2;
    mtls_packet packet = {++session.frame, session.time, TEST_SERVER, 0};
    mtls_handshake *handshake = mtls_stream_feed(session.stream, &packet, &event);
    const mtls_handshake_summary *summary = mtls_handshake_get_summary(handshake);
    assert_int_equal(summary->ca_name_count, 2);
    assert_non_null(strstr(summary->ca_names[0], "undecodable"));
    feed_certificate(&session, TEST_CLIENT, CERTS(pki->client, pki->issuing), 2);
    feed_alert(&session, TEST_SERVER, 2, 48);
    assert_codes(session.last, true, "missing_intermediate,unknown_ca");
    test_session_clear(&session);
}

static void trust_store_errors_are_reported(void **state)
{
    (void)state;
    mtls_config *config = mtls_config_new();
    char *error = NULL;
    assert_false(mtls_config_load_trust_store(config, MTLS_TRUST_CLIENT_CERTIFICATES, "/nonexistent/bundle.pem", &error));
    assert_non_null(error);
    g_free(error);
    error = NULL;
    char *path = NULL;
    int fd = g_file_open_tmp("mtls-empty-XXXXXX.pem", &path, NULL);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "hello\n", 6), 6);
    close(fd);
    assert_false(mtls_config_load_trust_store(config, MTLS_TRUST_CLIENT_CERTIFICATES, path, &error));
    assert_non_null(strstr(error, path));
    assert_int_equal(mtls_config_trust_store_size(config, MTLS_TRUST_CLIENT_CERTIFICATES), 0);
    g_free(error);
    g_unlink(path);
    g_free(path);
    mtls_config_unref(config);
}

static void write_der(const char *path, const test_cert *cert)
{
    size_t length;
    const void *der = g_bytes_get_data(cert->der, &length);
    assert_true(g_file_set_contents(path, der, (gssize)length, NULL));
}

/* A trust store is a PEM bundle, a DER file, a folder of either, the system
 * store, or nothing; each form judges the same chain the same way. */
static void trust_store_forms(void **state)
{
    test_pki *pki = *state;
    char *folder = g_dir_make_tmp("mtls-trust-XXXXXX", NULL);
    assert_non_null(folder);
    char *der_path = g_build_filename(folder, "root.cer", NULL);
    char *junk_path = g_build_filename(folder, "README.txt", NULL);
    write_der(der_path, pki->root);
    assert_true(g_file_set_contents(junk_path, "not a certificate\n", -1, NULL));
    char *pem_path = test_write_pem_bundle(CERTS(pki->foreign_root), 1);
    char *moved_pem = g_build_filename(folder, "foreign.pem", NULL);
    assert_int_equal(g_rename(pem_path, moved_pem), 0);

    mtls_config *config = mtls_config_new();
    char *error = NULL;
    assert_true(mtls_config_load_trust_store(config, MTLS_TRUST_CLIENT_CERTIFICATES, folder, &error));
    assert_null(error);
    assert_int_equal(mtls_config_trust_store_size(config, MTLS_TRUST_CLIENT_CERTIFICATES), 2);
    test_session session;
    test_session_init(&session, mtls_config_ref(config));
    mtls_handshake *handshake = client_sends(&session, pki, NULL, 0, CERTS(pki->client, pki->issuing), 2);
    assert_codes(handshake, true, "-");
    test_session_clear(&session);

    /* A single DER certificate. */
    assert_true(mtls_config_load_trust_store(config, MTLS_TRUST_CLIENT_CERTIFICATES, der_path, &error));
    assert_int_equal(mtls_config_trust_store_size(config, MTLS_TRUST_CLIENT_CERTIFICATES), 1);
    /* The system store: whatever it holds, our test root is not in it. */
    if (mtls_config_load_trust_store(config, MTLS_TRUST_CLIENT_CERTIFICATES, MTLS_TRUST_STORE_SYSTEM, &error)) {
        test_session_init(&session, mtls_config_ref(config));
        handshake = client_sends(&session, pki, NULL, 0, CERTS(pki->client, pki->issuing, pki->root), 3);
        assert_codes(handshake, true, "untrusted_root");
        test_session_clear(&session);
    } else {
        assert_non_null(strstr(error, "system CA store"));
        g_clear_pointer(&error, g_free);
    }
    /* Nothing: the empty location clears the store. */
    assert_true(mtls_config_load_trust_store(config, MTLS_TRUST_CLIENT_CERTIFICATES, "", &error));
    assert_int_equal(mtls_config_trust_store_size(config, MTLS_TRUST_CLIENT_CERTIFICATES), 0);
    /* A folder without certificates is an error that names it. */
    g_unlink(der_path);
    g_unlink(moved_pem);
    assert_false(mtls_config_load_trust_store(config, MTLS_TRUST_CLIENT_CERTIFICATES, folder, &error));
    assert_non_null(strstr(error, folder));
    g_free(error);
    mtls_config_unref(config);
    g_unlink(junk_path);
    g_rmdir(folder);
    g_free(der_path);
    g_free(junk_path);
    g_free(moved_pem);
    g_free(pem_path);
    g_free(folder);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(complete_chain_gives_no_problem),
        cmocka_unit_test(leaf_alone_is_missing_intermediate),
        cmocka_unit_test(chain_signatures_wait_for_a_refusal_about_them),
        cmocka_unit_test(server_chain_signatures_wait_for_the_clients_refusal),
        cmocka_unit_test(leaf_alone_accepted_is_a_note),
        cmocka_unit_test(leaf_alone_without_ca_names_uses_the_server_chain),
        cmocka_unit_test(leaf_alone_is_fine_when_its_issuer_is_listed),
        cmocka_unit_test(leaf_alone_is_fine_when_its_issuer_is_trusted),
        cmocka_unit_test(intermediate_only_in_trust_store),
        cmocka_unit_test(foreign_chain_is_issuer_not_accepted),
        cmocka_unit_test(foreign_root_outside_trust_store_is_untrusted_root),
        cmocka_unit_test(foreign_root_without_any_reference_is_not_judged),
        cmocka_unit_test(self_signed_client_certificate),
        cmocka_unit_test(validity_is_judged_at_capture_time),
        cmocka_unit_test(expired_intermediate_is_named),
        cmocka_unit_test(extended_key_usage_needs_client_auth),
        cmocka_unit_test(chain_order),
        cmocka_unit_test(issuer_roles),
        cmocka_unit_test(weak_keys_and_signatures),
        cmocka_unit_test(duplicate_certificates),
        cmocka_unit_test(broken_signatures_are_not_missing_issuers),
        cmocka_unit_test(server_chain_checks),
        cmocka_unit_test(malformed_certificates_are_noted_not_judged),
        cmocka_unit_test(undecodable_ca_names_are_shown_not_fatal),
        cmocka_unit_test(certificates_are_parsed_and_verified_once_per_capture),
        cmocka_unit_test(malformed_certificates_are_parsed_once),
        cmocka_unit_test(truncated_certificate_is_not_empty),
        cmocka_unit_test(hostile_sizes_are_bounded),
        cmocka_unit_test(verdict_cache_stays_within_its_limit),
        cmocka_unit_test(certificate_cache_stays_within_its_limit),
        cmocka_unit_test(trust_store_errors_are_reported),
        cmocka_unit_test(trust_store_forms),
    };
    return cmocka_run_group_tests_name("chain", tests, test_pki_setup, test_pki_teardown);
}
