/* flow.c - the handshake at a glance.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "flow.h"

#include <string.h>

#include "alerts.h"

/* Enough for any handshake, renegotiation and post-handshake request
 * included; a flow that goes on (a long connection) says it was cut. */
#define MAX_STEPS 40
#define APPLICATION_DATA "Application Data"

/* Enough for a full TLS 1.2 mutual handshake without growing the array. */
#define USUAL_STEPS 16

void mtls_flow_init(mtls_flow *flow, GStringChunk *texts)
{
    *flow = (mtls_flow){.steps = g_array_sized_new(FALSE, FALSE, sizeof(mtls_flow_step), USUAL_STEPS),
                        .texts = texts};
}

void mtls_flow_clear(mtls_flow *flow)
{
    if (flow->steps == NULL)
        return;
    g_array_free(flow->steps, TRUE);
    *flow = (mtls_flow){0};
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

const char *mtls_event_name(mtls_event_kind kind)
{
    switch (kind) {
    case MTLS_EVENT_CLIENT_HELLO: return "ClientHello";
    case MTLS_EVENT_SERVER_HELLO: return "ServerHello";
    case MTLS_EVENT_CERTIFICATE_REQUEST: return "CertificateRequest";
    case MTLS_EVENT_CERTIFICATE: return "Certificate";
    case MTLS_EVENT_COMPRESSED_CERTIFICATE: return "CompressedCertificate";
    case MTLS_EVENT_SERVER_HELLO_DONE: return "ServerHelloDone";
    case MTLS_EVENT_CERTIFICATE_VERIFY: return "CertificateVerify";
    case MTLS_EVENT_FINISHED: return "Finished";
    case MTLS_EVENT_NEW_SESSION_TICKET: return "NewSessionTicket";
    case MTLS_EVENT_CHANGE_CIPHER_SPEC: return "ChangeCipherSpec";
    case MTLS_EVENT_ALERT: return "Alert";
    case MTLS_EVENT_APPLICATION_DATA: return APPLICATION_DATA;
    case MTLS_EVENT_ENCRYPTED_HANDSHAKE: return "encrypted handshake message";
    case MTLS_EVENT_OTHER_HANDSHAKE_MESSAGE: return "handshake message";
    case MTLS_EVENT_CAPTURE_GAP: return "(gap in the capture)";
    case MTLS_EVENT_APPLICATION_ANSWER: return "application answer";
    case MTLS_EVENT_CONNECTION_CLOSED: return "connection closed";
    case MTLS_EVENT_UNREAD_DATA: return "unread data";
    }
    return "event";
}

/* "HTTP 403", "PostgreSQL FATAL 28000", "MQTT 5": an answer with a code; NULL for the rest. */
static const char *answer_step_text(const mtls_event *event, char *buffer, size_t size)
{
    const mtls_application protocol = event->u.application_answer.protocol;
    const char *code = event->u.application_answer.code;
    if (code == NULL)
        return NULL;
    const bool http = protocol == MTLS_APPLICATION_HTTP1 || protocol == MTLS_APPLICATION_HTTP2;
    const char *severity = event->u.application_answer.severity;
    if (protocol == MTLS_APPLICATION_POSTGRESQL && severity == NULL)
        return NULL;
    g_snprintf(buffer, size, "%s %s%s%s", http ? "HTTP" : mtls_application_name(protocol), severity ? severity : "",
               severity ? " " : "", code);
    return buffer;
}

/* The step's text: the event's name, or what it carries written into `buffer`. */
static const char *step_text(const mtls_event *event, char *buffer, size_t size)
{
    switch (event->kind) {
    case MTLS_EVENT_CERTIFICATE_REQUEST:
        if (event->u.certificate_request.ca_name_count == 0)
            return "CertificateRequest(no CA names)";
        g_snprintf(buffer, size, "CertificateRequest(%zu CA)", event->u.certificate_request.ca_name_count);
        return buffer;
    case MTLS_EVENT_CERTIFICATE:
        if (event->u.certificate.certificate_count == 0)
            return "Certificate(empty)";
        g_snprintf(buffer, size, "Certificate(%zu)", event->u.certificate.certificate_count);
        return buffer;
    case MTLS_EVENT_OTHER_HANDSHAKE_MESSAGE: return other_message_name(&event->message);
    case MTLS_EVENT_APPLICATION_ANSWER: return answer_step_text(event, buffer, size);
    case MTLS_EVENT_CONNECTION_CLOSED: return event->u.connection_closed.reset ? "RST" : "FIN";
    case MTLS_EVENT_UNREAD_DATA: return NULL;
    case MTLS_EVENT_ALERT: {
        if (event->u.alert.description == MTLS_ALERT_ENCRYPTED)
            return "encrypted Alert";
        const char *name = mtls_alert_name(event->u.alert.description);
        g_snprintf(buffer, size, "Alert %s%s%s", event->u.alert.level == 1 ? "warning " : "",
                   name ? name : "unassigned ", name ? "" : "description");
        return buffer;
    }
    default: return mtls_event_name(event->kind);
    }
}

static bool seen(const mtls_flow *flow, char side, const char *text)
{
    for (unsigned i = 0; i < flow->steps->len; i++) {
        const mtls_flow_step *step = &g_array_index(flow->steps, mtls_flow_step, i);
        if (step->side == side && g_strcmp0(step->step, text) == 0)
            return true;
    }
    return false;
}

void mtls_flow_add(mtls_flow *flow, uint32_t frame, char side, const mtls_event *event)
{
    /* Decided before any text is made: a long connection's records cost nothing. */
    if (flow->steps == NULL || flow->cut ||
        (event->kind == MTLS_EVENT_APPLICATION_DATA && seen(flow, side, APPLICATION_DATA)))
        return;
    char buffer[64];
    const char *text = step_text(event, buffer, sizeof buffer);
    if (text == NULL)
        return;
    const mtls_flow_step *last =
        flow->steps->len ? &g_array_index(flow->steps, mtls_flow_step, flow->steps->len - 1) : NULL;
    if (last != NULL && last->side == side && strcmp(last->step, text) == 0)
        return;
    if (flow->steps->len >= MAX_STEPS) {
        flow->cut = true;
        return;
    }
    mtls_flow_step step = {frame, side, g_string_chunk_insert_const(flow->texts, text)};
    g_array_append_val(flow->steps, step);
}

/* Rendered when read: most frames' trees do not show it. */
const char *mtls_flow_line(const mtls_flow *flow, GString *line)
{
    if (flow->steps == NULL || flow->steps->len == 0)
        return NULL;
    g_string_truncate(line, 0);
    for (unsigned i = 0; i < flow->steps->len; i++) {
        const mtls_flow_step *step = &g_array_index(flow->steps, mtls_flow_step, i);
        if (i > 0 && g_array_index(flow->steps, mtls_flow_step, i - 1).side == step->side) {
            g_string_append(line, ", ");
        } else {
            if (i > 0)
                g_string_append(line, " \xc2\xb7 ");
            g_string_append_c(line, step->side);
            g_string_append(line, ": ");
        }
        g_string_append(line, step->step);
    }
    if (flow->cut)
        g_string_append(line, " \xc2\xb7 ...");
    return line->str;
}
