/* test_connection_end.c - the end of the connection (FIN, RST) judged from
 * where the handshake stood, answers in protocols other than HTTP, and the
 * review's wrong results: each test fails without the rule it names.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "answer_classification.h"
#include "test_pki.h"

static void feed_close(test_session *session, const char *sender, bool reset)
{
    mtls_event event = {.kind = MTLS_EVENT_CONNECTION_CLOSED};
    event.u.connection_closed.reset = reset;
    feed_event(session, sender, &event);
}

static void feed_answer(test_session *session, mtls_application protocol, const char *type, const char *code,
                        const char *severity, const char *text)
{
    mtls_event event = {.kind = MTLS_EVENT_APPLICATION_ANSWER};
    event.u.application_answer.protocol = protocol;
    event.u.application_answer.message_type = type;
    event.u.application_answer.code = code;
    event.u.application_answer.severity = severity;
    event.u.application_answer.text = text;
    feed_event(session, TEST_SERVER, &event);
}

static void feed_http_status(test_session *session, const char *status)
{
    feed_answer(session, MTLS_APPLICATION_HTTP1, NULL, status, NULL, NULL);
}

static mtls_verdict final_verdict(const mtls_handshake *handshake)
{
    return mtls_handshake_verdict(handshake, true);
}

/* A TLS 1.2 client flight up to its Finished; the server has not answered. */
static mtls_handshake *tls12_client_flight(test_session *session, const test_pki *pki, const test_cert *const *chain,
                                           size_t count)
{
    feed_tls12_server_flight(session, pki, CERTS(pki->root), 1);
    feed_certificate(session, TEST_CLIENT, chain, count);
    feed_simple(session, TEST_CLIENT, MTLS_EVENT_CHANGE_CIPHER_SPEC);
    feed_simple(session, TEST_CLIENT, MTLS_EVENT_FINISHED);
    return session->last;
}

static mtls_handshake *tls12_completed(test_session *session, const test_pki *pki, const test_cert *const *chain,
                                       size_t count)
{
    mtls_handshake *handshake = tls12_client_flight(session, pki, chain, count);
    feed_simple(session, TEST_SERVER, MTLS_EVENT_CHANGE_CIPHER_SPEC);
    feed_simple(session, TEST_SERVER, MTLS_EVENT_FINISHED);
    return handshake;
}

/* Node.js, wolfSSL, Mbed TLS: a FIN after the client's certificate, no alert. */
static void close_before_completion_is_a_refusal(void **state)
{
    test_pki *pki = *state;
    test_session session;
    test_session_init(&session, NULL);
    mtls_handshake *handshake = tls12_client_flight(&session, pki, CERTS(pki->client), 1);
    assert_int_equal(mtls_handshake_verdict(handshake, false), MTLS_VERDICT_IN_PROGRESS);
    feed_close(&session, TEST_SERVER, false);
    assert_int_equal(final_verdict(handshake), MTLS_VERDICT_CLOSED_WITHOUT_ALERT);
    assert_string_equal(mtls_verdict_name(final_verdict(handshake)), "refused (connection closed)");
    /* The unsent intermediate, held for the outcome, is its likely reason. */
    assert_codes(handshake, true, "closed_without_alert,missing_intermediate");
    assert_message_mentions(handshake, "closed_without_alert", "without completing the handshake");
    assert_message_mentions(handshake, "closed_without_alert", "missing_intermediate (frame");
    assert_int_equal(mtls_handshake_get_summary(handshake)->closed_by, 'S');
    /* The client's alert after the server hung up is not the cause. */
    feed_alert(&session, TEST_CLIENT, 2, 50);
    assert_codes(handshake, true, "closed_without_alert,missing_intermediate");
    assert_int_equal(final_verdict(handshake), MTLS_VERDICT_CLOSED_WITHOUT_ALERT);
    test_session_clear(&session);
}

static void close_after_empty_certificate_is_no_certificate(void **state)
{
    test_pki *pki = *state;
    test_session session;
    test_session_init(&session, NULL);
    mtls_handshake *handshake = tls12_client_flight(&session, pki, NULL, 0);
    feed_close(&session, TEST_SERVER, true);
    assert_int_equal(final_verdict(handshake), MTLS_VERDICT_NO_CLIENT_CERTIFICATE);
    assert_codes(handshake, true, "closed_without_alert,empty_certificate");
    assert_message_mentions(handshake, "closed_without_alert", "RST in frame");
    assert_message_mentions(handshake, "closed_without_alert", "requires a client certificate");
    assert_non_null(strstr(mtls_handshake_verdict_reason(handshake, true), "closed the connection"));
    test_session_clear(&session);
}

/* Right after the handshake with no data, a refusal and a hang-up look the
 * same; an idle connection closed later is neither. */
static void close_right_after_completion_says_both(void **state)
{
    test_pki *pki = *state;
    for (int idle = 0; idle < 2; idle++) {
        test_session session;
        test_session_init(&session, NULL);
        mtls_handshake *handshake = tls12_completed(&session, pki, CERTS(pki->client, pki->issuing), 2);
        session.time += idle ? 30 : 0;
        feed_close(&session, TEST_SERVER, false);
        if (idle) {
            assert_codes(handshake, true, "-");
            assert_int_equal(final_verdict(handshake), MTLS_VERDICT_ANSWER_UNSEEN);
        } else {
            assert_codes(handshake, true, "closed_without_alert");
            assert_message_mentions(handshake, "closed_without_alert", "cannot tell them apart");
            assert_int_equal(final_verdict(handshake), MTLS_VERDICT_CLOSED_WITHOUT_ALERT);
        }
        test_session_clear(&session);
    }
}

/* A capture that ends after the handshake, with no answer and no close:
 * the unsent intermediate held for the answer is reported once it is known
 * that nothing more comes, and says the capture holds no answer. */
static void capture_end_settles_what_was_held(void **state)
{
    test_pki *pki = *state;
    test_session session;
    test_session_init(&session, NULL);
    mtls_handshake *handshake = tls12_completed(&session, pki, CERTS(pki->client), 1);
    assert_codes(handshake, false, "handshake_completed");
    mtls_handshake_capture_ended(handshake);
    mtls_handshake_capture_ended(handshake);
    assert_codes(handshake, false, "handshake_completed,intermediate_not_sent");
    assert_message_mentions(handshake, "intermediate_not_sent", "the capture holds no answer");
    assert_int_equal(final_verdict(handshake), MTLS_VERDICT_ANSWER_UNSEEN);
    test_session_clear(&session);

    /* Cut before the outcome: the verdict says all the capture proves. */
    test_session_init(&session, NULL);
    handshake = tls12_client_flight(&session, pki, CERTS(pki->client), 1);
    mtls_handshake_capture_ended(handshake);
    assert_codes(handshake, true, "-");
    assert_codes(handshake, false, "-");
    assert_int_equal(final_verdict(handshake), MTLS_VERDICT_INCOMPLETE_CAPTURE);
    test_session_clear(&session);
}

/* s_client -reconnect: the client's close_notify (encrypted), then the
 * server's own and its FIN, before the client's FIN: the client ended it. */
static void close_after_a_closing_alert_is_no_refusal(void **state)
{
    test_pki *pki = *state;
    test_session session;
    test_session_init(&session, NULL);
    mtls_handshake *handshake = tls12_completed(&session, pki, CERTS(pki->client, pki->issuing), 2);
    feed_alert(&session, TEST_CLIENT, 0, MTLS_ALERT_ENCRYPTED);
    feed_alert(&session, TEST_SERVER, 0, MTLS_ALERT_ENCRYPTED);
    feed_close(&session, TEST_SERVER, false);
    assert_codes(handshake, true, "-");
    assert_int_equal(final_verdict(handshake), MTLS_VERDICT_ANSWER_UNSEEN);
    test_session_clear(&session);
}

static void close_after_data_or_by_client_is_no_refusal(void **state)
{
    test_pki *pki = *state;
    test_session session;
    test_session_init(&session, NULL);
    mtls_handshake *handshake = tls12_completed(&session, pki, CERTS(pki->client, pki->issuing), 2);
    feed_simple(&session, TEST_SERVER, MTLS_EVENT_APPLICATION_DATA);
    feed_close(&session, TEST_SERVER, false);
    assert_codes(handshake, true, "-");
    assert_int_equal(final_verdict(handshake), MTLS_VERDICT_ANSWER_UNSEEN);
    test_session_clear(&session);

    /* The client gives up before the server's flight ends: not a refusal, not incomplete. */
    test_session_init(&session, NULL);
    feed_client_hello(&session, 0x0303, NULL, 0);
    handshake = session.last;
    feed_close(&session, TEST_CLIENT, true);
    assert_codes(handshake, true, "-");
    assert_int_equal(final_verdict(handshake), MTLS_VERDICT_FAILED);
    assert_non_null(strstr(mtls_handshake_verdict_reason(handshake, true), "client closed the connection"));
    test_session_clear(&session);

    /* Without any end the capture is cut short. */
    test_session_init(&session, NULL);
    handshake = tls12_client_flight(&session, pki, CERTS(pki->client), 1);
    assert_int_equal(final_verdict(handshake), MTLS_VERDICT_INCOMPLETE_CAPTURE);
    test_session_clear(&session);
}

/* A cleartext handshake record Wireshark could not read: a verdict that
 * rests on a message not being there is not given. */
static void unreadable_certificate_is_not_called_missing(void **state)
{
    test_pki *pki = *state;
    test_session session;
    test_session_init(&session, NULL);
    feed_tls12_server_flight(&session, pki, CERTS(pki->root), 1);
    mtls_handshake *handshake = session.last;
    feed_simple(&session, TEST_CLIENT, MTLS_EVENT_ENCRYPTED_HANDSHAKE);
    feed_alert(&session, TEST_SERVER, 2, 40);
    assert_int_equal(final_verdict(handshake), MTLS_VERDICT_UNREADABLE);
    test_session_clear(&session);
}

/* PostgreSQL: no certificate, then FATAL 28000 in the server's own words. */
static void postgresql_refusal_is_quoted(void **state)
{
    test_pki *pki = *state;
    test_session session;
    test_session_init(&session, NULL);
    mtls_event hello = {.kind = MTLS_EVENT_CLIENT_HELLO}; /* no ALPN: not HTTP */
    hello.u.client_hello.legacy_version = 0x0303;
    hello.u.client_hello.server_name = TEST_SERVER_NAME;
    feed_event(&session, TEST_CLIENT, &hello);
    mtls_handshake *handshake = session.last;
    feed_server_hello(&session, 0x0303, 0);
    feed_certificate(&session, TEST_SERVER, CERTS(pki->server, pki->issuing), 2);
    feed_certificate_request(&session, CERTS(pki->root), 1);
    feed_simple(&session, TEST_SERVER, MTLS_EVENT_SERVER_HELLO_DONE);
    feed_certificate(&session, TEST_CLIENT, NULL, 0);
    feed_simple(&session, TEST_CLIENT, MTLS_EVENT_CHANGE_CIPHER_SPEC);
    feed_simple(&session, TEST_CLIENT, MTLS_EVENT_FINISHED);
    feed_simple(&session, TEST_SERVER, MTLS_EVENT_CHANGE_CIPHER_SPEC);
    feed_simple(&session, TEST_SERVER, MTLS_EVENT_FINISHED);
    feed_answer(&session, MTLS_APPLICATION_POSTGRESQL, "Error", "28000", "FATAL",
                "connection requires a valid client certificate");
    assert_int_equal(final_verdict(handshake), MTLS_VERDICT_REJECTED_BY_APPLICATION);
    assert_message_mentions(handshake, "application_rejected", "PostgreSQL");
    assert_message_mentions(handshake, "application_rejected", "connection requires a valid client certificate");
    assert_message_mentions(handshake, "application_rejected", "sslcert");
    for (size_t i = 0; i < mtls_handshake_finding_count(handshake); i++) {
        const char *message = mtls_handshake_finding_message(handshake, mtls_handshake_finding(handshake, i));
        assert_null(strstr(message, "nginx"));
        if (strstr(message, "HTTP") != NULL)
            fail_msg("names HTTP: %s", message);
    }
    test_session_clear(&session);
}

/* An expired certificate, then MySQL's 1045: the expiry explains it, no mapping advice. */
static void refusal_cites_the_chain_finding(void **state)
{
    test_pki *pki = *state;
    test_cert *expired = test_cert_new(&(test_cert_spec){.common_name = "expired client", .issuer = pki->issuing,
                                                         .not_before = TEST_NOW - 3 * 86400 * 365,
                                                         .not_after = TEST_NOW - 86400});
    test_session session;
    test_session_init(&session, NULL);
    mtls_handshake *handshake = tls12_completed(&session, pki, CERTS(expired, pki->issuing), 2);
    feed_answer(&session, MTLS_APPLICATION_MYSQL, "255", "1045", NULL, "Access denied for user 'app'@'localhost'");
    assert_int_equal(final_verdict(handshake), MTLS_VERDICT_REJECTED_BY_APPLICATION);
    assert_message_mentions(handshake, "application_rejected", "expired (frame");
    assert_message_mentions(handshake, "application_rejected", "Access denied");
    assert_null(strstr(message_of(handshake, "application_rejected"), "REQUIRE"));
    test_session_clear(&session);
    test_cert_free(expired);
}

/* Review 1: a 401 after a TLS 1.3 handshake that never asked is a token's
 * matter, and a resumed session is not refused for want of a certificate. */
static void http_401_after_tls13_is_not_a_certificate_refusal(void **state)
{
    (void)state;
    static const uint16_t tls13[] = {0x0304};
    for (int resumed = 0; resumed < 2; resumed++) {
        for (int status = 0; status < 2; status++) {
            test_session session;
            test_session_init(&session, NULL);
            feed_client_hello(&session, 0x0303, tls13, 1);
            mtls_handshake *handshake = session.last;
            mtls_event hello = {.kind = MTLS_EVENT_SERVER_HELLO};
            static const uint8_t random[32] = {7};
            hello.u.server_hello.legacy_version = 0x0303;
            hello.u.server_hello.selected_version = 0x0304;
            hello.u.server_hello.random = random;
            hello.u.server_hello.psk_accepted = resumed;
            feed_event(&session, TEST_SERVER, &hello);
            feed_simple(&session, TEST_SERVER, MTLS_EVENT_FINISHED);
            feed_simple(&session, TEST_CLIENT, MTLS_EVENT_FINISHED);
            feed_simple(&session, TEST_SERVER, MTLS_EVENT_NEW_SESSION_TICKET);
            feed_http_status(&session, status ? "403" : "401");
            const bool refused = !resumed && status == 1;
            assert_int_equal(final_verdict(handshake) == MTLS_VERDICT_REJECTED_BY_APPLICATION, refused);
            test_session_clear(&session);
        }
    }
}

/* Review 5: only a status of three digits is one; 1xx and 101 are not answers. */
static void invalid_and_interim_statuses_are_not_answers(void **state)
{
    (void)state;
    assert_int_equal(mtls_parse_http_status("403"), 403);
    assert_int_equal(mtls_parse_http_status("4030"), 0);
    assert_int_equal(mtls_parse_http_status("403x"), 0);
    assert_int_equal(mtls_parse_http_status("0403"), 0);
    assert_int_equal(mtls_parse_http_status("099"), 0);
    assert_int_equal(mtls_parse_http_status("600"), 0);
    assert_int_equal(mtls_parse_http_status(NULL), 0);
    test_pki *pki = *state;
    test_session session;
    test_session_init(&session, NULL);
    mtls_handshake *handshake = tls12_completed(&session, pki, CERTS(pki->client, pki->issuing), 2);
    feed_http_status(&session, "4030");
    feed_http_status(&session, "101");
    feed_http_status(&session, "100");
    assert_int_equal(final_verdict(handshake), MTLS_VERDICT_ANSWER_UNSEEN);
    feed_http_status(&session, "403");
    assert_int_equal(final_verdict(handshake), MTLS_VERDICT_REJECTED_BY_APPLICATION);
    test_session_clear(&session);
}

/* Each protocol's codes, decided on purpose. */
static void classifiers_read_each_protocol(void **state)
{
    (void)state;
    struct {
        mtls_application protocol;
        const char *type, *code, *text;
        mtls_answer_kind want;
    } cases[] = {
        {MTLS_APPLICATION_POSTGRESQL, "Error", "28000", "certificate authentication failed", MTLS_ANSWER_DENIED},
        {MTLS_APPLICATION_POSTGRESQL, "Error", "3D000", "database does not exist", MTLS_ANSWER_ERROR},
        {MTLS_APPLICATION_POSTGRESQL, "Authentication request", "0", NULL, MTLS_ANSWER_SERVED},
        {MTLS_APPLICATION_POSTGRESQL, "Parameter status", NULL, NULL, MTLS_ANSWER_NONE},
        {MTLS_APPLICATION_MYSQL, "255", "1045", "Access denied", MTLS_ANSWER_DENIED},
        {MTLS_APPLICATION_MYSQL, "255", "1049", "Unknown database", MTLS_ANSWER_ERROR},
        {MTLS_APPLICATION_MYSQL, "0", NULL, NULL, MTLS_ANSWER_SERVED},
        {MTLS_APPLICATION_MQTT, "2", "0", NULL, MTLS_ANSWER_SERVED},
        {MTLS_APPLICATION_MQTT, "2", "5", NULL, MTLS_ANSWER_DENIED},
        {MTLS_APPLICATION_MQTT, "2", "135", NULL, MTLS_ANSWER_DENIED},
        {MTLS_APPLICATION_MQTT, "3", "0", NULL, MTLS_ANSWER_NONE},
        {MTLS_APPLICATION_SMTP, NULL, "421", "4.7.1 example: No client certificate presented", MTLS_ANSWER_DENIED},
        {MTLS_APPLICATION_SMTP, NULL, "250", "example", MTLS_ANSWER_SERVED},
        {MTLS_APPLICATION_SMTP, NULL, "452", "4.3.1 Insufficient system storage", MTLS_ANSWER_ERROR},
        {MTLS_APPLICATION_LDAP, "1", "49", "", MTLS_ANSWER_DENIED},
        {MTLS_APPLICATION_LDAP, "1", "0", "", MTLS_ANSWER_SERVED},
        {MTLS_APPLICATION_LDAP, "0", NULL, NULL, MTLS_ANSWER_NONE},
        {MTLS_APPLICATION_LDAP, "5", "32", "", MTLS_ANSWER_ERROR},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        mtls_event event = {.kind = MTLS_EVENT_APPLICATION_ANSWER};
        event.u.application_answer.protocol = cases[i].protocol;
        event.u.application_answer.message_type = cases[i].type;
        event.u.application_answer.code = cases[i].code;
        event.u.application_answer.text = cases[i].text;
        mtls_answer answer = mtls_classify_application_answer(&event);
        if (answer.kind != cases[i].want)
            fail_msg("case %zu (%s %s): kind %d, want %d", i, mtls_application_name(cases[i].protocol),
                     cases[i].code ? cases[i].code : "-", answer.kind, cases[i].want);
        g_free(answer.words);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(close_before_completion_is_a_refusal),
        cmocka_unit_test(close_after_empty_certificate_is_no_certificate),
        cmocka_unit_test(close_right_after_completion_says_both),
        cmocka_unit_test(capture_end_settles_what_was_held),
        cmocka_unit_test(close_after_a_closing_alert_is_no_refusal),
        cmocka_unit_test(close_after_data_or_by_client_is_no_refusal),
        cmocka_unit_test(unreadable_certificate_is_not_called_missing),
        cmocka_unit_test(postgresql_refusal_is_quoted),
        cmocka_unit_test(refusal_cites_the_chain_finding),
        cmocka_unit_test(http_401_after_tls13_is_not_a_certificate_refusal),
        cmocka_unit_test(invalid_and_interim_statuses_are_not_answers),
        cmocka_unit_test(classifiers_read_each_protocol),
    };
    return cmocka_run_group_tests(tests, test_pki_setup, test_pki_teardown);
}
