/* answer_reader.c - application answers to analyzer events.
 *
 * Each protocol is a few rows of one table: the field that starts a message
 * and those that carry its type, code, words and body. Fields arrive in tree
 * order, which is the order the dissector added them, so a message's fields
 * follow the field that starts it. Numbers are passed on as text, as the
 * HTTP status is (its raw bytes, so that "4030" or "0403" stay invalid).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define WS_BUILD_DLL
#define WS_LOG_DOMAIN "mtls"
#include <wireshark.h>

#include "answer_reader.h"

#include <epan/proto.h>
#include <epan/tvbuff.h>
#include <string.h>

#include "ws_compat.h"

/* nginx's error pages put their title in the first hundred bytes. */
#define BODY_BYTES_READ 512
/* Longer than any valid code: enough to see that "4030" is not one. */
#define RAW_CODE_BYTES 8

typedef enum {
    ROLE_START,       /* begins a message; also its type */
    ROLE_START_CODE,  /* begins a message; also its code (SMTP) */
    ROLE_START_VERSION, /* begins an HTTP/1 response: the status line's version */
    ROLE_STREAM,      /* HTTP/2: begins a frame, the stream it belongs to */
    ROLE_CODE,
    ROLE_RAW_CODE,    /* a code read from its bytes on the wire */
    ROLE_SEVERITY,
    ROLE_TEXT,
    ROLE_BODY
} field_role;

/* A name can have several registrations (ldap.protocolOp has two); all count. */
#define MAX_REGISTRATIONS 4

typedef struct {
    mtls_application protocol;
    field_role role;
    const char *name;
    int ids[MAX_REGISTRATIONS];
    bool optional; /* registered by some Wireshark versions only: its absence is no loss */
} answer_field;

static answer_field answer_fields[] = {
    {MTLS_APPLICATION_HTTP1, ROLE_START_VERSION, "http.response.version", {0}, false},
    {MTLS_APPLICATION_HTTP1, ROLE_RAW_CODE, "http.response.code", {0}, false},
    {MTLS_APPLICATION_HTTP1, ROLE_BODY, "http.file_data", {0}, false},
    {MTLS_APPLICATION_HTTP2, ROLE_STREAM, "http2.streamid", {0}, false},
    {MTLS_APPLICATION_HTTP2, ROLE_RAW_CODE, "http2.headers.status", {0}, false},
    {MTLS_APPLICATION_HTTP2, ROLE_BODY, "http2.data.data", {0}, false},
    {MTLS_APPLICATION_POSTGRESQL, ROLE_START, "pgsql.type", {0}, false},
    {MTLS_APPLICATION_POSTGRESQL, ROLE_SEVERITY, "pgsql.severity", {0}, false},
    {MTLS_APPLICATION_POSTGRESQL, ROLE_CODE, "pgsql.code", {0}, false},
    {MTLS_APPLICATION_POSTGRESQL, ROLE_CODE, "pgsql.authtype", {0}, false},
    {MTLS_APPLICATION_POSTGRESQL, ROLE_TEXT, "pgsql.message", {0}, false},
    {MTLS_APPLICATION_MYSQL, ROLE_START, "mysql.response_code", {0}, false},
    {MTLS_APPLICATION_MYSQL, ROLE_CODE, "mysql.error_code", {0}, false},
    {MTLS_APPLICATION_MYSQL, ROLE_TEXT, "mysql.error.message", {0}, false},
    {MTLS_APPLICATION_MQTT, ROLE_START, "mqtt.msgtype", {0}, false},
    {MTLS_APPLICATION_MQTT, ROLE_CODE, "mqtt.conack.val", {0}, false},
    {MTLS_APPLICATION_SMTP, ROLE_START_CODE, "smtp.response.code", {0}, false},
    {MTLS_APPLICATION_SMTP, ROLE_TEXT, "smtp.rsp.parameter", {0}, false},
    {MTLS_APPLICATION_LDAP, ROLE_START, "ldap.protocolOp", {0}, false},
    {MTLS_APPLICATION_LDAP, ROLE_CODE, "ldap.resultCode", {0}, false},
    /* Wireshark 4.4 and later name the bind and extended results apart. */
    {MTLS_APPLICATION_LDAP, ROLE_CODE, "ldap.bindResponse_resultCode", {0}, true},
    {MTLS_APPLICATION_LDAP, ROLE_CODE, "ldap.extendedResponse_resultCode", {0}, true},
    {MTLS_APPLICATION_LDAP, ROLE_TEXT, "ldap.errorMessage", {0}, false},
};

void answer_reader_init(GArray *wanted)
{
    for (size_t i = 0; i < G_N_ELEMENTS(answer_fields); i++) {
        answer_field *field = &answer_fields[i];
        int id = proto_registrar_get_id_byname(field->name);
        if (id <= 0) {
            /* A Wireshark built without nghttp2 has no HTTP/2 header fields.
             * Its answers then stay unseen, which the verdict says, and the
             * user is told why (mtls-report passes it on). */
            if (!field->optional)
                ws_warning("mTLS analyzer: field %s is not registered in this Wireshark; answers it carries will "
                           "not be read", field->name);
            continue;
        }
        for (int n = 0; id > 0 && n < MAX_REGISTRATIONS; n++) {
            field->ids[n] = id;
            g_array_append_val(wanted, id);
            id = proto_registrar_get_nth(id)->same_name_prev_id;
        }
    }
}

static const answer_field *field_of(int id)
{
    for (size_t i = 0; i < G_N_ELEMENTS(answer_fields); i++) {
        for (int n = 0; n < MAX_REGISTRATIONS && answer_fields[i].ids[n] > 0; n++) {
            if (answer_fields[i].ids[n] == id)
                return &answer_fields[i];
        }
    }
    return NULL;
}

bool answer_reader_wants(int id)
{
    return id > 0 && field_of(id) != NULL;
}

void answer_reader_start(answer_gathering *gathering, frame_event_sink sink, void *user_data)
{
    *gathering = (answer_gathering){.sink = sink, .user_data = user_data};
}

static mtls_blob body_start(const field_info *fi)
{
    mtls_blob body = {NULL, 0};
    if (fi->ds_tvb == NULL || fi->length <= 0)
        return body;
    int available = tvb_captured_length_remaining(fi->ds_tvb, fi->start);
    int length = MIN(MIN(fi->length, available), BODY_BYTES_READ);
    if (length <= 0)
        return body;
    body.data = tvb_get_ptr(fi->ds_tvb, fi->start, length);
    body.length = (size_t)length;
    return body;
}

/* A field's value as text: strings as they are, numbers in decimal. */
static const char *value_text(field_info *fi, char *buffer, size_t size)
{
    switch (fi->hfinfo->type) {
    case FT_UINT8:
    case FT_UINT16:
    case FT_UINT24:
    case FT_UINT32:
        snprintf(buffer, size, "%u", fvalue_get_uinteger(MTLS_FI_VALUE(fi)));
        return buffer;
    case FT_STRING:
    case FT_STRINGZ:
        return fvalue_get_string(MTLS_FI_VALUE(fi));
    default:
        return NULL;
    }
}

/* The code's token as the wire has it: the item's bytes up to a space or
 * the end of the line, so that a status of four digits is seen as such. */
static const char *raw_code(field_info *fi, char *buffer, size_t size)
{
    if (fi->ds_tvb == NULL || fi->length <= 0)
        return value_text(fi, buffer, size);
    int available = tvb_captured_length_remaining(fi->ds_tvb, fi->start);
    int length = MIN(available, RAW_CODE_BYTES);
    if (length <= 0)
        return value_text(fi, buffer, size);
    const uint8_t *bytes = tvb_get_ptr(fi->ds_tvb, fi->start, length);
    size_t used = 0;
    for (int i = 0; i < length && used + 1 < size; i++) {
        uint8_t byte = bytes[i];
        if (byte == ' ' || byte == '\r' || byte == '\n' || byte == '\t')
            break;
        buffer[used++] = (char)byte;
    }
    buffer[used] = '\0';
    return buffer;
}

/* Only a message that says something is passed on: an HTTP/2 SETTINGS
 * frame or a request opens one and carries nothing. */
static void pass_on(answer_gathering *gathering)
{
    const mtls_event *event = &gathering->event;
    if (gathering->open && (event->u.application_answer.code != NULL ||
                            event->u.application_answer.message_type != NULL ||
                            event->u.application_answer.body.length > 0))
        gathering->sink(event, gathering->user_data);
    gathering->open = false;
}

static void open_answer(answer_gathering *gathering, mtls_application protocol)
{
    pass_on(gathering);
    gathering->open = true;
    gathering->event = (mtls_event){.kind = MTLS_EVENT_APPLICATION_ANSWER};
    gathering->event.u.application_answer.protocol = protocol;
}

void answer_reader_take_field(answer_gathering *gathering, field_info *fi)
{
    const answer_field *field = field_of(fi->hfinfo->id);
    if (field == NULL)
        return;
    mtls_event *event = &gathering->event;
    switch (field->role) {
    case ROLE_START:
        open_answer(gathering, field->protocol);
        event->u.application_answer.message_type =
            value_text(fi, gathering->message_type, sizeof gathering->message_type);
        return;
    case ROLE_START_CODE:
        open_answer(gathering, field->protocol);
        event->u.application_answer.code = value_text(fi, gathering->code, sizeof gathering->code);
        return;
    case ROLE_START_VERSION:
        open_answer(gathering, field->protocol);
        event->u.application_answer.version = value_text(fi, gathering->message_type, sizeof gathering->message_type);
        return;
    case ROLE_STREAM:
        open_answer(gathering, field->protocol);
        event->u.application_answer.stream_id = fvalue_get_uinteger(MTLS_FI_VALUE(fi));
        return;
    default:
        break;
    }
    /* A field whose message did not start in this frame's tree belongs to none. */
    if (!gathering->open || event->u.application_answer.protocol != field->protocol)
        return;
    switch (field->role) {
    case ROLE_CODE:
        event->u.application_answer.code = value_text(fi, gathering->code, sizeof gathering->code);
        break;
    case ROLE_RAW_CODE:
        event->u.application_answer.code = raw_code(fi, gathering->code, sizeof gathering->code);
        break;
    case ROLE_SEVERITY:
        event->u.application_answer.severity = value_text(fi, NULL, 0);
        break;
    case ROLE_TEXT:
        if (event->u.application_answer.text == NULL)
            event->u.application_answer.text = value_text(fi, NULL, 0);
        break;
    case ROLE_BODY:
        if (event->u.application_answer.body.length == 0)
            event->u.application_answer.body = body_start(fi);
        break;
    default:
        break;
    }
}

void answer_reader_finish(answer_gathering *gathering)
{
    pass_on(gathering);
}
