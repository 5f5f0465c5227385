/* verdict.c - what one handshake amounts to: its verdict and the reason
 * given for it, the frame that reports it, and the read-only accessors the
 * plugin uses.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "codes.h"
#include "findings.h"
#include "handshake_state.h"

/* ---- Verdict ---------------------------------------------------------------- */

const char *mtls_certificate_verify_status_name(mtls_certificate_verify_status status)
{
    switch (status) {
    case MTLS_CERTIFICATE_VERIFY_VALID: return "verified";
    case MTLS_CERTIFICATE_VERIFY_INVALID: return "failed";
    case MTLS_CERTIFICATE_VERIFY_UNCHECKED: return "not checked";
    case MTLS_CERTIFICATE_VERIFY_ACCEPTED: return "accepted by the server";
    default: return NULL;
    }
}

const char *mtls_verdict_name(mtls_verdict verdict)
{
    switch (verdict) {
    case MTLS_VERDICT_OK: return "ok";
    case MTLS_VERDICT_REJECTED: return "rejected";
    case MTLS_VERDICT_SERVER_REJECTED: return "server certificate rejected";
    case MTLS_VERDICT_NO_CLIENT_CERTIFICATE: return "no client certificate";
    case MTLS_VERDICT_NOT_REQUESTED: return "not requested";
    case MTLS_VERDICT_FAILED: return "failed";
    case MTLS_VERDICT_RESUMED: return "resumed";
    case MTLS_VERDICT_ENCRYPTED: return "encrypted";
    case MTLS_VERDICT_INCOMPLETE_CAPTURE: return "incomplete capture";
    case MTLS_VERDICT_REJECTED_BY_APPLICATION: return "rejected by the application";
    case MTLS_VERDICT_ANSWER_UNSEEN: return "completed (answer unseen)";
    case MTLS_VERDICT_CLOSED_WITHOUT_ALERT: return "refused (connection closed)";
    case MTLS_VERDICT_UNREADABLE: return "unreadable in the capture";
    default: return "in progress";
    }
}

static mtls_verdict verdict_after_fatal_alert(const mtls_handshake *handshake)
{
    const mtls_handshake_summary *summary = &handshake->summary;
    bool about_certificate = handshake->fatal_alert->code.category == MTLS_CATEGORY_SECURITY;
    if (handshake->fatal_alert_sender == MTLS_SIDE_CLIENT && about_certificate &&
        handshake->fatal_alert_description != MTLS_ALERT_NO_CERTIFICATE)
        return MTLS_VERDICT_SERVER_REJECTED;
    if (summary->client_chain_length > 0)
        return MTLS_VERDICT_REJECTED;
    if (summary->client_certificate_sent || handshake->fatal_alert_description == MTLS_ALERT_CERTIFICATE_REQUIRED ||
        handshake->fatal_alert_description == MTLS_ALERT_NO_CERTIFICATE)
        return MTLS_VERDICT_NO_CLIENT_CERTIFICATE;
    return MTLS_VERDICT_FAILED;
}

static mtls_verdict verdict_when_completed(const mtls_handshake *handshake)
{
    const mtls_handshake_summary *summary = &handshake->summary;
    if (mtls_handshake_answer_refuses(handshake))
        return MTLS_VERDICT_REJECTED_BY_APPLICATION;
    if (!summary->certificate_requested)
        return MTLS_VERDICT_NOT_REQUESTED;
    if (summary->client_chain_length == 0)
        return MTLS_VERDICT_NO_CLIENT_CERTIFICATE;
    /* A completed handshake is not the application's acceptance: only its answer is. */
    return mtls_handshake_answer_settled(handshake) ? MTLS_VERDICT_OK : MTLS_VERDICT_ANSWER_UNSEEN;
}

static mtls_verdict verdict_from_messages(const mtls_handshake *handshake, bool capture_complete)
{
    const mtls_handshake_summary *summary = &handshake->summary;
    /* An alert after the handshake completed ends the connection, not the authentication. */
    if (handshake->fatal_alert != NULL && handshake->accepted_frame == 0)
        return verdict_after_fatal_alert(handshake);
    if (handshake->closed_refusal_frame != 0)
        return summary->client_chain_length > 0 ? MTLS_VERDICT_CLOSED_WITHOUT_ALERT
                                                : MTLS_VERDICT_NO_CLIENT_CERTIFICATE;
    if (handshake->resumed_frame != 0)
        return MTLS_VERDICT_RESUMED;
    if (handshake->accepted_frame != 0 ||
        (!summary->certificate_requested && handshake->server_flight_end_frame != 0))
        return verdict_when_completed(handshake);
    if (handshake->encrypted_alert_frame != 0)
        return MTLS_VERDICT_FAILED;
    if (handshake->encrypted_handshake)
        return MTLS_VERDICT_ENCRYPTED;
    /* The connection ended before the outcome, and not where a refusal was due. */
    if (handshake->server_closed_frame != 0 || handshake->client_closed_frame != 0)
        return MTLS_VERDICT_FAILED;
    return capture_complete ? MTLS_VERDICT_INCOMPLETE_CAPTURE : MTLS_VERDICT_IN_PROGRESS;
}

/* A verdict that rests on a message not being there cannot stand where
 * Wireshark could not dissect part of the handshake before its outcome. */
static bool rests_on_absence(const mtls_handshake *handshake, mtls_verdict verdict)
{
    switch (verdict) {
    case MTLS_VERDICT_NOT_REQUESTED:
    case MTLS_VERDICT_FAILED:
    case MTLS_VERDICT_INCOMPLETE_CAPTURE:
        return true;
    case MTLS_VERDICT_NO_CLIENT_CERTIFICATE:
    case MTLS_VERDICT_REJECTED:
    case MTLS_VERDICT_CLOSED_WITHOUT_ALERT:
        return !handshake->summary.client_certificate_sent;
    default:
        return false;
    }
}

mtls_verdict mtls_handshake_verdict(const mtls_handshake *handshake, bool capture_complete)
{
    mtls_verdict verdict = verdict_from_messages(handshake, capture_complete);
    if (handshake->unreadable_frame != 0 && rests_on_absence(handshake, verdict))
        return MTLS_VERDICT_UNREADABLE;
    return verdict;
}

static char *describe_unseen_answer(const mtls_handshake *handshake, bool capture_complete)
{
    const mtls_handshake_summary *summary = &handshake->summary;
    const char *subject = summary->client_subject ? summary->client_subject : "(unparsable)";
    if (!summary->keys_loaded)
        return g_strdup_printf("the answer is encrypted: load the session keys to see whether the application "
                               "accepted client certificate '%s'. The handshake completed with it",
                               subject);
    if (summary->answer_frame != 0)
        return g_strdup_printf("the handshake completed with client certificate '%s'; the answer in frame %u is "
                               "not complete in the capture",
                               subject, summary->answer_frame);
    if (handshake->server_data_frame != 0)
        return g_strdup_printf("the server's data (frame %u) was not decoded: on a non-standard port, use Decode As "
                               "(tshark -d tcp.port==PORT,PROTOCOL). The handshake completed with client certificate "
                               "'%s'; the answers read are those of HTTP, PostgreSQL, MySQL, MQTT, SMTP and LDAP",
                               handshake->server_data_frame, subject);
    if (!capture_complete && handshake->server_closed_frame == 0)
        return g_strdup_printf("the handshake completed with client certificate '%s'; the application's answer is "
                               "not read yet at this frame",
                               subject);
    return g_strdup_printf("the server sent no application data in the capture, so whether it accepted client "
                           "certificate '%s' is not visible. The handshake completed with it",
                           subject);
}

static char *describe_verdict(const mtls_handshake *handshake, mtls_verdict verdict, bool capture_complete)
{
    const mtls_handshake_summary *summary = &handshake->summary;
    const char *alert = handshake->fatal_alert ? handshake->fatal_alert->code.code : "";
    const char *alert_sender = mtls_side_name(handshake->fatal_alert_sender);
    switch (verdict) {
    case MTLS_VERDICT_OK:
        return g_strdup_printf("client certificate '%s' accepted: the handshake completed and the server answered "
                               "in %s in frame %u",
                               summary->client_subject ? summary->client_subject : "(unparsable)",
                               summary->answer_protocol ? summary->answer_protocol : "its protocol",
                               summary->answer_frame);
    case MTLS_VERDICT_ANSWER_UNSEEN:
        return describe_unseen_answer(handshake, capture_complete);
    case MTLS_VERDICT_REJECTED_BY_APPLICATION:
        return g_strdup_printf("the handshake completed, then the server answered %s%s%.0u in frame %u%s%s%s",
                               summary->answer_protocol ? summary->answer_protocol : "in its protocol",
                               summary->answer_status ? " " : "", summary->answer_status, summary->answer_frame,
                               summary->answer_title ? ". Its words: '" : "",
                               summary->answer_title ? summary->answer_title : "", summary->answer_title ? "'" : "");
    case MTLS_VERDICT_CLOSED_WITHOUT_ALERT:
        return g_strdup_printf("the server closed the connection in frame %u without an alert, after the client "
                               "certificate",
                               handshake->closed_refusal_frame);
    case MTLS_VERDICT_UNREADABLE:
        return g_strdup_printf("Wireshark could not dissect this handshake from frame %u: check for lost segments or "
                               "a snap length that cut frames. What the verdict rests on is not in the "
                               "capture as read; a message too large for the dissector's reassembly, or a dissector "
                               "bug Wireshark reports on a later frame, does this too",
                               handshake->unreadable_frame);
    case MTLS_VERDICT_REJECTED:
        return g_strdup_printf("the %s sent %s after the client certificate", alert_sender, alert);
    case MTLS_VERDICT_SERVER_REJECTED:
        return g_strdup_printf("the client refused the server's certificate with %s", alert);
    case MTLS_VERDICT_NO_CLIENT_CERTIFICATE:
        if (handshake->fatal_alert != NULL && handshake->accepted_frame == 0)
            return g_strdup_printf("no client certificate sent; the %s ended the handshake with %s", alert_sender,
                                   alert);
        if (handshake->closed_refusal_frame != 0)
            return g_strdup_printf("no client certificate sent; the server closed the connection in frame %u "
                                   "without an alert",
                                   handshake->closed_refusal_frame);
        return g_strdup("no client certificate sent; the server continued without one");
    case MTLS_VERDICT_NOT_REQUESTED:
        return g_strdup("the server did not send a CertificateRequest");
    case MTLS_VERDICT_FAILED:
        if (handshake->fatal_alert != NULL)
            return g_strdup_printf("the %s ended the handshake with %s before client authentication", alert_sender,
                                   alert);
        if (handshake->encrypted_alert_frame != 0)
            return g_strdup("an encrypted alert ended the handshake");
        return g_strdup_printf("the %s closed the connection in frame %u, without an alert, before the handshake's "
                               "outcome",
                               summary->closed_by == 'C' ? "client" : "server", summary->closed_frame);
    case MTLS_VERDICT_RESUMED:
        return g_strdup("session resumed without certificates");
    case MTLS_VERDICT_ENCRYPTED:
        return g_strdup("TLS 1.3 without keys: client authentication not visible");
    case MTLS_VERDICT_INCOMPLETE_CAPTURE:
        return g_strdup("the capture ends before the handshake's outcome");
    default:
        return g_strdup("handshake under way at this frame");
    }
}

const char *mtls_handshake_verdict_reason(mtls_handshake *handshake, bool capture_complete)
{
    char *reason =
        describe_verdict(handshake, mtls_handshake_verdict(handshake, capture_complete), capture_complete);
    GString *rendered = handshake->capture->rendered_verdict_reason;
    g_string_assign(rendered, reason);
    g_free(reason);
    return rendered->str;
}

const mtls_handshake_summary *mtls_handshake_get_summary(const mtls_handshake *handshake)
{
    return &handshake->summary;
}

size_t mtls_handshake_flow_step_count(const mtls_handshake *handshake)
{
    return mtls_flow_step_count(&handshake->flow);
}

mtls_flow_step mtls_handshake_flow_step(const mtls_handshake *handshake, size_t index)
{
    return mtls_flow_step_at(&handshake->flow, index);
}

const char *mtls_handshake_flow(mtls_handshake *handshake)
{
    return mtls_flow_line(&handshake->flow, handshake->capture->rendered_flow);
}

size_t mtls_handshake_finding_count(const mtls_handshake *handshake)
{
    return handshake->findings->len;
}

const mtls_finding *mtls_handshake_finding(const mtls_handshake *handshake, size_t index)
{
    return index < handshake->findings->len ? g_ptr_array_index(handshake->findings, index) : NULL;
}

const char *mtls_handshake_finding_message(const mtls_handshake *handshake, const mtls_finding *finding)
{
    if (finding->message != NULL || finding->compose == NULL)
        return finding->message;
    GString *rendered = handshake->capture->rendered_message;
    finding->compose(handshake, finding, rendered);
    return rendered->str;
}

bool mtls_handshake_reported_on(const mtls_handshake_summary *summary, uint32_t frame, bool capture_complete)
{
    if (summary->outcome_frame != 0)
        return summary->outcome_frame == frame;
    return capture_complete && summary->first_frame == frame;
}
