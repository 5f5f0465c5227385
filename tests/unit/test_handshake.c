/* test_handshake.c - event sequences through the analyzer: the protocol
 * findings, the alert explanations and the verdicts.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "test_pki.h"

#define FATAL 2
#define WARNING 1

static void assert_verdict(const mtls_handshake *handshake, mtls_verdict expected)
{
    assert_int_equal(mtls_handshake_verdict(handshake, true), expected);
}

/* Client certificate (or an empty one) and the rest of the client's flight. */
static void client_flight(test_session *session, const test_cert *const *chain, size_t count)
{
    feed_certificate(session, TEST_CLIENT, chain, count);
    feed_simple(session, TEST_CLIENT, MTLS_EVENT_CERTIFICATE_VERIFY);
    feed_simple(session, TEST_CLIENT, MTLS_EVENT_CHANGE_CIPHER_SPEC);
}

static void empty_certificate_then_handshake_failure(void **state)
{
    test_pki *pki = *state;
    test_session session;
    test_session_init(&session, NULL);
    feed_tls12_server_flight(&session, pki, CERTS(pki->root), 1);
    client_flight(&session, NULL, 0);
    feed_alert(&session, TEST_SERVER, FATAL, 40);
    assert_codes(session.last, true, "empty_certificate,handshake_failure");
    assert_message_mentions(session.last, "empty_certificate", "CertificateRequest in frame 4");
    assert_message_mentions(session.last, "handshake_failure", "sent an empty Certificate (frame 6) but the server requires one");
    assert_message_mentions(session.last, "handshake_failure", "CN=Test Root");
    assert_verdict(session.last, MTLS_VERDICT_NO_CLIENT_CERTIFICATE);
    const mtls_handshake_summary *summary = mtls_handshake_get_summary(session.last);
    assert_int_equal(summary->certificate_request_frame, 4);
    assert_int_equal(summary->client_certificate_frame, 6);
    assert_int_equal(summary->alert_frame, 9);
    const mtls_finding *alert = mtls_handshake_finding(session.last, 1);
    assert_int_equal(alert->frame, 9);
    assert_int_equal(alert->evidence_count, 2);
    /* The flow at a glance, each step with its frame. */
    assert_string_equal(mtls_handshake_flow(session.last),
                        "C: ClientHello \xc2\xb7 S: ServerHello, Certificate(2), CertificateRequest(1 CA), "
                        "ServerHelloDone \xc2\xb7 C: Certificate(empty), CertificateVerify, ChangeCipherSpec "
                        "\xc2\xb7 S: Alert handshake_failure");
    assert_int_equal(mtls_handshake_flow_step_count(session.last), 9);
    assert_int_equal(mtls_handshake_flow_step(session.last, 5).frame, 6);
    assert_string_equal(mtls_handshake_flow_step(session.last, 5).step, "Certificate(empty)");
    assert_int_equal(mtls_handshake_flow_step(session.last, 5).side, 'C');
    assert_null(mtls_handshake_flow_step(session.last, 9).step);
    test_session_clear(&session);
}

static void accepted_client_certificate(void **state)
{
    test_pki *pki = *state;
    test_session session;
    test_session_init(&session, NULL);
    feed_tls12_server_flight(&session, pki, CERTS(pki->root), 1);
    client_flight(&session, CERTS(pki->client, pki->issuing), 2);
    assert_int_equal(mtls_handshake_verdict(session.last, false), MTLS_VERDICT_IN_PROGRESS);
    feed_simple(&session, TEST_SERVER, MTLS_EVENT_CHANGE_CIPHER_SPEC);
    assert_codes(session.last, true, "-");
    assert_codes(session.last, false, "handshake_completed");
    assert_verdict(session.last, MTLS_VERDICT_ANSWER_UNSEEN);
    const mtls_handshake_summary *summary = mtls_handshake_get_summary(session.last);
    assert_string_equal(summary->client_endpoint, TEST_CLIENT);
    assert_string_equal(summary->server_endpoint, TEST_SERVER);
    assert_string_equal(summary->server_name, "api.example.test");
    assert_int_equal(summary->negotiated_version, 0x0303);
    const char *reason = mtls_handshake_verdict_reason(session.last, true);
    assert_non_null(strstr(reason, "CN=client"));
    /* Asked again, the same reason is the same text, still valid. */
    assert_ptr_equal(mtls_handshake_verdict_reason(session.last, true), reason);
    assert_non_null(strstr(reason, "CN=client"));

    /* Application data afterwards belongs to the application, not the handshake. */
    mtls_handshake *handshake = session.last;
    feed_simple(&session, TEST_CLIENT, MTLS_EVENT_APPLICATION_DATA);
    assert_null(session.last);
    assert_verdict(handshake, MTLS_VERDICT_ANSWER_UNSEEN);
    test_session_clear(&session);
}

static void optional_client_auth_accepts_empty_certificate(void **state)
{
    test_pki *pki = *state;
    test_session session;
    test_session_init(&session, NULL);
    feed_tls12_server_flight(&session, pki, CERTS(pki->root), 1);
    client_flight(&session, NULL, 0);
    feed_simple(&session, TEST_SERVER, MTLS_EVENT_CHANGE_CIPHER_SPEC);
    assert_codes(session.last, true, "empty_certificate");
    assert_codes(session.last, false, "completed_without_certificate");
    assert_message_mentions(session.last, "completed_without_certificate", "Authentication object was not found");
    assert_verdict(session.last, MTLS_VERDICT_NO_CLIENT_CERTIFICATE);
    test_session_clear(&session);
}

static void not_requested(void **state)
{
    test_pki *pki = *state;
    test_session session;
    test_session_init(&session, NULL);
    feed_tls12_server_flight_unrequested(&session, pki);
    assert_codes(session.last, true, "-");
    assert_codes(session.last, false, "not_requested");
    assert_message_mentions(session.last, "not_requested", "api.example.test");
    assert_verdict(session.last, MTLS_VERDICT_NOT_REQUESTED);
    test_session_clear(&session);
}

static void failure_before_server_hello(void **state)
{
    (void)state;
    test_session session;
    test_session_init(&session, NULL);
    feed_client_hello(&session, 0x0303, NULL, 0);
    feed_alert(&session, TEST_SERVER, FATAL, 40);
    assert_codes(session.last, true, "handshake_failure");
    assert_message_mentions(session.last, "handshake_failure", "cipher suite");
    assert_message_mentions(session.last, "handshake_failure", "TLS 1.2");
    assert_verdict(session.last, MTLS_VERDICT_FAILED);
    test_session_clear(&session);

    test_session_init(&session, NULL);
    feed_client_hello(&session, 0x0301, NULL, 0);
    feed_alert(&session, TEST_SERVER, FATAL, 70);
    assert_codes(session.last, true, "legacy_version,protocol_version");
    assert_message_mentions(session.last, "protocol_version", "at most TLS 1.0");
    assert_message_mentions(session.last, "legacy_version", "RFC 8996");
    test_session_clear(&session);
}

static void legacy_versions(void **state)
{
    (void)state;
    test_session session;
    test_session_init(&session, NULL);
    feed_client_hello(&session, 0x0303, NULL, 0);
    feed_server_hello(&session, 0x0302, 0);
    assert_codes(session.last, true, "legacy_version");
    assert_message_mentions(session.last, "legacy_version", "negotiated deprecated TLS 1.1");
    assert_message_mentions(session.last, "legacy_version", "although the client offered up to TLS 1.2");
    test_session_clear(&session);

    /* GREASE and a modern offer are not legacy. */
    static const uint16_t offered[] = {0x1a1a, 0x0304, 0x0303};
    test_session_init(&session, NULL);
    feed_client_hello(&session, 0x0303, offered, G_N_ELEMENTS(offered));
    feed_server_hello(&session, 0x0303, 0x0304);
    assert_codes(session.last, true, "-");
    assert_int_equal(mtls_handshake_get_summary(session.last)->offered_max_version, 0x0304);
    assert_int_equal(mtls_handshake_get_summary(session.last)->negotiated_version, 0x0304);
    assert_string_equal(mtls_handshake_get_summary(session.last)->offered_versions, "TLS 1.3, TLS 1.2");
    test_session_clear(&session);
}

/* What a middleware configured "for TLS 1.2" really sent: every version
 * field of the ClientHello, without claiming the minimum it accepts. */
static void offered_versions_are_reported_as_sent(void **state)
{
    (void)state;
    test_session session;
    test_session_init(&session, NULL);
    mtls_event hello = {.kind = MTLS_EVENT_CLIENT_HELLO};
    hello.u.client_hello.legacy_version = 0x0301;
    hello.u.client_hello.record_version = 0x0300;
    feed_event(&session, TEST_CLIENT, &hello);
    const mtls_handshake_summary *summary = mtls_handshake_get_summary(session.last);
    assert_string_equal(summary->offered_versions, "up to TLS 1.0");
    assert_int_equal(summary->client_hello_version, 0x0301);
    assert_int_equal(summary->record_version, 0x0300);
    assert_codes(session.last, true, "legacy_version");
    assert_message_mentions(session.last, "legacy_version", "ClientHello version TLS 1.0, record version SSL 3.0");
    /* No ServerHello follows: the legacy offer is reported all the same. */
    feed_alert(&session, TEST_SERVER, 2, 70);
    assert_codes(session.last, true, "legacy_version,protocol_version");
    test_session_clear(&session);

    static const uint16_t unknown_and_grease[] = {0x2a2a, 0x7f1c, 0x0304};
    test_session_init(&session, NULL);
    feed_client_hello(&session, 0x0303, unknown_and_grease, G_N_ELEMENTS(unknown_and_grease));
    assert_string_equal(mtls_handshake_get_summary(session.last)->offered_versions, "0x7f1c, TLS 1.3");
    test_session_clear(&session);
}

typedef struct {
    const char *sender;
    int description;
    const char *code;
    const char *explanation;
    mtls_verdict verdict;
} alert_case;

static void alerts_after_client_certificate_are_explained(void **state)
{
    test_pki *pki = *state;
    static const alert_case cases[] = {
        {TEST_SERVER, 40, "handshake_failure", "every client-certificate rejection", MTLS_VERDICT_REJECTED},
        {TEST_SERVER, 42, "bad_certificate", "does not belong to the certificate", MTLS_VERDICT_REJECTED},
        {TEST_SERVER, 43, "unsupported_certificate", "Extended Key Usage", MTLS_VERDICT_REJECTED},
        {TEST_SERVER, 44, "certificate_revoked", "revoked", MTLS_VERDICT_REJECTED},
        {TEST_SERVER, 45, "certificate_expired", "server's clock", MTLS_VERDICT_REJECTED},
        {TEST_SERVER, 46, "certificate_unknown", "server's log", MTLS_VERDICT_REJECTED},
        {TEST_SERVER, 48, "unknown_ca", "trusted client CAs", MTLS_VERDICT_REJECTED},
        {TEST_SERVER, 49, "access_denied", "not authorised", MTLS_VERDICT_REJECTED},
        {TEST_SERVER, 51, "decrypt_error", "private key used does not belong", MTLS_VERDICT_REJECTED},
        {TEST_SERVER, 71, "insufficient_security", "stronger ciphers", MTLS_VERDICT_REJECTED},
        {TEST_SERVER, 80, "internal_error", "reason of its own", MTLS_VERDICT_REJECTED},
        {TEST_SERVER, 200, "unknown_alert", "not in the TLS registry", MTLS_VERDICT_REJECTED},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        test_session session;
        test_session_init(&session, NULL);
        feed_tls12_server_flight(&session, pki, CERTS(pki->root), 1);
        client_flight(&session, CERTS(pki->client, pki->issuing), 2);
        feed_alert(&session, cases[i].sender, FATAL, cases[i].description);
        char *expected = g_strdup(cases[i].code);
        assert_codes(session.last, true, expected);
        assert_message_mentions(session.last, cases[i].code, cases[i].explanation);
        assert_message_mentions(session.last, cases[i].code, "The server sent fatal alert");
        assert_verdict(session.last, cases[i].verdict);
        g_free(expected);
        test_session_clear(&session);
    }
}

static void server_alert_names_the_chain_problem(void **state)
{
    test_pki *pki = *state;
    test_session session;
    test_session_init(&session, NULL);
    feed_tls12_server_flight(&session, pki, CERTS(pki->root), 1);
    client_flight(&session, CERTS(pki->client), 1);
    feed_alert(&session, TEST_SERVER, FATAL, 48);
    assert_codes(session.last, true, "missing_intermediate,unknown_ca");
    assert_message_mentions(session.last, "unknown_ca", "missing_intermediate (frame 6)");
    test_session_clear(&session);
}

static void client_rejecting_the_server(void **state)
{
    test_pki *pki = *state;
    test_session session;
    test_session_init(&session, NULL);
    feed_client_hello(&session, 0x0303, NULL, 0);
    feed_server_hello(&session, 0x0303, 0);
    feed_certificate(&session, TEST_SERVER, CERTS(pki->server, pki->issuing), 2);
    feed_certificate_request(&session, CERTS(pki->root), 1);
    feed_simple(&session, TEST_SERVER, MTLS_EVENT_SERVER_HELLO_DONE);
    feed_alert(&session, TEST_CLIENT, FATAL, 48);
    assert_codes(session.last, true, "unknown_ca");
    assert_message_mentions(session.last, "unknown_ca", "The client sent fatal alert");
    assert_message_mentions(session.last, "unknown_ca", "client rejected the server's certificate 'O=Unit Test,CN=server'");
    assert_message_mentions(session.last, "unknown_ca", "trust store");
    assert_verdict(session.last, MTLS_VERDICT_SERVER_REJECTED);
    test_session_clear(&session);

    /* A client with no fitting certificate that aborts instead of sending an empty one. */
    test_session_init(&session, NULL);
    feed_tls12_server_flight(&session, pki, CERTS(pki->root), 1);
    feed_alert(&session, TEST_CLIENT, FATAL, 40);
    assert_message_mentions(session.last, "handshake_failure", "no certificate fitting");
    assert_verdict(session.last, MTLS_VERDICT_FAILED);
    test_session_clear(&session);
}

static void ssl3_no_certificate_warning_is_a_problem(void **state)
{
    test_pki *pki = *state;
    test_session session;
    test_session_init(&session, NULL);
    feed_tls12_server_flight(&session, pki, CERTS(pki->root), 1);
    feed_alert(&session, TEST_CLIENT, WARNING, 41);
    assert_codes(session.last, true, "no_certificate");
    assert_message_mentions(session.last, "no_certificate", "no certificate to present");
    assert_verdict(session.last, MTLS_VERDICT_NO_CLIENT_CERTIFICATE);
    test_session_clear(&session);
}

static void warnings_close_notify_and_encrypted_alerts(void **state)
{
    test_pki *pki = *state;
    test_session session;
    test_session_init(&session, NULL);
    feed_client_hello(&session, 0x0303, NULL, 0);
    feed_alert(&session, TEST_SERVER, WARNING, 112);
    feed_alert(&session, TEST_SERVER, WARNING, 0);
    assert_codes(session.last, true, "-");
    assert_codes(session.last, false, "warning_alert");
    assert_message_mentions(session.last, "warning_alert", "unrecognized_name");
    test_session_clear(&session);

    test_session_init(&session, NULL);
    feed_tls12_server_flight(&session, pki, CERTS(pki->root), 1);
    client_flight(&session, CERTS(pki->client, pki->issuing), 2);
    feed_alert(&session, TEST_SERVER, MTLS_ALERT_ENCRYPTED, MTLS_ALERT_ENCRYPTED);
    assert_codes(session.last, true, "-");
    assert_codes(session.last, false, "encrypted_alert");
    assert_verdict(session.last, MTLS_VERDICT_FAILED);
    test_session_clear(&session);
}

static void tls13_without_keys_is_a_note(void **state)
{
    (void)state;
    static const uint16_t offered[] = {0x0304, 0x0303};
    test_session session;
    test_session_init(&session, NULL);
    feed_client_hello(&session, 0x0303, offered, 2);
    feed_server_hello(&session, 0x0303, 0x0304);
    feed_simple(&session, TEST_SERVER, MTLS_EVENT_CHANGE_CIPHER_SPEC);
    feed_simple(&session, TEST_SERVER, MTLS_EVENT_APPLICATION_DATA);
    mtls_handshake *handshake = session.last;
    assert_codes(handshake, false, "tls13_encrypted");
    /* Further encrypted records add nothing and are not part of the handshake. */
    feed_simple(&session, TEST_SERVER, MTLS_EVENT_APPLICATION_DATA);
    assert_null(session.last);
    assert_codes(handshake, true, "-");
    assert_codes(handshake, false, "tls13_encrypted");
    assert_message_mentions(handshake, "tls13_encrypted", "SSLKEYLOGFILE");
    assert_verdict(handshake, MTLS_VERDICT_ENCRYPTED);
    test_session_clear(&session);
}

static void tls13_with_keys(void **state)
{
    test_pki *pki = *state;
    static const uint16_t offered[] = {0x0304};
    test_session session;
    test_session_init(&session, NULL);
    feed_client_hello(&session, 0x0303, offered, 1);
    feed_server_hello(&session, 0x0303, 0x0304);
    feed_certificate_request(&session, NULL, 0);
    feed_certificate(&session, TEST_SERVER, CERTS(pki->server, pki->issuing), 2);
    feed_simple(&session, TEST_SERVER, MTLS_EVENT_CERTIFICATE_VERIFY);
    feed_simple(&session, TEST_SERVER, MTLS_EVENT_FINISHED);
    feed_certificate(&session, TEST_CLIENT, CERTS(pki->client, pki->issuing), 2);
    feed_simple(&session, TEST_CLIENT, MTLS_EVENT_CERTIFICATE_VERIFY);
    feed_simple(&session, TEST_CLIENT, MTLS_EVENT_FINISHED);
    assert_int_equal(mtls_handshake_verdict(session.last, false), MTLS_VERDICT_IN_PROGRESS);
    feed_simple(&session, TEST_SERVER, MTLS_EVENT_NEW_SESSION_TICKET);
    assert_codes(session.last, true, "-");
    assert_codes(session.last, false, "ca_names_empty,handshake_completed");
    assert_verdict(session.last, MTLS_VERDICT_ANSWER_UNSEEN);
    test_session_clear(&session);

    test_session_init(&session, NULL);
    feed_client_hello(&session, 0x0303, offered, 1);
    feed_server_hello(&session, 0x0303, 0x0304);
    feed_certificate_request(&session, CERTS(pki->root), 1);
    feed_simple(&session, TEST_SERVER, MTLS_EVENT_FINISHED);
    feed_certificate(&session, TEST_CLIENT, NULL, 0);
    feed_simple(&session, TEST_CLIENT, MTLS_EVENT_FINISHED);
    feed_alert(&session, TEST_SERVER, FATAL, 116);
    assert_codes(session.last, true, "certificate_required,empty_certificate");
    assert_message_mentions(session.last, "certificate_required", "TLS 1.3");
    assert_verdict(session.last, MTLS_VERDICT_NO_CLIENT_CERTIFICATE);
    test_session_clear(&session);
}

static void handshake_boundaries(void **state)
{
    test_pki *pki = *state;
    static const uint16_t offered[] = {0x0304};
    test_session session;
    test_session_init(&session, NULL);

    /* A HelloRetryRequest and the second ClientHello stay in one handshake. */
    feed_client_hello(&session, 0x0303, offered, 1);
    mtls_handshake *first = session.last;
    feed_hello_retry_request(&session);
    feed_client_hello(&session, 0x0303, offered, 1);
    assert_ptr_equal(session.last, first);
    feed_server_hello(&session, 0x0303, 0x0304);
    assert_ptr_equal(session.last, first);
    assert_int_equal(mtls_handshake_get_summary(first)->handshake_number, 1);
    assert_int_equal(mtls_handshake_get_summary(first)->stream_number, 7);
    test_session_clear(&session);

    /* A ClientHello repeated before any answer is the same attempt. */
    test_session_init(&session, NULL);
    feed_client_hello(&session, 0x0303, NULL, 0);
    first = session.last;
    feed_client_hello(&session, 0x0303, NULL, 0);
    assert_ptr_equal(session.last, first);

    /* After the outcome a new ClientHello is a new handshake (renegotiation). */
    feed_server_hello(&session, 0x0303, 0);
    feed_certificate_request(&session, CERTS(pki->root), 1);
    feed_simple(&session, TEST_SERVER, MTLS_EVENT_SERVER_HELLO_DONE);
    client_flight(&session, CERTS(pki->client, pki->issuing), 2);
    feed_simple(&session, TEST_SERVER, MTLS_EVENT_CHANGE_CIPHER_SPEC);
    feed_client_hello(&session, 0x0303, NULL, 0);
    assert_ptr_not_equal(session.last, first);
    assert_int_equal(mtls_handshake_get_summary(session.last)->handshake_number, 2);
    test_session_clear(&session);
}

static void resumed_session(void **state)
{
    (void)state;
    test_session session;
    test_session_init(&session, NULL);
    feed_client_hello(&session, 0x0303, NULL, 0);
    feed_server_hello(&session, 0x0303, 0);
    feed_simple(&session, TEST_SERVER, MTLS_EVENT_CHANGE_CIPHER_SPEC);
    assert_codes(session.last, true, "-");
    assert_codes(session.last, false, "resumed");
    assert_verdict(session.last, MTLS_VERDICT_RESUMED);
    test_session_clear(&session);
}

static void tls13_psk_resumption(void **state)
{
    (void)state;
    const uint16_t tls13[] = {0x0304};
    test_session session;
    test_session_init(&session, NULL);
    feed_client_hello(&session, 0x0303, tls13, 1);
    mtls_event hello = {.kind = MTLS_EVENT_SERVER_HELLO};
    hello.u.server_hello.legacy_version = 0x0303;
    hello.u.server_hello.selected_version = 0x0304;
    hello.u.server_hello.psk_accepted = true;
    mtls_packet packet = {++session.frame, session.time, TEST_SERVER, 0};
    session.last = mtls_stream_feed(session.stream, &packet, &hello);
    feed_simple(&session, TEST_SERVER, MTLS_EVENT_FINISHED);
    feed_simple(&session, TEST_CLIENT, MTLS_EVENT_FINISHED);
    assert_codes(session.last, true, "-");
    assert_codes(session.last, false, "resumed");
    assert_verdict(session.last, MTLS_VERDICT_RESUMED);
    test_session_clear(&session);
}

/* A server that sends only its leaf, refused by the client: the missing
 * intermediate is the server's, with no trust store configured; a server
 * that sends its chain, refused the same way, is not accused of it. */
static void server_leaf_only_refused_by_the_client(void **state)
{
    test_pki *pki = *state;
    for (int whole_chain = 0; whole_chain < 2; whole_chain++) {
        test_session session;
        test_session_init(&session, NULL);
        feed_client_hello_for(&session, TEST_SERVER_NAME);
        feed_server_hello(&session, 0x0303, 0);
        if (whole_chain)
            feed_certificate(&session, TEST_SERVER, CERTS(pki->server, pki->issuing), 2);
        else
            feed_certificate(&session, TEST_SERVER, CERTS(pki->server), 1);
        feed_simple(&session, TEST_SERVER, MTLS_EVENT_SERVER_HELLO_DONE);
        feed_alert(&session, TEST_CLIENT, FATAL, 48);
        assert_codes(session.last, true, whole_chain ? "unknown_ca" : "server_missing_intermediate,unknown_ca");
        if (!whole_chain)
            assert_message_mentions(session.last, "server_missing_intermediate", "RFC 8446 4.4.2");
        assert_verdict(session.last, MTLS_VERDICT_SERVER_REJECTED);
        test_session_clear(&session);
    }
}

/* A CertificateRequest after a completed TLS 1.3 handshake is a handshake of its own. */
static void tls13_post_handshake_authentication(void **state)
{
    test_pki *pki = *state;
    const uint16_t tls13[] = {0x0304};
    test_session session;
    test_session_init(&session, NULL);
    feed_client_hello(&session, 0x0303, tls13, 1);
    feed_server_hello(&session, 0x0303, 0x0304);
    feed_certificate(&session, TEST_SERVER, CERTS(pki->server, pki->issuing), 2);
    feed_simple(&session, TEST_SERVER, MTLS_EVENT_FINISHED);
    feed_simple(&session, TEST_CLIENT, MTLS_EVENT_FINISHED);
    feed_simple(&session, TEST_SERVER, MTLS_EVENT_NEW_SESSION_TICKET);
    mtls_handshake *first = session.last;
    assert_verdict(first, MTLS_VERDICT_NOT_REQUESTED);

    feed_certificate_request(&session, CERTS(pki->root), 1);
    mtls_handshake *later = session.last;
    assert_ptr_not_equal(later, first);
    assert_true(mtls_handshake_get_summary(later)->post_handshake);
    assert_int_equal(mtls_handshake_get_summary(later)->handshake_number, 2);
    client_flight(&session, CERTS(pki->client, pki->issuing), 2);
    feed_simple(&session, TEST_CLIENT, MTLS_EVENT_FINISHED);
    feed_simple(&session, TEST_SERVER, MTLS_EVENT_APPLICATION_DATA);
    assert_ptr_equal(session.last, later);
    assert_codes(later, true, "-");
    assert_codes(later, false, "handshake_completed,post_handshake_auth");
    assert_verdict(later, MTLS_VERDICT_ANSWER_UNSEEN);
    assert_verdict(first, MTLS_VERDICT_NOT_REQUESTED);
    test_session_clear(&session);
}

/* Without keys: each side's first handshake record after its
 * ChangeCipherSpec is its Finished; the next one is a renegotiation. */
static void tls12_encrypted_renegotiation(void **state)
{
    test_pki *pki = *state;
    test_session session;
    test_session_init(&session, NULL);
    feed_tls12_server_flight_unrequested(&session, pki);
    mtls_handshake *handshake = session.last;
    feed_simple(&session, TEST_CLIENT, MTLS_EVENT_CHANGE_CIPHER_SPEC);
    feed_simple(&session, TEST_CLIENT, MTLS_EVENT_ENCRYPTED_HANDSHAKE);
    feed_simple(&session, TEST_SERVER, MTLS_EVENT_CHANGE_CIPHER_SPEC);
    feed_simple(&session, TEST_SERVER, MTLS_EVENT_ENCRYPTED_HANDSHAKE);
    assert_codes(handshake, false, "not_requested");
    feed_simple(&session, TEST_SERVER, MTLS_EVENT_ENCRYPTED_HANDSHAKE);
    assert_ptr_equal(session.last, handshake);
    assert_codes(handshake, false, "not_requested,renegotiation_encrypted");
    assert_message_mentions(handshake, "renegotiation_encrypted", "The server started an encrypted renegotiation");
    /* A fatal alert once the handshake completed ends the connection, not the authentication. */
    feed_alert(&session, TEST_CLIENT, FATAL, 50);
    assert_verdict(handshake, MTLS_VERDICT_NOT_REQUESTED);
    assert_message_mentions(handshake, "decode_error", "after the handshake had completed");
    test_session_clear(&session);
}

static void capture_started_late(void **state)
{
    test_pki *pki = *state;
    test_session session;
    test_session_init(&session, NULL);
    feed_simple(&session, TEST_SERVER, MTLS_EVENT_APPLICATION_DATA);
    assert_null(session.last);
    feed_alert(&session, TEST_SERVER, FATAL, 40);
    assert_null(session.last);
    feed_server_hello(&session, 0x0303, 0);
    assert_codes(session.last, false, "handshake_start_missing");
    feed_certificate_request(&session, CERTS(pki->root), 1);
    feed_simple(&session, TEST_SERVER, MTLS_EVENT_SERVER_HELLO_DONE);
    feed_certificate(&session, TEST_CLIENT, CERTS(pki->client, pki->issuing), 2);
    assert_codes(session.last, true, "-");
    assert_string_equal(mtls_handshake_get_summary(session.last)->client_endpoint, TEST_CLIENT);
    assert_int_equal(mtls_handshake_verdict(session.last, false), MTLS_VERDICT_IN_PROGRESS);
    assert_int_equal(mtls_handshake_verdict(session.last, true), MTLS_VERDICT_INCOMPLETE_CAPTURE);
    test_session_clear(&session);
}

static void hostile_inputs_do_not_crash(void **state)
{
    (void)state;
    test_session session;
    test_session_init(&session, NULL);
    assert_null(mtls_stream_feed(session.stream, NULL, NULL));
    mtls_packet nameless = {1, TEST_NOW, NULL, 0};
    mtls_event events[] = {
        {.kind = MTLS_EVENT_CERTIFICATE},
        {.kind = MTLS_EVENT_CERTIFICATE_REQUEST},
        {.kind = MTLS_EVENT_FINISHED},
        {.kind = MTLS_EVENT_ALERT, .u.alert = {FATAL, 42}},
        {.kind = MTLS_EVENT_SERVER_HELLO},
        {.kind = MTLS_EVENT_CLIENT_HELLO},
        {.kind = (mtls_event_kind)99},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(events); i++)
        mtls_stream_feed(session.stream, &nameless, &events[i]);
    test_session_clear(&session);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(offered_versions_are_reported_as_sent),
        cmocka_unit_test(empty_certificate_then_handshake_failure),
        cmocka_unit_test(accepted_client_certificate),
        cmocka_unit_test(optional_client_auth_accepts_empty_certificate),
        cmocka_unit_test(not_requested),
        cmocka_unit_test(failure_before_server_hello),
        cmocka_unit_test(legacy_versions),
        cmocka_unit_test(alerts_after_client_certificate_are_explained),
        cmocka_unit_test(server_alert_names_the_chain_problem),
        cmocka_unit_test(client_rejecting_the_server),
        cmocka_unit_test(ssl3_no_certificate_warning_is_a_problem),
        cmocka_unit_test(warnings_close_notify_and_encrypted_alerts),
        cmocka_unit_test(tls13_without_keys_is_a_note),
        cmocka_unit_test(tls13_with_keys),
        cmocka_unit_test(handshake_boundaries),
        cmocka_unit_test(resumed_session),
        cmocka_unit_test(tls13_psk_resumption),
        cmocka_unit_test(tls13_post_handshake_authentication),
        cmocka_unit_test(server_leaf_only_refused_by_the_client),
        cmocka_unit_test(tls12_encrypted_renegotiation),
        cmocka_unit_test(capture_started_late),
        cmocka_unit_test(hostile_inputs_do_not_crash),
    };
    return cmocka_run_group_tests_name("handshake", tests, test_pki_setup, test_pki_teardown);
}
