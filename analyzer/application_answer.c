/* application_answer.c - the application's answer after the handshake.
 *
 * A completed handshake proves only that the TLS layer did not refuse the
 * client. nginx with ssl_verify_client on completes it for any certificate,
 * or none, and refuses with an HTTP 400 page instead of an alert; SAP and
 * Spring refuse a certificate mapped to no user with 401/403; Apache asks for
 * a certificate per path after the handshake and answers 403 to a TLS 1.3
 * client that cannot be asked. So the first HTTP response is what settles it.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "application_answer.h"

#include <string.h>

#include "codes.h"
#include "findings.h"
#include "handshake_state.h"

#define TITLE_SHOWN 120
#define HTTP_BAD_REQUEST 400
#define HTTP_UNAUTHORIZED 401
#define HTTP_FORBIDDEN 403

/* nginx's own reasons, as its 400 pages give them (ngx_http_special_response.c). */
static const char nginx_no_certificate[] = "No required SSL certificate was sent";
static const char nginx_certificate_error[] = "The SSL certificate error";

static const uint8_t *find_text(const uint8_t *data, size_t length, const char *text)
{
    const size_t text_length = strlen(text);
    for (size_t i = 0; i + text_length <= length; i++) {
        if (g_ascii_strncasecmp((const char *)data + i, text, text_length) == 0)
            return data + i;
    }
    return NULL;
}

char *mtls_answer_page_title(const uint8_t *body, size_t length)
{
    if (body == NULL)
        return NULL;
    const uint8_t *open = find_text(body, length, "<title>");
    if (open == NULL)
        return NULL;
    const uint8_t *start = open + strlen("<title>");
    const uint8_t *end = find_text(start, length - (size_t)(start - body), "</title>");
    if (end == NULL)
        return NULL;
    /* "400 The SSL certificate error": the status is shown elsewhere. */
    while (start < end && (g_ascii_isdigit(*start) || *start == ' '))
        start++;
    GString *title = g_string_new(NULL);
    for (const uint8_t *p = start; p < end && title->len < TITLE_SHOWN; p++)
        g_string_append_c(title, g_ascii_isprint(*p) ? (char)*p : ' ');
    if (title->len == 0) {
        g_string_free(title, TRUE);
        return NULL;
    }
    return g_string_free(title, FALSE);
}

mtls_answer_kind mtls_classify_answer(uint16_t status, const char *title)
{
    if (status == HTTP_UNAUTHORIZED || status == HTTP_FORBIDDEN)
        return MTLS_ANSWER_DENIED;
    if (status != HTTP_BAD_REQUEST || title == NULL)
        return MTLS_ANSWER_SERVED;
    if (g_ascii_strcasecmp(title, nginx_no_certificate) == 0)
        return MTLS_ANSWER_NGINX_NO_CERTIFICATE;
    if (g_ascii_strcasecmp(title, nginx_certificate_error) == 0)
        return MTLS_ANSWER_NGINX_CERTIFICATE_ERROR;
    return MTLS_ANSWER_SERVED;
}

static bool completed(const mtls_handshake *handshake)
{
    return handshake->accepted_frame != 0 || handshake->resumed_frame != 0;
}

/* A TLS 1.3 server that did not ask for a certificate in the handshake can
 * ask later only a client that offered post_handshake_auth. */
static bool could_not_ask_after_the_handshake(const mtls_handshake *handshake)
{
    const mtls_handshake_summary *summary = &handshake->summary;
    return handshake->tls13 && !summary->certificate_requested && !summary->post_handshake &&
           summary->client_hello_frame != 0 && !summary->post_handshake_auth_offered;
}

static bool refuses(const mtls_handshake *handshake)
{
    switch (handshake->answer_kind) {
    case MTLS_ANSWER_NGINX_NO_CERTIFICATE:
    case MTLS_ANSWER_NGINX_CERTIFICATE_ERROR:
        return true;
    case MTLS_ANSWER_DENIED:
        return handshake->summary.certificate_requested || could_not_ask_after_the_handshake(handshake);
    default:
        return false;
    }
}

bool mtls_handshake_answer_refuses(const mtls_handshake *handshake)
{
    return handshake->summary.answer_frame != 0 && refuses(handshake);
}

static const char *text_or(const char *text, const char *fallback)
{
    return text ? text : fallback;
}

static void explain_nginx_no_certificate(GString *text, const mtls_handshake *handshake)
{
    const mtls_handshake_summary *summary = &handshake->summary;
    g_string_append(text, " nginx requires a client certificate here (ssl_verify_client on) and the client sent ");
    if (summary->client_certificate_sent)
        g_string_append_printf(text, "none (empty Certificate in frame %u)", summary->client_certificate_frame);
    else
        g_string_append(text, "none");
    g_string_append(text, ". nginx sends no TLS alert for this: it completes the handshake and refuses the request. "
                          "Configure the client to send its certificate");
    if (summary->ca_name_count > 0)
        g_string_append_printf(text, ", issued by a CA the server lists ('%s'%s)", summary->ca_names[0],
                               summary->ca_name_count > 1 ? " and others" : "");
    g_string_append(text, ".");
}

static void explain_nginx_certificate_error(GString *text, const mtls_handshake *handshake)
{
    const mtls_handshake_summary *summary = &handshake->summary;
    g_string_append_printf(text, " nginx could not verify the client certificate '%s' (frame %u) and refuses the "
                                 "request instead of the handshake: with ssl_verify_client on it sends no TLS alert.",
                           text_or(summary->client_subject, "(unparsable)"), summary->client_certificate_frame);
    if (!mtls_append_client_chain_findings(text, handshake))
        g_string_append(text, " The chain as sent shows no cause the capture can prove: nginx's error log says "
                              "which ('client SSL certificate verify error'); check ssl_client_certificate (the CAs "
                              "it trusts for clients), ssl_verify_depth and ssl_crl.");
}

static void explain_denied(GString *text, const mtls_handshake *handshake)
{
    const mtls_handshake_summary *summary = &handshake->summary;
    if (!summary->certificate_requested) {
        g_string_append_printf(
            text,
            " The server did not ask for a client certificate in this TLS 1.3 handshake, and the client did not offer "
            "post_handshake_auth in its ClientHello (frame %u), so the server could not ask for one afterwards "
            "either. A server that requires a certificate only for some paths (Apache: SSLVerifyClient inside "
            "<Location> or <Directory>) refuses such a request with 403. Enable post-handshake authentication in the "
            "client (OpenSSL: SSL_CTX_set_post_handshake_auth or s_client -enable_pha; Python: "
            "context.post_handshake_auth = True; curl does not offer it), limit the client to TLS 1.2 (where the "
            "server renegotiates), or require the certificate for the whole virtual host.",
            summary->client_hello_frame);
        return;
    }
    if (summary->client_chain_length == 0) {
        g_string_append_printf(text, " The client sent no certificate%s and the server continued without one "
                                     "(optional client authentication), so the application had none to identify "
                                     "the client by. Configure the client to send its certificate.",
                               summary->client_certificate_sent ? " (empty Certificate)" : "");
        return;
    }
    g_string_append_printf(
        text,
        " The TLS layer accepted the client certificate '%s' (issued by '%s', frame %u); the application refused the "
        "request. Usually the certificate is mapped to no user, or that user lacks the permission (SAP, Spring: 'An "
        "Authentication object was not found in the SecurityContext'). Map the certificate's subject and issuer to a "
        "user in the application (SAP: transaction CERTRULE or the table VUSREXTID; Spring Security: the x509 "
        "principal extractor and its user details service), register the renewed certificate there, or grant that "
        "user the role.",
        text_or(summary->client_subject, "(unparsable)"), text_or(summary->client_issuer, "(unparsable)"),
        summary->client_certificate_frame);
}

static void report_refusal(mtls_handshake *handshake, const mtls_packet *packet)
{
    const mtls_handshake_summary *summary = &handshake->summary;
    GString *text = g_string_new(NULL);
    g_string_append_printf(text, "The server answered %s %u%s%s%s in frame %u, after the handshake completed in "
                                 "frame %u: the application refused the client.",
                           text_or(summary->answer_protocol, "HTTP"), summary->answer_status,
                           summary->answer_title ? " '" : "", text_or(summary->answer_title, ""),
                           summary->answer_title ? "'" : "", packet->frame,
                           handshake->accepted_frame ? handshake->accepted_frame : handshake->resumed_frame);
    switch (handshake->answer_kind) {
    case MTLS_ANSWER_NGINX_NO_CERTIFICATE:
        explain_nginx_no_certificate(text, handshake);
        break;
    case MTLS_ANSWER_NGINX_CERTIFICATE_ERROR:
        explain_nginx_certificate_error(text, handshake);
        break;
    default:
        explain_denied(text, handshake);
        break;
    }
    mtls_findings_add(handshake->findings, MTLS_CODE_APPLICATION_REJECTED, packet->frame,
                      (mtls_evidence){{summary->client_certificate_frame, handshake->accepted_frame}}, "%s",
                      text->str);
    g_string_free(text, TRUE);
}

/* Reads the answer's page, which may come with its status or, in HTTP/2,
 * in a later DATA frame (`more_may_follow` false then): what it says
 * settles the client's unsent intermediate and may be a refusal. */
static void judge_page(mtls_handshake *handshake, const mtls_packet *packet, const mtls_blob *body,
                       bool more_may_follow)
{
    mtls_handshake_summary *summary = &handshake->summary;
    handshake->answer_title = mtls_answer_page_title(body->data, body->length);
    summary->answer_title = handshake->answer_title;
    handshake->answer_kind = mtls_classify_answer(summary->answer_status, handshake->answer_title);
    /* A 400 whose page is still to come may yet be nginx's refusal. */
    if (more_may_follow && handshake->answer_kind == MTLS_ANSWER_SERVED && summary->answer_status == HTTP_BAD_REQUEST &&
        handshake->answer_title == NULL)
        return;
    mtls_handshake_settle_held_chain_findings(handshake, packet, !refuses(handshake));
    if (refuses(handshake))
        report_refusal(handshake, packet);
}

void mtls_handshake_take_answer(mtls_handshake *handshake, const mtls_packet *packet, const mtls_event *event)
{
    mtls_handshake_summary *summary = &handshake->summary;
    const uint16_t status = event->u.http_response.status;
    if (status == 0 && summary->answer_frame != 0) {
        /* More of the answer's body (HTTP/2 DATA after HEADERS). */
        if (summary->answer_title == NULL && !refuses(handshake))
            judge_page(handshake, packet, &event->u.http_response.body, false);
        return;
    }
    if (summary->answer_frame != 0 || !completed(handshake) || handshake->fatal_alert != NULL)
        return;
    /* 1xx answers are interim: the final one follows. */
    if (status < 200 || status > 599)
        return;
    summary->answer_frame = packet->frame;
    summary->answer_status = status;
    handshake->answer_protocol = g_strdup(event->u.http_response.protocol);
    summary->answer_protocol = handshake->answer_protocol;
    judge_page(handshake, packet, &event->u.http_response.body, true);
}
