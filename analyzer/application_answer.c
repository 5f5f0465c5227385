/* application_answer.c - the application's answer after the handshake.
 *
 * A completed handshake proves only that the TLS layer did not refuse the
 * client. nginx with ssl_verify_client on completes it for any certificate,
 * or none, and refuses with an HTTP 400 page instead of an alert; SAP and
 * Spring refuse a certificate mapped to no user with 401/403; PostgreSQL,
 * MariaDB, Mosquitto, Postfix and slapd check the certificate against their
 * own rules after the handshake and refuse in their protocol. So the first
 * answer is what settles it.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "application_answer.h"

#include <string.h>

#include "codes.h"
#include "findings.h"
#include "handshake_state.h"

static bool answer_is_http(const mtls_handshake *handshake)
{
    return handshake->answer_application == MTLS_APPLICATION_HTTP1 ||
           handshake->answer_application == MTLS_APPLICATION_HTTP2;
}

/* A TLS 1.3 server that did not ask for a certificate in a full handshake
 * can ask later only a client that offered post_handshake_auth; a 403 then
 * is the refusal of a path that needs one. A 401 asks for credentials of
 * another kind (a token, a password), and a resumed session was
 * authenticated, if at all, when it began. */
static bool could_not_ask_after_the_handshake(const mtls_handshake *handshake)
{
    const mtls_handshake_summary *summary = &handshake->summary;
    return handshake->tls13 && !summary->certificate_requested && !summary->post_handshake &&
           handshake->resumed_frame == 0 && summary->client_hello_frame != 0 &&
           !summary->post_handshake_auth_offered && summary->answer_status == 403 && answer_is_http(handshake);
}

static bool refuses(const mtls_handshake *handshake)
{
    switch (handshake->answer_kind) {
    case MTLS_ANSWER_NGINX_NO_CERTIFICATE:
    case MTLS_ANSWER_NGINX_CERTIFICATE_ERROR:
        return true;
    case MTLS_ANSWER_DENIED:
        /* An HTTP 401/403 where no certificate was asked for is another
         * kind of authentication's; other protocols' refusals refuse the
         * connection's client whatever it authenticated with. */
        return handshake->summary.certificate_requested || !answer_is_http(handshake) ||
               could_not_ask_after_the_handshake(handshake);
    default:
        return false;
    }
}

bool mtls_handshake_answer_refuses(const mtls_handshake *handshake)
{
    return handshake->summary.answer_frame != 0 && refuses(handshake);
}

bool mtls_handshake_answer_settled(const mtls_handshake *handshake)
{
    return handshake->summary.answer_frame != 0 && handshake->answer_kind != MTLS_ANSWER_PAGE_PENDING;
}

static const char *text_or(const char *text, const char *fallback)
{
    return text ? text : fallback;
}

/* Per protocol: where the client's certificate is configured, and how the
 * server maps a certificate to an identity. */
typedef struct {
    const char *send_certificate;
    const char *map_identity;
} protocol_advice;

static const protocol_advice advice[MTLS_APPLICATION_COUNT] = {
    [MTLS_APPLICATION_HTTP1] =
        {"Configure the client to send its certificate.",
         "Usually the certificate is mapped to no user, or that user lacks the permission (SAP, Spring: 'An "
         "Authentication object was not found in the SecurityContext'). Map the certificate's subject and issuer to "
         "a user in the application (SAP: transaction CERTRULE or the table VUSREXTID; Spring Security: the x509 "
         "principal extractor and its user details service), register the renewed certificate there, or grant that "
         "user the role."},
    [MTLS_APPLICATION_POSTGRESQL] =
        {"Give the client its certificate and key (libpq and psql: sslcert and sslkey, or "
         "~/.postgresql/postgresql.crt and .key; JDBC: sslcert and sslkey).",
         "PostgreSQL's cert authentication takes the certificate's CN as the database user name, or maps it with "
         "pg_ident.conf (map= in the pg_hba.conf line): connect as the user the CN names, or add the mapping."},
    [MTLS_APPLICATION_MYSQL] =
        {"Give the client its certificate and key (mysql and mariadb: --ssl-cert and --ssl-key; Connector/J: a "
         "client keystore).",
         "The account's REQUIRE X509, SUBJECT or ISSUER clause must match this certificate: compare SHOW CREATE USER "
         "with the certificate's subject and issuer."},
    [MTLS_APPLICATION_MQTT] =
        {"Give the client its certificate and key (mosquitto_pub and mosquitto_sub: --cert and --key).",
         "A broker that takes the certificate's CN as the user name (Mosquitto: use_identity_as_username) must "
         "allow that user in its ACL or authentication plugin."},
    [MTLS_APPLICATION_SMTP] =
        {"Give the sending server its certificate (Postfix: smtp_tls_cert_file and smtp_tls_key_file).",
         "A mail server that trusts client certificates one by one (Postfix: relay_clientcerts, by fingerprint; "
         "or permit_tls_all_clientcerts for every certificate its CAs verify) must list this one."},
    [MTLS_APPLICATION_LDAP] =
        {"Give the client its certificate and key (OpenLDAP clients: TLS_CERT and TLS_KEY in ldaprc).",
         "The directory must map the certificate's subject to an identity for a SASL EXTERNAL bind (slapd: "
         "olcAuthzRegexp) and its access rules must allow that identity."},
};

static const protocol_advice *advice_for(const mtls_handshake *handshake)
{
    mtls_application application = handshake->answer_application;
    if (application == MTLS_APPLICATION_HTTP2 || application >= MTLS_APPLICATION_COUNT)
        application = MTLS_APPLICATION_HTTP1;
    return &advice[application];
}

static void explain_nginx_no_certificate(GString *text, const mtls_handshake *handshake)
{
    const mtls_handshake_summary *summary = &handshake->summary;
    if (summary->client_chain_length > 0) {
        g_string_append_printf(text, " nginx saw no client certificate, although the client sent '%s' in frame %u "
                                     "of this handshake: check that ssl_verify_client applies to the server block "
                                     "this name selects.",
                               text_or(summary->client_subject, "(unparsable)"), summary->client_certificate_frame);
        return;
    }
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
    if (!summary->certificate_requested && !answer_is_http(handshake)) {
        g_string_append(text, " The server did not ask for a client certificate in this handshake, so this refusal "
                              "is not about one: the server authenticates its clients another way here (a user "
                              "name and password, say). To authenticate clients by certificate, configure the "
                              "server to require one.");
        return;
    }
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
        g_string_append_printf(text, " The client sent no certificate%s and the server continued without one, so "
                                     "the application had none to identify the client by. %s",
                               summary->client_certificate_sent ? " (empty Certificate)" : "",
                               advice_for(handshake)->send_certificate);
        return;
    }
    g_string_append_printf(text, " The TLS layer did not refuse the client certificate '%s' (issued by '%s', frame "
                                 "%u); the application refused the client.",
                           text_or(summary->client_subject, "(unparsable)"),
                           text_or(summary->client_issuer, "(unparsable)"), summary->client_certificate_frame);
    /* A chain the capture shows to be bad explains the refusal; mapping
     * advice is for a valid certificate the application does not map. */
    if (mtls_append_client_chain_findings(text, handshake))
        return;
    g_string_append_c(text, ' ');
    g_string_append(text, advice_for(handshake)->map_identity);
}

/* The first sentence of a refusal: what the application refused and what to change. */
static void append_refusal_headline(GString *text, const mtls_handshake *handshake)
{
    const mtls_handshake_summary *summary = &handshake->summary;
    const char *subject = text_or(summary->client_subject, "(unparsable)");
    const bool chain_is_bad = mtls_client_chain_has_findings(handshake);
    if (handshake->answer_kind == MTLS_ANSWER_NGINX_NO_CERTIFICATE && summary->client_chain_length > 0)
        g_string_append(text, "nginx saw no client certificate although the client sent one: check that "
                              "ssl_verify_client applies to this server block.");
    else if (handshake->answer_kind == MTLS_ANSWER_NGINX_NO_CERTIFICATE)
        g_string_append(text, "nginx requires a client certificate and the client sent none: configure the client "
                              "to send its certificate.");
    else if (handshake->answer_kind == MTLS_ANSWER_NGINX_CERTIFICATE_ERROR)
        g_string_append_printf(text, "nginx could not verify client certificate '%s' and refused the request: %s.",
                               subject, chain_is_bad ? "fix the chain problems the capture shows"
                                                     : "its error log names the reason");
    else if (!summary->certificate_requested && !answer_is_http(handshake))
        g_string_append(text, "The application refused the client, but no certificate was asked for: configure the "
                              "server to require one.");
    else if (!summary->certificate_requested)
        g_string_append(text, "The server needs a certificate it could not request: enable post-handshake "
                              "authentication in the client, or use TLS 1.2.");
    else if (summary->client_chain_length == 0)
        g_string_append(text, "The application refused the client, which sent no certificate: configure the "
                              "client's certificate.");
    else
        g_string_append_printf(text, "The application refused client certificate '%s': %s.", subject,
                               chain_is_bad ? "fix the chain problems the capture shows"
                                            : "map or allow its identity on the server");
}

static void report_refusal(mtls_handshake *handshake, const mtls_packet *packet)
{
    const mtls_handshake_summary *summary = &handshake->summary;
    GString *text = g_string_new(NULL);
    append_refusal_headline(text, handshake);
    g_string_append_printf(text, " The server answered %s", text_or(summary->answer_protocol, "the application"));
    if (summary->answer_status != 0)
        g_string_append_printf(text, " %u", summary->answer_status);
    if (summary->answer_title != NULL)
        g_string_append_printf(text, " '%s'", summary->answer_title);
    g_string_append_printf(text, " in frame %u, after the handshake completed in frame %u: the application refused "
                                 "the client.",
                           summary->answer_frame,
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
                      (mtls_evidence){{summary->answer_frame, summary->client_certificate_frame,
                                       handshake->accepted_frame}},
                      "%s", text->str);
    g_string_free(text, TRUE);
}

static void set_words(mtls_handshake *handshake, char *words)
{
    g_free(handshake->answer_title);
    handshake->answer_title = words;
    handshake->summary.answer_title = words;
}

void mtls_handshake_report_answer_refusal(mtls_handshake *handshake, const mtls_packet *packet)
{
    if (mtls_handshake_answer_settled(handshake) && refuses(handshake))
        report_refusal(handshake, packet);
}

/* An HTTP/2 DATA frame: the page of an answer whose status came first, read
 * once and only from the answer's own stream. */
static bool take_page(mtls_handshake *handshake, const mtls_event *event)
{
    if (handshake->answer_kind != MTLS_ANSWER_PAGE_PENDING ||
        event->u.application_answer.stream_id != handshake->answer_stream_id)
        return false;
    const mtls_blob *body = &event->u.application_answer.body;
    set_words(handshake, mtls_answer_page_title(body->data, body->length));
    handshake->answer_kind = mtls_classify_http_page(handshake->summary.answer_status, handshake->answer_title);
    return true;
}

/* SMTP and LDAP answer each command, and a server may refuse the
 * certificate's identity at any of them (Postfix at RCPT TO when relaying by
 * fingerprint, slapd at an operation its access rules deny): a refusal after
 * replies that served the client is the answer. */
static bool refused_later(const mtls_handshake *handshake, const mtls_event *event)
{
    const mtls_application protocol = event->u.application_answer.protocol;
    if (handshake->answer_kind != MTLS_ANSWER_SERVED || protocol != handshake->answer_application ||
        (protocol != MTLS_APPLICATION_SMTP && protocol != MTLS_APPLICATION_LDAP))
        return false;
    mtls_answer answer = mtls_classify_application_answer(event);
    g_free(answer.words);
    return answer.kind == MTLS_ANSWER_DENIED;
}

bool mtls_handshake_take_answer(mtls_handshake *handshake, const mtls_packet *packet, const mtls_event *event)
{
    mtls_handshake_summary *summary = &handshake->summary;
    if (summary->answer_frame != 0) {
        if (event->u.application_answer.code == NULL)
            return take_page(handshake, event);
        if (!refused_later(handshake, event))
            return false;
    }
    if (!mtls_handshake_completed(handshake) || handshake->fatal_alert != NULL || handshake->closed_refusal_frame != 0)
        return false;
    mtls_answer answer = mtls_classify_application_answer(event);
    if (answer.kind == MTLS_ANSWER_NONE) {
        g_free(answer.words);
        return false;
    }
    const mtls_application application = event->u.application_answer.protocol;
    summary->answer_frame = packet->frame;
    summary->answer_status = answer.code;
    handshake->answer_kind = answer.kind;
    handshake->answer_application = application;
    handshake->answer_stream_id = event->u.application_answer.stream_id;
    g_free(handshake->answer_protocol);
    handshake->answer_protocol = g_strdup(application == MTLS_APPLICATION_HTTP1 && event->u.application_answer.version
                                              ? event->u.application_answer.version
                                              : mtls_application_name(application));
    summary->answer_protocol = handshake->answer_protocol;
    set_words(handshake, answer.words);
    return true;
}

bool mtls_handshake_answer_at_close(mtls_handshake *handshake)
{
    if (handshake->summary.answer_frame == 0 || handshake->answer_kind != MTLS_ANSWER_PAGE_PENDING)
        return false;
    handshake->answer_kind = mtls_classify_http_page(handshake->summary.answer_status, NULL);
    return true;
}
