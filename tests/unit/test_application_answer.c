/* test_application_answer.c - the application's first answer after a
 * completed handshake: nginx's 400 pages, 401/403 of an unmapped
 * certificate, 403 for want of TLS 1.3 post-handshake authentication read as
 * rejections; an ordinary answer makes the verdict ok; without an answer a
 * completed handshake never claims acceptance.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "application_answer.h"
#include "test_pki.h"

static const char nginx_no_certificate_page[] =
    "<html>\r\n<head><title>400 No required SSL certificate was sent</title></head>\r\n<body>\r\n"
    "<center><h1>400 Bad Request</h1></center>\r\n<center>No required SSL certificate was sent</center>\r\n"
    "<hr><center>nginx/1.22.1</center>\r\n</body>\r\n</html>\r\n";
static const char nginx_certificate_error_page[] =
    "<html>\r\n<head><title>400 The SSL certificate error</title></head>\r\n<body>\r\n"
    "<center><h1>400 Bad Request</h1></center>\r\n<center>The SSL certificate error</center>\r\n"
    "<hr><center>nginx/1.22.1</center>\r\n</body>\r\n</html>\r\n";

static void feed_http_answer(test_session *session, const char *sender, const char *status, const char *body)
{
    mtls_event event = {.kind = MTLS_EVENT_APPLICATION_ANSWER};
    event.u.application_answer.protocol = MTLS_APPLICATION_HTTP1;
    event.u.application_answer.code = status;
    event.u.application_answer.version = "HTTP/1.1";
    event.u.application_answer.body = (mtls_blob){(const uint8_t *)body, body ? strlen(body) : 0};
    feed_event(session, sender, &event);
}

/* An HTTP/2 frame on `stream`: HEADERS with `status`, or DATA (status NULL). */
static void feed_http2(test_session *session, uint32_t stream, const char *status, const char *body)
{
    mtls_event event = {.kind = MTLS_EVENT_APPLICATION_ANSWER};
    event.u.application_answer.protocol = MTLS_APPLICATION_HTTP2;
    event.u.application_answer.stream_id = stream;
    event.u.application_answer.code = status;
    event.u.application_answer.body = (mtls_blob){(const uint8_t *)body, body ? strlen(body) : 0};
    feed_event(session, TEST_SERVER, &event);
}

static void feed_answer(test_session *session, const char *sender, uint16_t status, const char *body)
{
    char code[8];
    g_snprintf(code, sizeof code, "%u", status);
    feed_http_answer(session, sender, code, body);
}

/* TLS 1.2 with a CertificateRequest; the client sends `chain` (count 0: an
 * empty Certificate) and the server completes the handshake. */
static mtls_handshake *completed_tls12(test_session *session, const test_pki *pki, const test_cert *const *chain,
                                       size_t count)
{
    feed_tls12_server_flight(session, pki, CERTS(pki->root), 1);
    feed_certificate(session, TEST_CLIENT, chain, count);
    feed_simple(session, TEST_CLIENT, MTLS_EVENT_CHANGE_CIPHER_SPEC);
    feed_simple(session, TEST_CLIENT, MTLS_EVENT_FINISHED);
    feed_simple(session, TEST_SERVER, MTLS_EVENT_CHANGE_CIPHER_SPEC);
    feed_simple(session, TEST_SERVER, MTLS_EVENT_FINISHED);
    mtls_handshake *handshake = session->last;
    /* The request: the application's, so it belongs to no handshake. */
    feed_simple(session, TEST_CLIENT, MTLS_EVENT_APPLICATION_DATA);
    return handshake;
}

static mtls_verdict final_verdict(const mtls_handshake *handshake)
{
    return mtls_handshake_verdict(handshake, true);
}

static void page_titles_are_read(void **state)
{
    (void)state;
    char *title = mtls_answer_page_title((const uint8_t *)nginx_certificate_error_page,
                                         strlen(nginx_certificate_error_page));
    assert_string_equal(title, "The SSL certificate error");
    g_free(title);
    assert_null(mtls_answer_page_title((const uint8_t *)"<html><title>", 13));
    assert_null(mtls_answer_page_title(NULL, 0));
    const char cut[] = "<html><head><title>400 No required SSL cert";
    assert_null(mtls_answer_page_title((const uint8_t *)cut, strlen(cut)));
    title = mtls_answer_page_title((const uint8_t *)nginx_no_certificate_page, strlen(nginx_no_certificate_page));
    assert_int_equal(mtls_classify_http_page(400, title), MTLS_ANSWER_NGINX_NO_CERTIFICATE);
    assert_int_equal(mtls_classify_http_page(200, title), MTLS_ANSWER_SERVED);
    g_free(title);
    /* Errors past authentication are decided as such, not as service. */
    assert_int_equal(mtls_classify_http_page(400, "Bad Request"), MTLS_ANSWER_ERROR);
    assert_int_equal(mtls_classify_http_page(400, NULL), MTLS_ANSWER_ERROR);
    assert_int_equal(mtls_classify_http_page(404, NULL), MTLS_ANSWER_ERROR);
    assert_int_equal(mtls_classify_http_page(502, NULL), MTLS_ANSWER_ERROR);
    assert_int_equal(mtls_classify_http_page(403, NULL), MTLS_ANSWER_DENIED);
    assert_int_equal(mtls_classify_http_page(101, NULL), MTLS_ANSWER_NONE);
}

/* Without keys (or without an answer) a completed handshake is not an
 * acceptance: the verdict says the answer is unseen. */
static void completed_without_answer_is_not_ok(void **state)
{
    test_pki *pki = *state;
    test_session session;
    test_session_init(&session, NULL);
    mtls_handshake *handshake = completed_tls12(&session, pki, CERTS(pki->client, pki->issuing), 2);
    assert_int_equal(final_verdict(handshake), MTLS_VERDICT_ANSWER_UNSEEN);
    assert_string_equal(mtls_verdict_name(final_verdict(handshake)), "completed (answer unseen)");
    assert_non_null(strstr(mtls_handshake_verdict_reason(handshake, true), "the server sent no application data"));
    assert_codes(handshake, false, "handshake_completed");
    assert_message_mentions(handshake, "handshake_completed", "the server's TLS layer did not refuse it");
    test_session_clear(&session);
}

static void ordinary_answer_makes_it_ok(void **state)
{
    test_pki *pki = *state;
    test_session session;
    test_session_init(&session, NULL);
    mtls_handshake *handshake = completed_tls12(&session, pki, CERTS(pki->client, pki->issuing), 2);
    /* A client's request is not the server's answer; an interim 100 is not final. */
    feed_answer(&session, TEST_CLIENT, 403, NULL);
    feed_answer(&session, TEST_SERVER, 100, NULL);
    assert_int_equal(final_verdict(handshake), MTLS_VERDICT_ANSWER_UNSEEN);
    feed_answer(&session, TEST_SERVER, 200, "ok\n");
    const uint32_t answer_frame = session.frame;
    /* Only the first answer counts. */
    feed_answer(&session, TEST_SERVER, 403, NULL);
    assert_int_equal(final_verdict(handshake), MTLS_VERDICT_OK);
    const mtls_handshake_summary *summary = mtls_handshake_get_summary(handshake);
    assert_int_equal(summary->answer_frame, answer_frame);
    assert_int_equal(summary->answer_status, 200);
    assert_non_null(strstr(mtls_handshake_verdict_reason(handshake, true), "answered in HTTP/1.1 in frame"));
    assert_codes(handshake, true, "-");
    test_session_clear(&session);
}

static void nginx_certificate_error_is_a_rejection(void **state)
{
    test_pki *pki = *state;
    test_session session;
    test_session_init(&session, NULL);
    mtls_handshake *handshake = completed_tls12(&session, pki, CERTS(pki->foreign_client, pki->foreign_root), 2);
    assert_message_mentions(handshake, "handshake_completed", "chain findings say the certificate is bad");
    feed_answer(&session, TEST_SERVER, 400, nginx_certificate_error_page);
    assert_int_equal(final_verdict(handshake), MTLS_VERDICT_REJECTED_BY_APPLICATION);
    assert_string_equal(mtls_verdict_name(final_verdict(handshake)), "rejected by the application");
    assert_codes(handshake, true, "application_rejected,issuer_not_accepted");
    assert_message_mentions(handshake, "application_rejected", "'The SSL certificate error'");
    assert_message_mentions(handshake, "application_rejected", "issuer_not_accepted (frame");
    assert_string_equal(mtls_handshake_get_summary(handshake)->answer_title, "The SSL certificate error");
    test_session_clear(&session);
}

static void nginx_no_certificate_is_a_rejection(void **state)
{
    test_pki *pki = *state;
    test_session session;
    test_session_init(&session, NULL);
    mtls_handshake *handshake = completed_tls12(&session, pki, NULL, 0);
    assert_message_mentions(handshake, "completed_without_certificate", "No required SSL certificate was sent");
    assert_int_equal(final_verdict(handshake), MTLS_VERDICT_NO_CLIENT_CERTIFICATE);
    feed_answer(&session, TEST_SERVER, 400, nginx_no_certificate_page);
    assert_int_equal(final_verdict(handshake), MTLS_VERDICT_REJECTED_BY_APPLICATION);
    assert_codes(handshake, true, "application_rejected,empty_certificate");
    assert_message_mentions(handshake, "application_rejected", "ssl_verify_client on");
    assert_message_mentions(handshake, "application_rejected", "CN=Test Root");
    test_session_clear(&session);
}

/* HTTP/2: the status in one record, nginx's page in a later DATA frame. */
static void http2_page_in_a_later_frame(void **state)
{
    test_pki *pki = *state;
    test_session session;
    test_session_init(&session, NULL);
    mtls_handshake *handshake = completed_tls12(&session, pki, CERTS(pki->foreign_client, pki->foreign_root), 2);
    feed_http2(&session, 1, "400", NULL);
    assert_codes(handshake, true, "issuer_not_accepted");
    /* Another stream's page (a pushed one, say) is not this answer's. */
    feed_http2(&session, 2, NULL, "<html><title>200 fine</title></html>");
    assert_codes(handshake, true, "issuer_not_accepted");
    feed_http2(&session, 1, NULL, nginx_certificate_error_page);
    assert_int_equal(final_verdict(handshake), MTLS_VERDICT_REJECTED_BY_APPLICATION);
    assert_codes(handshake, true, "application_rejected,issuer_not_accepted");
    /* More body changes nothing once the answer is read. */
    feed_http2(&session, 1, NULL, "<html><title>200 fine</title></html>");
    assert_string_equal(mtls_handshake_get_summary(handshake)->answer_title, "The SSL certificate error");
    test_session_clear(&session);
}

/* With the keys, the answer decides what an unsent intermediate was: the
 * cause of nginx's refusal, or a chain the server completed itself. */
static void unsent_intermediate_waits_for_the_answer(void **state)
{
    test_pki *pki = *state;
    for (int refused = 0; refused < 2; refused++) {
        test_session session;
        test_session_init(&session, NULL);
        mtls_handshake *handshake = completed_tls12(&session, pki, CERTS(pki->client), 1);
        assert_codes(handshake, true, "-");
        assert_codes(handshake, false, "handshake_completed");
        if (refused) {
            feed_answer(&session, TEST_SERVER, 400, nginx_certificate_error_page);
            assert_codes(handshake, true, "application_rejected,missing_intermediate");
            assert_message_mentions(handshake, "application_rejected", "missing_intermediate (frame");
        } else {
            feed_answer(&session, TEST_SERVER, 200, "ok\n");
            assert_codes(handshake, true, "-");
            assert_codes(handshake, false, "handshake_completed,intermediate_not_sent");
            assert_message_mentions(handshake, "intermediate_not_sent", "holds that intermediate itself");
        }
        test_session_clear(&session);
    }
}

/* A plain 400 is not taken for nginx's certificate page. */
static void other_bad_request_is_not_a_rejection(void **state)
{
    test_pki *pki = *state;
    test_session session;
    test_session_init(&session, NULL);
    mtls_handshake *handshake = completed_tls12(&session, pki, CERTS(pki->client, pki->issuing), 2);
    feed_answer(&session, TEST_SERVER, 400, "<html><title>400 Bad Request</title></html>");
    assert_int_equal(final_verdict(handshake), MTLS_VERDICT_OK);
    assert_codes(handshake, true, "-");
    test_session_clear(&session);
}

static void forbidden_after_a_certificate_names_the_mapping(void **state)
{
    test_pki *pki = *state;
    test_session session;
    test_session_init(&session, NULL);
    mtls_handshake *handshake = completed_tls12(&session, pki, CERTS(pki->client, pki->issuing), 2);
    feed_answer(&session, TEST_SERVER, 403, NULL);
    assert_int_equal(final_verdict(handshake), MTLS_VERDICT_REJECTED_BY_APPLICATION);
    assert_codes(handshake, true, "application_rejected");
    assert_message_mentions(handshake, "application_rejected", "Authentication object was not found");
    assert_message_mentions(handshake, "application_rejected", "CN=client");
    test_session_clear(&session);
}

/* TLS 1.3 without a CertificateRequest: a 403 to a client that did not offer
 * post_handshake_auth is the per-path client authentication it cannot do;
 * one that offered it, or TLS 1.2, is some other refusal. */
static void forbidden_without_post_handshake_auth(void **state)
{
    (void)state;
    for (int offered = 0; offered < 2; offered++) {
        test_session session;
        test_session_init(&session, NULL);
        mtls_event hello = {.kind = MTLS_EVENT_CLIENT_HELLO};
        static const uint16_t tls13[] = {0x0304};
        hello.u.client_hello.legacy_version = 0x0303;
        hello.u.client_hello.supported_versions = tls13;
        hello.u.client_hello.supported_version_count = 1;
        hello.u.client_hello.offers_post_handshake_auth = offered;
        feed_event(&session, TEST_CLIENT, &hello);
        feed_server_hello(&session, 0x0303, 0x0304);
        feed_simple(&session, TEST_SERVER, MTLS_EVENT_FINISHED);
        feed_simple(&session, TEST_CLIENT, MTLS_EVENT_FINISHED);
        feed_simple(&session, TEST_SERVER, MTLS_EVENT_NEW_SESSION_TICKET);
        mtls_handshake *handshake = session.last;
        feed_answer(&session, TEST_SERVER, 403, NULL);
        if (offered) {
            assert_int_equal(final_verdict(handshake), MTLS_VERDICT_NOT_REQUESTED);
            assert_codes(handshake, true, "-");
        } else {
            assert_int_equal(final_verdict(handshake), MTLS_VERDICT_REJECTED_BY_APPLICATION);
            assert_codes(handshake, true, "application_rejected");
            assert_message_mentions(handshake, "application_rejected", "did not offer post_handshake_auth");
        }
        test_session_clear(&session);
    }
}

/* An answer after a handshake the server refused is not read as one. */
static void answer_after_an_alert_is_ignored(void **state)
{
    test_pki *pki = *state;
    test_session session;
    test_session_init(&session, NULL);
    feed_tls12_server_flight(&session, pki, CERTS(pki->root), 1);
    feed_certificate(&session, TEST_CLIENT, CERTS(pki->client, pki->issuing), 2);
    feed_alert(&session, TEST_SERVER, 2, 48);
    mtls_handshake *handshake = session.last;
    feed_answer(&session, TEST_SERVER, 403, NULL);
    assert_int_equal(final_verdict(handshake), MTLS_VERDICT_REJECTED);
    assert_int_equal(mtls_handshake_get_summary(handshake)->answer_frame, 0);
    test_session_clear(&session);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(page_titles_are_read),
        cmocka_unit_test(completed_without_answer_is_not_ok),
        cmocka_unit_test(ordinary_answer_makes_it_ok),
        cmocka_unit_test(nginx_certificate_error_is_a_rejection),
        cmocka_unit_test(nginx_no_certificate_is_a_rejection),
        cmocka_unit_test(http2_page_in_a_later_frame),
        cmocka_unit_test(unsent_intermediate_waits_for_the_answer),
        cmocka_unit_test(other_bad_request_is_not_a_rejection),
        cmocka_unit_test(forbidden_after_a_certificate_names_the_mapping),
        cmocka_unit_test(forbidden_without_post_handshake_auth),
        cmocka_unit_test(answer_after_an_alert_is_ignored),
    };
    return cmocka_run_group_tests(tests, test_pki_setup, test_pki_teardown);
}
