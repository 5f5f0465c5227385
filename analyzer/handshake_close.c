/* handshake_close.c - the end of the connection (a TCP FIN or RST) judged
 * from where the handshake stood when it came.
 *
 * Many stacks refuse a client without a TLS alert: Node.js with
 * rejectUnauthorized, wolfSSL and Mbed TLS for a missing certificate in TLS
 * 1.2, OpenLDAP's slapd always. What the capture then proves is where the
 * server hung up: after the client's certificate and before completing the
 * handshake it refused; right after the handshake, with no data of its own,
 * it refused or its application hung up, which the wire cannot tell apart.
 * Whatever was held for a later event (chain findings awaiting the outcome, a
 * CertificateVerify awaiting the server's answer, a page awaiting its body)
 * settles here.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "codes.h"
#include "findings.h"
#include "handshake_state.h"

/* A server that refuses after the handshake hangs up at once (Node.js,
 * slapd: milliseconds); one that closes an idle connection, later. */
#define REFUSAL_DELAY_NANOSECONDS 1000000000

/* Whether the server's close is where its refusal of the client was due. */
static bool refusal_due_at_close(const mtls_handshake *handshake, const mtls_packet *packet)
{
    if (handshake->fatal_alert != NULL || handshake->resumed_frame != 0 || handshake->encrypted_handshake ||
        handshake->encrypted_alert_frame != 0 || handshake->closing_alert_frame != 0 ||
        !handshake->summary.client_certificate_sent)
        return false;
    if (handshake->accepted_frame == 0 && !(handshake->tls13 && handshake->client_finished_frame != 0))
        return true;
    return handshake->server_data_frame == 0 && handshake->summary.answer_frame == 0 &&
           mtls_packet_nanoseconds(packet) - handshake->last_message_nanoseconds <= REFUSAL_DELAY_NANOSECONDS;
}

static const char *close_name(const mtls_event *event)
{
    return event->u.connection_closed.reset ? "RST" : "FIN";
}

static void explain_refusal_before_completion(GString *text, const mtls_handshake *handshake)
{
    const mtls_handshake_summary *summary = &handshake->summary;
    if (summary->client_chain_length == 0) {
        g_string_append(text, " It requires a client certificate: configure the client to send one");
        if (summary->ca_name_count > 0)
            g_string_append_printf(text, ", issued by a CA the server lists ('%s'%s)", summary->ca_names[0],
                                   summary->ca_name_count > 1 ? " and others" : "");
        g_string_append(text, ". wolfSSL, Mbed TLS and OpenLDAP's slapd refuse a missing certificate this way.");
        return;
    }
    g_string_append(text, " Node.js (rejectUnauthorized), wolfSSL, Mbed TLS and OpenLDAP's slapd refuse a "
                          "certificate this way; the reason is only in the server's log.");
}

static void report_closed_without_alert(mtls_handshake *handshake, const mtls_packet *packet,
                                        const mtls_event *event)
{
    const mtls_handshake_summary *summary = &handshake->summary;
    GString *text = g_string_new(NULL);
    const char *sent = summary->client_chain_length == 0 ? "empty Certificate" : "certificate";
    if (handshake->accepted_frame == 0 && !(handshake->tls13 && handshake->client_finished_frame != 0)) {
        g_string_append_printf(text, "%s It closed the connection (%s in frame %u) after the client's %s (frame %u), "
                                     "without a TLS alert and without completing the handshake: it refused the "
                                     "client.",
                               summary->client_chain_length == 0
                                   ? "The server hung up on the client's empty Certificate, refusing it: configure "
                                     "the client to send a certificate."
                                   : "The server hung up on the client's certificate, refusing it without an alert: "
                                     "its log names the reason.",
                               close_name(event), packet->frame, sent, summary->client_certificate_frame);
        explain_refusal_before_completion(text, handshake);
    } else {
        const uint32_t completion = handshake->accepted_frame ? handshake->accepted_frame
                                                              : handshake->client_finished_frame;
        g_string_append_printf(text, "The server hung up right after the handshake, without an alert or data: its "
                                     "log says whether it refused the client. It closed the connection (%s in frame "
                                     "%u) right after the handshake (frame %u), without a TLS alert and without "
                                     "sending any data, after the client's %s (frame %u). Either the server refused "
                                     "the client after the "
                                     "handshake (Node.js with rejectUnauthorized and OpenLDAP's slapd do this) or "
                                     "its application hung up: the capture cannot tell them apart, the server's "
                                     "log can.",
                               close_name(event), packet->frame, completion, sent, summary->client_certificate_frame);
    }
    if (summary->client_chain_length > 0 && !mtls_append_client_chain_findings(text, handshake))
        g_string_append(text, " The chain as sent shows no cause the capture can prove.");
    mtls_findings_add(handshake->findings, MTLS_CODE_CLOSED_WITHOUT_ALERT, packet->frame,
                      (mtls_evidence){{summary->client_certificate_frame}}, "%s", text->str);
    g_string_free(text, TRUE);
}

void mtls_handshake_on_connection_closed(mtls_handshake *handshake, const mtls_packet *packet, const mtls_event *event,
                                         mtls_side side)
{
    mtls_handshake_summary *summary = &handshake->summary;
    const bool reset = event->u.connection_closed.reset;
    if (side == MTLS_SIDE_CLIENT) {
        if (handshake->client_closed_frame == 0)
            handshake->client_closed_frame = packet->frame;
    } else if (side == MTLS_SIDE_SERVER) {
        if (handshake->server_closed_frame != 0)
            return;
        handshake->server_closed_frame = packet->frame;
    } else {
        return;
    }
    if (summary->closed_frame == 0) {
        summary->closed_frame = packet->frame;
        summary->closed_by = side == MTLS_SIDE_CLIENT ? 'C' : 'S';
    }
    /* A client's FIN only half-closes: the server may still answer. */
    if (side == MTLS_SIDE_CLIENT && !reset)
        return;
    const bool answer_settled_now = mtls_handshake_answer_at_close(handshake);
    const bool refusal = side == MTLS_SIDE_SERVER && handshake->client_closed_frame == 0 &&
                         !mtls_handshake_answer_refuses(handshake) && refusal_due_at_close(handshake, packet);
    if (refusal)
        handshake->closed_refusal_frame = packet->frame;
    /* The chain findings settle first: a refusal cites them as its likely reason. */
    const bool accepted = mtls_handshake_completed(handshake) && !refusal && !mtls_handshake_answer_refuses(handshake);
    mtls_handshake_settle_held_chain_findings(handshake, packet, accepted);
    if (answer_settled_now)
        mtls_handshake_report_answer_refusal(handshake, packet);
    if (refusal)
        report_closed_without_alert(handshake, packet, event);
    mtls_handshake_settle_certificate_verify(handshake, packet);
}

/* A capture that ends with nothing more from the server settles what was held
 * as the close would, minus the refusal: no close is in the capture. The
 * findings go on the frame that shows the handshake's summary. One pass
 * cannot know where the capture ends, so only a second reading shows them. */
void mtls_handshake_capture_ended(mtls_handshake *handshake)
{
    if (handshake->capture_end_settled)
        return;
    handshake->capture_end_settled = true;
    const mtls_handshake_summary *summary = &handshake->summary;
    const mtls_packet at_summary = {
        .frame = summary->outcome_frame != 0 ? summary->outcome_frame : summary->first_frame,
    };
    const bool answer_settled_now = mtls_handshake_answer_at_close(handshake);
    if (!mtls_handshake_completed(handshake))
        mtls_handshake_settle_chain_signatures(handshake, &at_summary, handshake->accepted_frame != 0);
    /* An unsent intermediate is judged against the outcome; with none, the
     * verdict (incomplete capture) already says all the capture proves. */
    if (mtls_handshake_completed(handshake))
        mtls_handshake_settle_held_chain_findings(handshake, &at_summary, !mtls_handshake_answer_refuses(handshake));
    if (answer_settled_now)
        mtls_handshake_report_answer_refusal(handshake, &at_summary);
    mtls_handshake_settle_certificate_verify(handshake, &at_summary);
}
