/* flow.c - the handshake at a glance.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "flow.h"

#include "alerts.h"

/* Enough for any handshake, renegotiation and post-handshake request
 * included; a flow that goes on (a long connection) says it was cut. */
#define MAX_STEPS 40
#define APPLICATION_DATA "Application Data"

void mtls_flow_init(mtls_flow *flow)
{
    flow->steps = g_array_new(FALSE, FALSE, sizeof(mtls_flow_step));
    flow->line = NULL;
    flow->cut = false;
}

void mtls_flow_clear(mtls_flow *flow)
{
    if (flow->steps == NULL)
        return;
    for (guint i = 0; i < flow->steps->len; i++)
        g_free((char *)g_array_index(flow->steps, mtls_flow_step, i).step);
    g_array_free(flow->steps, TRUE);
    flow->steps = NULL;
    if (flow->line != NULL)
        g_string_free(flow->line, TRUE);
    flow->line = NULL;
}

static const char *other_message_name(const mtls_blob *message)
{
    if (message->length == 0)
        return "handshake message";
    switch (message->data[0]) {
    case 0: return "HelloRequest";
    case 5: return "EndOfEarlyData";
    case 8: return "EncryptedExtensions";
    case 12: return "ServerKeyExchange";
    case 16: return "ClientKeyExchange";
    case 22: return "CertificateStatus";
    case 24: return "KeyUpdate";
    default: return "handshake message";
    }
}

static char *step_text(const mtls_event *event)
{
    switch (event->kind) {
    case MTLS_EVENT_CLIENT_HELLO: return g_strdup("ClientHello");
    case MTLS_EVENT_SERVER_HELLO: return g_strdup("ServerHello");
    case MTLS_EVENT_CERTIFICATE_REQUEST:
        if (event->u.certificate_request.ca_name_count == 0)
            return g_strdup("CertificateRequest(no CA names)");
        return g_strdup_printf("CertificateRequest(%zu CA)", event->u.certificate_request.ca_name_count);
    case MTLS_EVENT_CERTIFICATE:
        if (event->u.certificate.certificate_count == 0)
            return g_strdup("Certificate(empty)");
        return g_strdup_printf("Certificate(%zu)", event->u.certificate.certificate_count);
    case MTLS_EVENT_COMPRESSED_CERTIFICATE: return g_strdup("CompressedCertificate");
    case MTLS_EVENT_SERVER_HELLO_DONE: return g_strdup("ServerHelloDone");
    case MTLS_EVENT_CERTIFICATE_VERIFY: return g_strdup("CertificateVerify");
    case MTLS_EVENT_FINISHED: return g_strdup("Finished");
    case MTLS_EVENT_NEW_SESSION_TICKET: return g_strdup("NewSessionTicket");
    case MTLS_EVENT_CHANGE_CIPHER_SPEC: return g_strdup("ChangeCipherSpec");
    case MTLS_EVENT_APPLICATION_DATA: return g_strdup(APPLICATION_DATA);
    case MTLS_EVENT_ENCRYPTED_HANDSHAKE: return g_strdup("encrypted handshake message");
    case MTLS_EVENT_OTHER_HANDSHAKE_MESSAGE: return g_strdup(other_message_name(&event->message));
    case MTLS_EVENT_CAPTURE_GAP: return g_strdup("(gap in the capture)");
    case MTLS_EVENT_HTTP_RESPONSE:
        return event->u.http_response.status ? g_strdup_printf("HTTP %u", event->u.http_response.status) : NULL;
    case MTLS_EVENT_ALERT: {
        if (event->u.alert.description == MTLS_ALERT_ENCRYPTED)
            return g_strdup("encrypted Alert");
        const char *name = mtls_alert_name(event->u.alert.description);
        return g_strdup_printf("Alert %s%s%s", event->u.alert.level == 1 ? "warning " : "",
                               name ? name : "unassigned ", name ? "" : "description");
    }
    }
    return NULL;
}

static bool seen(const mtls_flow *flow, char side, const char *text)
{
    for (guint i = 0; i < flow->steps->len; i++) {
        const mtls_flow_step *step = &g_array_index(flow->steps, mtls_flow_step, i);
        if (step->side == side && g_strcmp0(step->step, text) == 0)
            return true;
    }
    return false;
}

void mtls_flow_add(mtls_flow *flow, uint32_t frame, char side, const mtls_event *event)
{
    /* Decided before any text is made: a long connection's records cost no allocation. */
    if (flow->steps == NULL || flow->cut ||
        (event->kind == MTLS_EVENT_APPLICATION_DATA && seen(flow, side, APPLICATION_DATA)))
        return;
    char *text = step_text(event);
    if (text == NULL)
        return;
    const mtls_flow_step *last =
        flow->steps->len ? &g_array_index(flow->steps, mtls_flow_step, flow->steps->len - 1) : NULL;
    if (last != NULL && last->side == side && g_strcmp0(last->step, text) == 0) {
        g_free(text);
        return;
    }
    /* The line grows with the flow: rendering it once per frame, as each
     * frame's tree shows it, would cost the square of the handshake's length. */
    if (flow->line == NULL)
        flow->line = g_string_new(NULL);
    if (flow->steps->len >= MAX_STEPS) {
        flow->cut = true;
        g_free(text);
        g_string_append(flow->line, " \xc2\xb7 ...");
        return;
    }
    if (last == NULL)
        g_string_append_printf(flow->line, "%c: %s", side, text);
    else if (last->side != side)
        g_string_append_printf(flow->line, " \xc2\xb7 %c: %s", side, text);
    else
        g_string_append_printf(flow->line, ", %s", text);
    mtls_flow_step step = {frame, side, text};
    g_array_append_val(flow->steps, step);
}

const char *mtls_flow_line(const mtls_flow *flow)
{
    if (flow->steps == NULL || flow->steps->len == 0 || flow->line == NULL)
        return NULL;
    return flow->line->str;
}
