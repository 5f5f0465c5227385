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

/* Enough for most handshakes without growing the array. */
#define USUAL_STEPS 16
#define STEPS_GROWTH 4

typedef struct mtls_packed_step {
    uint32_t frame;
    uint32_t text : 24; /* its number in mtls_flow_texts */
    uint32_t side : 8;
} packed_step;

#define MAX_TEXTS (1u << 24)

void mtls_flow_texts_init(mtls_flow_texts *texts, GStringChunk *chunk)
{
    *texts = (mtls_flow_texts){
        .chunk = chunk, .numbers = g_hash_table_new(g_str_hash, g_str_equal), .texts = g_ptr_array_new()};
}

void mtls_flow_texts_clear(mtls_flow_texts *texts)
{
    g_clear_pointer(&texts->numbers, g_hash_table_destroy);
    if (texts->texts != NULL)
        g_ptr_array_free(texts->texts, TRUE);
    texts->texts = NULL;
}

static bool number_by_text(mtls_flow_texts *texts, const char *text, uint32_t *number)
{
    gpointer known = g_hash_table_lookup(texts->numbers, text);
    if (known != NULL) {
        *number = GPOINTER_TO_UINT(known) - 1;
        return true;
    }
    if (texts->texts->len >= MAX_TEXTS)
        return false;
    const char *stored = g_string_chunk_insert_const(texts->chunk, text);
    *number = texts->texts->len;
    g_ptr_array_add(texts->texts, (gpointer)stored);
    g_hash_table_insert(texts->numbers, (gpointer)stored, GUINT_TO_POINTER(*number + 1));
    return true;
}

/* The number of `text`, given one on its first use; false when the table
 * is full. A `constant` text is a string literal: its address names it. */
static bool number_of(mtls_flow_texts *texts, const char *text, bool constant, uint32_t *number)
{
    const size_t slot = ((uintptr_t)text >> 3) % MTLS_FLOW_CONSTANT_SLOTS;
    if (constant && texts->constant_texts[slot] == text) {
        *number = texts->constant_numbers[slot];
        return true;
    }
    if (!number_by_text(texts, text, number))
        return false;
    if (constant) {
        texts->constant_texts[slot] = text;
        texts->constant_numbers[slot] = *number;
    }
    return true;
}

void mtls_flow_init(mtls_flow *flow, mtls_flow_texts *texts)
{
    *flow = (mtls_flow){.texts = texts};
}

size_t mtls_flow_step_count(const mtls_flow *flow)
{
    return flow->count;
}

static const char *text_of(const mtls_flow *flow, const packed_step *step)
{
    return g_ptr_array_index(flow->texts->texts, step->text);
}

mtls_flow_step mtls_flow_step_at(const mtls_flow *flow, size_t index)
{
    if (index >= mtls_flow_step_count(flow))
        return (mtls_flow_step){0, 0, NULL};
    const packed_step *step = &flow->steps[index];
    return (mtls_flow_step){step->frame, (char)step->side, text_of(flow, step)};
}

void mtls_flow_clear(mtls_flow *flow)
{
    g_free(flow->steps);
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

/* `parts` one after the other in `buffer`, cut to fit: a step's text is
 * made for every handshake record, so without a printf. */
static const char *joined(char *buffer, size_t size, const char *const *parts, size_t count)
{
    size_t used = 0;
    for (size_t i = 0; i < count && parts[i] != NULL; i++) {
        const size_t length = MIN(strlen(parts[i]), size - 1 - used);
        memcpy(buffer + used, parts[i], length);
        used += length;
    }
    buffer[used] = '\0';
    return buffer;
}

/* Enough for any size_t in decimal, and its end. */
#define DECIMAL_DIGITS 21

/* `count` in decimal, at the end of `digits`. */
static const char *decimal(char digits[DECIMAL_DIGITS], size_t count)
{
    char *end = digits + DECIMAL_DIGITS - 1;
    *end = '\0';
    do {
        *--end = (char)('0' + count % 10);
        count /= 10;
    } while (count > 0);
    return end;
}

/* The step's text: the event's name, or what it carries written into
 * `buffer`. A text not in `buffer` is a string literal: number_of names it
 * by its address. */
static const char *step_text(const mtls_event *event, char *buffer, size_t size)
{
    char digits[DECIMAL_DIGITS];
    switch (event->kind) {
    case MTLS_EVENT_CERTIFICATE_REQUEST:
        if (event->u.certificate_request.ca_name_count == 0)
            return "CertificateRequest(no CA names)";
        return joined(buffer, size,
                      (const char *[]){"CertificateRequest(",
                                       decimal(digits, event->u.certificate_request.ca_name_count), " CA)"},
                      3);
    case MTLS_EVENT_CERTIFICATE:
        if (event->u.certificate.certificate_count == 0)
            return "Certificate(empty)";
        return joined(buffer, size,
                      (const char *[]){"Certificate(", decimal(digits, event->u.certificate.certificate_count), ")"},
                      3);
    case MTLS_EVENT_OTHER_HANDSHAKE_MESSAGE: return other_message_name(&event->message);
    case MTLS_EVENT_APPLICATION_ANSWER: return answer_step_text(event, buffer, size);
    case MTLS_EVENT_CONNECTION_CLOSED: return event->u.connection_closed.reset ? "RST" : "FIN";
    case MTLS_EVENT_UNREAD_DATA: return NULL;
    case MTLS_EVENT_ALERT: {
        if (event->u.alert.description == MTLS_ALERT_ENCRYPTED)
            return "encrypted Alert";
        const char *name = mtls_alert_name(event->u.alert.description);
        return joined(buffer, size,
                      (const char *[]){"Alert ", event->u.alert.level == 1 ? "warning " : "",
                                       name ? name : "unassigned description"},
                      3);
    }
    default: return mtls_event_name(event->kind);
    }
}

static bool seen(const mtls_flow *flow, char side, const char *text)
{
    for (unsigned i = 0; i < flow->count; i++) {
        const packed_step *step = &flow->steps[i];
        if (step->side == (uint8_t)side && strcmp(text_of(flow, step), text) == 0)
            return true;
    }
    return false;
}

void mtls_flow_add(mtls_flow *flow, uint32_t frame, char side, const mtls_event *event)
{
    /* Decided before any text is made: a long connection's records cost nothing. */
    if (flow->texts == NULL || flow->cut ||
        (event->kind == MTLS_EVENT_APPLICATION_DATA && seen(flow, side, APPLICATION_DATA)))
        return;
    char buffer[64];
    const char *text = step_text(event, buffer, sizeof buffer);
    if (text == NULL)
        return;
    const packed_step *last = flow->count ? &flow->steps[flow->count - 1] : NULL;
    if (last != NULL && last->side == (uint8_t)side && strcmp(text_of(flow, last), text) == 0)
        return;
    uint32_t number;
    if (flow->count >= MAX_STEPS || !number_of(flow->texts, text, text != buffer, &number)) {
        flow->cut = true;
        return;
    }
    /* Grown a little at a time: every handshake keeps its array. */
    if (flow->count == flow->capacity) {
        flow->capacity = flow->capacity ? MIN(flow->capacity + STEPS_GROWTH, MAX_STEPS) : USUAL_STEPS;
        flow->steps = g_renew(packed_step, flow->steps, flow->capacity);
    }
    flow->steps[flow->count++] = (packed_step){.frame = frame, .text = number, .side = (uint8_t)side};
}

/* Rendered when read: most frames' trees do not show it. */
const char *mtls_flow_line(const mtls_flow *flow, GString *line)
{
    if (flow->count == 0)
        return NULL;
    g_string_truncate(line, 0);
    for (unsigned i = 0; i < flow->count; i++) {
        const packed_step *step = &flow->steps[i];
        if (i > 0 && flow->steps[i - 1].side == step->side) {
            g_string_append(line, ", ");
        } else {
            if (i > 0)
                g_string_append(line, " \xc2\xb7 ");
            g_string_append_c(line, (char)step->side);
            g_string_append(line, ": ");
        }
        g_string_append(line, text_of(flow, step));
    }
    if (flow->cut)
        g_string_append(line, " \xc2\xb7 ...");
    return line->str;
}
